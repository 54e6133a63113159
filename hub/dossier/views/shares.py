"""Sharing a part of the dossier once, and the shared link as the receiver opens it."""

import json
from datetime import timedelta

from flask import (
    Response,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l

from hub.account.access import login_required, step_up_redirect
from hub.circle.access import MANAGE, require
from hub.core.errors import AppError
from hub.core.timeutil import utcnow
from hub.dossier import (
    export,
    measurements,
    shares,
)
from hub.dossier.download import SERIES_LABELS
from hub.dossier.schemas import (
    OutsiderShareSchema,
)
from hub.dossier.views.base import bp
from hub.extensions import csrf, limiter
from hub.web import form_int, form_step, parse_id


@bp.route('/circles/<circle_id>/shares', methods=['GET', 'POST'])
@login_required
def shares_page(circle_id):
    """The manager shares parts of the dossier once with someone outside the care page, and sees and stops shares."""
    member = require(g.account, circle_id, MANAGE)  # as the API: the manager, after the step-up; the page reads no
    unlock = step_up_redirect()                      # dossier data (what a share holds is audited when it is made)
    if unlock:
        return redirect(unlock, 303)
    errors, values, status, made = {}, {'parts': [], 'expires_in_days': '7', 'max_opens': '3'}, 200, None
    if request.method == 'POST' and request.form.get('action') == 'revoke':
        shares.revoke(member, g.account, parse_id(request.form.get('share_id')))
        return redirect(url_for('dossier.shares_page', circle_id=member.circle_id, stopped=1), 303)
    if request.method == 'POST':
        values = {'parts': request.form.getlist('parts'), 'expires_in_days': request.form.get('expires_in_days', ''),
                  'max_opens': request.form.get('max_opens', '')}
        with form_step() as step:
            data = OutsiderShareSchema().load({'parts': values['parts'],
                                               'expires_in_days': form_int(values['expires_in_days'], 3),
                                               'max_opens': form_int(values['max_opens'], 3)})
            made = shares.make(member, g.account, data['parts'], data['expires_in_days'], data['max_opens'])
        errors, status = step.errors, step.status
        if made is not None:  # the form empty again, for the next share
            values = {'parts': [], 'expires_in_days': '7', 'max_opens': '3'}
    return render_template('dossier/shares.html', member=member, errors=errors, values=values, made=made,
                           shares=shares.shares_of(member), parts=shares.PART_LABELS,
                           share_status=shares.status, share_states=SHARE_STATES), status


SHARE_STATES = {'revoked': _l('Stopped'), 'expired': _l('Expired'), 'used': _l('Opened as often as allowed'),
                'locked': _l('Locked after five wrong codes')}


@bp.route('/s/<token>', methods=['GET', 'POST'])
@limiter.limit('20 per minute', methods=['POST'])
def shared(token):
    """The page of a shared link, for someone without an account: the code first, then what was shared."""
    share = shares.by_token(token)
    errors, status = {}, 200
    if request.method == 'POST':
        left = shares.check_code(share, request.form.get('code', ''))
        if left is None:
            session[f'share-{share.id}'] = (utcnow() + SHARE_VIEW).isoformat()
            return _shared_view(share, token)
        if left == 0:
            return render_template('dossier/share_gone.html', message=shares.GONE['locked']), 410
        errors, status = {'code': [_l('This code is not right. Check the code you were given.')]}, 422
    return render_template('dossier/share_code.html', token=token, errors=errors), status


#: after the code, the FHIR file of the share can be fetched this long without another open
SHARE_VIEW = timedelta(minutes=15)


def _shared_view(share, token):
    rows = shares.shown_rows(share)
    grouped = export.by_kind(rows)
    name = next((row.Record.data.get('name') for row in rows if row.Record.kind == 'demographics'), None)
    return render_template('dossier/share_view.html', share=share, token=token, grouped=grouped, name=name,
                           kinds=export.KINDS, values=measurements.point_values, labels=SERIES_LABELS,
                           parts=shares.PART_LABELS)


@bp.get('/s/<token>/bundle')
def shared_bundle(token):
    """The shared data as a FHIR Bundle, right after the code was given on the link's page (no new open)."""
    share = shares.by_token(token, opened=True)
    until = session.get(f'share-{share.id}')
    if not until or until < utcnow().isoformat():
        return redirect(url_for('dossier.shared', token=token), 303)
    response = Response(json.dumps(shares.bundle_of(share), ensure_ascii=False, indent=1),
                        mimetype='application/fhir+json')
    response.headers['Content-Disposition'] = 'attachment; filename="gedeelde-gegevens.json"'
    return response


@bp.route('/s/<token>/manifest', methods=['POST', 'OPTIONS'])
@csrf.exempt
@limiter.limit('20 per minute', methods=['POST'])
def shared_manifest(token):
    """The SMART Health Link manifest: with the passcode, the encrypted file (any viewer, from any origin)."""
    response = Response(status=204) if request.method == 'OPTIONS' else _manifest(token)
    response.headers['Access-Control-Allow-Origin'] = '*'
    response.headers['Access-Control-Allow-Methods'] = 'POST'
    response.headers['Access-Control-Allow-Headers'] = 'Content-Type'
    return response


def _manifest(token):
    try:
        share = shares.by_token(token)
    except AppError:  # the spec: an inactive link answers 404
        return _json(404, {'error': {'code': 'not_found', 'message': str(_l('This link does not exist.'))}})
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get('recipient'), str) or not body['recipient'].strip():
        return _json(400, {'error': {'code': 'invalid_request',
                                     'message': str(_l('Send JSON with a recipient and the passcode.'))}})
    try:
        left = shares.check_code(share, body.get('passcode'), source='shl')
    except AppError:  # a parallel try locked it, or took the last open
        return _json(404, {'error': {'code': 'not_found', 'message': str(_l('This link does not exist.'))}})
    if left is not None:
        return _json(401, {'remainingAttempts': left, 'error': {
            'code': 'wrong_code', 'message': str(_l('This code is not right. Check the code you were given.'))}})
    return _json(200, {'files': [{'contentType': 'application/fhir+json', 'embedded': share.shl_file}]})


def _json(status, body):
    response = jsonify(body)
    response.status_code = status
    return response
