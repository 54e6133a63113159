"""Register, enrol an authenticator app, log in with and without a remembered browser, reset the password."""

import re

import pyotp
import pytest

from tests.browser.test_journey import _register
from tests.conftest import PASSWORD, Clock

pytestmark = pytest.mark.browser
NEW = 'groene appels in een houten kist'


def _login(person, email, password=PASSWORD):
    page = person.page
    page.goto('/login')
    page.get_by_label(re.compile('E-mailadres|Email address')).fill(email)
    page.get_by_label(re.compile('^(Wachtwoord|Password)$')).fill(password)
    page.get_by_role('button', name=re.compile('^(Inloggen|Log in)$')).click()
    page.wait_for_load_state()


def _enter_code(person, totp, remember=False):
    page = person.page
    page.get_by_label(re.compile('^Code')).fill(totp.at(Clock.tick()))
    if remember:
        page.get_by_label(re.compile('onthouden|Remember')).check()
    page.get_by_role('button', name=re.compile('Code controleren|Check code')).click()
    page.wait_for_load_state()


def test_totp_remembered_browser_and_reset(pages, live, live_mailbox):
    first = pages()
    page = first.page
    _register(page, live_mailbox, 'anna@example.nl', 'Anna')
    page.goto('/profile/totp')
    first.axe()
    secret = page.locator('code.secret').inner_text().replace(' ', '')
    totp = pyotp.TOTP(secret)
    page.get_by_label(re.compile('^Code')).fill('000000')
    page.get_by_role('button', name=re.compile('Code controleren|Check code')).click()
    page.get_by_role('alert').wait_for()
    first.axe()
    assert page.locator('code.secret').inner_text().replace(' ', '') == secret  # the same seed, not a new one
    _enter_code(first, totp)
    assert '/profile/totp' not in page.url

    second = pages()
    _login(second, 'anna@example.nl')
    assert '/login/second-factor' in second.page.url  # a new browser is asked for the code
    second.axe()
    _enter_code(second, totp, remember=True)
    assert '/login' not in second.page.url
    second.page.goto('/logout')
    second.page.get_by_role('button', name=re.compile('Ja, uitloggen|Yes, log out')).click()
    _login(second, 'anna@example.nl')
    assert '/login/second-factor' not in second.page.url and '/circles' in second.page.url  # remembered

    third = pages()
    _login(third, 'anna@example.nl')
    assert '/login/second-factor' in third.page.url  # not this one

    third.page.goto('/password/forgot')
    third.axe()
    third.page.get_by_label(re.compile('E-mailadres|Email address')).fill('anna@example.nl')
    third.page.get_by_role('button', name=re.compile('Link versturen|Send link')).click()
    third.page.get_by_role('status').wait_for()
    third.axe()
    third.page.goto(live_mailbox.link('anna@example.nl', '/password/reset'))
    third.axe()
    third.page.get_by_label(re.compile('^Code')).fill(totp.at(Clock.tick()))
    third.page.locator('#password').fill(NEW)
    third.page.locator('#password_confirm').fill(NEW)
    third.page.get_by_role('button', name=re.compile('Wachtwoord opslaan|Save password')).click()
    third.page.get_by_role('status').wait_for()
    third.axe()
    second.page.goto('/circles')
    assert '/login' in second.page.url  # the reset ended the remembered browser's session
    _login(second, 'anna@example.nl', NEW)
    assert '/login/second-factor' in second.page.url  # and forgot the browser


def test_profile_sessions_password_and_delete(pages, live, live_mailbox):
    first = pages()
    page = first.page
    _register(page, live_mailbox, 'piet@example.nl', 'Piet')
    other = pages()
    _login(other, 'piet@example.nl')
    assert '/login/second-factor' in other.page.url  # a new browser: a code by mail first
    other.axe()
    other.page.get_by_label(re.compile('^Code')).fill(live_mailbox.code('piet@example.nl'))
    other.page.get_by_role('button', name=re.compile('^(Code controleren|Check code)$')).click()
    other.page.wait_for_load_state()
    assert '/login' not in other.page.url
    page.goto('/profile')
    first.axe()
    page.get_by_label(re.compile('^(Voornaam|First name)')).fill('Pieter')
    page.get_by_label('English').check()
    page.get_by_role('button', name=re.compile('^(Opslaan|Save)$')).click()
    page.get_by_role('heading', name='My profile').wait_for()  # the language follows the profile
    assert page.get_by_label('First name').input_value() == 'Pieter'
    first.axe()
    page.get_by_role('button', name=re.compile('Log out there')).click()
    other.page.goto('/profile')
    assert '/login' in other.page.url

    page.get_by_role('link', name='Change password').click()
    first.axe()
    page.get_by_label('Current password').fill(PASSWORD)
    page.locator('#password').fill(NEW)
    page.locator('#password_confirm').fill(NEW)
    page.get_by_role('button', name='Save password').click()
    page.get_by_role('status').wait_for()

    page.goto('/profile/delete')
    first.axe()
    page.get_by_label('Your password, to confirm').fill(NEW)
    page.get_by_role('button', name='Yes, delete my account').click()
    page.get_by_role('heading', name='Account deleted').wait_for()
    first.axe()
    _login(other, 'piet@example.nl', NEW)
    assert '/login' in other.page.url


def test_a_new_browser_asks_a_mailed_code_and_can_send_another(pages, live, live_mailbox):
    first = pages()
    _register(first.page, live_mailbox, 'kees@example.nl', 'Kees')
    person = pages()
    page = person.page
    _login(person, 'kees@example.nl')
    assert '/login/second-factor' in page.url
    page.get_by_role('button', name=re.compile('^(Stuur me een nieuwe code|Send me a new code)$')).click()
    page.get_by_role('status').wait_for()
    person.axe()
    page.get_by_label(re.compile('^Code')).fill(live_mailbox.code('kees@example.nl'))
    page.get_by_role('button', name=re.compile('^(Code controleren|Check code)$')).click()
    page.wait_for_load_state()
    assert '/login' not in page.url


def test_the_mails_one_gets_are_chosen_per_kind_and_stopped_in_one_click(pages, live, live_mailbox):
    from sqlalchemy import select

    from hub.account.models import Account
    from hub.account.notifications import settings_of, unsubscribe_token
    from hub.extensions import db
    person = pages()
    page = person.page
    _register(page, live_mailbox, 'mails@example.nl', 'Mila')
    page.set_viewport_size({'width': 375, 'height': 740})
    page.goto('/')
    assert page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')  # no sideways scrolling
    page.locator('summary', has_text=re.compile('^Menu$')).click()  # on a phone: one button opens the menu
    page.get_by_role('link', name=re.compile('^(Mijn profiel|My profile)$')).click()
    page.get_by_role('heading', level=1, name=re.compile('Mijn profiel|My profile')).wait_for()
    person.axe()
    page.goto('/profile#notifications')
    group = page.get_by_role('group', name=re.compile('Een nieuw bericht|A new message'))
    group.get_by_label(re.compile('Eén keer per dag|Once a day')).check()
    person.axe()
    page.get_by_role('button', name=re.compile('Mijn keuze bewaren|Save my choice')).click()
    page.get_by_role('status').wait_for()
    with live.app_context():
        account = db.session.execute(select(Account).where(Account.email == 'mails@example.nl')).scalar_one()
        assert settings_of(account)['message'] == 'daily'
        token = unsubscribe_token(account, 'report')
    page.goto(f'/unsubscribe/{token}')
    person.axe()
    page.get_by_role('button', name=re.compile('Ja, stop deze mails|Yes, stop these mails')).click()
    page.get_by_role('status').wait_for()
    person.axe()
    with live.app_context():
        account = db.session.execute(select(Account).where(Account.email == 'mails@example.nl')).scalar_one()
        assert settings_of(account)['report'] == 'off'


def test_the_information_page_in_both_languages(pages, live):
    person = pages()
    page = person.page
    for width in (375, 1280):
        page.set_viewport_size({'width': width, 'height': 800})
        page.goto('/')
        page.get_by_role('contentinfo').get_by_role('link', name=re.compile('Hulp en informatie|Help and information')).click()
        page.get_by_role('heading', level=1, name=re.compile('^(Informatie|Information)$')).wait_for()
        assert page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')
        person.axe()
    page.get_by_role('button', name='English').click()
    page.get_by_role('heading', level=1, name='Information').wait_for()
    assert 'Approving a care plan' in page.locator('main').inner_text()
    person.axe()
