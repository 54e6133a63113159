"""Register, activate, log in and out through the JSON API with a real session and CSRF."""

from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.reading import text


def test_register_activate_login_logout(api, mailbox, db):
    from hub.account.models import Account
    response = api.post('/api/v1/accounts', {'email': ' Anna@Example.nl ', 'first_name': 'Anna',
                                             'last_name': 'de Wit', 'accept_terms': True})
    assert response.status_code == 202
    mail = mailbox.last_to('anna@example.nl')
    assert 'carehub' in mail['Subject']
    link = mailbox.link('anna@example.nl', '/activate')
    token = link.split('token=')[1]
    [account] = db.scalars(select(Account))
    assert account.status == 'pending' and account.password_hash is None
    assert account.terms_version and account.terms_accepted_at

    assert api.post('/api/v1/accounts/activate', {'token': token, 'password': PASSWORD}).status_code == 200
    assert api.post('/api/v1/session', {'email': 'anna@example.nl', 'password': 'wrong password here'}).status_code == 401
    response = api.post('/api/v1/session', {'email': 'ANNA@example.nl', 'password': PASSWORD})
    assert response.status_code == 200
    assert response.get_json()['account']['first_name'] == 'Anna'
    assert api.get('/api/v1/me').get_json()['email'] == 'anna@example.nl'

    cookie = api.client.get_cookie(api.client.application.config['SESSION_COOKIE_NAME'])
    logout = api.delete('/api/v1/session')
    assert logout.status_code == 204, logout.get_json()
    assert api.get('/api/v1/me').status_code == 401
    # the old cookie, replayed, is dead on the server
    replay = api.client.application.test_client()
    replay.set_cookie(cookie.key, cookie.value)
    assert replay.get('/api/v1/me').status_code == 401


def test_register_twice_answers_the_same_and_mails_the_owner(api, mailbox, register, db):
    from hub.account.models import Account
    register('bob@example.nl', 'Bob')
    before = db.count(Account)
    response = api.post('/api/v1/accounts', {'email': 'bob@example.nl', 'first_name': 'Eve', 'last_name': 'X',
                                             'accept_terms': True})
    assert response.status_code == 202
    assert db.count(Account) == before
    assert 'already' in mailbox.last_to('bob@example.nl')['Subject'].lower() or \
        'al een' in mailbox.last_to('bob@example.nl')['Subject'].lower()


def test_activation_token_is_single_use(api, mailbox):
    api.post('/api/v1/accounts', {'email': 'c@example.nl', 'first_name': 'C', 'last_name': 'D', 'accept_terms': True})
    token = mailbox.link('c@example.nl', '/activate').split('token=')[1]
    assert api.post('/api/v1/accounts/activate', {'token': token, 'password': PASSWORD}).status_code == 200
    response = api.post('/api/v1/accounts/activate', {'token': token, 'password': PASSWORD + 'x'})
    assert response.status_code == 400
    assert response.get_json()['error']['code'] == 'token_used'


def test_activation_refuses_weak_password_and_changes_nothing(api, mailbox, db):
    from hub.account.models import Account
    api.post('/api/v1/accounts', {'email': 'w@example.nl', 'first_name': 'W', 'last_name': 'Z', 'accept_terms': True})
    token = mailbox.link('w@example.nl', '/activate').split('token=')[1]
    for weak in ('short', 'Welkom01!', 'w@example.nl', 'a' * 11, 'x' * 300, 'abc\x00defghijklmnop'):
        response = api.post('/api/v1/accounts/activate', {'token': token, 'password': weak})
        assert response.status_code == 422, weak
        assert response.get_json()['error']['code'] in ('weak_password', 'invalid_input')
    assert db.scalars(select(Account))[0].status == 'pending'


def test_bad_input_is_refused_clearly(api, db):
    from hub.account.models import Account
    cases = [
        {},
        {'email': 'x@example.nl', 'first_name': 'X', 'last_name': 'Y'},
        {'email': 'x@example.nl', 'first_name': 'X', 'last_name': 'Y', 'accept_terms': False},
        {'email': 'x@example.nl', 'first_name': 'X', 'last_name': 'Y', 'accept_terms': 'yes'},
        {'email': 'not-an-email', 'first_name': 'X', 'last_name': 'Y', 'accept_terms': True},
        {'email': 'x@example.nl', 'first_name': 123, 'last_name': 'Y', 'accept_terms': True},
        {'email': 'x@example.nl', 'first_name': 'X', 'last_name': 'Y', 'accept_terms': True, 'admin': True},
        {'email': 'x@example.nl', 'first_name': 'X\u202e', 'last_name': 'Y', 'accept_terms': True},
    ]
    for body in cases:
        response = api.post('/api/v1/accounts', body)
        assert response.status_code == 422, body
        error = response.get_json()['error']
        assert error['code'] == 'invalid_input' and error['message']
    assert api.post('/api/v1/accounts', ['list']).status_code == 422
    response = api.post('/api/v1/accounts', data='{not json', content_type='application/json')
    assert response.status_code == 400 and response.get_json()['error']['code'] == 'invalid_json'
    response = api.post('/api/v1/accounts', data='email=x', content_type='application/x-www-form-urlencoded')
    assert response.status_code == 415
    assert db.count(Account) == 0


def test_unsafe_calls_need_the_csrf_token(api, db):
    from hub.account.models import Account
    body = {'email': 'x@example.nl', 'first_name': 'X', 'last_name': 'Y', 'accept_terms': True}
    response = api.post('/api/v1/accounts', body, csrf=False)
    assert response.status_code == 400
    assert response.get_json()['error']['code'] == 'csrf_failed'
    response = api.post('/api/v1/accounts', body, headers={'X-CSRF-Token': 'forged'})
    assert response.status_code == 400
    assert db.count(Account) == 0


def test_bad_tokens(api):
    for token in ('', 'garbage', 'a' * 3000, 123):
        response = api.post('/api/v1/accounts/activate', {'token': token, 'password': PASSWORD})
        assert response.status_code in (400, 422)
        assert 'error' in response.get_json()


def test_reset_or_invite_token_cannot_activate(api, app, mailbox):
    from hub.core.tokens import make_token
    api.post('/api/v1/accounts', {'email': 'r@example.nl', 'first_name': 'R', 'last_name': 'S', 'accept_terms': True})
    good = mailbox.link('r@example.nl', '/activate').split('token=')[1]
    from itsdangerous import URLSafeTimedSerializer
    payload = URLSafeTimedSerializer(app.config['SECRET_KEY'], salt='carehub.activate.v1').loads(good)
    for purpose in ('reset', 'invite'):
        with app.app_context():
            token = make_token(purpose, payload)
        response = api.post('/api/v1/accounts/activate', {'token': token, 'password': PASSWORD})
        assert response.status_code == 400


def test_login_answers_the_same_for_unknown_and_wrong(api, register):
    register('known@example.nl')
    unknown = api.post('/api/v1/session', {'email': 'nobody@example.nl', 'password': PASSWORD})
    wrong = api.post('/api/v1/session', {'email': 'known@example.nl', 'password': 'not the password at all'})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_json() == wrong.get_json()


def test_links_in_mails_use_the_base_url_not_the_host_header(api, mailbox):
    api.token = api.client.get('/api/v1/csrf', headers={'Host': 'evil.example'}).get_json()['csrf_token']
    api.post('/api/v1/accounts', {'email': 'h@example.nl', 'first_name': 'H', 'last_name': 'I', 'accept_terms': True},
             headers={'Host': 'evil.example'})
    body = mailbox.last_to('h@example.nl').get_content()
    assert 'https://carehub.test/activate?token=' in body
    assert 'evil.example' not in body


def test_a_never_activated_address_gets_a_new_link(api, mailbox, db):
    from hub.account.models import Account
    body = {'email': 'slow@example.nl', 'first_name': 'S', 'last_name': 'L', 'accept_terms': True}
    api.post('/api/v1/accounts', body)
    first = mailbox.link('slow@example.nl', '/activate')
    api.post('/api/v1/accounts', body)
    second = mailbox.link('slow@example.nl', '/activate')
    assert first != second or len(mailbox.to('slow@example.nl')) == 2
    assert api.post('/api/v1/accounts/activate', {'token': second.split('token=')[1],
                                                  'password': PASSWORD}).status_code == 200
    assert db.count(Account) == 1


def test_hostile_bodies_get_clear_errors(api, register):
    response = api.post('/api/v1/session', data='[' * 100000, content_type='application/json')
    assert response.status_code == 400 and response.get_json()['error']['code'] == 'invalid_json'
    response = api.post('/api/v1/session', {'email': 'a\x00b@example.nl', 'password': PASSWORD})
    assert response.status_code == 422
    response = api.post('/api/v1/password/forgot', {'email': 'a\x00b@example.nl'})
    assert response.status_code == 422
    page = api.client.post('/password/forgot', data={'email': 'x\x00@example.nl', 'csrf_token': api.csrf()})
    assert page.status_code == 422  # the form again, with what to do


def test_password_strength_counts_the_persons_own_details(api, mailbox):
    api.post('/api/v1/accounts', {'email': 'kim@example.nl', 'first_name': 'Kim', 'last_name': 'Vermeulen',
                                  'accept_terms': True})
    token = mailbox.link('kim@example.nl', '/activate').split('token=')[1]
    own = api.post('/api/v1/password/strength', {'password': 'kimvermeulen2024', 'token': token}).get_json()
    anyone = api.post('/api/v1/password/strength', {'password': 'kimvermeulen2024'}).get_json()
    assert own['score'] < anyone['score'] or (not own['ok'] and own['problems'])
    strong = api.post('/api/v1/password/strength', {'password': PASSWORD}).get_json()
    assert strong['ok'] and strong['score'] >= 3
    assert api.post('/api/v1/password/strength', {'password': 'x' * 5000}).status_code == 422


def test_the_password_is_hashed_again_when_the_argon2_parameters_change(app, register, new_api, db):
    from hub.account.models import Account
    register('r@example.nl', totp=False)
    [before] = db.scalars(select(Account))
    assert before.password_hash.startswith('$argon2id$') and ',t=1,' in before.password_hash
    app.config['CAREHUB']['ARGON2_TIME_COST'] = 2
    try:
        assert new_api().post('/api/v1/session', {'email': 'r@example.nl', 'password': PASSWORD}).status_code == 200
    finally:
        app.config['CAREHUB']['ARGON2_TIME_COST'] = 1
    [after] = db.scalars(select(Account))
    assert ',t=2,' in after.password_hash


def test_names_refuse_invisible_characters(register, new_api):
    client = new_api()
    for name in ('Jan\u200b', '\ufeffJan', 'Jan\u2028Bos', 'Jan\u00adBos', 'Jan\u202eBos'):
        answer = client.post('/api/v1/accounts', {'email': 'z@example.nl', 'first_name': name, 'last_name': 'Bos',
                                                  'accept_terms': True})
        assert answer.status_code == 422 and 'first_name' in answer.get_json()['error']['fields'], repr(name)
    account = register('n@example.nl')
    assert account.patch('/api/v1/me', {'last_name': 'Bos\u200d'}).status_code == 422
    assert account.patch('/api/v1/me', {'last_name': "d'Ancona-van 't Hof"}).status_code == 200


def test_own_words_and_common_dutch_passwords_are_refused(api, mailbox):
    response = api.post('/api/v1/accounts', {'email': 'mieke.jansen@example.nl', 'first_name': 'Mieke',
                                             'last_name': 'Jansen', 'accept_terms': True})
    assert response.status_code == 202
    token = mailbox.link('mieke.jansen@example.nl', '/activate').split('token=')[1].split('&')[0]
    for password in ('mieke.jansen@example.nl', 'MiekeJansen2026!!', 'Welkom12345!', 'Wachtwoord2026!!',
                     '!!Voetbal19871987', 'mijn carehub wachtzin 77', 'de zorg van de dag 1987'):
        answer = api.post('/api/v1/accounts/activate', {'token': token, 'password': password})
        assert answer.status_code == 422 and answer.get_json()['error']['code'] == 'weak_password', password
    strength = api.post('/api/v1/password/strength', {'password': 'Welkom12345!', 'token': token}).get_json()
    assert not strength['ok'] and strength['problems']
    assert api.post('/api/v1/accounts/activate', {'token': token,
                                                  'password': 'blauwe fietsen op de dijk 1987'}).status_code == 200


def test_the_terms_and_privacy_statement_exist_in_both_languages(app):
    client = app.test_client()
    for path, dutch, english in (('/terms', 'Gebruiksvoorwaarden', 'Terms of use'),
                                 ('/privacy', 'Privacyverklaring', 'Privacy statement')):
        nl = text(client.get(path, headers={'Accept-Language': 'nl'}))
        en = text(client.get(path, headers={'Accept-Language': 'en'}))
        assert f'<h1>{dutch}</h1>' in nl and f'<h1>{english}</h1>' in en
        assert 'Versie 2026-11' in nl and 'Version 2026-11' in en
    privacy = client.get('/privacy', headers={'Accept-Language': 'nl'}).get_data(as_text=True)
    for promise in ('Hoe lang', 'Wie ziet wat', 'Je rechten', 'Autoriteit Persoonsgegevens', '12 uur', '90 dagen'):
        assert promise in privacy
    assert client.get('/voorwaarden').headers['Location'].endswith('/terms')
    assert client.get('/privacyverklaring').headers['Location'].endswith('/privacy')
    register = client.get('/register', headers={'Accept-Language': 'nl'}).get_data(as_text=True)
    assert 'href="/terms"' in register and 'href="/privacy"' in register
    assert 'href="/privacy"' in client.get('/login').get_data(as_text=True)  # the footer of every page


def test_new_terms_are_accepted_before_anything_else(app, register, db):
    import re

    from sqlalchemy import select

    from hub.account.models import Account
    account = register('t@example.nl', totp=False)
    app.config['CAREHUB']['TERMS_VERSION'] = '2027-01'
    try:
        refused = account.get('/api/v1/circles')
        assert refused.status_code == 403 and refused.get_json()['error']['code'] == 'terms_changed'
        assert account.get('/api/v1/me').get_json()['terms_version'] == '2026-11'
        page = account.client.get('/circles')
        assert page.status_code == 303 and page.headers['Location'].startswith('/terms/accept?next=%2Fcircles')
        form = account.client.get('/terms/accept', headers={'Accept-Language': 'nl'}).get_data(as_text=True)
        assert 'Versie 2027-01' in form
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        unticked = account.client.post('/terms/accept', data={'csrf_token': token, 'version': '2027-01'})
        assert unticked.status_code == 422
        stale = account.post('/api/v1/me/terms', {'version': '2026-11'})
        assert stale.status_code == 409 and stale.get_json()['error']['code'] == 'terms_changed'
        accepted = account.client.post('/terms/accept', data={'csrf_token': token, 'version': '2027-01',
                                                              'accept_terms': 'yes', 'next': '/circles'})
        assert accepted.status_code == 303 and accepted.headers['Location'] == '/circles'
        assert account.get('/api/v1/circles').status_code == 200
        [stored] = db.scalars(select(Account))
        assert stored.terms_version == '2027-01'
    finally:
        app.config['CAREHUB']['TERMS_VERSION'] = '2026-11'
