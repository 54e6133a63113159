"""Redeem a code, invite a trust and a basic helper, both accept in their own browsers, remove the basic one."""

import re

import pytest

from tests.browser.test_journey import _register

pytestmark = pytest.mark.browser


def _invite(manager, first_name, email, role_label):
    page = manager.page
    page.get_by_role('link', name=re.compile('Iemand uitnodigen|Invite someone')).first.click()
    page.get_by_label(re.compile('^(Voornaam|First name)')).fill(first_name)
    page.get_by_label(re.compile('^(Achternaam|Last name)')).fill('Helper')
    page.get_by_label(re.compile('^(E-mailadres|Email address)')).fill(email)
    page.get_by_label(role_label).check()
    page.locator('input[name="basis"][value="friend"]').check()
    page.get_by_role('button', name=re.compile('Uitnodiging versturen|Send invitation')).click()
    page.get_by_role('status').wait_for()
    manager.axe()
    page.get_by_role('link', name=re.compile('Terug naar de leden|Back to the members')).click()


def _accept(helper, live_mailbox, email, first_name):
    helper.page.goto(live_mailbox.link(email, '/invitations/'))
    helper.page.get_by_role('link', name=re.compile('Account maken|Create account')).last.click()
    _register(helper.page, live_mailbox, email, first_name, fresh=False)
    helper.page.get_by_role('button', name=re.compile('^(Accepteren|Accept)$')).click()
    helper.page.wait_for_load_state()
    helper.axe()


def test_invite_two_helpers_and_remove_one(pages, live, live_mailbox):
    from hub.careprovider.operations import add_provider
    from hub.connect.operations import issue_code
    from hub.core.commit import unit_of_work
    with live.app_context(), unit_of_work():
        _, code = issue_code(add_provider('Zorggroep Demo', 'fhir', {'base_url': 'http://127.0.0.1:9/fhir/R4'}), 'c-1')
    manager = pages()
    _register(manager.page, live_mailbox, 'beheer@example.nl', 'Mieke')
    manager.page.goto('/connect')
    manager.page.get_by_label(re.compile('Koppelcode|Coupling code')).fill(code)
    manager.page.get_by_role('button', name=re.compile('^(Koppelen|Link)$')).click()
    manager.page.get_by_role('link', name=re.compile('^(Mensen en zorgaanbieders|Connections)$')).click()
    manager.axe()
    _invite(manager, 'Tess', 'tess@example.nl', re.compile('^(Vertrouwensgroep|Trust group)'))
    _invite(manager, 'Bas', 'bas@example.nl', re.compile('^(Basis|Basic)'))
    assert manager.page.locator('#invitations-heading').is_visible()
    manager.axe()

    trust, basic = pages(), pages()
    _accept(trust, live_mailbox, 'tess@example.nl', 'Tess')
    _accept(basic, live_mailbox, 'bas@example.nl', 'Bas')
    assert basic.page.get_by_role('link', name=re.compile('^(Rapportages|Reports)$')).count() == 0
    assert trust.page.get_by_role('link', name=re.compile('^(Rapportages|Reports)$')).count() == 1

    manager.page.reload()
    assert not manager.page.locator('#invitations-heading').is_visible()
    manager.page.get_by_role('link', name=re.compile('Wat mag Tess|What may Tess')).click()  # fine-tune by question
    manager.axe()
    manager.page.set_viewport_size({'width': 375, 'height': 740})
    manager.axe()
    assert not manager.page.locator('input[name="cap-dossier"]').first.is_visible()  # the group's, until asked
    manager.page.get_by_label(re.compile('Ik beantwoord elke vraag zelf|I answer each question myself')).check()
    manager.page.locator('input[name="cap-dossier"][value="no"]').check()  # "Zorgplan en rapportages zien": nee
    manager.page.get_by_role('button', name=re.compile('^(Opslaan|Save)$')).click()
    manager.page.set_viewport_size({'width': 1280, 'height': 900})
    trust.page.reload()
    assert trust.page.get_by_role('link', name=re.compile('^(Rapportages|Reports)$')).count() == 0
    manager.page.get_by_role('link', name=re.compile('(Verwijder|Remove) Bas')).click()
    manager.axe()
    manager.page.get_by_role('button', name=re.compile('Ja, verwijderen|Yes, remove')).click()
    cards = manager.page.locator('.card').all_inner_texts()
    assert not any('Bas Test' in text for text in cards) and any('Tess Test' in text for text in cards)

    basic.page.reload()  # the page Bas had open no longer works for him
    assert re.search('bestaat niet|does not exist', basic.page.content())
    basic.axe()
