"""The client's data ("Gegevens"): five sections, each behind its own capability, after the step-up."""

import uuid
from datetime import timedelta

from sqlalchemy import insert, select, update

from hub.core.timeutil import utcnow
from tests.fill import add_member

RECORDS = [
    ('demographics', {'name': 'Wim Jansen', 'given': 'Wim', 'family': 'Jansen', 'birth_date': '1941-03-02',
                      'gender': 'male', 'address': 'Dorpsstraat 1, 1234 AB Ergens', 'phone': '0201234567'}),
    ('practitioner', {'name': 'Apotheek De Linde', 'role': 'pharmacy', 'phone': '0207654321'}),
    ('practitioner', {'name': 'Dr. A. Bakker', 'role': 'general_practitioner', 'function': 'Huisarts'}),
    ('practitioner', {'name': 'Linda Visser', 'role': 'care_team', 'function': 'Persoonlijk begeleider'}),
    ('insurance', {'insurer': 'Zilveren Kruis', 'kind': 'Basisverzekering', 'policy_number': '123456789'}),
    ('contact_person', {'name': 'Mieke Jansen', 'relationship': 'Dochter', 'email': 'mieke@example.nl'}),
]


def _records(db, dossier_id):
    from hub.careprovider.models import Record
    now = utcnow()
    for n, (kind, data) in enumerate(RECORDS):
        db.execute(insert(Record).values(
            id=uuid.uuid4(), dossier_id=dossier_id, kind=kind, source_id=f'x/{n}', source_type='x', origin=f'x/{n}',
            content_hash=f'{n:064x}', data=data, raw={}, created_at=now + timedelta(seconds=n), updated_at=now))


def test_each_member_sees_the_sections_they_may_and_nothing_else(care_page, register, db):
    manager, circle_id, dossier_ids, _ = care_page
    _records(db, dossier_ids[0])
    url = f'/api/v1/circles/{circle_id}/data'
    sections = manager.get(url).get_json()['sections']
    assert set(sections) == {'client', 'gp_pharmacy', 'insurances', 'contact_persons', 'care_team'}
    assert [item['name'] for item in sections['gp_pharmacy']] == ['Dr. A. Bakker', 'Apotheek De Linde']  # GP first
    assert [item['name'] for item in sections['care_team']] == ['Linda Visser']
    assert sections['client'][0]['birth_date'] == '1941-03-02' and sections['client'][0]['provider']['name']

    chosen, _ = add_member(register, db, circle_id, 'tess@example.nl', 'trust', ['data.contacts', 'data.care_team'])
    assert set(chosen.get(url).get_json()['sections']) == {'contact_persons', 'care_team'}
    assert chosen.get(f'/circles/{circle_id}/data').headers['Location'].endswith('/data/contact_persons')
    assert chosen.get(f'/circles/{circle_id}/data/insurances').status_code == 403
    assert chosen.get(f'/circles/{circle_id}/data/care_team').status_code == 200
    assert chosen.get(f'/circles/{circle_id}/data/nothing').status_code == 404

    basic, _ = add_member(register, db, circle_id, 'bas@example.nl', 'basic')
    assert basic.get(url).get_json() == {'sections': {}}
    assert basic.get(f'/circles/{circle_id}/data').status_code == 403
    page = manager.get(f'/circles/{circle_id}').get_data(as_text=True)
    assert f'/circles/{circle_id}/data' in page and f'/circles/{circle_id}/data' not in basic.get(
        f'/circles/{circle_id}').get_data(as_text=True)

    from hub.core.models import AuditRecord
    reads = db.scalars(select(AuditRecord.target).where(AuditRecord.event == 'dossier.data',
                                                        AuditRecord.outcome == 'success'))
    assert 'data:client,gp_pharmacy,insurances,contact_persons,care_team' in reads and 'data:care_team' in reads
    log = manager.get(f'/api/v1/circles/{circle_id}/access-log').get_json()['items']
    assert any(item['event'] == 'dossier.data' for item in log)


def test_the_sections_ask_for_the_step_up(care_page, db):
    from hub.account.models import AuthSession
    manager, circle_id, dossier_ids, _ = care_page
    _records(db, dossier_ids[0])
    db.execute(update(AuthSession).values(second_factor_at=utcnow() - timedelta(hours=1)))
    response = manager.get(f'/api/v1/circles/{circle_id}/data')
    assert response.status_code == 401 and response.get_json()['error']['code'] == 'step_up_required'
    page = manager.get(f'/circles/{circle_id}/data/client')
    assert page.status_code == 303 and '/step-up' in page.headers['Location']


def test_the_client_data_page_reads_well(care_page, db):
    manager, circle_id, dossier_ids, _ = care_page
    _records(db, dossier_ids[0])
    page = manager.get(f'/circles/{circle_id}/data/client').get_data(as_text=True)
    assert 'Gegevens van de cliënt' in page and '2 maart 1941' in page and 'href="tel:0201234567"' in page
    assert 'aria-current="page">Gegevens van de cliënt' in page
