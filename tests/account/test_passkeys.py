"""Passkeys through the API: added after the step-up, used for the login's second step and the step-up; a challenge
works once and 5 minutes; a replayed, foreign or out-of-date assertion is refused as invalid_passkey and counted."""

from datetime import timedelta

from sqlalchemy import select, update

from tests.conftest import PASSWORD
from tests.passkey_soft import SoftPasskey

ORIGIN = 'https://carehub.test'


def _add(account, name='Mijn telefoon', key=None):
    key = key or SoftPasskey(ORIGIN)
    options = account.post('/api/v1/me/passkeys/options')
    assert options.status_code == 200, options.get_json()
    made = account.post('/api/v1/me/passkeys', {'credential': key.create(options.get_json()), 'name': name})
    assert made.status_code == 201, made.get_json()
    return key, made.get_json()


def _at_login(new_api, email):
    browser = new_api()
    response = browser.post('/api/v1/session', {'email': email, 'password': PASSWORD})
    assert response.status_code == 200, response.get_json()
    return browser, response.get_json()['second_factor']


def _login_with(browser, key, **kwargs):
    options = browser.post('/api/v1/session/second-factor/options', {'method': 'passkey'})
    assert options.status_code == 200, options.get_json()
    return browser.post('/api/v1/session/second-factor',
                        {'method': 'passkey', 'credential': key.get(options.get_json(), **kwargs)})


def test_add_list_use_and_remove_a_passkey(register, new_api, mailbox):
    owner = register('sleutel@example.nl')
    owner.step_up()
    options = owner.post('/api/v1/me/passkeys/options').get_json()['publicKey']
    assert options['rp'] == {'name': 'carehub', 'id': 'carehub.test'}
    assert options['user']['name'] == 'sleutel@example.nl' and options['timeout'] == 300000
    assert options['authenticatorSelection']['userVerification'] == 'preferred'
    key, made = _add(owner)
    assert made['name'] == 'Mijn telefoon' and made['last_used_at'] is None
    assert 'toegangssleutel' in mailbox.last_to('sleutel@example.nl').get_content()
    assert owner.get('/api/v1/me').get_json()['second_factors'][0] == 'passkey'

    browser, methods = _at_login(new_api, 'sleutel@example.nl')
    assert methods[0] == 'passkey'
    answer = _login_with(browser, key)
    assert answer.status_code == 200, answer.get_json()
    [listed] = browser.get('/api/v1/me/passkeys').get_json()['items']
    assert listed['last_used_at'] is not None

    options = browser.post('/api/v1/step-up/options', {'method': 'passkey'}).get_json()
    assert [c['id'] for c in options['publicKey']['allowCredentials']] == [key.get(options)['id']]
    stepped = browser.post('/api/v1/step-up/verify', {'method': 'passkey', 'credential': key.get(options)})
    assert stepped.status_code == 200, stepped.get_json()

    second, _ = _add(browser, 'Laptop')
    assert [item['name'] for item in browser.get('/api/v1/me/passkeys').get_json()['items']] == ['Laptop',
                                                                                                 'Mijn telefoon']
    assert browser.delete(f"/api/v1/me/passkeys/{listed['id']}").status_code == 204
    assert 'verwijderd' in mailbox.last_to('sleutel@example.nl').get_content()
    again, _ = _at_login(new_api, 'sleutel@example.nl')
    gone = _login_with(again, key)
    assert gone.status_code == 400 and gone.get_json()['error']['code'] == 'invalid_passkey'
    assert _login_with(again, second).status_code == 200


def test_a_replayed_or_foreign_assertion_is_refused_and_counted(register, new_api, db):
    from hub.account.models import Account, AuthSession
    from hub.core.timeutil import utcnow
    owner = register('replay@example.nl')
    owner.step_up()
    key, _ = _add(owner)
    register('ander@example.nl').step_up()

    browser, _ = _at_login(new_api, 'replay@example.nl')
    options = browser.post('/api/v1/session/second-factor/options', {'method': 'passkey'}).get_json()
    assertion = key.get(options)
    assert browser.post('/api/v1/session/second-factor',
                        {'method': 'passkey', 'credential': assertion}).status_code == 200
    thief, _ = _at_login(new_api, 'replay@example.nl')  # the same assertion, sent again from elsewhere
    thief.post('/api/v1/session/second-factor/options', {'method': 'passkey'})
    replayed = thief.post('/api/v1/session/second-factor', {'method': 'passkey', 'credential': assertion})
    assert replayed.status_code == 400 and replayed.get_json()['error']['code'] == 'invalid_passkey'
    assert thief.get('/api/v1/me').status_code == 401

    for wrong in (lambda o: SoftPasskey(ORIGIN).get(o),  # a passkey of no account here
                  lambda o: key.get(o, origin='https://carehub.example', count=False),  # made on another site
                  lambda o: key.get(o, count=False)):  # a cloned authenticator: its counter did not move on
        options = thief.post('/api/v1/session/second-factor/options', {'method': 'passkey'}).get_json()
        refused = thief.post('/api/v1/session/second-factor', {'method': 'passkey', 'credential': wrong(options)})
        assert refused.status_code == 400 and refused.get_json()['error']['code'] == 'invalid_passkey'
    [failures] = db.scalars(select(AuthSession.factor_failures).where(AuthSession.pending.is_(True)))
    assert failures == 4
    [tries] = db.scalars(select(Account.failed_logins).where(Account.email == 'replay@example.nl'))
    assert tries == 4

    late, _ = _at_login(new_api, 'replay@example.nl')
    options = late.post('/api/v1/session/second-factor/options', {'method': 'passkey'}).get_json()
    db.execute(update(AuthSession).values(passkey_challenge_at=utcnow() - timedelta(minutes=6)))
    expired = late.post('/api/v1/session/second-factor', {'method': 'passkey', 'credential': key.get(options)})
    assert expired.status_code == 400 and expired.get_json()['error']['code'] == 'invalid_passkey'


def test_adding_needs_the_step_up_and_a_right_credential(register, db):
    from hub.account.models import AuthSession
    from hub.core.timeutil import utcnow
    owner = register('stap@example.nl')
    db.execute(update(AuthSession).values(second_factor_at=utcnow() - timedelta(hours=1)))
    refused = owner.post('/api/v1/me/passkeys/options')
    assert refused.status_code == 401 and refused.get_json()['error']['code'] == 'step_up_required'
    owner.step_up()
    options = owner.post('/api/v1/me/passkeys/options').get_json()
    other_site = SoftPasskey('https://carehub.example').create(options)
    bad = owner.post('/api/v1/me/passkeys', {'credential': other_site, 'name': 'Telefoon'})
    assert bad.status_code == 400 and bad.get_json()['error']['code'] == 'invalid_passkey'
    no_challenge = owner.post('/api/v1/me/passkeys', {'credential': SoftPasskey(ORIGIN).create(options),
                                                      'name': 'Telefoon'})
    assert no_challenge.status_code == 400  # the challenge went with the first try
    unnamed = owner.post('/api/v1/me/passkeys', {'credential': {}, 'name': ''})
    assert unnamed.status_code == 422
    assert owner.get('/api/v1/me/passkeys').get_json()['items'] == []


def test_a_first_way_can_be_a_passkey(register, new_api):
    account = register('eerst@example.nl', totp=False)
    key, _ = _add(account)  # a fresh password is enough for the first way, as for the app
    assert account.get('/api/v1/me').get_json()['second_factors'] == ['passkey']
    assert account.get('/api/v1/me/recovery-codes').status_code == 200
    browser, methods = _at_login(new_api, 'eerst@example.nl')
    assert methods == ['passkey']
    assert _login_with(browser, key).status_code == 200
    no_code = browser.post('/api/v1/session/second-factor', {'method': 'passkey', 'code': '123456'})
    assert no_code.status_code == 422


def test_a_passkey_only_account_resets_its_password_and_still_needs_the_passkey(register, new_api, mailbox):
    from tests.account.test_reset import NEW, _forgot
    account = register('alleen@example.nl', totp=False)
    key, _ = _add(account)
    other = new_api()
    token = _forgot(other, mailbox, 'alleen@example.nl')
    assert other.get(f'/api/v1/password/reset?token={token}').get_json() == {'second_factor': []}
    assert other.post('/api/v1/password/reset', {'token': token, 'password': NEW}).status_code == 200
    browser = new_api()
    methods = browser.post('/api/v1/session', {'email': 'alleen@example.nl', 'password': NEW}).get_json()
    assert methods['second_factor'] == ['passkey']  # the new password alone does not open the dossier
    assert _login_with(browser, key).status_code == 200
