"""Messages on a care page: audiences, the provider both ways, unread counts, paging."""

import uuid
from datetime import datetime, timedelta

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


def subjects(client, circle):
    return [t['subject'] for t in client.get(f"/api/v1/circles/{circle['id']}/messages").get_json()['items']]


def texts_of(client, circle, thread_id):
    answer = client.get(f"/api/v1/circles/{circle['id']}/messages/{thread_id}")
    assert answer.status_code == 200, answer.get_json()
    return [m['text'] for m in answer.get_json()['messages']]


def test_each_group_reads_the_threads_meant_for_it(app, fhir_server, provider, coupling_code, register, db):
    manager, circle, _, _ = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    trust, _ = _join(manager, circle, register, 'trust@example.nl', 'trust')
    url = f"/api/v1/circles/{circle['id']}/messages"
    first = manager.post(url, {'text': 'Zondag gaan we met z\'n allen wandelen.\nWie komt er?', 'audience': 'all'})
    assert first.status_code == 201, first.get_json()
    walk = first.get_json()
    assert walk['subject'] == 'Zondag gaan we ' and walk['audience'] == 'all'  # the first 15 characters
    assert walk['messages'][0]['author'] == {'name': 'Mieke Bos'} and walk['messages'][0]['mine']
    secret = manager.post(url, {'subject': 'Medicijnen', 'text': 'Alleen voor de vertrouwensgroep.',
                                'audience': 'trust'}).get_json()
    assert subjects(basic, circle) == ['Zondag gaan we ']
    assert subjects(trust, circle) == ['Medicijnen', 'Zondag gaan we ']
    assert basic.get(f"{url}/{secret['id']}").status_code == 404  # not there for basic members
    assert basic.post(f"{url}/{secret['id']}/replies", {'text': 'Mag ik?'}).status_code == 404
    assert basic.post(url, {'text': 'Mag ik dit?', 'audience': 'trust'}).status_code == 403
    for body in ({'text': '   ', 'audience': 'all'}, {'text': 'x', 'audience': 'everyone'}, {'text': 'x'},
                 {'text': 'x' * 5001, 'audience': 'all'}, {'text': 'a\x00b', 'audience': 'all'},
                 {'text': 'x', 'audience': 'all', 'extra': 1}, {'text': 'x', 'subject': 'y' * 201, 'audience': 'all'},
                 {'text': 'x', 'audience': 'all', 'recipients': [walk['id']]}, {'text': 'x', 'recipients': []},
                 {'text': 'x', 'recipients': ['nope']}):
        assert basic.post(url, body).status_code == 422, body
    reply = basic.post(f"{url}/{walk['id']}/replies", {'text': 'Ik kom ook!'})
    assert reply.status_code == 201 and reply.get_json()['mine']
    for body in ({'text': ''}, {}, {'text': 'x', 'audience': 'all'}):
        assert basic.post(f"{url}/{walk['id']}/replies", body).status_code == 422, body
    assert texts_of(trust, circle, walk['id']) == ['Zondag gaan we met z\'n allen wandelen.\nWie komt er?',
                                                   'Ik kom ook!']
    assert subjects(manager, circle)[0] == 'Zondag gaan we '  # the newest message first
    assert basic.get(f'{url}/{uuid.uuid4()}').status_code == 404 and basic.get(f'{url}/nonsense').status_code == 404
    stranger = register('x@example.nl')
    assert stranger.get(url).status_code == 404 and stranger.post(url, {'text': 'x', 'audience': 'all'}).status_code == 404
    assert stranger.get(f"{url}/{walk['id']}").status_code == 404


def test_a_thread_for_chosen_people_is_theirs_alone(app, fhir_server, provider, coupling_code, register, db):
    manager, circle, _, _ = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    basic, basic_member = _join(manager, circle, register, 'basic@example.nl', 'basic')
    trust, trust_member = _join(manager, circle, register, 'trust@example.nl', 'trust')
    url = f"/api/v1/circles/{circle['id']}/messages"
    started = manager.post(url, {'subject': 'Verjaardag', 'text': 'Een verrassing voor Kees?',
                                 'recipients': [basic_member['id']]})
    assert started.status_code == 201, started.get_json()
    thread = started.get_json()
    members = {m['first_name']: m['id'] for m in manager.get(f"/api/v1/circles/{circle['id']}/members").get_json()[
        'items']}
    assert thread['audience'] == 'chosen' and sorted(thread['recipients']) == sorted(
        [basic_member['id'], members['Mieke']])  # the writer is one of them
    assert subjects(basic, circle) == ['Verjaardag'] and subjects(trust, circle) == []
    assert trust.get(f"{url}/{thread['id']}").status_code == 404
    assert trust.post(f"{url}/{thread['id']}/replies", {'text': 'Ik ook?'}).status_code == 404
    assert basic.post(f"{url}/{thread['id']}/replies", {'text': 'Goed idee!'}).status_code == 201
    assert texts_of(manager, circle, thread['id']) == ['Een verrassing voor Kees?', 'Goed idee!']
    other = register('other@example.nl')
    page = other.post('/api/v1/connections', {'code': coupling_code('Zorggroep Bericht', 'iemand')}).get_json()
    outsider = next(m['id'] for m in other.get(f"/api/v1/circles/{page['id']}/members").get_json()['items'])
    assert manager.post(url, {'text': 'x', 'recipients': [outsider]}).status_code == 422  # not on this page
    manager.patch(f"/api/v1/circles/{circle['id']}/members/{trust_member['id']}", {'permissions': ['dossier']})
    assert manager.post(url, {'text': 'x', 'recipients': [trust_member['id']]}).status_code == 422  # no messages


def test_unread_counts_per_thread_paging_and_removing_from_ones_own_list(
        app, fhir_server, provider, coupling_code, register, db):
    manager, circle, _, _ = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    trust, _ = _join(manager, circle, register, 'trust@example.nl', 'trust')
    url = f"/api/v1/circles/{circle['id']}/messages"
    trust.get(url)
    for index in range(25):
        assert manager.post(url, {'subject': f'Onderwerp {index}', 'text': f'Bericht {index}',
                                  'audience': 'all'}).status_code == 201
    busy = manager.get(url).get_json()['items'][0]
    for _ in range(2):
        manager.post(f"{url}/{busy['id']}/replies", {'text': 'Nog iets'})
    page = trust.get(f"/circles/{circle['id']}").get_data(as_text=True)
    assert '27 nieuw' in page
    first = trust.get(url).get_json()
    second = trust.get(f"{url}?cursor={first['next']}").get_json()
    assert len(first['items']) == 20 and len(second['items']) == 5 and second['next'] is None
    assert [t['subject'] for t in first['items'] + second['items']] == [f'Onderwerp {i}' for i in range(24, -1, -1)]
    assert first['items'][0]['unread'] == 3 and first['items'][1]['unread'] == 1
    assert manager.get(url).get_json()['items'][0]['unread'] == 0  # one's own messages are read
    assert set(first['items'][0]) == {'id', 'subject', 'audience', 'recipients', 'last_message_at', 'unread',
                                      'provider', 'started_by'}  # nothing of who else read it
    trust.get(f"{url}/{busy['id']}")
    assert trust.get(url).get_json()['items'][0]['unread'] == 0
    assert '26 nieuw' not in trust.get(f"/circles/{circle['id']}").get_data(as_text=True)
    assert trust.get(f'{url}?cursor=garbage').status_code == 422

    assert trust.delete(f"{url}/{busy['id']}").status_code == 204
    assert busy['subject'] not in subjects(trust, circle) and busy['subject'] in subjects(manager, circle)
    manager.post(f"{url}/{busy['id']}/replies", {'text': 'Toch nog een vraag'})
    assert subjects(trust, circle)[0] == busy['subject']  # a new message brings it back
    assert trust.delete(f'{url}/{uuid.uuid4()}').status_code == 404


def test_a_message_for_the_provider_reaches_its_fhir_server_and_its_answer_lands_in_the_thread(
        app, fhir_server, provider, coupling_code, register, db):
    from hub.core.models import OutboxItem
    from hub.worker import deliver_outbox
    manager, circle, name, patient_id = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    trust, _ = _join(manager, circle, register, 'trust@example.nl', 'trust')
    url = f"/api/v1/circles/{circle['id']}/messages"
    assert basic.post(url, {'text': 'Aan de zorg', 'audience': 'provider'}).status_code == 403
    sent = trust.post(url, {'subject': 'Douchen', 'text': 'Kan mijn moeder dinsdag later douchen?',
                            'audience': 'provider'})
    assert sent.status_code == 201
    thread = sent.get_json()
    [item] = db.scalars(select(OutboxItem).where(OutboxItem.channel == 'provider'))
    with app.app_context():
        deliver_outbox()
    stored = requests.get(f'{fhir_server.base_url}/Communication/carehub-{item.id}', timeout=10).json()
    assert stored['payload'] == [{'contentString': 'Kan mijn moeder dinsdag later douchen?'}]
    assert stored['subject'] == {'reference': f'Patient/{patient_id}'} and 'trust' in stored['sender']['display']
    assert stored['topic'] == {'text': 'Douchen'}

    subject = {'reference': f'Patient/{patient_id}'}
    asked = datetime.fromisoformat(thread['messages'][0]['created_at'])  # the answers come just after the question
    fhir_load(fhir_server.base_url, [
        {'resourceType': 'Communication', 'id': f'{patient_id}-answer', 'status': 'completed', 'subject': subject,
         'inResponseTo': [{'reference': f'Communication/carehub-{item.id}'}],
         'sent': (asked + timedelta(milliseconds=1)).isoformat(),
         'sender': {'display': 'Team De Linde'}, 'payload': [{'contentString': 'Ja, dat kan om 10 uur.'}]},
        {'resourceType': 'Communication', 'id': f'{patient_id}-news', 'status': 'completed', 'subject': subject,
         'topic': {'text': 'Nieuwe fysiotherapeut'}, 'sent': (asked + timedelta(milliseconds=2)).isoformat(),
         'sender': {'display': 'Team De Linde'}, 'payload': [{'contentString': 'Vanaf maart komt Joris.'}]}])
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    listed = trust.get(url).get_json()['items']
    assert [t['subject'] for t in listed] == ['Nieuwe fysiotherapeut', 'Douchen']
    assert listed[1]['unread'] == 1 and listed[0]['started_by'] is None
    answer = trust.get(f"{url}/{thread['id']}").get_json()['messages']
    assert [m['text'] for m in answer] == ['Kan mijn moeder dinsdag later douchen?', 'Ja, dat kan om 10 uur.']
    assert answer[1]['from_provider'] and answer[1]['author'] == {'name': 'Team De Linde'}
    assert subjects(basic, circle) == []  # the provider writes with the trust group

    news = listed[0]['id']
    assert trust.post(f'{url}/{news}/replies', {'text': 'Fijn, dank je.'}).status_code == 201
    assert basic.post(f'{url}/{news}/replies', {'text': 'x'}).status_code == 404
    with app.app_context():
        deliver_outbox()
    [reply_item] = [i for i in db.scalars(select(OutboxItem).where(OutboxItem.channel == 'provider'))
                    if i.id != item.id]
    stored = requests.get(f'{fhir_server.base_url}/Communication/carehub-{reply_item.id}', timeout=10).json()
    assert stored['inResponseTo'] == [{'reference': f'Communication/{patient_id}-news'}]
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0  # what we sent is not read back
    assert [m['text'] for m in trust.get(f'{url}/{news}').get_json()['messages']] == [
        'Vanaf maart komt Joris.', 'Fijn, dank je.']


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
    started = manager.post(url, {'text': 'Eerste bericht over de medicijnen.', 'audience': 'all'}).get_json()
    manager.post(f"{url}/{started['id']}/replies", {'text': 'Tweede bericht.'})
    [mail] = new_mails('basic@example.nl')  # one mail for two messages: not read in between
    assert 'medicijnen' not in mail.get_content() and f"/circles/{circle['id']}/messages" in mail.get_content()
    assert new_mails('trust@example.nl') == [] and new_mails('m@example.nl') == []  # turned off; the writer
    manager.post(url, {'text': 'Alleen voor de vertrouwensgroep.', 'audience': 'trust'})
    assert len(new_mails('basic@example.nl')) == 1  # not for basic members
    basic.get(url)  # they looked at their messages
    manager.post(f"{url}/{started['id']}/replies", {'text': 'Derde bericht.'})
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
