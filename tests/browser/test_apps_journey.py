"""A member connects an app (SMART on FHIR) in Chromium at 375 px with axe: the consent page names the app, what it
reads and for how long; yes sends a code to the app's own address (the page's CSP lets the form go there), no
sends access_denied; the profile lists the app and stops it."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.apps.flow import authorize_url, pkce
from tests.browser.test_plan_journey import bundle_code, link_as_manager, report
from tests.servers import free_port

pytestmark = pytest.mark.browser


def test_a_member_connects_an_app_and_stops_it(pages, live, live_mailbox, tmp_path):
    from hub.apps.operations import add_app
    from hub.core.commit import unit_of_work
    code = bundle_code(live, tmp_path, 'Zorggroep Apps', 'client-apps', 'Truus Smit',
                       [report('client-apps', 1, 'Truus sliep goed.')])
    manager = pages()
    page = manager.page
    page.set_viewport_size({'width': 375, 'height': 740})
    link_as_manager(manager, live, live_mailbox, 'truus@example.nl', 'Truus', code, 'Zorggroep Apps')
    callback = f'http://127.0.0.1:{free_port()}/callback'
    with live.app_context(), unit_of_work():
        client_id = add_app('Dagplanner', [callback])[0].client_id
    arrived = []

    def app_answer(route):  # the app's own address: it receives the answer
        arrived.append(route.request.url)
        route.fulfill(status=200, content_type='text/html', body='<!doctype html><title>App</title><p>Verbonden</p>')
    page.route(re.compile(re.escape(callback) + '.*'), app_answer)

    _, challenge = pkce()
    url = authorize_url(client_id, callback, challenge, 'launch/patient patient/Observation.rs patient/Goal.rs',
                        aud=live.base_url + '/fhir/R4')
    page.goto(url)
    page.get_by_role('heading', level=1, name=re.compile('Een app verbinden')).wait_for()
    main = page.locator('main').inner_text()
    assert 'Dagplanner wil voor jou gegevens lezen' in main and 'Metingen en rapportages' in main
    assert 'Truus Smit' in main and 'Hoe lang?' in main
    manager.axe()
    page.screenshot(path=str(tmp_path / 'consent.png'), full_page=True)
    assert 'Een uur. Daarna vraagt de app het je opnieuw.' in main
    page.get_by_role('button', name='Ja, verbinden').click()
    page.wait_for_url(re.compile(re.escape(callback)))
    answer = {key: value[0] for key, value in parse_qs(urlsplit(arrived[-1]).query).items()}
    assert answer['state'] == 'st-123' and len(answer['code']) >= 40

    page.goto(authorize_url(client_id, callback, challenge, 'launch/patient patient/*.rs offline_access',
                            aud=live.base_url + '/fhir/R4'))  # with a refresh token: for how long, chosen
    page.get_by_label('1 jaar').check()
    manager.axe()
    page.get_by_role('button', name='Nee, niet verbinden').click()
    page.wait_for_url(re.compile(re.escape(callback) + '.*error=access_denied'))

    # the manager sees the apps on the care page, under Connections
    from sqlalchemy import select

    from hub.circle.models import Member
    from hub.extensions import db
    with live.app_context():
        circle_id = db.session.execute(select(Member.circle_id)).scalar_one()
    page.goto(f'/circles/{circle_id}/members')
    page.get_by_role('link', name='Bekijk de verbonden apps').click()
    page.get_by_role('heading', level=2, name='Dagplanner').wait_for()
    assert 'Voor: Truus' in page.locator('main').inner_text()
    manager.axe()
    page.screenshot(path=str(tmp_path / 'page-apps.png'), full_page=True)
    # an app that is not known, or an address it did not register: a page, not a redirect
    page.goto(authorize_url('onbekend', callback, challenge, aud=live.base_url + '/fhir/R4'))
    page.get_by_role('heading', level=1, name='De app kan niet verbinden').wait_for()
    manager.axe()
    page.screenshot(path=str(tmp_path / 'app-error.png'), full_page=True)

    page.goto('/profile')
    page.get_by_role('link', name='Bekijk of stop je apps').click()
    page.get_by_role('heading', level=2, name='Dagplanner').wait_for()
    assert 'Metingen en rapportages' in page.locator('main').inner_text()
    manager.axe()
    page.screenshot(path=str(tmp_path / 'apps-list.png'), full_page=True)
    page.get_by_role('button', name='Dagplanner stoppen').click()
    page.get_by_text('De app is gestopt').wait_for()
    manager.axe()
    page.screenshot(path=str(tmp_path / 'apps.png'), full_page=True)
