"""What families ask for beyond the portals, in Chromium at 375 px with axe: the manager asks the provider to correct
a report, uploads a letter, and answers how they are doing."""

import re

import pytest

from tests.browser.test_account_journey import _enter_code
from tests.browser.test_plan_journey import bundle_code, link_as_manager, report
from tests.dossier.test_documents import PDF

pytestmark = pytest.mark.browser


def test_a_correction_a_document_and_how_you_are_doing(pages, live, live_mailbox, tmp_path):
    from sqlalchemy import select

    from hub.circle.models import Member
    from hub.extensions import db
    code = bundle_code(live, tmp_path, 'Zorggroep Zorg', 'client-care', 'Kees Bos',
                       [report('client-care', 1, 'Kees had vandaag bezoek van zijn zoon Piet.')])
    manager = pages()
    page = manager.page
    page.set_viewport_size({'width': 375, 'height': 740})
    totp = link_as_manager(manager, live, live_mailbox, 'kees@example.nl', 'Karin', code, 'Zorggroep Zorg')
    with live.app_context():
        circle_id = db.session.execute(select(Member.circle_id)).scalar_one()

    # a correction, from the report itself
    page.goto(f'/circles/{circle_id}/timeline')
    if page.get_by_label(re.compile('^Code')).count():
        _enter_code(manager, totp)
    page.locator('li.card', has_text='bezoek van zijn zoon').get_by_role('link').first.click()
    page.get_by_role('link', name=re.compile('Klopt er iets niet|Is something not right')).click()
    page.get_by_role('button', name=re.compile('Sturen naar de zorgaanbieder|Send to the care provider')).click()
    assert page.get_by_role('alert').count()  # nothing written: the summary says what to do
    manager.axe()
    page.get_by_label(re.compile('Wat klopt er niet|What is not right')).fill('Het was zijn zoon Jan, niet Piet.')
    page.get_by_role('button', name=re.compile('Sturen naar de zorgaanbieder|Send to the care provider')).click()
    page.get_by_role('status').wait_for()
    main = page.locator('main').inner_text()
    assert 'Het was zijn zoon Jan, niet Piet.' in main and 'Verstuurd' in main
    manager.axe()

    # a letter of the GP, as a PDF
    page.goto(f'/circles/{circle_id}/documents')
    letter = tmp_path / 'brief-huisarts.pdf'
    letter.write_bytes(PDF)
    page.get_by_label(re.compile('^(Bestand|File)$')).set_input_files(str(letter))
    page.get_by_label(re.compile('Titel|Title')).fill('Brief van de huisarts')
    page.get_by_role('button', name=re.compile('^(Voeg toe|Add)$')).click()
    page.get_by_role('status').wait_for()
    assert page.get_by_role('link', name='Brief van de huisarts').count() == 1
    manager.axe()

    # how are you doing: nine questions, the score only for you
    page.goto('/wellbeing')
    manager.axe()
    for number in range(1, 10):
        page.locator(f'#q{number}').get_by_role('radio', name=re.compile('^(Ja!|Yes!)$')).check()
    page.get_by_role('button', name=re.compile('Zie mijn score|See my score')).click()
    page.get_by_role('status').wait_for()
    main = page.locator('main').inner_text()
    assert '9 van de 9' in main and 'Mantelzorglijn' in main
    manager.axe()
