"""Contact persons and a member's own profile: the "Instellingen" questions of seed 000.

settings.contacts_edit: ask the provider to change a contact person's details; settings.contacts_add (the manager
alone): ask it to add one. The provider's dossier stays the source: the request goes through the outbox as a FHIR
Task (an Ons report) and shows as sent, then received. settings.profile: change one's own profile on the page.
"""

import uuid
from datetime import timedelta

import requests
from sqlalchemy import select, update

from hub.cli import cli
from tests.careprovider.test_fhir_sync import fhir_load
from tests.dossier.test_data import _records
from tests.fill import add_member
from tests.reading import text


def _contact_resources(patient_id):
    subject = {'reference': f'Patient/{patient_id}'}
    return [
        {'resourceType': 'Patient', 'id': patient_id, 'name': [{'family': 'Smit', 'given': ['Gerda']}]},
        {'resourceType': 'RelatedPerson', 'id': f'{patient_id}-rp', 'patient': subject,
         'name': [{'given': ['Mieke'], 'family': 'Smit'}], 'relationship': [{'text': 'Dochter'}],
         'telecom': [{'system': 'phone', 'value': '0612345678'}]},
    ]


def test_a_change_and_a_new_contact_person_reach_the_fhir_server_as_tasks(
        app, fhir_server, provider, coupling_code, register, db):
    from hub.core.models import OutboxItem
    from hub.dossier.models import ContactRequest
    from hub.worker import deliver_outbox
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    fhir_load(fhir_server.base_url, _contact_resources(patient_id))
    name = provider('Zorggroep Contact', base_url=fhir_server.base_url)
    manager = register('m@example.nl', 'Gerda', 'Smit')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    base = f"/api/v1/circles/{circle['id']}"
    [contact] = manager.get(f'{base}/data').get_json()['sections']['contact_persons']

    changed = manager.patch(f"{base}/contact-persons/{contact['id']}", {'phone': '06 87654321'})
    assert changed.status_code == 202, changed.get_json()
    assert changed.get_json()['kind'] == 'change' and changed.get_json()['status'] == 'sent'
    assert changed.get_json()['details'] == {'name': 'Mieke Smit', 'relationship': 'Dochter',
                                             'phone': '+31687654321', 'email': None}
    added = manager.post(f'{base}/contact-persons', {'name': 'Piet de Buurman', 'relationship': 'Buurman'})
    assert added.status_code == 202 and added.get_json()['kind'] == 'add'

    items = {item.payload['kind']: item.id for item in db.scalars(select(OutboxItem).where(OutboxItem.channel == 'provider'))}
    with app.app_context():
        deliver_outbox()
    task = requests.get(f"{fhir_server.base_url}/Task/carehub-{items['contact_person_change']}", timeout=10).json()
    assert task['status'] == 'requested' and task['intent'] == 'proposal'
    assert task['focus'] == {'reference': f'RelatedPerson/{patient_id}-rp'}
    assert task['for'] == {'reference': f'Patient/{patient_id}'} and task['requester'] == {'display': 'Gerda Smit'}
    [proposed] = task['contained']
    assert proposed['telecom'] == [{'system': 'phone', 'value': '+31687654321'}]
    assert task['input'][0]['valueReference']['reference'] == f"#{proposed['id']}"
    new = requests.get(f"{fhir_server.base_url}/Task/carehub-{items['contact_person_add']}", timeout=10).json()
    assert 'focus' not in new and new['contained'][0]['name'] == [{'text': 'Piet de Buurman'}]

    listed = manager.get(f'{base}/contact-persons/requests').get_json()['items']
    assert [(r['kind'], r['status']) for r in listed] == [('add', 'received'), ('change', 'received')]
    assert db.count(ContactRequest) == 2
    # the dossier is unchanged until the provider changes it and it comes back with a sync
    assert manager.get(f'{base}/data').get_json()['sections']['contact_persons'][0]['phone'] == '0612345678'

    # the staff answer on the Tasks; the answers come back with a sync
    task.update(status='rejected', statusReason={'text': 'Mieke heeft zelf gebeld: het oude nummer klopt.'})
    new.update(status='completed')
    fhir_load(fhir_server.base_url, [task, new])
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    listed = manager.get(f'{base}/contact-persons/requests').get_json()['items']
    assert [(r['kind'], r['status'], r['answer']) for r in listed] == [
        ('add', 'accepted', None), ('change', 'declined', 'Mieke heeft zelf gebeld: het oude nummer klopt.')]
    page = manager.get(f"/circles/{circle['id']}/data/contact_persons").get_data(as_text=True)
    assert 'De zorgaanbieder heeft het niet aangenomen.' in page and 'het oude nummer klopt' in page


def test_who_may_ask_for_a_change_and_bad_requests_change_nothing(care_page, register, db):
    from hub.account.models import AuthSession
    from hub.core.models import AuditRecord, OutboxItem
    from hub.core.timeutil import utcnow
    from hub.dossier.models import ContactRequest
    manager, circle_id, dossier_ids, _ = care_page
    _records(db, dossier_ids[0])
    base = f'/api/v1/circles/{circle_id}'
    sections = manager.get(f'{base}/data').get_json()['sections']
    contact, client = sections['contact_persons'][0], sections['client'][0]
    url = f"{base}/contact-persons/{contact['id']}"

    for body, field in (({'phone': 'bel me'}, 'phone'), ({'email': 'geen-adres'}, 'email'), ({'name': ''}, 'name'),
                        ({'name': 'x' * 301}, 'name'), ({'colour': 'blue'}, 'colour'),
                        ({'dossier_id': str(dossier_ids[0])}, 'dossier_id')):
        answer = manager.patch(url, body)
        assert answer.status_code == 422 and field in answer.get_json()['error']['fields'], (body, answer.get_json())
    same = manager.patch(url, {'name': contact['name']})
    assert same.status_code == 422  # nothing would change
    assert manager.patch(f"{base}/contact-persons/{client['id']}", {'name': 'X'}).status_code == 404  # not a contact
    assert manager.patch(f'{base}/contact-persons/{uuid.uuid4()}', {'name': 'X'}).status_code == 404
    assert manager.patch(f'{base}/contact-persons/nonsense', {'name': 'X'}).status_code == 404
    two = manager.post(f'{base}/contact-persons', {'name': 'Piet'})
    assert two.status_code == 422 and 'dossier_id' in two.get_json()['error']['fields']  # two providers: which?
    assert manager.post(f'{base}/contact-persons', {'name': 'Piet', 'dossier_id': str(uuid.uuid4())}).status_code == 404
    assert db.count(ContactRequest) == 0 and db.count(OutboxItem, OutboxItem.channel == 'provider') == 0

    trust, _ = add_member(register, db, circle_id, 'tess@example.nl', 'trust')
    assert trust.patch(url, {'phone': '0612345678'}).status_code == 202  # the trust group may change details
    refused = trust.post(f'{base}/contact-persons', {'name': 'Piet', 'dossier_id': str(dossier_ids[0])})
    assert refused.status_code == 403  # adding is the manager's alone
    assert trust.get(f'{base}/contact-persons/requests').status_code == 200
    seeing, _ = add_member(register, db, circle_id, 'sien@example.nl', 'trust', ['data.contacts'])
    assert seeing.patch(url, {'phone': '0612345678'}).status_code == 403  # sees them, may not change them
    basic, _ = add_member(register, db, circle_id, 'bas@example.nl', 'basic')
    assert basic.patch(url, {'phone': '0612345678'}).status_code == 403
    assert basic.get(f'{base}/contact-persons/requests').status_code == 403
    outsider = register('buiten@example.nl')
    assert outsider.patch(url, {'phone': '0612345678'}).status_code == 404

    db.execute(update(AuthSession).values(second_factor_at=utcnow() - timedelta(hours=1)))
    stale = manager.post(f'{base}/contact-persons', {'name': 'Piet', 'dossier_id': str(dossier_ids[0])})
    assert stale.status_code == 401 and stale.get_json()['error']['code'] == 'step_up_required'
    manager.step_up()
    added = manager.post(f'{base}/contact-persons', {'name': 'Piet', 'dossier_id': str(dossier_ids[1])})
    assert added.status_code == 202 and added.get_json()['dossier_id'] == str(dossier_ids[1])
    assert db.count(ContactRequest) == 2
    outcomes = [r.outcome for r in db.scalars(select(AuditRecord).where(AuditRecord.event == 'dossier.contact_request'))]
    assert outcomes.count('success') == 2 and 'forbidden' in outcomes and 'step_up_required' in outcomes


def test_the_contact_persons_page_sends_a_change_and_shows_it(care_page, register, db):
    manager, circle_id, dossier_ids, _ = care_page
    _records(db, dossier_ids[0])
    contact = manager.get(f'/api/v1/circles/{circle_id}/data').get_json()['sections']['contact_persons'][0]
    page = manager.get(f'/circles/{circle_id}/data/contact_persons').get_data(as_text=True)
    change = f"/circles/{circle_id}/data/contact_persons/{contact['id']}/change"
    assert change in page and f'/circles/{circle_id}/data/contact_persons/add' in page
    form = manager.get(change).get_data(as_text=True)
    assert 'value="Mieke Jansen"' in form and 'value="Dochter"' in form
    bad = manager.client.post(change, data={'name': 'Mieke Jansen', 'relationship': 'Dochter', 'phone': 'bel me',
                                'csrf_token': manager.csrf()})
    assert bad.status_code == 422 and '06 12345678' in bad.get_data(as_text=True)
    sent = manager.client.post(change, data={'name': 'Mieke Jansen', 'relationship': 'Dochter', 'phone': '0612345678',
                                 'email': 'mieke@example.nl', 'csrf_token': manager.csrf()})
    assert sent.status_code == 303
    page = text(manager.get(sent.headers['Location']))
    assert 'Verstuurd naar de zorgaanbieder' in page and '+31612345678' in page

    add = manager.get(f'/circles/{circle_id}/data/contact_persons/add').get_data(as_text=True)
    assert 'Zorggroep Twee' in add  # two providers: which one adds the person
    seeing, _ = add_member(register, db, circle_id, 'sien@example.nl', 'trust', ['data.contacts'])
    assert change not in seeing.get(f'/circles/{circle_id}/data/contact_persons').get_data(as_text=True)
    assert seeing.get(change).status_code == 403


def test_a_member_changes_their_own_profile_if_they_may(care_page, register, db):
    from hub.core.models import AuditRecord
    manager, circle_id, _, _ = care_page
    basic, basic_id = add_member(register, db, circle_id, 'bas@example.nl', 'basic')
    base = f'/api/v1/circles/{circle_id}/members'
    mine = basic.patch(f'{base}/{basic_id}', {'relation': 'Kleinzoon', 'phone': '06 12345678'})
    assert mine.status_code == 200, mine.get_json()
    assert (mine.get_json()['relation'], mine.get_json()['phone']) == ('Kleinzoon', '+31612345678')
    listed = {m['id']: m for m in manager.get(base).get_json()['items']}
    assert listed[str(basic_id)]['relation'] == 'Kleinzoon'
    assert 'Kleinzoon' in manager.get(f'/circles/{circle_id}/members').get_data(as_text=True)

    assert basic.patch(f'{base}/{basic_id}', {'phone': 'bel me'}).status_code == 422
    assert basic.patch(f'{base}/{basic_id}', {'role': 'trust'}).status_code == 403  # the manager's
    manager_id = next(m['id'] for m in listed.values() if m['role'] == 'manager')
    assert basic.patch(f'{base}/{manager_id}', {'relation': 'Baas'}).status_code == 403  # someone else's
    both = manager.patch(f'{base}/{basic_id}', {'role': 'trust', 'relation': 'Neef'})
    assert both.status_code == 403  # the manager does not write a helper's profile, and nothing changes
    assert manager.get(base).get_json()['items'][1]['role'] == 'basic'
    assert manager.patch(f'{base}/{manager_id}', {'relation': 'Dochter'}).get_json()['relation'] == 'Dochter'
    assert basic.patch(f'{base}/{basic_id}', {'relation': None}).get_json()['relation'] is None

    manager.patch(f'{base}/{basic_id}', {'permissions': ['messages']})  # no settings.profile any more
    assert basic.patch(f'{base}/{basic_id}', {'relation': 'Kleinzoon'}).status_code == 403
    assert f'/members/{basic_id}/profile' not in basic.get(f'/circles/{circle_id}/members').get_data(as_text=True)
    assert basic.get(f'/circles/{circle_id}/members/{basic_id}/profile').status_code == 403
    changes = db.scalars(select(AuditRecord).where(AuditRecord.event == 'circle.profile_change'))
    assert len(list(changes)) == 3


def test_the_profile_page(care_page, register, db):
    manager, circle_id, _, _ = care_page
    basic, basic_id = add_member(register, db, circle_id, 'bas@example.nl', 'basic')
    page = basic.get(f'/circles/{circle_id}/members').get_data(as_text=True)
    url = f'/circles/{circle_id}/members/{basic_id}/profile'
    assert url in page
    bad = basic.client.post(url, data={'relation': 'Kleinzoon', 'phone': 'bel me', 'csrf_token': basic.csrf()})
    assert bad.status_code == 422 and 'value="Kleinzoon"' in bad.get_data(as_text=True)
    good = basic.client.post(url, data={'relation': 'Kleinzoon', 'phone': '', 'csrf_token': basic.csrf()})
    assert good.status_code == 303
    assert 'Kleinzoon' in basic.get(f'/circles/{circle_id}/members').get_data(as_text=True)
    other = manager.get(f'/circles/{circle_id}/members/{basic_id}/profile')
    assert other.status_code == 403
