"""A lost phone: a recovery code logs in; without one the second step goes after 7 days, unless stopped from the mail
or the profile; the owner and the managers of their care pages see it coming. And the page that offers a first
second step: a passkey, then SMS or a call, then the app, without a QR code."""

import re
from datetime import timedelta

from sqlalchemy import select, update

from tests.conftest import PASSWORD


def _at_login(new_api, email):
    browser = new_api()
    response = browser.post('/api/v1/session', {'email': email, 'password': PASSWORD})
    assert response.status_code == 200, response.get_json()
    return browser, response.get_json()['second_factor']


def _form(api, path, **data):
    return api.client.post(path, data={'csrf_token': api.token or api.csrf(), **data})


def _text(response):
    return re.sub(r'\s+', ' ', response.get_data(as_text=True))


def test_the_second_step_goes_after_a_week_unless_stopped(care_page, register, new_api, mailbox, db):
    from hub.account.models import Account, SecondStepReset
    from hub.core.timeutil import utcnow
    manager, circle_id, _, _ = care_page
    invited = manager.post(f'/api/v1/circles/{circle_id}/invitations',
                           {'email': 'kwijt@example.nl', 'first_name': 'Kees', 'last_name': 'Bos', 'role': 'basic'})
    assert invited.status_code == 201, invited.get_json()
    helper = register('kwijt@example.nl', 'Kees', 'Bos')
    [invitation] = helper.get('/api/v1/invitations').get_json()['items']
    assert helper.post(f"/api/v1/invitations/{invitation['id']}/accept").status_code == 200

    browser, methods = _at_login(new_api, 'kwijt@example.nl')
    assert methods == ['totp']
    code_page = _text(browser.client.get('/login/second-factor'))
    assert 'Telefoon kwijt of geen code?' in code_page
    page = _text(browser.client.get('/login/lost-phone'))
    assert 'Inloggen met een herstelcode' in page and 'Wis mijn extra controle over 7 dagen' in page
    asked = _form(browser, '/login/lost-phone', action='reset')
    assert asked.status_code == 200 and 'We wissen je extra controle op' in _text(asked)
    mail = mailbox.last_to('kwijt@example.nl')
    assert 'wordt gewist op' in mail['Subject']
    cancel = mailbox.link('kwijt@example.nl', '/lost-phone/cancel')

    members = _text(manager.client.get(f'/circles/{circle_id}/members'))
    assert 'Kees vroeg om de extra controle bij het inloggen te wissen' in members
    assert 'Je vroeg om je extra controle te wissen' in _text(helper.client.get('/profile'))
    _, methods = _at_login(new_api, 'kwijt@example.nl')
    assert methods == ['totp']  # within the week nothing changes

    anyone = new_api()  # the mail's link works without a login: the address is the owner's
    path = cancel
    assert 'Wissen stoppen' in _text(anyone.client.get(path))
    token = path.split('token=', 1)[1]
    stopped = _form(anyone, '/lost-phone/cancel', token=token)
    assert 'Gelukt' in _text(stopped)
    assert 'werkt niet meer' in _text(anyone.client.get(path))
    assert 'extra controle bij het inloggen te wissen' not in _text(manager.client.get(f'/circles/{circle_id}/members'))

    browser, _ = _at_login(new_api, 'kwijt@example.nl')
    _form(browser, '/login/lost-phone', action='reset')
    assert 'Je vroeg om je extra controle te wissen' in _text(helper.client.get('/profile'))
    assert helper.client.post('/profile/lost-phone/cancel', data={'csrf_token': helper.token}).status_code == 303
    assert 'Je vroeg om je extra controle te wissen' not in _text(helper.client.get('/profile'))

    _form(browser, '/login/lost-phone', action='reset')
    db.execute(update(SecondStepReset).where(SecondStepReset.cancelled_at.is_(None))
               .values(effective_at=utcnow() - timedelta(seconds=1)))  # the week is over
    later, methods = _at_login(new_api, 'kwijt@example.nl')
    assert methods == ['email']  # a code by mail, then a new second step
    assert any('Je extra controle is gewist' in mail.get_content() for mail in mailbox.to('kwijt@example.nl'))
    [account] = db.scalars(select(Account).where(Account.email == 'kwijt@example.nl'))
    assert account.totp_secret is None and account.phone is None and account.passkey_count == 0
    assert later.post('/api/v1/session/second-factor',
                      {'method': 'email', 'code': mailbox.code('kwijt@example.nl')}).status_code == 200
    step_up = later.client.get('/step-up')
    assert step_up.status_code == 303 and '/profile/second-step' in step_up.headers['Location']


def test_a_recovery_code_on_the_lost_phone_page(register, new_api):
    owner = register('herstel@example.nl')
    owner.step_up()
    [code, *_] = owner.post('/api/v1/me/recovery-codes').get_json()['codes']
    browser, _ = _at_login(new_api, 'herstel@example.nl')
    wrong = _form(browser, '/login/lost-phone', code='AAAAA-AAAAA')
    assert wrong.status_code == 422 and 'Deze code klopt niet' in _text(wrong)
    right = _form(browser, '/login/lost-phone', code=code, next='/profile')
    assert right.status_code == 303 and right.headers['Location'].endswith('/profile')
    assert browser.get('/api/v1/me').status_code == 200


def test_the_first_second_step_offers_a_passkey_then_sms_then_the_app(register, db):
    from hub.account.models import AuthSession
    from hub.core.timeutil import utcnow
    account = register('nieuw@example.nl', totp=False)
    to_choose = account.client.get('/step-up?next=/profile')
    assert to_choose.status_code == 303 and '/profile/second-step' in to_choose.headers['Location']
    page = _text(account.client.get(to_choose.headers['Location']))
    order = [page.index(words) for words in ('Met je telefoon of computer', 'Met een code per sms of telefoontje',
                                             'Met een app op je telefoon')]
    assert order == sorted(order)
    main = page[page.index('<main'):page.index('</main>')]
    assert 'QR' not in main and '<img' not in main  # no app's QR code before one chose the app
    db.execute(update(AuthSession).values(created_at=utcnow() - timedelta(hours=1)))
    stale = account.client.get('/profile/second-step')
    assert stale.status_code == 303 and '/login' in stale.headers['Location']  # a first way needs a fresh password


def test_recovery_codes_page_after_the_first_way(register):
    account = register('codes@example.nl')
    page = _text(account.client.get('/profile/recovery-codes?first=1&next=/profile'))
    assert 'Je extra controle is klaar' in page and 'Tien codes maken' in page
    made = _form(account, '/profile/recovery-codes', first='1', next='/profile')
    text = _text(made)
    assert made.status_code == 200 and made.headers['Cache-Control'] == 'no-store'
    assert len(re.findall(r'<code>[0-9A-Z]{5}-[0-9A-Z]{5}</code>', text)) == 10
    assert 'download="carehub-herstelcodes.txt"' in text
    profile = _text(account.client.get('/profile'))
    assert 'Je hebt nog 10 herstelcodes' in profile


def test_a_reset_link_can_ask_the_week_too(register, new_api, mailbox, db):
    from hub.account.models import SecondStepReset
    from tests.account.test_reset import _forgot
    register('vergeten@example.nl')
    other = new_api()
    token = _forgot(other, mailbox, 'vergeten@example.nl')
    assert 'Telefoon kwijt of geen code?' in _text(other.client.get(f'/password/reset?token={token}'))
    page = _text(other.client.get(f'/login/lost-phone?token={token}'))
    assert 'Wis mijn extra controle over 7 dagen' in page and 'Inloggen met een herstelcode' not in page
    asked = _form(other, '/login/lost-phone', action='reset', token=token)
    assert 'We wissen je extra controle op' in _text(asked)
    assert db.count(SecondStepReset) == 1
    assert other.client.get('/login/lost-phone?token=forged').status_code == 400
