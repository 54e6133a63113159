"""The profile: names and language, sessions and remembered browsers, account states, deleting the account."""

from datetime import timedelta

from sqlalchemy import select, update

from tests.conftest import PASSWORD


def test_change_names_language_and_zone(register):
    account = register('p@example.nl')
    response = account.patch('/api/v1/me', {'first_name': 'Pieter', 'language': 'en', 'timezone': 'Europe/London'})
    assert response.status_code == 200
    assert response.get_json()['first_name'] == 'Pieter' and response.get_json()['language'] == 'en'
    for body in ({'language': 'de'}, {'timezone': 'Mars/Olympus'}, {'first_name': ''}, {'email': 'x@example.nl'}):
        assert account.patch('/api/v1/me', body).status_code == 422, body
    assert account.get('/api/v1/me').get_json()['timezone'] == 'Europe/London'


def test_sessions_are_listed_and_can_end(register, new_api, mailbox):
    account = register('s@example.nl', totp=False)
    other = new_api()
    other.login('s@example.nl', PASSWORD, mailbox)
    items = account.get('/api/v1/me/sessions').get_json()['items']
    assert len(items) == 2 and sum(i['current'] for i in items) == 1
    theirs = next(i for i in items if not i['current'])
    assert account.delete(f"/api/v1/me/sessions/{theirs['id']}").status_code == 204
    assert other.get('/api/v1/me').status_code == 401
    other.csrf()
    other.post('/api/v1/session', {'email': 's@example.nl', 'password': PASSWORD})
    assert other.delete('/api/v1/me/sessions').status_code == 204  # log out everywhere
    assert account.get('/api/v1/me').status_code == 401 and other.get('/api/v1/me').status_code == 401


def test_someone_elses_session_or_browser_is_not_found(register, new_api):
    one = register('one@example.nl')
    two = register('two@example.nl', totp=False)
    [theirs] = two.get('/api/v1/me/sessions').get_json()['items']
    assert one.delete(f"/api/v1/me/sessions/{theirs['id']}").status_code == 404
    browser = new_api()
    browser.totp = one.totp
    browser.post('/api/v1/session', {'email': 'one@example.nl', 'password': PASSWORD})
    browser.post('/api/v1/session/second-factor', {'method': 'totp', 'code': browser.code(), 'remember_device': True})
    [device] = one.get('/api/v1/me/devices').get_json()['items']
    assert two.delete(f"/api/v1/me/devices/{device['id']}").status_code == 404
    assert one.delete(f"/api/v1/me/devices/{device['id']}").status_code == 204
    assert one.get('/api/v1/me/devices').get_json()['items'] == []


def test_disabled_expired_and_not_yet_valid_accounts_say_so_after_the_right_password(register, new_api, db):
    from hub.account.models import Account
    from hub.core.timeutil import utcnow
    account = register('d@example.nl', totp=False)
    client = new_api()
    cases = [({'status': 'disabled'}, 'account_disabled'),
             ({'valid_from': utcnow() + timedelta(days=3)}, 'account_not_yet_valid'),
             ({'valid_until': utcnow() - timedelta(days=1)}, 'account_expired')]
    for values, code in cases:
        db.execute(update(Account).values(status='active', valid_from=None, valid_until=None))
        db.execute(update(Account).values(**values))
        response = client.post('/api/v1/session', {'email': 'd@example.nl', 'password': PASSWORD})
        assert response.status_code == 403 and response.get_json()['error']['code'] == code
        wrong = client.post('/api/v1/session', {'email': 'd@example.nl', 'password': 'not the password at all'})
        assert wrong.status_code == 401  # without the password nothing is told
    assert account.get('/api/v1/me').status_code == 401  # an expired account's session ends too


def test_delete_account(register, provider, coupling_code, db, new_api):
    from hub.account.models import Account
    from hub.core.models import AuditRecord
    manager = register('m@example.nl')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(provider(), 'c')}).get_json()
    manager.post(f"/api/v1/circles/{circle['id']}/invitations",
                 {'email': 'h@example.nl', 'first_name': 'H', 'last_name': 'X', 'role': 'trust'})
    helper = register('h@example.nl')
    assert manager.delete('/api/v1/me', json={'password': PASSWORD}).status_code == 409
    assert helper.delete('/api/v1/me', json={'password': 'wrong one'}).status_code == 400
    assert helper.delete('/api/v1/me', json={'password': PASSWORD}).status_code == 204
    assert [a.email for a in db.scalars(select(Account))] == ['m@example.nl']
    assert manager.get(f"/api/v1/circles/{circle['id']}/invitations").get_json()['items'] == []
    assert db.count(AuditRecord, AuditRecord.event == 'account.delete') == 1
    assert new_api().post('/api/v1/session', {'email': 'h@example.nl', 'password': PASSWORD}).status_code == 401
    assert manager.delete(f"/api/v1/circles/{circle['id']}").status_code == 204
    assert manager.delete('/api/v1/me', json={'password': PASSWORD}).status_code == 204
    assert db.count(Account) == 0


def test_an_operator_blocks_an_account_and_its_sessions_end(app, register, new_api):
    from hub.cli import cli
    account = register('b@example.nl', totp=False)
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ['account', 'disable', 'b@example.nl']).exit_code == 0
    assert account.get('/api/v1/me').status_code == 401
    client = new_api()
    response = client.post('/api/v1/session', {'email': 'b@example.nl', 'password': PASSWORD})
    assert response.get_json()['error']['code'] == 'account_disabled'
    assert runner.invoke(cli, ['account', 'enable', 'b@example.nl']).exit_code == 0
    assert client.post('/api/v1/session', {'email': 'b@example.nl', 'password': PASSWORD}).status_code == 200
    assert runner.invoke(cli, ['account', 'valid', 'b@example.nl', '--until', '2020-01-01']).exit_code == 0
    assert client.get('/api/v1/me').status_code == 401
    assert runner.invoke(cli, ['account', 'disable', 'nobody@example.nl']).exit_code == 1


def test_sessions_end_after_30_idle_minutes_and_after_12_hours(app, register, db):
    from hub.account.models import AuthSession
    from hub.core.timeutil import utcnow
    account = register('i@example.nl', totp=False)
    db.execute(update(AuthSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    assert account.get('/api/v1/me').status_code == 401
    account.csrf()
    account.post('/api/v1/session', {'email': 'i@example.nl', 'password': PASSWORD})
    assert account.get('/api/v1/me').status_code == 200
    db.execute(update(AuthSession).values(created_at=utcnow() - timedelta(hours=12, minutes=1)))
    assert account.get('/api/v1/me').status_code == 401
    from hub.cli import cli
    assert app.test_cli_runner().invoke(cli, ['worker', '--once']).exit_code == 0
    assert db.count(AuthSession) == 0  # the worker removes dead sessions


def test_a_password_with_right_to_left_and_combining_characters_works_as_typed(api, mailbox, new_api):
    import unicodedata
    api.post('/api/v1/accounts', {'email': 'u@example.nl', 'first_name': 'U', 'last_name': 'V', 'accept_terms': True})
    token = mailbox.link('u@example.nl', '/activate').split('token=')[1]
    composed = 'Zoë en Jürgen \u202eleest\u202c achterstevoren 7'
    assert api.post('/api/v1/accounts/activate', {'token': token, 'password': composed}).status_code == 200
    decomposed = unicodedata.normalize('NFD', composed)  # the same text, typed on another keyboard
    assert new_api().post('/api/v1/session', {'email': 'u@example.nl', 'password': decomposed}).status_code == 200
