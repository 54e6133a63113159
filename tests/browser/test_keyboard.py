"""The journeys by keyboard alone: Tab to move, Enter or Space to act, and the focus always to be seen."""

import re

import pytest

from tests.browser.test_messages_journey import linked_manager
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

#: what the focused element is called: its label, its text or value, or its aria-label
FOCUSED = """() => { const e = document.activeElement;
  const label = e.labels && e.labels.length ? e.labels[0].innerText : '';
  return e.tagName + ' ' + label + ' | ' + (e.getAttribute('aria-label') || e.innerText || e.value || ''); }"""
#: whether the focused element shows a focus ring (a box-shadow or an outline)
RING = """() => { const s = getComputedStyle(document.activeElement);
  return s.boxShadow !== 'none' || (s.outlineStyle !== 'none' && s.outlineWidth !== '0px'); }"""


def tab_to(page, pattern, limit=80):
    """Press Tab until the focus is on an element whose name matches ``pattern``; its focus must be visible."""
    seen = []
    for _ in range(limit):
        page.keyboard.press('Tab')
        seen.append(page.evaluate(FOCUSED))
        if re.search(pattern, page.evaluate(FOCUSED)):
            assert page.evaluate(RING), f'the focus on {pattern!r} cannot be seen'
            return
    raise AssertionError(f'Tab never reached {pattern!r}; it went {seen[:15]!r}')


def enter(page):
    """Press Enter on the focused link or button, and wait for the page it opens."""
    with page.expect_navigation():
        page.keyboard.press('Enter')


def test_log_in_and_send_a_message_by_keyboard(pages, live, live_mailbox, tmp_path):
    manager = linked_manager(pages, live, live_mailbox, tmp_path, 'client-keys', 'toets@example.nl')
    page = manager.page
    care_page = page.url.split('?')[0]
    page.goto('/logout')
    tab_to(page, '^BUTTON .*(Ja, uitloggen|Yes, log out)')
    enter(page)
    page.get_by_role('status').wait_for()  # "you have been logged out safely"
    tab_to(page, 'Opnieuw inloggen|Log in again')
    enter(page)
    tab_to(page, 'E-mailadres|Email address')
    page.keyboard.type('toets@example.nl')
    tab_to(page, '^INPUT (Wachtwoord|Password)')
    page.keyboard.type(PASSWORD)
    enter(page)  # logged in: on to the care pages
    page.goto(care_page)

    tab_to(page, r'^A  \| (Berichten|Messages)')
    enter(page)
    tab_to(page, 'Nieuw bericht|New message')
    enter(page)
    tab_to(page, 'Je bericht|Your message')
    page.keyboard.type('Wie haalt zaterdag de boodschappen?')
    tab_to(page, 'Bericht versturen|Send message')
    enter(page)
    page.get_by_role('status').wait_for()
    assert 'Wie haalt zaterdag de boodschappen?' in page.locator('.messages').inner_text()
    tab_to(page, 'Je antwoord|Your reply')
    page.keyboard.type('Ik doe het wel.')
    tab_to(page, 'Antwoord versturen|Send reply')
    enter(page)
    page.get_by_role('status').wait_for()
    assert page.locator('.messages li').count() == 2
    manager.axe()


def test_approve_a_plan_and_invite_someone_by_keyboard(pages, live, live_mailbox, tmp_path):
    import json

    from hub.careprovider.operations import add_provider
    from hub.connect.operations import issue_code
    from hub.core.commit import unit_of_work
    from tests.browser.test_plan_journey import link_as_manager
    from tests.dossier.test_plans import plan_resources
    bundle = tmp_path / 'plan.json'
    bundle.write_text(json.dumps({'resourceType': 'Bundle', 'type': 'collection',
                                  'entry': [{'resource': r} for r in plan_resources('client-kb')]}))
    with live.app_context(), unit_of_work():
        _, code = issue_code(add_provider('Zorggroep Toets', 'fhir', {'bundle': str(bundle)}), 'client-kb')
    manager = pages()
    page = manager.page
    link_as_manager(manager, live, live_mailbox, 'sanne@example.nl', 'Sanne', code, 'Zorggroep Toets')
    page.reload()

    tab_to(page, 'wacht op je akkoord|waits for your approval')  # the care page's "Te doen" leads there
    enter(page)
    tab_to(page, '^INPUT .*(plan gelezen en ga akkoord|read the plan and I agree)')
    page.keyboard.press('Space')
    tab_to(page, '^BUTTON .*(Plan goedkeuren|Approve the plan)')
    enter(page)
    page.get_by_role('status').wait_for()
    assert re.search('goedkeuring is verstuurd|approval has been sent', page.get_by_role('status').inner_text())

    page.goto('/')
    page.goto(page.url)  # the care page (one page: "Start" leads there)
    tab_to(page, r'^A  \| (Iemand uitnodigen|Invite someone)')
    enter(page)
    tab_to(page, '^INPUT (Voornaam|First name)')
    page.keyboard.type('Bas')
    tab_to(page, '^INPUT (Achternaam|Last name)')
    page.keyboard.type('Visser')
    tab_to(page, '^INPUT (E-mailadres|Email address)')
    page.keyboard.type('bas@example.nl')
    tab_to(page, '^INPUT (Familie|Family) ')  # the reasons are radios: Tab reaches the group at its first
    page.keyboard.press('Space')
    assert page.evaluate('document.activeElement.value') == 'family' and page.evaluate('document.activeElement.checked')
    tab_to(page, '^BUTTON .*(Uitnodiging versturen|Send the invitation|Uitnodigen|Invite)')
    enter(page)
    page.get_by_role('heading', level=1).wait_for()
    assert 'bas@example.nl' in page.locator('main').inner_text()
    assert live_mailbox.to('bas@example.nl')  # the invitation went out
    manager.axe()
