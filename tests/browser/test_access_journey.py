"""Access that fits real families, in Chromium at 375 px with axe: the manager gives a helper a last day and a basis,
hides a report from them, and shares the reports once with a GP who opens the link with the code."""

import re
from datetime import timedelta

import pytest

from hub.core.timeutil import utcnow
from tests.browser.test_account_journey import _enter_code
from tests.browser.test_journey import _register
from tests.browser.test_plan_journey import bundle_code, link_as_manager, report

pytestmark = pytest.mark.browser


def test_the_manager_limits_hides_and_shares(pages, live, live_mailbox, tmp_path):
    from hub.core.commit import unit_of_work
    code = bundle_code(live, tmp_path, 'Zorggroep Toegang', 'client-access', 'Truus Smit', [
        report('client-access', 1, 'Truus sliep goed.'), report('client-access', 2, 'Gesprek over geld.')])
    manager = pages()
    page = manager.page
    page.set_viewport_size({'width': 375, 'height': 740})
    totp = link_as_manager(manager, live, live_mailbox, 'truus@example.nl', 'Truus', code, 'Zorggroep Toegang')

    # a helper on the page, as an invitation would make them
    from sqlalchemy import select

    from hub.circle.models import Member
    from hub.extensions import db
    with live.app_context():
        circle_id = db.session.execute(select(Member.circle_id)).scalar_one()
    helper = pages()
    _register(helper.page, live_mailbox, 'jan@example.nl', 'Jan')
    with live.app_context(), unit_of_work():
        from hub.account.operations import account_by_email
        db.session.add(Member(circle_id=circle_id, account_id=account_by_email('jan@example.nl').id, role='trust'))

    # a last day and a basis for Jan
    page.goto(f'/circles/{circle_id}/members')
    page.get_by_role('link', name=re.compile('Wat mag Jan|What may Jan')).click()
    page.get_by_role('group', name=re.compile('Waarom krijgt|Why does')).get_by_label(re.compile('^(Vriend|Friend)$')).check()
    last = (utcnow() + timedelta(days=20)).date().isoformat()
    page.get_by_label(re.compile('^(Laatste dag met toegang|Last day with access)')).fill(last)
    manager.axe()
    page.get_by_role('button', name=re.compile('^(Opslaan|Save)$')).click()
    page.get_by_role('heading', level=1).wait_for()
    members = page.locator('main').inner_text()
    assert 'Vriend' in members and 'Heeft toegang tot en met' in members
    manager.axe()
    page.get_by_role('button', name=re.compile('Verleng met 3 maanden|Renew by 3 months')).click()
    page.get_by_role('heading', level=1).wait_for()

    # hide a report from Jan
    page.goto(f'/circles/{circle_id}/timeline')
    if page.get_by_label(re.compile('^Code')).count():
        _enter_code(manager, totp)
    page.locator('li.card', has_text='Gesprek over geld').get_by_role('link').first.click()
    page.get_by_text(re.compile('Verberg dit voor iemand|Hide this from someone')).click()
    page.get_by_label(re.compile('Jan')).check()
    manager.axe()
    page.get_by_role('button', name=re.compile('^(Opslaan|Save)$')).click()
    page.get_by_role('status').wait_for()
    page.get_by_text(re.compile('Verberg dit voor iemand|Hide this from someone')).click()
    assert page.get_by_label(re.compile('Jan')).is_checked()  # what Jan may not see (the API tests read it as Jan)

    # share the reports once with a GP
    page.goto(f'/circles/{circle_id}/shares')
    if page.get_by_label(re.compile('^Code')).count():
        _enter_code(manager, totp)
    page.get_by_label(re.compile('Rapportages van de laatste|Reports of the last')).check()
    page.get_by_label(re.compile('Hoeveel dagen|How many days')).select_option('2')
    page.get_by_label(re.compile('Hoe vaak|How often')).fill('1')
    page.get_by_role('button', name=re.compile('Maak de link|Make the link')).click()
    page.get_by_role('status').wait_for()
    manager.axe()
    secrets = page.locator('code.secret').all_inner_texts()
    url, share_code = secrets[0], secrets[1]
    assert share_code not in url and re.fullmatch(r'\d{6}', share_code)

    gp = pages()
    gp.page.set_viewport_size({'width': 375, 'height': 740})
    gp.page.goto(url)
    gp.axe()
    gp.page.get_by_label(re.compile('^Code')).fill(share_code)
    gp.page.get_by_role('button', name=re.compile('Laat de gegevens zien|Show the data')).click()
    gp.page.get_by_role('heading', level=1, name=re.compile('Truus')).wait_for()
    assert 'Truus sliep goed.' in gp.page.locator('main').inner_text()
    gp.axe()
    gp.page.goto(url)  # the one open allowed is used
    assert 'zo vaak geopend' in gp.page.locator('main').inner_text()
    page.goto(f'/circles/{circle_id}/access-log')
    assert 'Iemand buiten de zorgpagina' in page.locator('main').inner_text()
