"""The pages of apps: the consent an app asks for (``/oauth/authorize``), and the apps a member connected."""

from pathlib import Path
from urllib.parse import urlencode, urlsplit

from authlib.oauth2 import OAuth2Error
from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from hub.account.access import login_required, step_up_redirect
from hub.apps import operations, scopes
from hub.apps.access import readable_types
from hub.apps.oauth import server
from hub.circle.access import MANAGE, access_ended, require
from hub.circle.operations import circles_of
from hub.core.errors import InvalidInput
from hub.web import content_security_policy, form_data, form_step, parse_id

bp = Blueprint('apps', __name__, template_folder=str(Path(__file__).parent / 'templates'))

#: what each resource type is, in the words of the consent page
TYPE_WORDS = {
    'Patient': _l("The client's name"),
    'Observation': _l('Measurements and reports'),
    'CarePlan': _l('The care plan'),
    'Goal': _l('Goals'),
    'MedicationStatement': _l('Medication'),
    'Appointment': _l('Appointments with the care provider'),
    'DocumentReference': _l('Documents'),
    'Condition': _l('Health problems (diagnoses)'),
}


@bp.route('/oauth/authorize', methods=['GET', 'POST'])
def authorize():
    """An app asks to read a care page for the person logged in: who the app is, what it will read, for how long;
    yes sends a code to the app's registered address, no sends ``access_denied``. A request the server cannot send
    back safely (an unknown app, an address it did not register) gets a page here, never a redirect."""
    try:
        grant = server.get_consent_grant(end_user=g.get('account'))
    except OAuth2Error as error:
        if error.redirect_uri:  # a known app and its registered address: the error goes back to the app
            return server.handle_error_response(None, error)
        return render_template('apps/authorize_error.html', error=error), 400
    if g.get('account') is None:
        return redirect('/login?' + urlencode({'next': request.full_path}), 303)
    unlock = step_up_redirect(back=request.full_path)
    if unlock is not None:  # as for the dossier: the second step first
        return redirect(unlock, 303)
    app = grant.client.row
    pages = [member for member in circles_of(g.account) if not access_ended(member) and readable_types(member)]
    errors, values, status = {}, {'months': '3'}, 200
    if request.method == 'POST':
        values = form_data('decision', 'page', 'months')
        if values.get('decision') != 'yes':
            return server.create_authorization_response(grant=grant, grant_user=None)  # access_denied
        with form_step() as step:
            chosen = values.get('page') or (str(pages[0].circle_id) if len(pages) == 1 else '')
            if not chosen:
                raise InvalidInput(_l('Choose a care page.'), fields={'page': [_l('Choose a care page.')]})
            member = require(g.account, chosen)
            months = values.get('months', '')
            consent = operations.consent(member, app, grant.request.scope, int(months) if months.isdigit() else 0)
        if step.ok:
            return server.create_authorization_response(grant=grant, grant_user=consent)
        errors, status = step.errors, step.status
    asked = scopes.types_of(grant.request.scope)
    response = render_template(
        'apps/consent.html', app=app, pages=pages, errors=errors, values=values,
        asked=[(kind, TYPE_WORDS[kind]) for kind in scopes.TYPES if kind in asked],
        readable={str(member.circle_id): set(readable_types(member)) for member in pages},
        offline='offline_access' in grant.request.scope.split())
    # the answer to "yes" or "no" redirects to the app: the form may send there (CSP form-action follows redirects)
    return response, status, {'Content-Security-Policy': _csp(grant.redirect_uri)}


def _csp(redirect_uri: str) -> str:
    parts = urlsplit(redirect_uri)
    return content_security_policy(f'{parts.scheme}://{parts.netloc}' if parts.netloc else f'{parts.scheme}:')


@bp.get('/profile/apps')
@login_required
def my_apps():
    """The apps the person connected, on every care page, each with a button to stop it."""
    return render_template('apps/my_apps.html', grants=operations.my_grants(g.account), type_words=TYPE_WORDS,
                           types_of=scopes.types_of, stopped=request.args.get('stopped'))


@bp.post('/profile/apps/<grant_id>/stop')
@login_required
def stop_app(grant_id):
    operations.stop_mine(g.account, parse_id(grant_id))
    return redirect(url_for('apps.my_apps', stopped=1), 303)


@bp.get('/circles/<circle_id>/apps')
@login_required
def page_apps(circle_id):
    """The manager sees the apps members connected to the care page (who, which app, what; never a token)."""
    manager = require(g.account, circle_id, MANAGE)
    return render_template('apps/page_apps.html', member=manager, grants=operations.page_grants(manager),
                           type_words=TYPE_WORDS, types_of=scopes.types_of, stopped=request.args.get('stopped'))


@bp.post('/circles/<circle_id>/apps/<grant_id>/stop')
@login_required
def stop_page_app(circle_id, grant_id):
    manager = require(g.account, circle_id, MANAGE)
    operations.stop_on_page(manager, parse_id(grant_id))
    return redirect(url_for('apps.page_apps', circle_id=manager.circle_id, stopped=1), 303)
