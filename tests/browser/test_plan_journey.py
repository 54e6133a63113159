"""Read a care plan and approve it in Chromium: the approval asks for a fresh code, then says it was sent."""

import json
import re
from datetime import timedelta

import pyotp
import pytest

from hub.cli import cli
from tests.browser.test_account_journey import _enter_code
from tests.browser.test_journey import _register
from tests.dossier.test_plans import plan_resources

pytestmark = pytest.mark.browser


def report(client_id, index, text):
    """A care report (the Dutch SOAP report code) of ``index`` days ago."""
    from hub.core.timeutil import utcnow
    return {'resourceType': 'Observation', 'id': f'report-{index}', 'status': 'final',
            'code': {'coding': [{'system': 'http://snomed.info/sct', 'code': '11591000146107'}]},
            'category': [{'text': 'Rapportage'}], 'subject': {'reference': f'Patient/{client_id}'},
            'effectiveDateTime': (utcnow() - timedelta(days=index)).isoformat(), 'performer': [{'display': 'Ilse'}],
            'valueString': text}


def bundle_code(live, tmp_path, provider_name, client_id, client_name, resources):
    """A provider whose system is a Bundle file of the client and ``resources``; return a coupling code for them."""
    from hub.careprovider.operations import add_provider
    from hub.connect.operations import issue_code
    from hub.core.commit import unit_of_work
    given, family = client_name.split(' ', 1)
    patient = {'resourceType': 'Patient', 'id': client_id, 'name': [{'family': family, 'given': [given]}]}
    bundle = tmp_path / f'{client_id}.json'
    bundle.write_text(json.dumps({'resourceType': 'Bundle', 'type': 'collection',
                                  'entry': [{'resource': r} for r in (patient, *resources)]}))
    with live.app_context(), unit_of_work():
        _, code = issue_code(add_provider(provider_name, 'fhir', {'bundle': str(bundle)}), client_id)
    return code


def link_as_manager(manager, live, mailbox, email, first_name, code, provider_name):
    """Register in the browser, set up an authenticator app, link the dossier with ``code`` and sync it; return the
    authenticator (for the codes asked later)."""
    page = manager.page
    _register(page, mailbox, email, first_name)
    page.goto('/profile/totp')
    totp = pyotp.TOTP(page.locator('code.secret').inner_text().replace(' ', ''))
    _enter_code(manager, totp)
    page.goto('/connect')
    page.get_by_label(re.compile('Koppelcode|Coupling code')).fill(code)
    page.get_by_role('button', name=re.compile('^(Koppelen|Link)$')).click()
    assert live.test_cli_runner().invoke(cli, ['sync', provider_name]).exit_code == 0
    return totp


def test_the_manager_reads_and_approves_a_care_plan(pages, live, live_mailbox, tmp_path):
    from sqlalchemy import update

    from hub.account.models import AuthSession
    from hub.careprovider.operations import add_provider
    from hub.connect.operations import issue_code
    from hub.core.commit import unit_of_work
    from hub.core.timeutil import utcnow
    from hub.extensions import db
    bundle = tmp_path / 'plan.json'
    weights = [{'resourceType': 'Observation', 'id': f'w{i}', 'status': 'final',
                'subject': {'reference': 'Patient/client-plan'},
                'code': {'coding': [{'system': 'http://loinc.org', 'code': '29463-7'}]},
                'effectiveDateTime': (utcnow() - timedelta(days=20 * i)).isoformat(),
                'valueQuantity': {'value': 64 + i % 3, 'unit': 'kg'}} for i in range(6)]
    bundle.write_text(json.dumps({'resourceType': 'Bundle', 'type': 'collection',
                                  'entry': [{'resource': r} for r in plan_resources('client-plan') + weights]}))
    with live.app_context(), unit_of_work():
        provider = add_provider('Zorggroep Plan', 'fhir', {'bundle': str(bundle)})
        _, code = issue_code(provider, 'client-plan')

    manager = pages()
    page = manager.page
    totp = link_as_manager(manager, live, live_mailbox, 'gerda@example.nl', 'Gerda', code, 'Zorggroep Plan')

    page.reload()
    page.get_by_role('link', name=re.compile('^(Zorgplannen|Care plans)$')).click()
    assert re.search('Wacht op handtekening cliënt|Waiting for the signature', page.locator('main').inner_text())
    manager.axe()
    page.get_by_role('link', name='Zorgplan 2026-2027').click()
    page.get_by_role('heading', name=re.compile('^(Doelen|Goals)$')).wait_for()
    assert 'Zelf aankleden in de ochtend' in page.locator('main').inner_text()
    manager.axe()

    with live.app_context(), unit_of_work():  # the code was entered more than five minutes ago
        db.session.execute(update(AuthSession).values(second_factor_at=utcnow() - timedelta(minutes=6)))
    approve = re.compile('^(Plan goedkeuren|Approve the plan)$')
    agree = re.compile('plan gelezen en ga akkoord|read the plan and I agree')
    page.get_by_label(agree).check()
    page.get_by_role('button', name=approve).click()
    page.get_by_label(re.compile('^Code')).wait_for()  # a fresh code first
    manager.axe()
    _enter_code(manager, totp)
    page.get_by_role('button', name=approve).click()  # not ticked: the page says what to do, nothing is sent
    page.get_by_role('alert').wait_for()
    assert re.search('Zet een vinkje|Tick that you have read', page.locator('main').inner_text())
    manager.axe()
    page.get_by_label(agree).check()
    page.get_by_role('button', name=approve).click()
    page.get_by_role('status').wait_for()
    assert re.search('goedkeuring is verstuurd|approval has been sent', page.get_by_role('status').inner_text())
    assert re.search('Je hebt dit plan goedgekeurd|You approved this plan', page.locator('main').inner_text())
    manager.axe()
    page.get_by_role('link', name=re.compile('Zorgpagina|Care page|Gerda')).first.click()
    page.get_by_role('link', name=re.compile('Wie keek in het dossier|Who looked at the dossier')).click()
    assert re.search('Een zorgplan goedgekeurd|Approved a care plan', page.locator('main').inner_text())
    manager.axe()
    page.set_viewport_size({'width': 375, 'height': 740})  # a phone: the table reads as a list
    manager.axe()
    page.set_viewport_size({'width': 1280, 'height': 800})
    page.get_by_role('link', name=re.compile('Zorgpagina|Care page|Gerda')).first.click()
    page.get_by_role('link', name=re.compile('^(Metingen|Measurements)$')).click()
    page.locator('svg.chart').first.wait_for()
    assert re.search('Gewicht|Weight', page.locator('main').inner_text())
    manager.axe()
    page.get_by_role('link', name=re.compile('Zorgpagina|Care page|Gerda')).first.click()
    page.get_by_role('link', name=re.compile('^(Downloaden|Download)$')).click()
    manager.axe()
    with page.expect_download() as download:
        page.get_by_role('button', name=re.compile('^(Downloaden|Download)$')).click()
    assert download.value.suggested_filename.startswith('dossier-') and download.value.suggested_filename.endswith('.html')
