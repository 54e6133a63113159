"""Passkeys in Chromium with a virtual authenticator (CDP WebAuthn), at 375 px with axe on every page: a new relative
chooses a passkey as the first second step, keeps recovery codes, logs in with the passkey and checks it is them
again; the assertion the browser sent is refused when replayed; the help page explains each way."""

import re

import pytest

from tests.browser.test_journey import _register
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _authenticator(person):
    """A platform authenticator with a fingerprint that always matches, as on a phone."""
    cdp = person.context.new_cdp_session(person.page)
    cdp.send('WebAuthn.enable')
    cdp.send('WebAuthn.addVirtualAuthenticator', {'options': {
        'protocol': 'ctap2', 'transport': 'internal', 'hasResidentKey': True, 'hasUserVerification': True,
        'isUserVerified': True, 'automaticPresenceSimulation': True}})
    return cdp


def _login(page, email):
    page.goto('/login')
    page.get_by_label(re.compile('E-mailadres')).fill(email)
    page.get_by_label(re.compile('^Wachtwoord$')).fill(PASSWORD)
    page.get_by_role('button', name=re.compile('^Inloggen$')).click()
    page.wait_for_load_state()


def test_a_passkey_as_first_step_for_login_and_step_up(pages, live, live_mailbox):
    person = pages()
    page = person.page
    page.set_viewport_size({'width': 375, 'height': 740})
    _authenticator(person)
    _register(page, live_mailbox, 'pieter@example.nl', 'Pieter')

    page.goto('/step-up?next=/profile')  # the dossier asks for a second step: none yet, so choose one
    assert '/profile/second-step' in page.url
    passkey = page.get_by_role('heading', name='Met je telefoon of computer')
    passkey.wait_for()
    headings = page.locator('main h2').all_inner_texts()
    assert headings == ['Met je telefoon of computer', 'Met een code per sms of telefoontje',
                        'Met een app op je telefoon']
    assert page.locator('main img').count() == 0  # no QR code unless the app is chosen
    person.axe()
    page.get_by_label('Naam van deze telefoon of computer').fill('Telefoon van Pieter')
    page.get_by_role('button', name='Deze telefoon of computer gebruiken').click()
    page.wait_for_url(re.compile('/profile/recovery-codes'))
    person.axe()
    page.get_by_role('button', name='Tien codes maken').click()
    page.wait_for_load_state()
    assert page.locator('ol.recovery-codes li').count() == 10
    assert page.get_by_role('button', name='Codes printen').is_visible()
    with page.expect_download() as download:
        page.get_by_role('link', name='Codes downloaden').click()
    assert download.value.suggested_filename == 'carehub-herstelcodes.txt'
    person.axe()
    page.get_by_role('link', name='Ik heb ze bewaard. Verder').click()
    page.wait_for_url(re.compile('/profile$'))
    assert page.get_by_role('heading', name='Telefoon van Pieter').is_visible()
    person.axe()

    page.goto('/logout')
    page.get_by_role('button', name=re.compile('Ja, uitloggen')).click()
    _login(page, 'pieter@example.nl')
    assert '/login/second-factor' in page.url
    use = page.get_by_role('button', name='Mijn toegangssleutel gebruiken')
    use.wait_for()
    assert page.get_by_role('link', name='Telefoon kwijt of geen code?').is_visible()
    person.axe()
    with page.expect_request(lambda r: r.url.endswith('/api/v1/session/second-factor') and r.method == 'POST') as sent:
        use.click()
    page.wait_for_url(re.compile('/circles'))
    assertion = sent.value.post_data_json
    assert assertion['method'] == 'passkey' and assertion['credential']['type'] == 'public-key'

    page.goto('/step-up?next=/profile')
    person.axe()
    with page.expect_response(lambda r: r.url.endswith('/api/v1/step-up/verify')) as answer:
        page.get_by_role('button', name='Mijn toegangssleutel gebruiken').click()
    assert answer.value.status == 200
    page.wait_for_url(re.compile(r'^[^?]*/profile$'))  # the profile itself, not the step-up that leads to it
    assert 'Laatst gebruikt' in page.locator('main').inner_text()

    thief = pages()  # the same assertion, sent again by someone who knows the password
    _login(thief.page, 'pieter@example.nl')
    token = thief.page.locator('meta[name="csrf-token"]').get_attribute('content')
    headers = {'X-CSRF-Token': token}
    options = thief.page.request.post('/api/v1/session/second-factor/options', data={'method': 'passkey'},
                                      headers=headers)
    assert options.status == 200
    replayed = thief.page.request.post('/api/v1/session/second-factor', data=assertion, headers=headers)
    assert replayed.status == 400 and replayed.json()['error']['code'] == 'invalid_passkey'
    assert thief.page.request.get('/api/v1/me').status == 401


def test_the_help_page_explains_each_way(pages, live):
    person = pages()
    page = person.page
    page.set_viewport_size({'width': 375, 'height': 740})
    page.goto('/informatie')
    text = page.locator('main').inner_text()
    for words in ('toegangssleutel', 'sms', 'code-app', 'herstelcode', 'Telefoon kwijt', 'De agenda', 'Berichten',
                  'Hulp vragen', 'Notities en prikbord', 'Delen met iemand buiten de zorgpagina', 'Iets verbergen',
                  'Laten voorlezen', 'Wie helpt je'):
        assert words in text, words
    person.axe()


def test_read_aloud_sits_on_top_and_says_how_to_get_a_voice(pages, live):
    person = pages()
    page = person.page
    page.set_viewport_size({'width': 375, 'height': 740})
    page.goto('/informatie')
    button = page.get_by_role('button', name='Lees deze pagina voor')
    button.wait_for()
    first = page.evaluate("() => document.querySelector('main h1').nextElementSibling.textContent")
    assert first == 'Lees deze pagina voor'  # at the top, right under the heading
    voices = page.evaluate("() => speechSynthesis.getVoices().filter(v => v.lang.startsWith('nl')).length")
    button.click()
    if not voices:  # this machine's Chromium has no Dutch voice: the button says how to get one
        assert 'geen Nederlandse stem' in page.get_by_role('status').first.inner_text()
    else:
        assert page.get_by_role('button', name='Stop met voorlezen').get_attribute('aria-pressed') == 'true'
    person.axe()
