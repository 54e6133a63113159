"""Password reset by mail and password change."""

import threading

from sqlalchemy import select

from tests.conftest import PASSWORD

NEW = 'groene appels in een houten kist'


def _forgot(api, mailbox, email):
    response = api.post('/api/v1/password/forgot', {'email': email})
    assert response.status_code == 202
    return mailbox.link(email, '/password/reset').split('token=')[1]


def test_reset_with_second_factor_ends_every_session(register, new_api, mailbox, db):
    from hub.account.models import AuthSession, RememberedDevice
    owner = register('r@example.nl')
    other = new_api()
    token = _forgot(other, mailbox, 'r@example.nl')
    assert other.get(f'/api/v1/password/reset?token={token}').get_json() == {'second_factor': ['totp']}
    response = other.post('/api/v1/password/reset', {'token': token, 'password': NEW})
    assert response.status_code == 400 and response.get_json()['error']['code'] == 'second_factor_required'
    response = other.post('/api/v1/password/reset', {'token': token, 'password': NEW, 'code': '000000'})
    assert response.get_json()['error']['code'] == 'wrong_code'
    other.totp = owner.totp
    response = other.post('/api/v1/password/reset', {'token': token, 'password': NEW, 'code': other.code()})
    assert response.status_code == 200, response.get_json()
    assert owner.get('/api/v1/me').status_code == 401  # the old session ended
    assert db.count(AuthSession) == 0 and db.count(RememberedDevice) == 0
    assert 'password' in mailbox.last_to('r@example.nl')['Subject'].lower() or \
        'wachtwoord' in mailbox.last_to('r@example.nl')['Subject'].lower()
    again = other.post('/api/v1/password/reset', {'token': token, 'password': NEW + ' twee', 'code': other.code()})
    assert again.status_code == 400 and again.get_json()['error']['code'] == 'token_used'
    fresh = new_api()
    assert fresh.post('/api/v1/session', {'email': 'r@example.nl', 'password': NEW}).status_code == 200
    assert fresh.post('/api/v1/session', {'email': 'r@example.nl', 'password': PASSWORD}).status_code == 401


def test_reset_for_an_unknown_address_answers_the_same(api, mailbox, register):
    register('known@example.nl', totp=False)
    known = api.post('/api/v1/password/forgot', {'email': 'known@example.nl'})
    unknown = api.post('/api/v1/password/forgot', {'email': 'nobody@example.nl'})
    assert known.status_code == unknown.status_code == 202 and known.get_json() == unknown.get_json()
    assert mailbox.to('nobody@example.nl') == []


def test_reset_link_ignores_the_host_header(api, mailbox, register):
    register('h@example.nl', totp=False)
    api.token = api.client.get('/api/v1/csrf', headers={'Host': 'evil.example'}).get_json()['csrf_token']
    api.post('/api/v1/password/forgot', {'email': 'h@example.nl'}, headers={'Host': 'evil.example'})
    body = mailbox.last_to('h@example.nl').get_content()
    assert 'https://carehub.test/password/reset?token=' in body and 'evil.example' not in body


def test_reset_token_is_not_an_activation_token_and_the_reverse(api, mailbox, register):
    register('x@example.nl', totp=False)
    token = _forgot(api, mailbox, 'x@example.nl')
    assert api.post('/api/v1/accounts/activate', {'token': token, 'password': NEW}).status_code == 400
    api.post('/api/v1/accounts', {'email': 'y@example.nl', 'first_name': 'Y', 'last_name': 'Z', 'accept_terms': True})
    activation = mailbox.link('y@example.nl', '/activate').split('token=')[1]
    assert api.post('/api/v1/password/reset', {'token': activation, 'password': NEW}).status_code == 400


def test_reset_refuses_weak_and_recent_passwords(api, mailbox, register):
    register('p@example.nl', totp=False)
    token = _forgot(api, mailbox, 'p@example.nl')
    for bad in ('kort', 'Welkom01!', 'p@example.nl', PASSWORD, 'x' * 1_000_000):
        response = api.post('/api/v1/password/reset', {'token': token, 'password': bad})
        assert response.status_code in (413, 422), (bad[:20], response.status_code)
    assert api.post('/api/v1/password/reset', {'token': token, 'password': NEW}).status_code == 200


def test_two_resets_in_parallel_one_wins(app, api, mailbox, register, new_api):
    register('race@example.nl', totp=False)
    token = _forgot(api, mailbox, 'race@example.nl')
    clients = [new_api() for _ in range(4)]
    for client in clients:
        client.csrf()
    results = []
    barrier = threading.Barrier(len(clients))

    def attempt(client, number):
        barrier.wait()
        results.append(client.post('/api/v1/password/reset',
                                   {'token': token, 'password': f'{NEW} nummer {number}'}).status_code)
    threads = [threading.Thread(target=attempt, args=(c, n)) for n, c in enumerate(clients)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(results).count(200) == 1, results
    assert all(code in (200, 400, 500) for code in results)


def test_change_password_needs_the_current_one(register, new_api, db):
    from hub.account.models import PasswordHistory
    account = register('c@example.nl')
    other_browser = new_api()
    other_browser.post('/api/v1/session', {'email': 'c@example.nl', 'password': PASSWORD})
    wrong = account.post('/api/v1/me/password', {'current_password': 'not it at all', 'password': NEW})
    assert wrong.status_code == 400 and wrong.get_json()['error']['code'] == 'wrong_password'
    response = account.post('/api/v1/me/password', {'current_password': PASSWORD, 'password': NEW})
    assert response.status_code == 200, response.get_json()
    assert account.get('/api/v1/me').status_code == 200  # this browser goes on
    assert db.count(PasswordHistory) == 1
    back = account.post('/api/v1/me/password', {'current_password': NEW, 'password': PASSWORD})
    assert back.status_code == 422 and back.get_json()['error']['code'] == 'password_reused'


def test_forgot_does_the_same_work_for_a_known_and_an_unknown_address(register, new_api, db, mailbox):

    from hub.account.models import Account
    from hub.core.models import AuditRecord, OutboxItem
    register('known@example.nl', totp=False)
    mailbox.deliver()
    stamp = db.scalars(select(Account.security_stamp))[0]
    before = db.count(OutboxItem)
    client = new_api()
    known = client.post('/api/v1/password/forgot', {'email': 'known@example.nl'})
    unknown = client.post('/api/v1/password/forgot', {'email': 'nobody@example.nl'})
    assert known.status_code == unknown.status_code == 202 and known.get_json() == unknown.get_json()
    queued = db.scalars(select(OutboxItem).order_by(OutboxItem.created_at))[before:]
    assert [item.channel for item in queued] == ['reset_request', 'reset_request']  # one row each, nothing else
    assert db.scalars(select(Account.security_stamp))[0] == stamp  # nothing about the account changed yet
    assert not db.scalars(select(AuditRecord).where(AuditRecord.event == 'account.reset_request'))
    assert mailbox.link('known@example.nl', '/password/reset')  # the worker mails the known one
    assert not mailbox.to('nobody@example.nl')
    assert all(item.payload == {} for item in db.scalars(select(OutboxItem)))  # no address is kept


def test_a_password_past_its_age_is_changed_first_and_the_login_says_so(app, register, new_api, db, mailbox):
    from datetime import timedelta

    from sqlalchemy import update

    from hub.account.models import Account
    from hub.core.timeutil import utcnow
    from tests.conftest import PASSWORD
    register('age@example.nl', totp=False)
    client = new_api()
    assert client.login('age@example.nl', PASSWORD, mailbox).get_json()[
        'account']['password'] is None  # off by default, as NIST advises
    app.config['CAREHUB']['PASSWORD_MAX_AGE_DAYS'] = 90
    try:
        db.execute(update(Account).values(password_changed_at=utcnow() - timedelta(days=80)))
        client.csrf()
        warned = client.post('/api/v1/session', {'email': 'age@example.nl', 'password': PASSWORD}).get_json()
        assert warned['account']['password']['status'] == 'expiring'
        assert warned['account']['password']['days_left'] in (9, 10)
        assert client.get('/api/v1/circles').status_code == 200  # a warning only
        page = client.client.get('/login')
        import re
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
        answer = client.client.post('/login', data={'email': 'age@example.nl', 'password': PASSWORD,
                                                    'csrf_token': token}, headers={'Accept-Language': 'nl'})
        assert '/profile/password?expiring=' in answer.headers['Location']
        shown = client.client.get(answer.headers['Location'], headers={'Accept-Language': 'nl'}).get_data(as_text=True)
        assert 'Je wachtwoord verloopt over' in shown

        db.execute(update(Account).values(password_changed_at=utcnow() - timedelta(days=91)))
        client.csrf()
        expired = client.post('/api/v1/session', {'email': 'age@example.nl', 'password': PASSWORD}).get_json()
        assert expired['account']['password']['status'] == 'expired'
        refused = client.get('/api/v1/circles')
        assert refused.status_code == 403 and refused.get_json()['error']['code'] == 'password_expired'
        assert client.client.get('/circles').headers['Location'].startswith('/profile/password?expired=1')
        changed = client.post('/api/v1/me/password', {'current_password': PASSWORD,
                                                      'password': 'zeven zwanen zwemmen zuidwaarts'})
        assert changed.status_code == 200 and changed.get_json()['account']['password']['status'] == 'ok'
        assert client.get('/api/v1/circles').status_code == 200
    finally:
        app.config['CAREHUB']['PASSWORD_MAX_AGE_DAYS'] = 0


def test_a_flood_of_reset_requests_sends_a_few_mails(api, mailbox, register, new_api):
    from hub.account.passwords import RESET_MAILS
    register('flood@example.nl', totp=False)
    answers = [api.post('/api/v1/password/forgot', {'email': 'flood@example.nl'}) for _ in range(14)]
    unknown = api.post('/api/v1/password/forgot', {'email': 'nobody@example.nl'})
    assert {(a.status_code, a.get_data()) for a in answers} == {(unknown.status_code, unknown.get_data())}
    mails = [m for m in mailbox.to('flood@example.nl') if '/password/reset' in m.get_content()]
    assert len(mails) == RESET_MAILS == 3
    token = mailbox.link('flood@example.nl', '/password/reset').split('token=')[1]
    response = new_api().post('/api/v1/password/reset', {'token': token, 'password': NEW})
    assert response.status_code == 200, response.get_json()  # the last link sent still works
