"""The client's own goals ("Mijn doelen"): the goals of the current plans with what is done for them, read without
the rest of the dossier; "Dit wil ik" / "Dit wil ik anders" reaches the trust group and the provider. And the
reports, which the client reads only when the manager ticks them."""

import uuid

from sqlalchemy import select

from hub.cli import cli
from tests.careprovider.test_fhir_sync import fhir_load
from tests.circle.test_api import _join
from tests.circle.test_today import easy_to_read
from tests.dossier.test_plans import plan_resources


def _goals_page(app, fhir_server, provider, coupling_code, register):
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    subject = {'reference': f'Patient/{patient_id}'}
    fhir_load(fhir_server.base_url, [*plan_resources(patient_id), {
        'resourceType': 'Goal', 'id': f'{patient_id}-g2', 'lifecycleStatus': 'active', 'subject': subject,
        'description': {'text': 'Elke week zwemmen'}}, {
        'resourceType': 'Goal', 'id': f'{patient_id}-g3', 'lifecycleStatus': 'completed', 'subject': subject,
        'description': {'text': 'Zelf de bus nemen'}}, {
        'resourceType': 'CarePlan', 'id': f'{patient_id}-old', 'status': 'completed', 'intent': 'plan',
        'title': 'Zorgplan 2025', 'subject': subject, 'goal': [{'reference': f'Goal/{patient_id}-g2'}]}, {
        'resourceType': 'CarePlan', 'id': f'{patient_id}-work', 'status': 'active', 'intent': 'plan',
        'title': 'Werkplan fysiotherapie', 'subject': subject,
        'goal': [{'reference': f'Goal/{patient_id}-g1'}, {'reference': f'Goal/{patient_id}-g3'}],
        'activity': [{'detail': {'status': 'in-progress', 'description': 'Oefeningen voor de armen',
                                 'goal': [{'reference': f'Goal/{patient_id}-g1'}]}}]}])
    name = provider('Zorggroep Doelen', base_url=fhir_server.base_url)
    manager = register('m@example.nl', 'Mieke', 'Bos')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    client, client_member = _join(manager, circle, register, 'wim@example.nl', 'client')
    client.step_up()
    return manager, circle, client, client_member


def test_the_client_reads_their_goals_and_says_what_they_want(
        app, fhir_server, provider, coupling_code, register, db):
    from hub.circle.models import MessageThread
    from hub.core.models import AuditRecord, OutboxItem
    manager, circle, client, client_member = _goals_page(app, fhir_server, provider, coupling_code, register)
    base = f"/api/v1/circles/{circle['id']}"
    trust, _ = _join(manager, circle, register, 'ahmed@example.nl', 'trust')
    basic, _ = _join(manager, circle, register, 'els@example.nl', 'basic')

    goals = client.get(f'{base}/goals').get_json()['items']
    # the current plans' goals, each once, with what every current plan does for it; a reached goal and the goals
    # of a finished plan are left out
    assert [goal['description'] for goal in goals] == ['Zelf aankleden in de ochtend']
    assert goals[0]['actions'] == ['Elke ochtend hulp bij het aankleden', 'Oefeningen voor de armen']
    assert goals[0]['due'] == '2027-02-01' and goals[0]['provider']['name'] == 'Zorggroep Doelen'
    assert client.get(f'{base}/plans').status_code == 403  # the goals, not the plans
    assert basic.get(f'{base}/goals').status_code == 403
    assert db.count(AuditRecord, AuditRecord.event == 'dossier.goals') >= 1

    goal_id = goals[0]['id']
    for body in ({'choice': 'maybe'}, {'choice': 'change', 'text': 'x' * 501}, {}, {'choice': 'want', 'x': 1}):
        assert client.post(f'{base}/goals/{goal_id}/say', body).status_code == 422, body
    assert client.post(f'{base}/goals/{uuid.uuid4()}/say', {'choice': 'want'}).status_code == 404
    assert basic.post(f'{base}/goals/{goal_id}/say', {'choice': 'want'}).status_code == 403
    assert db.count(MessageThread) == 0  # nothing was sent by what was refused

    said = client.post(f'{base}/goals/{goal_id}/say', {'choice': 'change', 'text': 'Ik wil het zelf proberen.'})
    assert said.status_code == 201 and said.get_json()['to_provider'] is True
    [thread] = trust.get(f'{base}/messages').get_json()['items']
    assert thread['subject'] == 'Over mijn doel: Zelf aankleden in de ochtend'
    [message] = trust.get(f"{base}/messages/{thread['id']}").get_json()['messages']
    assert message['text'] == 'Dit wil ik anders. Ik wil het zelf proberen.'
    assert manager.get(f'{base}/messages').get_json()['items'][0]['id'] == thread['id']
    assert client.get(f'{base}/messages').get_json()['items'][0]['id'] == thread['id']  # the client sees it too
    assert basic.get(f'{base}/messages').get_json()['items'] == []  # for the trust group, not for everyone
    [note] = db.scalars(select(OutboxItem).where(OutboxItem.channel.in_(('provider', 'provider_api'))))
    assert note.payload['kind'] == 'note'

    # a goal the manager hides from the client is not theirs to read or answer
    assert manager.put(f"{base}/records/{goal_id}/hidden-from/{client_member['id']}").status_code in (200, 204)
    assert client.get(f'{base}/goals').get_json()['items'] == []
    assert client.post(f'{base}/goals/{goal_id}/say', {'choice': 'want'}).status_code == 404
    assert manager.get(f'{base}/goals').get_json()['items'][0]['id'] == goal_id


def test_my_goals_in_easy_read_with_two_big_buttons(app, fhir_server, provider, coupling_code, register, db):
    manager, circle, client, _ = _goals_page(app, fhir_server, provider, coupling_code, register)
    page = f"/circles/{circle['id']}/doelen"
    html = client.get(page).get_data(as_text=True)
    assert 'Mijn doelen' in html and 'Zelf aankleden in de ochtend' in html and 'Dit wil ik anders' in html
    assert 'Oefeningen voor de armen' in html and 'pictograms/goals.svg' in html and 'data-read-page' in html
    assert easy_to_read(html) >= 80
    goal_id = client.get(f"/api/v1/circles/{circle['id']}/goals").get_json()['items'][0]['id']
    sent = client.client.post(page, data={'csrf_token': client.csrf(), 'goal_id': goal_id, 'choice': 'want'})
    assert sent.status_code == 303 and 'verstuurd=zorg' in sent.headers['Location']
    assert 'Je bericht is verstuurd' in client.get(sent.headers['Location']).get_data(as_text=True)
    change = f'{page}/{goal_id}/anders'
    html = client.get(change).get_data(as_text=True)
    assert 'Wat wil je anders?' in html and 'Zelf aankleden in de ochtend' in html
    assert easy_to_read(html) >= 80
    too_long = client.client.post(change, data={'csrf_token': client.csrf(), 'choice': 'change', 'text': 'x' * 501})
    assert too_long.status_code == 422
    sent = client.client.post(change, data={'csrf_token': client.csrf(), 'choice': 'change', 'text': 'Liever later.'})
    assert sent.status_code == 303
    texts = [m['text'] for t in manager.get(f"/api/v1/circles/{circle['id']}/messages").get_json()['items']
             for m in manager.get(f"/api/v1/circles/{circle['id']}/messages/{t['id']}").get_json()['messages']]
    assert sorted(texts) == ['Dit wil ik anders. Liever later.', 'Dit wil ik.']


def test_the_client_reads_the_reports_only_when_the_manager_ticks_them(
        app, fhir_server, provider, coupling_code, register, db):
    manager, circle, client, client_member = _goals_page(app, fhir_server, provider, coupling_code, register)
    base = f"/api/v1/circles/{circle['id']}"
    assert client.get(f'{base}/timeline').status_code == 403  # off by default
    permissions = manager.get(f"{base}/members").get_json()['items']
    chosen = next(m for m in permissions if m['id'] == client_member['id'])['permissions']
    answer = manager.patch(f"{base}/members/{client_member['id']}", {'permissions': [*chosen, 'dossier.reports']})
    assert answer.status_code == 200 and answer.get_json()['role'] == 'client'
    timeline = client.get(f'{base}/timeline')
    assert timeline.status_code == 200
    assert {item['kind'] for item in timeline.get_json()['items']} <= {'report'}  # no plans, no notes
    assert manager.get(f'{base}/timeline').get_json()['items']  # the manager sees the plans' events
    assert client.get(f'{base}/timeline?kind=plan').status_code == 403
    assert client.get(f'{base}/plans').status_code == 403
