"""Every page, as each person sees it: logged out, the manager, a trust-group and a basic member; in Dutch and English;
on a phone (375 px, and 320 px for the sideways scroll) and a wide screen (1280 px). Each must pass axe-core with no violations and must not scroll
sideways. The pages come from the app's own routes, so a new page without a place here fails the test.

With ``CAREHUB_SCREENSHOTS=<folder>`` (``make screenshots``) the main pages are also saved as pictures there: the
README and the information page show them.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest

from tests.conftest import Clock

pytestmark = pytest.mark.browser

WIDTHS = (375, 1280)
SMALLEST = 320
#: GET routes that are no page to sweep, and why
NOT_PAGES = {
    'static': 'files', 'healthz': 'a health check (JSON)', 'circle.calendar_feed': 'an iCal file',
    'dossier.access_log_csv': 'a CSV file', 'circle.board_photo_page': 'a photo',
    'account.help_page': 'a redirect to /informatie', 'account.privacy_nl': 'a redirect to /privacy',
    'account.terms_nl': 'a redirect to /terms', 'connect_provider_api.codes': "a provider's API (JSON)",
    'provider_openapi': "a provider's API (JSON)", 'provider_oauth.outbox': "a provider's API (JSON)",
    'account.logout': 'answers a POST; the GET shows the question, swept as /logout below',
    'dossier.shared_bundle': 'a FHIR file', 'dossier.shared': 'swept as the outsider, with its code',
    'dossier.document_page': 'a document (PDF, JPEG, PNG)',
    'apps.authorize': "an app's request: swept with one in test_apps_journey",
    'apps_oauth.smart_configuration': 'JSON for apps', 'apps_oauth.openid_configuration': 'JSON for apps',
    'apps_oauth.jwks': 'JSON for apps', 'apps_fhir.metadata': 'FHIR for apps', 'apps_fhir.patient': 'FHIR for apps',
    'apps_fhir.read': 'FHIR for apps', 'apps_fhir.search': 'FHIR for apps', 'apps_fhir.binary': 'FHIR for apps',
}
#: pages swept with a query that puts them in another state
SCREENSHOTS = {  # file name: (role, path)
    'start.png': ('manager', '/circles/{circle}'),
    'plan.png': ('manager', '/circles/{circle}/plans/{plan}'),
    'messages.png': ('trust', '/circles/{circle}/messages/{thread}'),
    'calendar.png': ('basic', '/circles/{circle}/calendar?view=week'),
    'invite.png': ('manager', '/circles/{circle}/invite'),
    'register.png': (None, '/register'),
    'vandaag.png': ('client', '/circles/{circle}/vandaag'),
    'doelen.png': ('client', '/circles/{circle}/doelen'),
}
NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _demo(live, tmp_path):
    """Load the demo (three people on one care page with a dossier); return the ids the paths need."""
    from sqlalchemy import select

    from hub.account.operations import account_by_email
    from hub.careprovider.models import Record
    from hub.circle.models import BoardPost, CalendarEntry, CircleDossier, Member, MessageThread
    from hub.core.crypto import decrypt
    from hub.demo import ACCOUNTS, set_up
    from hub.extensions import db
    with live.app_context():
        set_up(tmp_path / 'bundle.json')
        people = {role: account_by_email(email) for email, _, _, role in ACCOUNTS}
        members = {role: db.session.execute(select(Member).where(Member.account_id == account.id)).scalar_one()
                   for role, account in people.items()}
        circle = members['manager'].circle_id

        def first(model, *where):
            return db.session.execute(select(model.id).where(*where).limit(1)).scalar_one()
        ids = {
            'circle': circle, 'plan': first(Record, Record.kind == 'plan'),
            'report': first(Record, Record.kind == 'report'),
            'goal': first(Record, Record.kind == 'goal'),
            'contact': first(Record, Record.kind == 'contact_person'),
            'thread': first(MessageThread, MessageThread.circle_id == circle, MessageThread.audience == 'all'),
            'post': first(BoardPost, BoardPost.circle_id == circle),
            'entry': first(CalendarEntry, CalendarEntry.author_id == people['basic'].id),
            'dossier': db.session.execute(select(CircleDossier.dossier_id)
                                          .where(CircleDossier.circle_id == circle)).scalar_one(),
        }
        ids.update({f'{role}_member': member.id for role, member in members.items()})
        with live.test_request_context():  # a share for an outsider, to see its pages too
            from hub.dossier.shares import make
            made = make(members['manager'], people['manager'], ['measurements', 'plan', 'reports'], 7, 10)
            db.session.commit()
        ids['share'] = (urlsplit(made.url).path, made.code)
        logins = {role: (account.email, pyotp.TOTP(decrypt(account.totp_secret))) for role, account in people.items()}
    return ids, logins


def _paths(live, ids):
    """Each GET page route, filled in: {endpoint: path}; fails on a page route nobody placed."""
    from hub.dossier.data import SECTIONS
    known = {
        'account.home': '/', 'account.activate': '/activate?token=nonsense', 'account.login': '/login',
        'account.register': '/register', 'account.forgot': '/password/forgot',
        'account.reset': '/password/reset?token=nonsense', 'account.information': '/informatie',
        'account.terms': '/terms', 'account.privacy': '/privacy', 'account.unsubscribe_page': '/unsubscribe/nonsense',
        'account.second_factor': '/login/second-factor', 'account.step_up': '/step-up',
        'account.accept_terms_page': '/terms/accept', 'account.profile_page': '/profile',
        'account.change_password_page': '/profile/password', 'account.phone_page': '/profile/phone',
        'account.totp': '/profile/totp', 'circle.delete_account_page': '/profile/delete',
        'circle.dashboard': '/circles', 'circle.invitations': '/invitations',
        'circle.invitation': '/invitations/00000000-0000-0000-0000-000000000000', 'connect.redeem': '/connect',
        'dossier.overview': '/circles/{circle}', 'dossier.access_log': '/circles/{circle}/access-log',
        'circle.board_page': '/circles/{circle}/board', 'circle.board_post_page': '/circles/{circle}/board/{post}',
        'circle.calendar_page': '/circles/{circle}/calendar', 'circle.today_page': '/circles/{circle}/vandaag',
        'circle.week_page': '/circles/{circle}/week', 'dossier.goals_page': '/circles/{circle}/doelen',
        'dossier.goal_change_page': '/circles/{circle}/doelen/{goal}/anders',
        'circle.edit_appointment': '/circles/{circle}/calendar/{entry}/edit',
        'circle.new_appointment': '/circles/{circle}/calendar/new', 'dossier.data_index': '/circles/{circle}/data',
        'dossier.data_page': '/circles/{circle}/data/{section}',
        'dossier.contact_request_page': '/circles/{circle}/data/contact_persons/{contact}/change',
        'connect.delete_circle': '/circles/{circle}/delete',
        'connect.unlink': '/circles/{circle}/dossiers/{dossier}/unlink',
        'dossier.export_page': '/circles/{circle}/export', 'circle.invite': '/circles/{circle}/invite',
        'dossier.measurements': '/circles/{circle}/measurements', 'circle.members': '/circles/{circle}/members',
        'circle.member_access': '/circles/{circle}/members/{trust_member}/access',
        'circle.member_profile': '/circles/{circle}/members/{own_member}/profile',
        'circle.remove_member': '/circles/{circle}/members/{basic_member}/remove',
        'circle.messages': '/circles/{circle}/messages', 'circle.message_thread': '/circles/{circle}/messages/{thread}',
        'circle.new_message': '/circles/{circle}/messages/new', 'circle.notes_page': '/circles/{circle}/notes',
        'dossier.plans': '/circles/{circle}/plans', 'dossier.plan': '/circles/{circle}/plans/{plan}',
        'dossier.reading': '/circles/{circle}/read', 'dossier.report': '/circles/{circle}/reports/{report}',
        'dossier.timeline': '/circles/{circle}/timeline', 'account.logout': '/logout',
        'dossier.shares_page': '/circles/{circle}/shares', 'circle.help_page': '/circles/{circle}/help',
        'dossier.medication_page': '/circles/{circle}/medication',
        'dossier.corrections_page': '/circles/{circle}/corrections', 'circle.wellbeing_page': '/wellbeing',
        'dossier.documents_page': '/circles/{circle}/documents',
        'account.second_step': '/profile/second-step', 'apps.my_apps': '/profile/apps',
        'apps.page_apps': '/circles/{circle}/apps',
        'account.recovery_codes_page': '/profile/recovery-codes',
        'account.lost_phone_page': '/login/lost-phone', 'account.lost_phone_cancel': '/lost-phone/cancel?token=nonsense',
    }
    routes = {rule.endpoint for rule in live.url_map.iter_rules()
              if 'GET' in rule.methods and not rule.rule.startswith('/api/')}
    unplaced = routes - set(known) - set(NOT_PAGES)
    assert not unplaced, f'pages the sweep does not know: {sorted(unplaced)}'
    paths = [path for endpoint, path in known.items() if endpoint != 'dossier.data_page']
    paths += [f'/circles/{{circle}}/data/{section}' for section in SECTIONS]
    paths += ['/circles/{circle}/data/contact_persons/add', '/circles/{circle}/calendar?view=week',
              '/circles/{circle}/calendar?view=day', '/circles/{circle}/timeline?kind=plan',
              '/circles/{circle}/corrections?record={report}', '/circles/{circle}/members/{client_member}/access']
    return paths


def _log_in(person, email, totp):
    from hub.demo import PASSWORD
    page = person.page
    page.goto('/login')
    page.get_by_label(re.compile('E-mailadres|Email address')).fill(email)
    page.get_by_label(re.compile('^(Wachtwoord|Password)$')).fill(PASSWORD)
    page.get_by_role('button', name=re.compile('^(Inloggen|Log in)$')).click()
    page.get_by_label(re.compile('^Code')).fill(totp.at(Clock.tick()))
    page.get_by_role('button', name=re.compile('Code controleren|Check code')).click()
    page.wait_for_load_state()


def _speak(person, language):
    """Choose the language with the button on top (it holds for the rest of the visit)."""
    page = person.page
    page.goto('/informatie')
    if page.evaluate('document.documentElement.lang') != language:
        page.get_by_role('button', name={'en': 'English', 'nl': 'Nederlands'}[language]).click()
        page.wait_for_load_state()
    assert page.evaluate('document.documentElement.lang') == language


def _easy(person, path):
    """Easy read: a button reads the page aloud, one reads each card, type of at least 20 px, buttons of at least
    48 px, no tables."""
    page = person.page
    assert page.locator('main > button.read-aloud, main button.read-aloud').count() >= 1, f'{path}: no read-aloud'
    cards = page.locator('main .card')
    assert cards.count() == page.locator('main .card button.read-aloud').count(), f'{path}: a card is not read aloud'
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('main')).fontSize)") >= 20, path
    assert page.locator('main table').count() == 0, f'{path}: a table'
    small = page.evaluate("""() => [...document.querySelectorAll('main button, main a.button')]
        .filter(b => b.offsetParent && b.getBoundingClientRect().height < 47.5).map(b => b.textContent.trim())""")
    assert not small, f'{path}: buttons lower than 48 px: {small}'


def _check(person, path, language, shots, name=None):
    """Open ``path`` at each width: axe-core clean, no sideways scroll; save a picture when asked."""
    page = person.page
    for width in WIDTHS:
        page.set_viewport_size({'width': width, 'height': 800})
        if width == WIDTHS[0]:
            page.goto(path)
            page.wait_for_load_state('load')
        assert page.evaluate(NO_SIDEWAYS), f'{path} scrolls sideways at {width} px'
        assert page.evaluate('document.documentElement.lang') == language, f'{path} is not in {language}'
        title = page.title()  # plain words, then the name of the service: no markup
        assert '<' not in title and re.fullmatch(r'\S.* – carehub', title), f'{path} has the title {title!r}'
        person.axe()
        if width == WIDTHS[0]:  # the smallest phones too (no axe again: the same page, narrower)
            page.set_viewport_size({'width': SMALLEST, 'height': 800})
            assert page.evaluate(NO_SIDEWAYS), f'{path} scrolls sideways at {SMALLEST} px'
            page.set_viewport_size({'width': width, 'height': 800})
        if name and shots and width == WIDTHS[0]:
            page.screenshot(path=shots / (name if language == 'nl' else name.replace('.png', f'-{language}.png')))


@pytest.mark.parametrize('language', ['nl', 'en'])
def test_every_page_for_everyone(pages, live, tmp_path, language):
    ids, logins = _demo(live, tmp_path)
    shots = Path(os.environ['CAREHUB_SCREENSHOTS']) if os.environ.get('CAREHUB_SCREENSHOTS') else None
    paths = _paths(live, ids)
    public = ('/', '/login', '/register', '/password/forgot', '/password/reset?token=nonsense',
              '/activate?token=nonsense', '/informatie', '/terms', '/privacy', '/unsubscribe/nonsense',
              '/login/second-factor')
    outsider = pages()
    _speak(outsider, language)
    for path in public:
        _check(outsider, path, language, shots, next((n for n, (r, p) in SCREENSHOTS.items() if r is None and p == path), None))
    share_path, code = ids['share']
    _check(outsider, share_path, language, None)  # the shared link: the code first
    outsider.page.get_by_label(re.compile('^Code')).fill(code)
    outsider.page.get_by_role('button', name=re.compile('Laat de gegevens zien|Show the data')).click()
    outsider.page.get_by_role('heading', level=1, name=re.compile('Zorggegevens van|Care data of')).wait_for()
    for width in WIDTHS + (SMALLEST,):
        outsider.page.set_viewport_size({'width': width, 'height': 800})
        assert outsider.page.evaluate(NO_SIDEWAYS), f'the shared data scroll sideways at {width} px'
        outsider.axe()
    for role, (email, totp) in logins.items():
        person = pages()
        _log_in(person, email, totp)
        _speak(person, language)
        person.page.goto('/step-up')  # the dossier pages ask for a fresh code: give it once
        if person.page.get_by_label(re.compile('^Code')).count():
            person.page.get_by_label(re.compile('^Code')).fill(totp.at(Clock.tick()))
            person.page.get_by_role('button', name=re.compile('Code controleren|Check code')).click()
            person.page.wait_for_load_state()
        values = dict(ids, own_member=ids[f'{role}_member'])
        for path in paths:
            if path in ('/logout',):
                continue
            filled = path.format(**values)
            name = next((n for n, (r, p) in SCREENSHOTS.items() if r == role and p == path), None)
            _check(person, filled, language, shots, name)
            if role == 'client':  # easy read on every page the client reaches (and those that refuse them)
                _easy(person, filled)
        _check(person, '/logout', language, None)
