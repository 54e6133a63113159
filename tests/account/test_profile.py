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


def test_sessions_are_listed_and_can_end(register, new_api):
    account = register('s@example.nl', totp=False)
    other = new_api()
    other.post('/api/v1/session', {'email': 's@example.nl', 'password': PASSWORD})
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
