"""The dossier in Chromium: the timeline with what is new, a filter and read-aloud; the client's data as tabs."""

import json
import re

import pytest

from tests.browser.test_plan_journey import link_as_manager
from tests.dossier.test_plans import plan_resources

pytestmark = pytest.mark.browser

#: the browser's speech, replaced: a Dutch voice, and what it was asked to say (headless Chromium has no voices)
FAKE_SPEECH = """
window.spoken = [];
const voice = {name: 'Nederlands', lang: 'nl-NL', default: true, localService: true, voiceURI: 'nl'};
Object.defineProperty(window, 'speechSynthesis', {value: {
  getVoices: () => [voice], speak: (u) => window.spoken.push({text: u.text, lang: u.lang}), cancel: () => {},
  addEventListener: () => {}, removeEventListener: () => {}, onvoiceschanged: null}});
window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
"""


def _set_up(live, tmp_path, client_id):
    from hub.careprovider.operations import add_provider
    from hub.connect.operations import issue_code
    from hub.core.commit import unit_of_work
    subject = {'reference': f'Patient/{client_id}'}
    reports = [{'resourceType': 'Observation', 'id': f'r{n}', 'status': 'final', 'subject': subject,
                'code': {'coding': [{'system': 'http://snomed.info/sct', 'code': '11591000146107'}]},
                'performer': [{'display': 'Linda Visser'}], 'effectiveDateTime': f'2026-11-2{n}T09:00:00+01:00',
                'valueString': f'Rapportage {n}: Wim heeft goed geslapen.'} for n in range(3)]
    people = [{'resourceType': 'RelatedPerson', 'id': 'rp1', 'patient': subject, 'name': [{'text': 'Mieke Jansen'}],
               'relationship': [{'text': 'Dochter'}], 'telecom': [{'system': 'phone', 'value': '0612345678'}]}]
    bundle = tmp_path / 'dossier.json'
    bundle.write_text(json.dumps({'resourceType': 'Bundle', 'type': 'collection', 'entry': [
        {'resource': r} for r in plan_resources(client_id) + reports + people]}))
    with live.app_context(), unit_of_work():
        _, code = issue_code(add_provider('Zorggroep Dossier', 'fhir', {'bundle': str(bundle)}), client_id)
    return code


def test_the_timeline_data_tabs_and_read_aloud(pages, live, live_mailbox, tmp_path):
    code = _set_up(live, tmp_path, 'client-dossier')
    manager = pages()
    page = manager.page
    page.context.add_init_script(FAKE_SPEECH)
    link_as_manager(manager, live, live_mailbox, 'gerda@example.nl', 'Gerda', code, 'Zorggroep Dossier')

    page.reload()
    page.get_by_role('link', name=re.compile('^(Rapportages|Reports)$')).click()
    page.locator('.card-report').first.wait_for()
    assert 'Linda Visser' in page.locator('.card-report').first.inner_text()
    assert page.get_by_role('navigation', name=re.compile('Laat zien|Show')).is_visible()
    manager.axe()
    read = page.get_by_role('button', name=re.compile('^(Lees voor|Read aloud)$')).first
    read.click()
    assert page.evaluate('window.spoken')[0]['lang'] == 'nl-NL'
    assert 'Wim heeft goed geslapen' in page.evaluate('window.spoken')[0]['text']
    assert page.get_by_role('button', name=re.compile('Stop')).first.get_attribute('aria-pressed') == 'true'
    manager.axe()
    page.get_by_role('link', name=re.compile('^(Zorgplannen|Care plans)$')).click()  # the filter: plans only
    assert page.locator('.card-report').count() == 0 and page.locator('.card-plan').count() == 1
    manager.axe()
    care_page = page.url.split('/timeline')[0]
    page.goto(f'{care_page}/plans')
    assert re.search('Cliëntplan|Client plan', page.locator('main').inner_text())
    page.set_viewport_size({'width': 375, 'height': 740})
    manager.axe()

    page.goto(care_page)
    page.get_by_role('link', name=re.compile('Gegevens van de cliënt|Client data')).click()
    page.get_by_role('link', name=re.compile('^(Contactpersonen|Contact persons)$')).click()
    assert 'Mieke Jansen' in page.locator('main').inner_text() and 'Dochter' in page.locator('main').inner_text()
    manager.axe()
    page.set_viewport_size({'width': 1280, 'height': 900})
    manager.axe()

    # the contact person's details: a request to the provider, shown as on its way
    page.set_viewport_size({'width': 375, 'height': 740})
    page.get_by_role('link', name=re.compile('Gegevens wijzigen|Change details')).click()
    manager.axe()
    page.get_by_label(re.compile('Telefoonnummer|Phone number')).fill('bel me')
    page.get_by_role('button', name=re.compile('Sturen naar de zorgaanbieder|Send to the care provider')).click()
    assert page.get_by_role('alert').first.is_visible()
    manager.axe()
    page.get_by_label(re.compile('Telefoonnummer|Phone number')).fill('06 87654321')
    page.get_by_role('button', name=re.compile('Sturen naar de zorgaanbieder|Send to the care provider')).click()
    assert re.search('Onderweg naar de zorgaanbieder|On its way', page.locator('main').inner_text())
    assert '+31687654321' in page.locator('main').inner_text()
    manager.axe()

    # Lezen, and one report with the one before it
    page.goto(f'{care_page}/timeline')
    page.get_by_role('navigation', name=re.compile('^Dossier$')).get_by_role('link', name=re.compile(
        '^(Lezen|Read)$')).click()
    assert re.search('Doelen|Goals', page.locator('main').inner_text())
    assert 'Zelf aankleden in de ochtend' in page.locator('main').inner_text()
    manager.axe()
    page.goto(f'{care_page}/timeline?kind=report')
    page.locator('.card-report h3 a').first.click()
    assert 'Rapportage 2' in page.locator('main').inner_text()
    page.get_by_role('link', name=re.compile('Oudere rapportage|Older report')).click()
    assert 'Rapportage 1' in page.locator('main').inner_text()
    manager.axe()

    # one's own profile on the care page
    page.goto(f'{care_page}/members')
    page.get_by_role('link', name=re.compile('Profiel bewerken|Edit your profile')).click()
    page.get_by_label(re.compile('Wat ben je van de cliënt|How are you related')).fill('Dochter')
    manager.axe()
    page.get_by_role('button', name=re.compile('^(Opslaan|Save)$')).click()
    assert 'Dochter' in page.locator('main').inner_text()
    manager.axe()


def test_without_a_dutch_voice_the_server_reads_aloud(pages, live, live_mailbox, tmp_path):
    code = _set_up(live, tmp_path, 'client-quiet')
    manager = pages()
    page = manager.page  # headless Chromium: no voices at all
    link_as_manager(manager, live, live_mailbox, 'kees@example.nl', 'Kees', code, 'Zorggroep Dossier')
    page.reload()
    page.get_by_role('link', name=re.compile('^(Rapportages|Reports)$')).click()
    page.locator('.card-report').first.wait_for()
    page.wait_for_timeout(300)  # the script has run by now
    with page.expect_response(lambda response: response.url.endswith('/api/v1/speech')) as spoken:
        page.get_by_role('button', name=re.compile('^(Lees voor|Read aloud)$')).first.click()
    assert spoken.value.status == 200 and spoken.value.header_value('content-type') == 'audio/wav'
    page.get_by_text('Dit wordt nu voorgelezen.').first.wait_for()  # the page says it is reading
    # when the audio has played, the button reads aloud again
    page.wait_for_function("() => [...document.querySelectorAll('button.read-aloud')]"
                           ".every(b => b.getAttribute('aria-pressed') === 'false')", timeout=20000)
