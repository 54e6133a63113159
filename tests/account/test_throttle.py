"""Login throttling after OWASP's device-cookie scheme: guesses from elsewhere never lock the owner out."""

from datetime import timedelta

from sqlalchemy import update

from tests.conftest import PASSWORD

WRONG = 'not the password at all'


def _login(client, email, password, source='127.0.0.1'):
    client.csrf()
    return client.post('/api/v1/session', {'email': email, 'password': password},
                       environ_base={'REMOTE_ADDR': source})


def _past_the_wait(db):
    from hub.account.models import LoginThrottle
    from hub.core.timeutil import utcnow
    db.execute(update(LoginThrottle).values(wait_until=utcnow() - timedelta(seconds=1)))


def test_guesses_from_elsewhere_never_lock_out_a_browser_the_owner_used(register, new_api, db):
    owner = register('t@example.nl', totp=False)  # this browser logged in: it is known
    attacker = new_api()
    answers = [_login(attacker, 't@example.nl', WRONG, '198.51.100.7') for _ in range(7)]
    assert [a.status_code for a in answers] == [401] * 5 + [429, 429]
    refused = answers[5]
    assert refused.get_json()['error']['code'] == 'too_many_tries'
    assert 1 <= int(refused.headers['Retry-After']) <= 60
    assert _login(owner, 't@example.nl', PASSWORD, '203.0.113.9').status_code == 200


def test_a_right_password_while_waiting_is_told_to_wait_never_that_it_is_wrong(register, new_api, db):
    register('w@example.nl', totp=False)
    attacker, owner = new_api(), new_api()
    for _ in range(5):
        _login(attacker, 'w@example.nl', WRONG, '198.51.100.7')
    waiting = _login(owner, 'w@example.nl', PASSWORD, '203.0.113.9')  # a new browser of the owner
    assert waiting.status_code == 429 and 'Retry-After' in waiting.headers
    assert waiting.get_json()['error']['code'] == 'too_many_tries'
    _past_the_wait(db)
    assert _login(owner, 'w@example.nl', PASSWORD, '203.0.113.9').status_code == 200


def test_the_wait_grows_with_each_failure_after_it(register, new_api, db):
    register('p@example.nl', totp=False)
    attacker = new_api()
    waits = []
    for _ in range(5):
        _login(attacker, 'p@example.nl', WRONG, '198.51.100.7')
    for _ in range(4):
        refused = _login(attacker, 'p@example.nl', WRONG, '198.51.100.7')
        waits.append(int(refused.headers['Retry-After']))
        _past_the_wait(db)
        assert _login(attacker, 'p@example.nl', WRONG, '198.51.100.7').status_code == 401
    last = _login(attacker, 'p@example.nl', WRONG, '198.51.100.7')
    waits.append(int(last.headers['Retry-After']))
    assert waits[0] <= 60 and waits[1] > 60 and waits[2] > 120 and waits[-1] <= 15 * 60
    assert waits == sorted(waits)


def test_unknown_addresses_are_throttled_the_same_way(new_api):
    attacker = new_api()
    answers = [_login(attacker, 'nobody@example.nl', WRONG, '198.51.100.7').status_code for _ in range(6)]
    assert answers == [401] * 5 + [429]


def test_one_source_guessing_many_addresses_waits(new_api):
    attacker = new_api()
    answers = [_login(attacker, f'person{n}@example.nl', WRONG, '198.51.100.8').status_code for n in range(21)]
    assert answers == [401] * 20 + [429]
    assert _login(new_api(), 'person1@example.nl', WRONG, '198.51.100.9').status_code == 401  # another source


def test_a_known_browser_cookie_only_locks_itself(register, new_api, db):
    owner = register('k@example.nl', totp=False)
    answers = [_login(owner, 'k@example.nl', WRONG, '203.0.113.9').status_code for _ in range(6)]
    assert answers == [401] * 5 + [429]
    assert _login(new_api(), 'k@example.nl', PASSWORD, '203.0.113.10').status_code == 200  # not the address


def test_a_forged_known_browser_cookie_is_not_trusted(register, new_api, app):
    register('f@example.nl', totp=False)
    attacker = new_api()
    attacker.client.set_cookie('carehub-known', 'forged.cookie.value')
    answers = [_login(attacker, 'f@example.nl', WRONG, '198.51.100.7').status_code for _ in range(6)]
    assert answers == [401] * 5 + [429]


def test_a_reset_always_works_and_makes_the_browser_known(register, new_api, mailbox, db):
    register('r@example.nl', totp=False)
    attacker, owner = new_api(), new_api()
    for _ in range(6):
        _login(attacker, 'r@example.nl', WRONG, '198.51.100.7')
    owner.post('/api/v1/password/forgot', {'email': 'r@example.nl'})
    token = mailbox.link('r@example.nl', '/password/reset').split('token=')[1]
    new_password = 'zeven zwanen zwemmen zuidwaarts'
    assert owner.post('/api/v1/password/reset', {'token': token, 'password': new_password}).status_code == 200
    for _ in range(6):  # the attacker goes on
        _login(attacker, 'r@example.nl', WRONG, '198.51.100.7')
    assert _login(owner, 'r@example.nl', new_password, '203.0.113.9').status_code == 200


def test_the_login_page_says_how_long_to_wait(register, app, new_api):
    import re
    register('l@example.nl', totp=False)
    attacker = new_api()
    for _ in range(5):
        _login(attacker, 'l@example.nl', WRONG, '198.51.100.7')
    browser = app.test_client()
    page = browser.get('/login', headers={'Accept-Language': 'nl'}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = browser.post('/login', data={'email': 'l@example.nl', 'password': PASSWORD, 'csrf_token': token},
                            headers={'Accept-Language': 'nl'})
    text = response.get_data(as_text=True)
    assert response.status_code == 429 and 'Retry-After' in response.headers
    assert 'Wacht 1 minuten' in text or 'Wacht 1 minuut' in text, text[-2000:]
    assert 'klopt niet' not in text


def test_a_new_browser_of_an_account_without_a_second_factor_gets_a_code_by_mail(register, new_api, mailbox):
    register('nb@example.nl', totp=False)
    browser = new_api()
    first = _login(browser, 'nb@example.nl', PASSWORD)
    assert first.status_code == 200 and first.get_json()['second_factor'] == ['email']
    assert browser.get('/api/v1/me').status_code == 401  # not logged in before the code
    mail = mailbox.last_to('nb@example.nl')
    assert 'code' in mail['Subject'].lower()
    assert browser.post('/api/v1/session/second-factor', {'method': 'email', 'code': '000000'}).status_code == 400
    assert browser.post('/api/v1/session/second-factor/send', {'method': 'email'}).status_code == 202
    code = mailbox.code('nb@example.nl')
    assert browser.post('/api/v1/session/second-factor', {'method': 'totp', 'code': code}).status_code == 400
    done = browser.post('/api/v1/session/second-factor', {'method': 'email', 'code': code})
    assert done.status_code == 200 and done.get_json()['account']['email'] == 'nb@example.nl'
    assert browser.post('/api/v1/step-up', {'method': 'email'}).status_code == 400  # not a second factor
    browser.delete('/api/v1/session')
    again = _login(browser, 'nb@example.nl', PASSWORD)  # this browser is known now: no code
    assert again.status_code == 200 and 'account' in again.get_json()
    sent = len(mailbox.to('nb@example.nl'))
    other = _login(new_api(), 'nb@example.nl', PASSWORD)
    assert other.get_json()['second_factor'] == ['email'] and len(mailbox.to('nb@example.nl')) == sent + 1


def test_a_reset_on_the_page_makes_the_browser_known_too(register, new_api, mailbox):
    import re
    register('rp@example.nl', totp=False)
    attacker, owner = new_api(), new_api()
    owner.post('/api/v1/password/forgot', {'email': 'rp@example.nl'})
    link = mailbox.link('rp@example.nl', '/password/reset')
    page = owner.client.get(link).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    new_password = 'zeven zwanen zwemmen zuidwaarts'
    done = owner.client.post(link, data={'csrf_token': token, 'password': new_password,
                                         'password_confirm': new_password})
    assert done.status_code == 200, done.get_data(as_text=True)[-800:]
    for _ in range(6):
        _login(attacker, 'rp@example.nl', WRONG, '198.51.100.7')
    answer = _login(owner, 'rp@example.nl', new_password, '203.0.113.9')
    assert answer.status_code == 200 and 'account' in answer.get_json()  # known: no wait, and no mailed code


def test_the_per_address_limit_counts_strangers_not_the_owner(register, new_api, app):
    """A care home behind one address: strangers' tries use up the per-address limit, the owner's known browser and
    the step-ups of a logged-in session do not (their own throttles guard them)."""
    owner = register('owner@example.nl')
    app.config['CAREHUB']['LOGIN_RATE_LIMIT'] = '3 per minute'
    try:
        stranger = new_api()
        tries = [stranger.post('/api/v1/session', {'email': f's{n}@example.nl', 'password': 'wrong password here'})
                 .status_code for n in range(4)]
        assert tries == [401, 401, 401, 429]
        for _ in range(4):
            assert owner.step_up().status_code == 200
        assert owner.delete('/api/v1/session').status_code == 204
        for _ in range(4):  # the owner's browser, remembered for the second factor too
            assert owner.login('owner@example.nl', PASSWORD).status_code == 200
        page = owner.client.post('/login', data={'email': 'owner@example.nl', 'password': PASSWORD,
                                                 'csrf_token': owner.csrf()})
        assert page.status_code in (200, 303)
        newcomer = new_api()  # a new browser trying the owner's address is a stranger
        assert newcomer.post('/api/v1/session', {'email': 'owner@example.nl', 'password': PASSWORD}).status_code == 429
    finally:
        app.config['CAREHUB']['LOGIN_RATE_LIMIT'] = '1000 per minute'


def test_parallel_wrong_passwords_are_counted_one_by_one(register, new_api):
    """20 wrong passwords at once for one address: the five free tries are looked at, the rest wait (429)."""
    from hub.account.throttle import FREE
    from tests.parallel import AT_ONCE, at_once
    register('doel@example.nl', totp=False)
    browsers = [new_api() for _ in range(AT_ONCE)]
    for browser in browsers:
        browser.csrf()
    answers = at_once(*[lambda b=b: b.post('/api/v1/session', {'email': 'doel@example.nl',
                                                               'password': 'een fout wachtwoord hier'})
                        for b in browsers])
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [401] * FREE['address'] + [429] * (AT_ONCE - FREE['address']), statuses
