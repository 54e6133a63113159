"""Recovery codes for a lost phone: ten, shown once after the step-up, each logs in once; a new set replaces the old."""

from datetime import timedelta

from sqlalchemy import update

from tests.conftest import PASSWORD


def _at_login(new_api, email):
    browser = new_api()
    response = browser.post('/api/v1/session', {'email': email, 'password': PASSWORD})
    assert response.status_code == 200, response.get_json()
    return browser, response.get_json()['second_factor']


def test_ten_codes_each_log_in_once(register, new_api, mailbox, db):
    from hub.account.models import AuthSession
    from hub.core.timeutil import utcnow
    owner = register('kwijt@example.nl')
    db.execute(update(AuthSession).values(second_factor_at=utcnow() - timedelta(hours=1)))
    refused = owner.post('/api/v1/me/recovery-codes')
    assert refused.status_code == 401 and refused.get_json()['error']['code'] == 'step_up_required'
    owner.step_up()
    made = owner.post('/api/v1/me/recovery-codes')
    assert made.status_code == 201
    codes = made.get_json()['codes']
    assert len(codes) == len(set(codes)) == 10 and all(len(code) == 11 and code[5] == '-' for code in codes)
    assert owner.get('/api/v1/me/recovery-codes').get_json() == {'remaining': 10}
    assert 'herstelcodes' in mailbox.last_to('kwijt@example.nl').get_content()

    browser, methods = _at_login(new_api, 'kwijt@example.nl')
    assert methods == ['totp', 'recovery']
    response = browser.post('/api/v1/session/second-factor', {'method': 'recovery', 'code': codes[0]})
    assert response.status_code == 200, response.get_json()
    assert browser.get('/api/v1/me').status_code == 200
    again, _ = _at_login(new_api, 'kwijt@example.nl')
    used = again.post('/api/v1/session/second-factor', {'method': 'recovery', 'code': codes[0]})
    assert used.status_code == 400 and used.get_json()['error']['code'] == 'wrong_code'  # once only
    typed = again.post('/api/v1/session/second-factor',
                       {'method': 'recovery', 'code': codes[1].lower().replace('-', ' ')})
    assert typed.status_code == 200  # as people type it: small letters, a space for the dash
    assert owner.get('/api/v1/me/recovery-codes').get_json() == {'remaining': 8}

    owner.step_up()
    fresh = owner.post('/api/v1/me/recovery-codes').get_json()['codes']
    old, _ = _at_login(new_api, 'kwijt@example.nl')
    assert old.post('/api/v1/session/second-factor', {'method': 'recovery', 'code': codes[2]}).status_code == 400
    assert old.post('/api/v1/session/second-factor', {'method': 'recovery', 'code': fresh[0]}).status_code == 200
    stepped = owner.post('/api/v1/step-up/verify', {'method': 'recovery', 'code': fresh[1]})
    assert stepped.status_code == 400 and stepped.get_json()['error']['code'] == 'method_not_available'  # login only


def test_a_code_sent_twice_at_once_logs_in_once(register, new_api):
    from tests.parallel import AT_ONCE, at_once
    owner = register('twee@example.nl')
    owner.step_up()
    [code, *_] = owner.post('/api/v1/me/recovery-codes').get_json()['codes']
    browsers = [_at_login(new_api, 'twee@example.nl')[0] for _ in range(AT_ONCE)]
    answers = at_once(*[lambda b=b: b.post('/api/v1/session/second-factor', {'method': 'recovery', 'code': code})
                        for b in browsers])
    assert sorted(a.status_code for a in answers) == [200] + [400] * (AT_ONCE - 1)


def test_no_codes_without_a_second_factor(register):
    account = register('geen@example.nl', totp=False)
    response = account.post('/api/v1/me/recovery-codes')
    assert response.status_code == 401 and response.get_json()['error']['code'] == 'step_up_required'
    assert 'extra controle' in response.get_json()['error']['message']  # what to set up first
