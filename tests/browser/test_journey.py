"""Register, activate, log in, link a dossier and invite, in Chromium, with axe-core on every page."""

import re

import pytest

from hub.cli import cli
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_register_activate_login_and_link_a_dossier(pages, live, live_mailbox):
    person = pages()
    page = person.page
    page.goto('/')
    person.axe()
    page.get_by_role('link', name=re.compile('Account maken|Create account')).first.click()
    person.axe()
    page.get_by_role('link', name='Privacyverklaring').first.click()  # what carehub keeps, before signing up
    assert page.get_by_role('heading', level=1).inner_text().replace('\u00ad', '') == 'Privacyverklaring'  # soft hyphens: shown only at a break
    person.axe()
    page.go_back()
    page.get_by_role('link', name='Gebruiksvoorwaarden').first.click()
    person.axe()
    page.go_back()
    page.get_by_role('button', name=re.compile('Account maken|Create account')).click()
    assert page.locator('.error-text').count() >= 3  # empty form: every field says what is missing
    person.axe()
    page.get_by_label(re.compile('Voornaam|First name')).fill('Mieke')
    page.get_by_label(re.compile('Achternaam|Last name')).fill('Jansen')
    page.get_by_label(re.compile('E-mailadres|Email address')).fill('mieke@example.nl')
    page.get_by_label(re.compile('voorwaarden|terms')).check()
    page.get_by_role('button', name=re.compile('Account maken|Create account')).click()
    page.get_by_role('heading', name=re.compile('mail', re.I)).wait_for()
    person.axe()

    page.goto(live_mailbox.link('mieke@example.nl', '/activate'))
    person.axe()
    page.locator('#password').fill('welkom01')  # the meter says it is weak, as she types
    page.locator('#password-strength .strength').wait_for()
    assert re.search('zwak|weak', page.locator('#password-strength').inner_text(), re.I)
    person.axe()
    page.locator('#password').fill(PASSWORD)
    page.locator('#password_confirm').fill(PASSWORD + ' anders')
    page.get_by_role('button', name=re.compile('Wachtwoord opslaan|Save password')).click()
    assert page.locator('#password_confirm-error').is_visible()
    person.axe()
    page.locator('#password').fill(PASSWORD)
    page.locator('#password_confirm').fill(PASSWORD)
    page.get_by_role('button', name=re.compile('Wachtwoord opslaan|Save password')).click()
    page.get_by_role('link', name=re.compile('Dossier koppelen|Link a dossier')).first.wait_for()
    person.axe()

    page.get_by_role('link', name=re.compile('Uitloggen|Log out')).click()
    person.axe()
    page.get_by_role('button', name=re.compile('Ja, uitloggen|Yes, log out')).click()
    person.axe()
    page.goto('/login')
    page.get_by_label(re.compile('E-mailadres|Email address')).fill('mieke@example.nl')
    page.get_by_label(re.compile('^(Wachtwoord|Password)$')).fill('wrong password entirely')
    page.get_by_role('button', name=re.compile('^(Inloggen|Log in)$')).click()
    page.get_by_role('alert').wait_for()
    person.axe()
    page.get_by_label(re.compile('^(Wachtwoord|Password)$')).fill(PASSWORD)
    page.get_by_role('button', name=re.compile('^(Inloggen|Log in)$')).click()
    page.get_by_role('heading', name=re.compile('zorgpagina|care page', re.I)).first.wait_for()

    runner = live.test_cli_runner()
    result = runner.invoke(cli, ['provider', 'add', 'Zorggroep Demo', '--adapter', 'fhir',
                                 '--setting', 'base_url=http://127.0.0.1:9/fhir/R4'])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ['provider', 'code', 'Zorggroep Demo', 'client-42'])
    assert result.exit_code == 0, result.output
    code = re.search(r'[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}', result.output).group(0)

    page.get_by_role('link', name=re.compile('Dossier koppelen|Link a dossier')).first.click()
    person.axe()
    page.get_by_label(re.compile('Koppelcode|Coupling code')).fill('AAAA-BBBB-CCCC')
    page.get_by_role('button', name=re.compile('^(Koppelen|Link)$')).click()
    page.get_by_role('alert').wait_for()
    person.axe()
    page.get_by_label(re.compile('Koppelcode|Coupling code')).fill(code.lower().replace('-', ' '))
    page.get_by_role('button', name=re.compile('^(Koppelen|Link)$')).click()
    page.get_by_role('status').wait_for()
    assert re.search('beheerder|manager', page.get_by_role('status').inner_text(), re.I)
    person.axe()
    assert len(person.checked) == 16


def test_invite_a_helper_who_registers_through_the_link(pages, live, live_mailbox):
    from hub.careprovider.operations import add_provider
    from hub.connect.operations import issue_code
    from hub.core.commit import unit_of_work
    with live.app_context(), unit_of_work():
        provider = add_provider('Zorggroep Demo', 'fhir', {'base_url': 'http://127.0.0.1:9/fhir/R4'})
        _, code = issue_code(provider, 'client-7')
    manager = pages()
    page = manager.page
    _register(page, live_mailbox, 'beheer@example.nl', 'Mieke')
    page.goto('/connect')
    page.get_by_label(re.compile('Koppelcode|Coupling code')).fill(code)
    page.get_by_role('button', name=re.compile('^(Koppelen|Link)$')).click()
    page.get_by_role('link', name=re.compile('Iemand uitnodigen|Invite someone')).first.click()
    manager.axe()
    page.get_by_label(re.compile('^(Voornaam|First name)')).fill('Tess')
    page.get_by_label(re.compile('^(Achternaam|Last name)')).fill('de Vries')
    page.get_by_label(re.compile('^(E-mailadres|Email address)')).fill('tess@example.nl')
    page.get_by_label(re.compile('^(Vertrouwensgroep|Trust group)')).check()
    page.locator('input[name="basis"][value="family"]').check()
    page.get_by_role('button', name=re.compile('Uitnodiging versturen|Send invitation')).click()
    page.get_by_role('status').wait_for()
    manager.axe()

    helper = pages()
    link = live_mailbox.link('tess@example.nl', '/invitations/')
    helper.page.goto(link)
    helper.axe()
    helper.page.get_by_role('link', name=re.compile('Account maken|Create account')).last.click()
    _register(helper.page, live_mailbox, 'tess@example.nl', 'Tess', fresh=False)
    helper.page.get_by_role('button', name=re.compile('Accepteren|Accept')).wait_for()
    helper.axe()
    helper.page.get_by_role('button', name=re.compile('Accepteren|Accept')).click()
    helper.page.get_by_role('link', name=re.compile('Rapportages|Reports')).first.click()
    helper.axe()
    page.goto(page.url.split('/invite')[0] + '/members')
    card = page.locator('.card', has_text='Tess Test')
    assert re.search('Vertrouwensgroep|Trust group', card.inner_text())
    manager.axe()


def _register(page, mailbox, email, first_name, fresh=True):
    if fresh:
        page.goto('/register')
    page.get_by_label(re.compile('Voornaam|First name')).fill(first_name)
    page.get_by_label(re.compile('Achternaam|Last name')).fill('Test')
    page.get_by_label(re.compile('E-mailadres|Email address')).fill(email)
    page.get_by_label(re.compile('voorwaarden|terms')).check()
    page.get_by_role('button', name=re.compile('Account maken|Create account')).click()
    page.get_by_role('heading', name=re.compile('mail', re.I)).wait_for()
    page.goto(mailbox.link(email, '/activate'))
    page.locator('#password').fill(PASSWORD)
    page.locator('#password_confirm').fill(PASSWORD)
    page.get_by_role('button', name=re.compile('Wachtwoord opslaan|Save password')).click()
    page.wait_for_load_state()
