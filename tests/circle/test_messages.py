"""Messages on a care page: audiences, the provider both ways, unread counts, paging."""

import uuid

import requests
from sqlalchemy import select

from hub.cli import cli
from tests.careprovider.test_fhir_sync import fhir_load
from tests.circle.test_api import _join


def page_of(fhir_server, provider, coupling_code, register, extra=()):
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    fhir_load(fhir_server.base_url, [{'resourceType': 'Patient', 'id': patient_id,
                                      'name': [{'family': 'Bos', 'given': ['Kees']}]}, *extra(patient_id)])
    name = provider('Zorggroep Bericht', base_url=fhir_server.base_url)
    manager = register('m@example.nl', 'Mieke', 'Bos')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    return manager, circle, name, patient_id


def texts(client, circle):
    return [m['text'] for m in client.get(f"/api/v1/circles/{circle['id']}/messages").get_json()['items']]


def test_each_group_reads_what_is_meant_for_it(app, fhir_server, provider, coupling_code, register, db):
    manager, circle, _, _ = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    trust, _ = _join(manager, circle, register, 'trust@example.nl', 'trust')
    url = f"/api/v1/circles/{circle['id']}/messages"
    first = manager.post(url, {'text': 'Zondag gaan we met z\'n allen wandelen.\nWie komt er?', 'audience': 'all'})
    assert first.status_code == 201 and first.get_json()['author'] == {'name': 'Mieke Bos'}
    assert manager.post(url, {'text': 'Alleen voor de vertrouwensgroep.', 'audience': 'trust'}).status_code == 201
    assert texts(basic, circle) == ['Zondag gaan we met z\'n allen wandelen.\nWie komt er?']
    assert texts(trust, circle)[0] == 'Alleen voor de vertrouwensgroep.'
    refused = basic.post(url, {'text': 'Mag ik dit?', 'audience': 'trust'})
    assert refused.status_code == 403
    for body in ({'text': '   ', 'audience': 'all'}, {'text': 'x', 'audience': 'everyone'}, {'text': 'x'},
                 {'text': 'x' * 5001, 'audience': 'all'}, {'text': 'a\x00b', 'audience': 'all'},
                 {'text': 'x', 'audience': 'all', 'extra': 1}):
        assert basic.post(url, body).status_code == 422, body
    assert basic.post(url, {'text': 'Ik kom ook!', 'audience': 'all'}).status_code == 201
    assert texts(manager, circle)[0] == 'Ik kom ook!'
    stranger = register('x@example.nl')
    assert stranger.get(url).status_code == 404 and stranger.post(url, {'text': 'x', 'audience': 'all'}).status_code == 404


def test_a_message_for_the_provider_reaches_its_fhir_server_and_its_answer_comes_back(
        app, fhir_server, provider, coupling_code, register, db):
    from hub.core.models import OutboxItem
    from hub.worker import deliver_outbox
    manager, circle, name, patient_id = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    trust, _ = _join(manager, circle, register, 'trust@example.nl', 'trust')
    url = f"/api/v1/circles/{circle['id']}/messages"
    assert basic.post(url, {'text': 'Aan de zorg', 'audience': 'provider'}).status_code == 403
    sent = trust.post(url, {'text': 'Kan mijn moeder dinsdag later douchen?', 'audience': 'provider'})
    assert sent.status_code == 201
    [item] = db.scalars(select(OutboxItem).where(OutboxItem.channel == 'provider'))
    with app.app_context():
        deliver_outbox()
    stored = requests.get(f'{fhir_server.base_url}/Communication/carehub-{item.id}', timeout=10).json()
    assert stored['payload'] == [{'contentString': 'Kan mijn moeder dinsdag later douchen?'}]
    assert stored['subject'] == {'reference': f'Patient/{patient_id}'} and 'trust' in stored['sender']['display']

    fhir_load(fhir_server.base_url, [{
        'resourceType': 'Communication', 'id': f'{patient_id}-answer', 'status': 'completed',
        'subject': {'reference': f'Patient/{patient_id}'}, 'sent': '2030-01-01T09:00:00Z',
        'sender': {'display': 'Team De Linde'}, 'payload': [{'contentString': 'Ja, dat kan om 10 uur.'}]}])
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    [answer] = [m for m in trust.get(url).get_json()['items'] if m['from_provider']]
    assert answer['text'] == 'Ja, dat kan om 10 uur.' and answer['from_provider']['name'] == name
    assert answer['author'] == {'name': 'Team De Linde'}
    assert 'Ja, dat kan om 10 uur.' not in texts(basic, circle)  # the provider writes to the trust group
    assert 'Kan mijn moeder dinsdag later douchen?' not in texts(basic, circle)


def test_unread_counts_and_paging(app, fhir_server, provider, coupling_code, register, db):
    manager, circle, _, _ = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    trust, _ = _join(manager, circle, register, 'trust@example.nl', 'trust')
    url = f"/api/v1/circles/{circle['id']}/messages"
    trust.get(url)  # read: nothing new
    for index in range(25):
        assert manager.post(url, {'text': f'Bericht {index}', 'audience': 'all'}).status_code == 201
    page = trust.get(f"/circles/{circle['id']}").get_data(as_text=True)
    assert '25 nieuw' in page or '25 new' in page
    first = trust.get(url).get_json()
    second = trust.get(f"{url}?cursor={first['next']}").get_json()
    assert len(first['items']) == 20 and len(second['items']) == 5 and second['next'] is None
    assert [m['text'] for m in first['items'] + second['items']] == [f'Bericht {i}' for i in range(24, -1, -1)]
    page = trust.get(f"/circles/{circle['id']}").get_data(as_text=True)
    assert 'nieuw' not in page.split('Berichten')[1][:80]
    assert trust.get(f'{url}?cursor=garbage').status_code == 422


def test_with_two_providers_the_writer_chooses_one(app, fhir_server, provider, coupling_code, register, db):
    manager, circle, name, _ = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    other = provider('Thuiszorg Twee', base_url=fhir_server.base_url)
    linked = manager.post('/api/v1/connections', {'code': coupling_code(other, 'p-twee'), 'circle_id': circle['id']})
    assert linked.status_code == 201, linked.get_json()
    url = f"/api/v1/circles/{circle['id']}/messages"
    unclear = manager.post(url, {'text': 'Voor wie?', 'audience': 'provider'})
    assert unclear.status_code == 422 and 'provider_id' in unclear.get_json()['error']['fields']
    providers = manager.get(f"/api/v1/circles/{circle['id']}").get_json()['providers']
    chosen = next(p for p in providers if p['name'] == 'Thuiszorg Twee')
    sent = manager.post(url, {'text': 'Voor Thuiszorg Twee.', 'audience': 'provider', 'provider_id': chosen['id']})
    assert sent.status_code == 201 and sent.get_json()['provider'] == {'id': chosen['id']}
    wrong = manager.post(url, {'text': 'x', 'audience': 'provider', 'provider_id': str(uuid.uuid4())})
    assert wrong.status_code == 422


def test_one_mail_until_the_messages_are_read_and_none_for_those_who_turned_it_off(
        app, fhir_server, provider, coupling_code, register, mailbox, db):
    manager, circle, _, _ = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    trust, _ = _join(manager, circle, register, 'trust@example.nl', 'trust')
    url = f"/api/v1/circles/{circle['id']}/messages"
    for client in (basic, trust, manager):
        client.get(url)  # all read

    def new_mails(address):
        return [m for m in mailbox.to(address) if 'nieuw bericht' in m['Subject'].lower()]
    assert trust.patch('/api/v1/me', {'notify_messages': False}).get_json()['notify_messages'] is False
    manager.post(url, {'text': 'Eerste bericht over de medicijnen.', 'audience': 'all'})
    manager.post(url, {'text': 'Tweede bericht.', 'audience': 'all'})
    [mail] = new_mails('basic@example.nl')  # one mail for two messages: not read in between
    assert 'medicijnen' not in mail.get_content() and f"/circles/{circle['id']}/messages" in mail.get_content()
    assert new_mails('trust@example.nl') == [] and new_mails('m@example.nl') == []  # turned off; the writer
    manager.post(url, {'text': 'Alleen voor de vertrouwensgroep.', 'audience': 'trust'})
    assert len(new_mails('basic@example.nl')) == 1  # not for basic members
    basic.get(url)
    manager.post(url, {'text': 'Derde bericht.', 'audience': 'all'})
    assert len(new_mails('basic@example.nl')) == 2  # read in between: a new mail


def test_readers_get_a_mail_when_the_provider_writes(app, fhir_server, provider, coupling_code, register, mailbox, db):
    from hub.worker import notify_plans
    manager, circle, name, patient_id = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    for client in (basic, manager):
        client.get(f"/api/v1/circles/{circle['id']}/messages")
    fhir_load(fhir_server.base_url, [{
        'resourceType': 'Communication', 'id': f'{patient_id}-c1', 'status': 'completed',
        'subject': {'reference': f'Patient/{patient_id}'}, 'sent': '2030-01-01T09:00:00Z',
        'sender': {'display': 'Team De Linde'}, 'payload': [{'contentString': 'De fysiotherapeut komt later.'}]}])
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    with app.app_context():
        notify_plans()
        notify_plans()  # the same message: no second mail

    def new_mails(address):
        return [m for m in mailbox.to(address) if 'nieuw bericht' in m['Subject'].lower()]
    assert len(new_mails('m@example.nl')) == 1 and new_mails('basic@example.nl') == []
