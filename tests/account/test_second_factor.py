"""TOTP, remembered browsers, step-up and login throttling."""

import time
from datetime import timedelta

import pyotp
from sqlalchemy import select, update

from tests.conftest import PASSWORD


def _care_page(register, provider, coupling_code):
    manager = register('m@example.nl')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(provider(), 'c1')}).get_json()
    return manager, f"/api/v1/circles/{circle['id']}/timeline"


def test_login_with_totp_is_two_steps(register, new_api):
    manager = register('m@example.nl')
    browser = new_api()
    response = browser.post('/api/v1/session', {'email': 'm@example.nl', 'password': PASSWORD})
    assert response.status_code == 200 and response.get_json()['second_factor'] == ['totp']
    assert browser.get('/api/v1/me').status_code == 401  # not logged in until the code
    browser.totp = manager.totp
    response = browser.post('/api/v1/session/second-factor', {'method': 'totp', 'code': browser.code()})
    assert response.status_code == 200, response.get_json()
    assert browser.get('/api/v1/me').get_json()['second_factors'] == ['totp']


def test_a_totp_code_works_once(register, new_api):
    from tests.conftest import Clock
    manager = register('m@example.nl')
    used = manager.totp.at(Clock.now)  # the code the enrolment used, still in its time step
    browser = new_api()
    browser.post('/api/v1/session', {'email': 'm@example.nl', 'password': PASSWORD})
    response = browser.post('/api/v1/session/second-factor', {'method': 'totp', 'code': used})
    assert response.status_code == 400 and response.get_json()['error']['code'] == 'wrong_code'


def test_five_wrong_codes_end_the_tries_of_a_session(register, new_api):
    manager = register('m@example.nl')
    browser = new_api()
    browser.post('/api/v1/session', {'email': 'm@example.nl', 'password': PASSWORD})
    for _ in range(5):
        assert browser.post('/api/v1/session/second-factor', {'method': 'totp', 'code': '000000'}).status_code == 400
    browser.totp = manager.totp
    response = browser.post('/api/v1/session/second-factor', {'method': 'totp', 'code': browser.code()})
    assert response.status_code == 429 and response.get_json()['error']['code'] == 'too_many_codes'


def test_a_remembered_browser_skips_the_code_at_login_but_not_for_the_dossier(
        register, provider, coupling_code, new_api, app):
    manager, timeline = _care_page(register, provider, coupling_code)
    browser = new_api()
    browser.totp = manager.totp
    browser.post('/api/v1/session', {'email': 'm@example.nl', 'password': PASSWORD})
    response = browser.post('/api/v1/session/second-factor',
                            {'method': 'totp', 'code': browser.code(), 'remember_device': True})
    cookie = response.headers.getlist('Set-Cookie')
    device = [c for c in cookie if 'carehub-device=' in c][0]
    assert '__Host-carehub-device=' in device and 'HttpOnly' in device and 'SameSite=Lax' in device
    assert 'Secure' in device and 'Max-Age=7776000' in device
    browser.delete('/api/v1/session')
    browser.csrf()  # a new session after logout: fetch a new token
    response = browser.post('/api/v1/session', {'email': 'm@example.nl', 'password': PASSWORD})
    assert 'account' in response.get_json()  # no code asked
    response = browser.get(timeline)
    assert response.status_code == 401 and response.get_json()['error']['code'] == 'step_up_required'
    browser.step_up()
    assert browser.get(timeline).status_code == 200


def test_dossier_needs_a_recent_second_factor(register, provider, coupling_code, db):
    from hub.account.models import AuthSession
    from hub.core.timeutil import utcnow
    manager, timeline = _care_page(register, provider, coupling_code)
    assert manager.get(timeline).status_code == 200
    db.execute(update(AuthSession).values(second_factor_at=utcnow() - timedelta(minutes=16)))
    response = manager.get(timeline)
    assert response.status_code == 401 and response.get_json()['error']['code'] == 'step_up_required'
    old_cookie = manager.client.get_cookie(manager.client.application.config['SESSION_COOKIE_NAME']).value
    assert manager.post('/api/v1/step-up', {'method': 'totp'}).get_json() == {'method': 'totp', 'sent': False}
    manager.step_up()
    assert manager.get(timeline).status_code == 200
    replay = manager.client.application.test_client()
    replay.set_cookie(manager.client.application.config['SESSION_COOKIE_NAME'], old_cookie)
    assert replay.get('/api/v1/me').status_code == 401  # the id changed at the step-up


def test_without_a_second_factor_the_dossier_stays_closed(register, provider, coupling_code):
    manager = register('m@example.nl', totp=False)
    circle = manager.post('/api/v1/connections', {'code': coupling_code(provider(), 'c1')}).get_json()
    response = manager.get(f"/api/v1/circles/{circle['id']}/timeline")
    assert response.status_code == 401 and response.get_json()['error']['code'] == 'step_up_required'
    assert manager.post('/api/v1/step-up', {'method': 'totp'}).status_code == 400
    manager.enrol_totp()
    assert manager.get(f"/api/v1/circles/{circle['id']}/timeline").status_code == 200


def test_enrolment_refuses_a_wrong_code_and_a_second_enrolment_needs_a_fresh_check(register, db):
    from hub.account.models import Account, AuthSession
    from hub.core.timeutil import utcnow
    account = register('e@example.nl', totp=False)
    response = account.post('/api/v1/me/totp')
    body = response.get_json()
    assert body['otpauth_uri'].startswith('otpauth://totp/carehub:e%40example.nl?secret=')
    assert body['qr_svg'].startswith('<svg')
    assert account.post('/api/v1/me/totp/verify', {'code': '123456'}).status_code == 400
    assert account.post('/api/v1/me/totp/verify', {'code': 'abc'}).status_code == 400
    assert db.scalars(select(Account))[0].totp_secret is None
    account.totp = pyotp.TOTP(body['secret'])
    assert account.post('/api/v1/me/totp/verify', {'code': account.code()}).status_code == 200
    [stored] = db.scalars(select(Account))
    assert stored.totp_secret and body['secret'] not in stored.totp_secret  # encrypted at rest
    db.execute(update(AuthSession).values(second_factor_at=utcnow() - timedelta(hours=1)))
    assert account.post('/api/v1/me/totp').status_code == 401


def test_wrong_and_unknown_take_similar_time(register, new_api):
    register('s@example.nl', totp=False)
    client = new_api()

    def timed(email):
        start = time.perf_counter()
        client.post('/api/v1/session', {'email': email, 'password': 'a wrong password here'})
        return time.perf_counter() - start
    wrong = min(timed('s@example.nl') for _ in range(2))
    unknown = min(timed('nobody@example.nl') for _ in range(2))
    # both verify one argon2 hash: neither is an order of magnitude cheaper than the other
    assert max(wrong, unknown) < 10 * min(wrong, unknown)


def test_per_ip_limit_ignores_x_forwarded_for(app, new_api):
    client = new_api()
    app.config['CAREHUB']['LOGIN_RATE_LIMIT'] = '10 per minute'
    try:
        codes = [client.post('/api/v1/session', {'email': f'x{n}@example.nl', 'password': 'whatever it is'},
                             headers={'X-Forwarded-For': f'10.0.0.{n}'}).status_code for n in range(12)]
        response = client.post('/api/v1/session', {'email': 'x@example.nl', 'password': 'x'})
    finally:
        app.config['CAREHUB']['LOGIN_RATE_LIMIT'] = '1000 per minute'
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]
    assert response.get_json()['error']['code'] == 'too_many_requests'


def test_wrong_codes_count_across_logins(register, new_api, db):
    from hub.account.models import Account
    register('g@example.nl')
    guesser = new_api()
    for _ in range(3):
        guesser.csrf()
        guesser.post('/api/v1/session', {'email': 'g@example.nl', 'password': PASSWORD})
        for _ in range(2):
            guesser.post('/api/v1/session/second-factor', {'method': 'totp', 'code': '000000'})
    [account] = db.scalars(select(Account))
    assert account.failed_logins == 5  # a new login did not clear the count of wrong codes
    guesser.csrf()
    guesser.post('/api/v1/session', {'email': 'g@example.nl', 'password': PASSWORD})
    response = guesser.post('/api/v1/session/second-factor', {'method': 'totp', 'code': '000000'})
    assert response.status_code in (401, 429)


def test_a_first_factor_needs_a_fresh_login_and_every_change_is_mailed(register, db, mailbox):
    from hub.account.models import AuthSession
    from hub.core.timeutil import utcnow
    account = register('f@example.nl', totp=False)
    db.execute(update(AuthSession).values(created_at=utcnow() - timedelta(minutes=20)))
    response = account.post('/api/v1/me/totp')
    assert response.status_code == 401 and response.get_json()['error']['code'] == 'login_again'
    assert account.patch('/api/v1/me', {'phone': '0612345678'}).status_code == 401
    account.csrf()
    account.post('/api/v1/session', {'email': 'f@example.nl', 'password': PASSWORD})
    account.enrol_totp()
    subjects = [m['Subject'] for m in mailbox.to('f@example.nl')]
    assert any('inlogt' in s.lower() or 'logging in' in s.lower() for s in subjects), subjects
