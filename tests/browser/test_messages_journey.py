"""Write messages in Chromium: an empty one is refused in plain words, a sent one is listed, the provider is offered."""

import json
import re

import pytest

from tests.browser.test_journey import _register

pytestmark = pytest.mark.browser


def linked_manager(pages, live, live_mailbox, tmp_path, client_id, email, resources=()):
    """A manager in Chromium whose care page is linked to a dossier loaded from a Bundle file (no FHIR server)."""
    from hub.careprovider.operations import add_provider
    from hub.connect.operations import issue_code
    from hub.core.commit import unit_of_work
    bundle = tmp_path / f'{client_id}.json'
    patient = {'resourceType': 'Patient', 'id': client_id, 'name': [{'family': 'Bos', 'given': ['Kees']}]}
    bundle.write_text(json.dumps({'resourceType': 'Bundle', 'type': 'collection',
                                  'entry': [{'resource': r} for r in (patient, *resources)]}))
    with live.app_context(), unit_of_work():
        provider = add_provider(f'Zorggroep {client_id}', 'fhir', {'bundle': str(bundle)})
        _, code = issue_code(provider, client_id)
    manager = pages()
    _register(manager.page, live_mailbox, email, 'Kees')
    manager.page.goto('/connect')
    manager.page.get_by_label(re.compile('Koppelcode|Coupling code')).fill(code)
    manager.page.get_by_role('button', name=re.compile('^(Koppelen|Link)$')).click()
    manager.page.get_by_role('status').wait_for()
    return manager


def test_the_manager_writes_a_message_and_replies_in_its_thread(pages, live, live_mailbox, tmp_path):
    manager = linked_manager(pages, live, live_mailbox, tmp_path, 'client-msg', 'kees@example.nl')
    page = manager.page
    page.set_viewport_size({'width': 375, 'height': 740})
    page.get_by_role('link', name=re.compile('^(Berichten|Messages)')).click()
    manager.axe()
    page.get_by_role('link', name=re.compile('Nieuw bericht|New message')).click()
    page.get_by_role('button', name=re.compile('Bericht versturen|Send message')).click()
    page.get_by_role('alert').wait_for()
    assert page.locator('#text-error').is_visible()
    manager.axe()
    page.get_by_label(re.compile('^(Je bericht|Your message)$')).fill('Wie gaat zondag mee naar het bos?')
    page.get_by_label(re.compile('De zorgaanbieder en de vertrouwensgroep|The care provider and the trust group')).check()
    page.get_by_label(re.compile('^(Iedereen op deze zorgpagina|All helpers)$')).check()
    page.get_by_role('button', name=re.compile('Bericht versturen|Send message')).click()
    page.get_by_role('status').wait_for()
    assert page.get_by_role('heading', level=1).inner_text() == 'Wie gaat zondag'  # the first 15 characters
    assert 'Wie gaat zondag mee naar het bos?' in page.locator('.messages').inner_text()
    manager.axe()
    page.get_by_role('button', name=re.compile('Antwoord versturen|Send reply')).click()
    page.get_by_role('alert').wait_for()
    manager.axe()
    page.get_by_label(re.compile('^(Je antwoord|Your reply)$')).fill('Ik neem de hond mee.')
    page.get_by_role('button', name=re.compile('Antwoord versturen|Send reply')).click()
    page.get_by_role('status').wait_for()
    assert page.locator('.messages li').count() == 2 and 'Ik neem de hond mee.' in page.locator('.messages').inner_text()
    page.get_by_role('link', name=re.compile('^(Berichten|Messages)$')).click()
    assert 'Wie gaat zondag' in page.locator('.threads').inner_text()
    manager.axe()
    page.get_by_role('link', name='Wie gaat zondag').click()
    page.get_by_role('button', name=re.compile('Uit mijn lijst halen|Remove from my list')).click()
    page.get_by_role('status').wait_for()
    assert page.locator('.threads').count() == 0
    manager.axe()


def test_the_manager_puts_a_repeating_appointment_on_the_calendar(pages, live, live_mailbox, tmp_path):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    manager = linked_manager(pages, live, live_mailbox, tmp_path, 'client-cal', 'agenda@example.nl')
    page = manager.page
    page.set_viewport_size({'width': 375, 'height': 740})
    page.get_by_role('link', name=re.compile('^(Agenda|Calendar)$')).click()
    manager.axe()
    page.get_by_role('link', name=re.compile('Nieuwe afspraak|New appointment')).click()
    page.get_by_role('button', name=re.compile('In de agenda zetten|Add to the calendar')).click()
    page.get_by_role('alert').wait_for()
    # the summary takes the focus and says what to do; each line leads to its field
    page.wait_for_function("document.activeElement.classList.contains('error-summary')")  # forms.js is deferred
    first_problem = page.get_by_role('alert').get_by_role('link').first
    field = first_problem.get_attribute('data-field')
    first_problem.click()
    assert page.evaluate('document.activeElement.id') == field
    manager.axe()
    day = datetime.now(ZoneInfo('Europe/Amsterdam')).date() + timedelta(days=2)
    page.get_by_label(re.compile('^(Wat|What)')).fill('Samen naar de markt')
    page.get_by_label(re.compile('^(Dag|Day)$')).fill(day.isoformat())
    page.get_by_label(re.compile('^(Begintijd|Start time)')).fill('10:30')
    page.get_by_label(re.compile('^(Alleen ik|Only me)$')).check()
    page.get_by_label(re.compile('^(Elke week|Every week)$')).check()
    page.get_by_label(re.compile('hoeveel keer|how many times')).fill('3')
    page.get_by_role('button', name=re.compile('In de agenda zetten|Add to the calendar')).click()
    page.get_by_role('status').wait_for()
    assert page.locator('.card', has_text='Samen naar de markt').count() == 3  # three weeks in the list
    assert re.search('Alleen jij ziet dit|Only you see this', page.locator('.cards').first.inner_text())
    manager.axe()

    page.get_by_role('link', name=re.compile('^(Week)$')).click()
    assert page.locator('h2.day').count() == 7  # every day of the week, also the empty ones
    manager.axe()
    page.get_by_role('link', name=re.compile('^(Lijst|List)$')).click()
    page.get_by_role('link', name=re.compile('(Wijzigen|Change) Samen naar de markt')).first.click()
    page.get_by_label(re.compile('^(Begintijd|Start time)')).fill('11:00')
    manager.axe()
    page.get_by_role('button', name=re.compile('^(Opslaan|Save)$')).click()  # only this time: the first choice
    page.get_by_role('status').wait_for()
    assert '11:00' in page.locator('main').inner_text() and '10:30' in page.locator('main').inner_text()
    page.get_by_role('button', name=re.compile('(Deze keer weghalen|Remove this time) Samen naar de markt')).first.click()
    page.get_by_role('status').wait_for()
    assert page.locator('.card', has_text='Samen naar de markt').count() == 2

    page.get_by_role('button', name=re.compile('^(Adres maken|Make an address)$')).click()
    address = page.get_by_label(re.compile('^(Adres|Address)$')).input_value()
    assert '/calendar/' in address and address.endswith('.ics')
    manager.axe()
    feed = page.request.get('/' + address.split('/', 3)[3])  # what a phone's calendar fetches
    assert feed.ok and 'BEGIN:VCALENDAR' in feed.text() and 'Samen naar de markt' in feed.text()


def test_notes_on_the_page(pages, live, live_mailbox, tmp_path):
    manager = linked_manager(pages, live, live_mailbox, tmp_path, 'client-note', 'notitie@example.nl')
    page = manager.page
    page.get_by_role('link', name=re.compile('^(Notities|Notes)$')).click()
    manager.axe()
    page.get_by_label(re.compile('^(Je notitie|Your note)$')).fill('Sleutel ligt bij de buren.')
    page.get_by_role('button', name=re.compile('Notitie bewaren|Save note')).click()
    page.get_by_role('status').wait_for()
    manager.axe()
    page.get_by_role('button', name=re.compile('(Sturen naar|Send to) Zorggroep client-note')).click()
    assert re.search('naar de zorgaanbieder gestuurd|sent to the care provider', page.get_by_role('status').inner_text())
    manager.axe()


def test_a_note_saves_itself_and_keeps_both_texts_when_someone_else_changed_it(pages, live, live_mailbox, tmp_path):
    from sqlalchemy import update

    from hub.circle.models import Note
    from hub.core.commit import unit_of_work
    from hub.extensions import db
    manager = linked_manager(pages, live, live_mailbox, tmp_path, 'client-auto', 'auto@example.nl')
    page = manager.page
    page.set_viewport_size({'width': 375, 'height': 740})
    page.get_by_role('link', name=re.compile('^(Notities|Notes)$')).click()
    page.get_by_label(re.compile('^(Je notitie|Your note)$')).fill('Sleutel ligt bij de buren.')
    page.get_by_role('button', name=re.compile('Notitie bewaren|Save note')).click()
    page.get_by_role('status').wait_for()
    box = page.get_by_label(re.compile('Verander je notitie|Change your note'))
    page.locator('form[data-autosave-ready]').wait_for()  # the script listens (it is deferred)
    box.fill('Sleutel ligt bij de buren, nummer 12.')  # no button: it saves itself after a pause
    page.locator('.autosave-status', has_text=re.compile('^(Opgeslagen|Saved)')).wait_for()
    with live.app_context():
        assert db.session.execute(db.select(Note.text)).scalar_one() == 'Sleutel ligt bij de buren, nummer 12.'
        with unit_of_work():  # meanwhile, the same note changed elsewhere (another browser)
            db.session.execute(update(Note).values(text='Sleutel ligt onder de mat.', version=Note.version + 1))
    box.fill('Sleutel ligt bij de buren, nummer 14.')
    page.locator('.autosave-conflict').wait_for()
    assert 'Sleutel ligt onder de mat.' in page.locator('.autosave-conflict').inner_text()  # both texts are there
    assert box.input_value() == 'Sleutel ligt bij de buren, nummer 14.'
    manager.axe()
    box.fill('Sleutel ligt onder de mat, of bij de buren op nummer 14.')  # merged by the person
    page.get_by_role('button', name=re.compile('Wijzigingen bewaren|Save changes')).click()
    page.get_by_role('status').wait_for()
    with live.app_context():
        assert db.session.execute(db.select(Note.text)).scalar_one() == \
            'Sleutel ligt onder de mat, of bij de buren op nummer 14.'


def test_the_board_with_a_reaction(pages, live, live_mailbox, tmp_path):
    manager = linked_manager(pages, live, live_mailbox, tmp_path, 'client-board', 'prikbord@example.nl')
    page = manager.page
    page.get_by_role('link', name=re.compile('^(Prikbord|Board)$')).click()
    manager.axe()
    page.set_viewport_size({'width': 375, 'height': 740})
    page.get_by_label(re.compile('Wat is er nieuw|What is new')).fill('Vandaag mooi weer, we gaan naar buiten.')
    page.get_by_role('button', name=re.compile('^(Zon|Sun)$')).first.click()  # the smiley picker (JavaScript)
    assert page.get_by_label(re.compile('Wat is er nieuw|What is new')).input_value().endswith('🌞')
    from tests.account.test_photo import image_bytes
    page.get_by_label(re.compile('Een foto erbij|A photo with it')).set_input_files(
        files=[{'name': 'buiten.png', 'mimeType': 'image/png', 'buffer': image_bytes('PNG')}])
    manager.axe()
    page.get_by_role('button', name=re.compile('^(Plaatsen|Post)$')).click()
    shown = page.get_by_role('img', name=re.compile('Foto bij het bericht|Photo with the post'))
    shown.scroll_into_view_if_needed()  # it loads lazily, when it comes into view
    page.wait_for_function('img => img.complete && img.naturalWidth > 0', arg=shown.element_handle())
    # the photo came back from carehub
    photo = page.get_by_role('img', name=re.compile('Foto bij het bericht|Photo with the post')).get_attribute('src')
    page.goto(photo.removesuffix('/photo'))  # the post on a page of its own, with all its reactions
    page.get_by_role('heading', level=1).wait_for()
    person_page_heading = page.get_by_role('heading', level=1).inner_text()
    assert re.search('Bericht van|Post of', person_page_heading)
    manager.axe()
    page.go_back()
    page.get_by_role('button', name=re.compile('^(Reageren|React)$')).click()
    page.locator('.has-error').wait_for()  # an empty reaction is refused in plain words
    assert page.locator('.has-error').count() == 1
    manager.axe()
    page.get_by_label(re.compile('^(Je reactie|Your reaction)$')).fill('Geniet ervan!')
    page.get_by_role('button', name=re.compile('^(Reageren|React)$')).click()
    page.locator('.reactions').wait_for()
    assert 'Geniet ervan!' in page.locator('.reactions').inner_text()
    manager.axe()
