"""The client as a member of their own care page: one per page, what they may and may not do, easy read."""

import re
import uuid

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
               ('get', 'export'), ('get', 'plans'), ('get', 'corrections'), ('get', 'documents'),
               ('get', 'measurements'), ('get', 'read')]
    for method, path in refused:
        assert getattr(client, method)(f'{base}/{path}').status_code == 403, path
    for path in ('medication', 'goals'):  # their own medication and goals
        assert client.get(f'{base}/{path}').status_code == 200, path
    assert client.get('/api/v1/me/wellbeing').status_code == 403  # how the carers are doing is not for the client
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


def test_the_footer_switches_easy_read_and_the_menu_shows_a_pictogram_per_item(register, provider, coupling_code):
    manager, circle = _care_page(register, provider, coupling_code)
    client, _ = _join(manager, circle, register, 'wim@example.nl', 'client')
    today = f"/circles/{circle['id']}/vandaag"
    html = client.get(today).get_data(as_text=True)
    menu = html[html.index('<header'):html.index('</header>')]
    # the client's own pages, each with its pictogram beside the word (alt="": the word says it)
    for word, picture in (('Vandaag', 'today'), ('Deze week', 'week'), ('Mijn doelen', 'goals'),
                          ('Berichten', 'messages'), ('Medicijnen', 'medication'), ('Uitloggen', 'logout')):
        assert re.search(rf'pictograms/{picture}\.svg" alt="" width="32" height="32">{word}<', menu), word
    assert 'Rapportages' not in menu and 'Uitnodigingen' not in menu and 'Verbindingen' not in menu
    assert all(' alt=' in tag for tag in re.findall(r'<img[^>]*>', html))  # every picture says what it is, or ""
    footer = html[html.index('<footer'):]
    assert 'Makkelijk lezen' in footer and 'aria-pressed="true"' in footer
    switched = client.client.post('/easy-read', data={'csrf_token': client.csrf(), 'easy_read': 'off',
                                                      'next': today})
    assert switched.status_code == 303 and switched.headers['Location'] == today
    html = client.get(today).get_data(as_text=True)
    assert 'class="easy-read"' not in html and 'class="menu-pictogram"' not in html
    assert 'aria-pressed="false"' in html[html.index('<footer'):]
    # elsewhere only: a link to another site is not followed
    back = client.client.post('/easy-read', data={'csrf_token': client.csrf(), 'easy_read': 'on',
                                                  'next': 'https://example.com/'})
    assert back.status_code == 303 and back.headers['Location'] == '/profile'
    assert client.get('/api/v1/me').get_json()['easy_read'] is True
    assert client.client.post('/easy-read', data={'easy_read': 'on'}).status_code in (400, 403)  # no CSRF token


def test_the_manager_ticks_the_reports_for_the_client_and_sees_their_last_login(
        register, provider, coupling_code, db):
    manager, circle = _care_page(register, provider, coupling_code)
    client, member = _join(manager, circle, register, 'wim@example.nl', 'client')
    base = f"/circles/{circle['id']}"
    members = manager.get(f'{base}/members').get_data(as_text=True)
    assert 'Laatst ingelogd op' in members  # the client logged in when they joined
    assert 'Laatst ingelogd' not in client.get(f'{base}/members').get_data(as_text=True)  # for the manager
    access = f"{base}/members/{member['id']}/access"
    page = manager.get(access).get_data(as_text=True)
    assert 'Mag wim de rapportages lezen?' in page and 'name="role"' not in page  # the client stays the client
    assert client.get(f"/api/v1{base}/timeline").status_code == 403
    saved = manager.client.post(access, data={'csrf_token': manager.csrf(), 'choice': 'group', 'reports': 'yes'})
    assert saved.status_code == 303
    client.step_up()
    assert client.get(f"/api/v1{base}/timeline").status_code == 200
    [changed] = [m for m in manager.get(f'/api/v1{base}/members').get_json()['items'] if m['id'] == member['id']]
    assert changed['role'] == 'client' and 'dossier.reports' in changed['permissions']
    assert 'value="yes" checked' in manager.get(access).get_data(as_text=True)
    saved = manager.client.post(access, data={'csrf_token': manager.csrf(), 'choice': 'group', 'reports': 'no'})
    assert saved.status_code == 303
    [changed] = [m for m in manager.get(f'/api/v1{base}/members').get_json()['items'] if m['id'] == member['id']]
    assert changed['custom'] is False and 'dossier.reports' not in changed['permissions']


def test_the_client_sends_a_photo_with_a_message_or_without_words(register, provider, coupling_code, db):
    from io import BytesIO

    from PIL import Image

    from hub.circle.models import Message
    from tests.account.test_photo import image_bytes
    manager, circle = _care_page(register, provider, coupling_code)
    client, _ = _join(manager, circle, register, 'wim@example.nl', 'client')
    basic, _ = _join(manager, circle, register, 'els@example.nl', 'basic')
    base = f"/api/v1/circles/{circle['id']}/messages"
    thread = manager.post(base, {'text': 'Hoe was het zwemmen?', 'audience': 'all'}).get_json()

    def send(who, data, text=None, thread_id=thread['id']):
        fields = {'photo': (BytesIO(data), 'foto.jpg')} if data is not None else {}
        if text is not None:
            fields['text'] = text
        return who.client.post(f'{base}/{thread_id}/photos', data=fields, content_type='multipart/form-data',
                               headers={'X-CSRF-Token': who.token or who.csrf()})

    sent = send(client, image_bytes('JPEG', size=(3000, 2000), exif=True))
    assert sent.status_code == 201, sent.get_json()
    message = sent.get_json()
    assert message['photo'] is True and message['text'] == ''
    photo = basic.get(f"{base}/{thread['id']}/{message['id']}/photo")
    assert photo.status_code == 200 and photo.content_type == 'image/jpeg'
    assert b'SecretCamera' not in photo.data and max(Image.open(BytesIO(photo.data)).size) <= 1280
    assert send(client, image_bytes('PNG'), 'Kijk!').get_json()['text'] == 'Kijk!'
    # bad input changes nothing: no photo, a file that is no photo, too many words
    before = db.count(Message)
    assert send(client, None, 'Alleen woorden').status_code == 422
    assert send(client, b'GIF89a not a photo').status_code == 422
    assert send(client, image_bytes('PNG'), 'x' * 5001).status_code == 422
    assert db.count(Message) == before
    # not to the provider (its system takes text); a thread one may not read is not found
    provider_id = manager.get(f"/api/v1/circles/{circle['id']}").get_json()['providers'][0]['id']
    to_care = manager.post(base, {'text': 'Vraag', 'audience': 'provider', 'provider_id': provider_id}).get_json()
    refused = send(manager, image_bytes('PNG'), thread_id=to_care['id'])
    assert refused.status_code == 422 and refused.get_json()['error']['code'] == 'photo_not_sent'
    trust_only = manager.post(base, {'text': 'Alleen voor ons', 'audience': 'trust'}).get_json()
    assert send(client, image_bytes('PNG'), thread_id=trust_only['id']).status_code == 404
    assert client.get(f"{base}/{trust_only['id']}/{message['id']}/photo").status_code == 404
    assert client.get(f"{base}/{thread['id']}/{uuid.uuid4()}/photo").status_code == 404
    # on the page: the photo in the thread, and a form that sends one
    page = client.get(f"/circles/{circle['id']}/messages/{thread['id']}").get_data(as_text=True)
    assert f"{message['id']}/photo" in page and 'Je foto' in page and 'name="photo"' in page, [t for t in re.findall(r'<img[^>]*>', page) if 'message-photo' in t]
    posted = client.client.post(f"/circles/{circle['id']}/messages/{thread['id']}", content_type='multipart/form-data',
                                data={'csrf_token': client.csrf(), 'text': '',
                                      'photo': (BytesIO(image_bytes('PNG')), 'p.png')})
    assert posted.status_code == 303
    empty = client.client.post(f"/circles/{circle['id']}/messages/{thread['id']}",
                               data={'csrf_token': client.csrf(), 'text': ''})
    assert empty.status_code == 422  # words, or a photo


def test_a_client_who_links_their_own_dossier_manages_their_own_page(register, provider, coupling_code):
    client = register('wim@example.nl', 'Wim', 'Jansen')
    circle = client.post('/api/v1/connections', {'code': coupling_code(provider(), 'c-wim'), 'for_self': True})
    assert circle.status_code == 201 and circle.get_json()['client_manages'] is True
    circle = circle.get_json()
    base = f"/api/v1/circles/{circle['id']}"
    # the page has its client: nobody else is invited as the client
    answer = _invite(client, circle, 'ander@example.nl', 'client')
    assert answer.status_code == 409 and answer.get_json()['error']['code'] == 'client_exists'
    menu = client.get(f"/circles/{circle['id']}/members").get_data(as_text=True)
    assert 'Jij bent de cliënt' in menu and 'Ik ben niet de cliënt' in menu
    # a helper cannot say it; bad input changes nothing
    helper, _ = _join(client, circle, register, 'els@example.nl', 'trust')
    assert helper.patch(base, {'client_manages': False}).status_code == 403
    for body in ({}, {'client_manages': 'ja'}, {'client_manages': True, 'x': 1}):
        assert client.patch(base, body).status_code == 422, body
    assert client.get(base).get_json()['client_manages'] is True
    # no longer the client: then the client can be invited, and while that invitation is open one cannot be it
    assert client.patch(base, {'client_manages': False}).get_json()['client_manages'] is False
    assert _invite(client, circle, 'wim.zelf@example.nl', 'client').status_code == 201
    refused = client.patch(base, {'client_manages': True})
    assert refused.status_code == 409 and refused.get_json()['error']['code'] == 'client_exists'
    # someone who links a dossier for another is not the client; the page's form asks whose it is
    mentor = register('mentor@example.nl')
    other = mentor.post('/api/v1/connections', {'code': coupling_code(provider('Zorggroep Twee'), 'c-2')}).get_json()
    assert other['client_manages'] is False
    page = mentor.get('/connect').get_data(as_text=True)
    assert 'Van wie is het dossier?' in page and 'Van mijzelf: ik ben de cliënt' in page
    linked = mentor.client.post('/connect', data={'csrf_token': mentor.csrf(), 'for_whom': 'self',
                                                 'code': coupling_code(provider('Zorggroep Drie'), 'c-3')})
    assert linked.status_code == 303
    mine = [c for c in mentor.get('/api/v1/circles').get_json()['items'] if c['client_manages']]
    assert len(mine) == 1
    switched = mentor.client.post(f"/circles/{mine[0]['id']}/client-manages",
                                  data={'csrf_token': mentor.csrf(), 'client_manages': 'no'})
    assert switched.status_code == 303 and mentor.get(f"/api/v1/circles/{mine[0]['id']}").get_json()[
        'client_manages'] is False


def test_with_easy_read_each_card_shows_what_it_is(register, provider, coupling_code):
    manager, circle = _care_page(register, provider, coupling_code)
    client, _ = _join(manager, circle, register, 'wim@example.nl', 'client')
    base = f"/api/v1/circles/{circle['id']}"
    assert manager.post(f'{base}/messages', {'text': 'Zondag naar het bos?', 'audience': 'all'}).status_code == 201
    assert manager.post(f'{base}/board', {'text': 'Wim heeft een nieuwe fiets!'}).status_code == 201
    assert manager.post(f'{base}/medication', {'name': 'Vitamine D', 'dose': '1 tablet per dag'}).status_code == 201
    pages = (('messages', 'messages', 'Bericht'), ('board', 'board', 'Bericht op het prikbord'),
             ('medication', 'medication', 'Medicijnen'))
    for path, picture, alt in pages:
        html = client.get(f"/circles/{circle['id']}/{path}").get_data(as_text=True)
        cards = re.findall(r'<li class="card[^"]*"[^>]*>\s*(<img[^>]*>)', html)
        assert cards, path
        for tag in cards:  # a pictogram with its Dutch words, never colour alone
            assert f'pictograms/{picture}.svg' in tag and f'alt="{alt}"' in tag and 'card-pictogram' in tag, tag
        # without easy read, the manager's cards stay as they were
        assert 'card-pictogram' not in manager.get(f"/circles/{circle['id']}/{path}").get_data(as_text=True), path
