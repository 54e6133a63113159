"""The client as a member of their own care page: one per page, what they may and may not do, easy read."""

from sqlalchemy import select

from tests.circle.test_api import _care_page, _invite, _join


def test_the_manager_invites_the_client_once_and_the_client_reads_easily(register, provider, coupling_code, db):
    from hub.circle.models import Member
    manager, circle = _care_page(register, provider, coupling_code)
    client, member = _join(manager, circle, register, 'wim@example.nl', 'client')
    assert member['role'] == 'client' and member['custom'] is False
    assert client.get('/api/v1/me').get_json()['easy_read'] is True  # on by default for the client
    # a second client: neither a member nor an invitation
    answer = _invite(manager, circle, 'ander@example.nl', 'client')
    assert answer.status_code == 409 and answer.get_json()['error']['code'] == 'client_exists'
    assert [m.role for m in db.scalars(select(Member).where(Member.role == 'client'))] == ['client']
    # while an invitation is open, a second one is refused too
    manager2 = register('beheer2@example.nl')
    circle2 = manager2.post('/api/v1/connections', {'code': coupling_code(provider('Zorggroep Twee'), 'c-2')}).get_json()
    assert _invite(manager2, circle2, 'een@example.nl', 'client').status_code == 201
    answer = _invite(manager2, circle2, 'twee@example.nl', 'client')
    assert answer.status_code == 409 and answer.get_json()['error']['code'] == 'client_exists'


def test_the_client_sees_their_own_things_and_cannot_be_tricked_into_sharing(register, provider, coupling_code):
    manager, circle = _care_page(register, provider, coupling_code)
    client, member = _join(manager, circle, register, 'wim@example.nl', 'client')
    base = f"/api/v1/circles/{circle['id']}"
    page = client.get(base).get_json()
    assert page['role'] == 'client' and 'messages' in page['permissions'] and 'dossier' not in page['permissions']
    for path in ('messages', 'appointments', 'notes', 'board', 'help-requests', 'members'):
        assert client.get(f'{base}/{path}').status_code == 200, path
    assert client.get(f'{base}/today').status_code == 200
    client.step_up()
    refused = [('get', 'access-log'), ('get', 'shares'), ('get', 'invitations'), ('get', 'timeline'),
               ('get', 'export'), ('get', 'plans'), ('get', 'medication'), ('get', 'corrections')]
    for method, path in refused:
        assert getattr(client, method)(f'{base}/{path}').status_code == 403, path
    assert client.post(f'{base}/shares', {'parts': ['medication'], 'expires_in_days': 7,
                                          'max_opens': 1}).status_code == 403
    assert client.post(f'{base}/invitations', {'email': 'x@example.nl', 'first_name': 'X', 'last_name': 'Y',
                                               'role': 'basic'}).status_code == 403
    [manager_member] = [m for m in client.get(f'{base}/members').get_json()['items'] if m['role'] == 'manager']
    assert client.delete(f"{base}/members/{manager_member['id']}").status_code == 403
    assert client.put(f"{base}/records/{manager_member['id']}/hidden-from/{member['id']}").status_code == 403
    # the client writes messages to everyone, not to the trust group
    started = client.post(f'{base}/messages', {'text': 'Ik wil morgen wandelen.', 'audience': 'all'})
    assert started.status_code == 201
    assert client.post(f'{base}/messages', {'text': 'Geheim.', 'audience': 'trust'}).status_code in (403, 422)


def test_anyone_switches_easy_read_on_and_off(register):
    reader = register('lees@example.nl')
    assert reader.get('/api/v1/me').get_json()['easy_read'] is False
    assert reader.patch('/api/v1/me', {'easy_read': True}).get_json()['easy_read'] is True
    assert reader.get('/api/v1/me').get_json()['easy_read'] is True
    assert reader.patch('/api/v1/me', {'easy_read': 'ja'}).status_code == 422
    assert reader.patch('/api/v1/me', {'easy_read': False}).get_json()['easy_read'] is False


def test_the_clients_care_page_opens_on_their_day_and_easy_read_is_a_choice_on_the_profile(
        register, provider, coupling_code):
    manager, circle = _care_page(register, provider, coupling_code)
    client, _ = _join(manager, circle, register, 'wim@example.nl', 'client')
    opened = client.get(f"/circles/{circle['id']}")
    assert opened.status_code == 302 and opened.headers['Location'].endswith(f"/circles/{circle['id']}/vandaag")
    assert manager.get(f"/circles/{circle['id']}").status_code == 200  # the manager keeps the care page
    page = client.get('/profile').get_data(as_text=True)
    assert 'class="easy-read"' in page and 'Makkelijk lezen' in page
    changed = client.client.post('/profile', data={'csrf_token': client.csrf(), 'first_name': 'Wim',
                                                   'last_name': 'Jansen', 'language': 'nl', 'easy_read': 'off'})
    assert changed.status_code == 303
    assert client.get('/api/v1/me').get_json()['easy_read'] is False
    assert 'class="easy-read"' not in client.get('/profile').get_data(as_text=True)


def test_the_client_answers_a_message_with_one_big_button(register, provider, coupling_code):
    manager, circle = _care_page(register, provider, coupling_code)
    client, _ = _join(manager, circle, register, 'wim@example.nl', 'client')
    base = f"/api/v1/circles/{circle['id']}"
    thread = manager.post(f'{base}/messages', {'text': 'Wil je zondag mee naar het bos?', 'audience': 'all'}).get_json()
    url = f"/circles/{circle['id']}/messages/{thread['id']}"
    page = client.get(url).get_data(as_text=True)
    assert 'Snel antwoorden' in page and 'value="Bel me alsjeblieft."' in page
    assert 'Snel antwoorden' not in manager.get(url).get_data(as_text=True)  # the manager reads as before
    sent = client.client.post(url, data={'csrf_token': client.csrf(), 'text': 'Ja.'})
    assert sent.status_code == 303
    texts = [m['text'] for m in manager.get(f"{base}/messages/{thread['id']}").get_json()['messages']]
    assert texts == ['Wil je zondag mee naar het bos?', 'Ja.']


def test_the_manager_invites_the_client_on_the_invite_page_without_a_reason(register, provider, coupling_code):
    manager, circle = _care_page(register, provider, coupling_code)
    url = f"/circles/{circle['id']}/invite"
    assert 'De cliënt zelf' in manager.get(url).get_data(as_text=True)
    sent = manager.client.post(url, data={'csrf_token': manager.csrf(), 'first_name': 'Wim', 'last_name': 'Jansen',
                                          'email': 'wim@example.nl', 'role': 'client'})
    assert sent.status_code == 200 and 'wim@example.nl' in sent.get_data(as_text=True)
    [invitation] = manager.get(f"/api/v1/circles/{circle['id']}/invitations").get_json()['items']
    assert invitation['role'] == 'client' and invitation['basis'] is None
    assert 'De cliënt zelf' not in manager.get(url).get_data(as_text=True)  # one client per care page
    helper = manager.client.post(url, data={'csrf_token': manager.csrf(), 'first_name': 'Ans', 'last_name': 'Bos',
                                            'email': 'ans@example.nl', 'role': 'basic'})
    assert helper.status_code == 422  # a helper still needs a reason
