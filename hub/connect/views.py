"""The page to link a dossier with a coupling code."""

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from hub.account.access import login_limited, login_required, step_up_redirect
from hub.circle.access import MANAGE, can, require
from hub.circle.dossiers import linked_dossier
from hub.circle.operations import circles_of
from hub.connect import operations
from hub.connect.schemas import RedeemSchema
from hub.web import form_data, form_step, parse_id

bp = Blueprint('connect', __name__, template_folder='templates')


@bp.route('/connect', methods=['GET', 'POST'])
@login_required
@login_limited(methods=['POST'])
def redeem():
    managed = [m for m in circles_of(g.account) if can(m, MANAGE)]
    errors, values, status = {}, {}, 200
    if request.method == 'POST':
        values = form_data('code', 'circle_id', 'for_whom')
        with form_step() as step:  # the same schema and the same answers as POST /api/v1/connections
            data = RedeemSchema().load({key: value for key, value in values.items()
                                        if (value or key == 'code') and key != 'for_whom'}
                                       | {'for_self': values.get('for_whom') == 'self'})
            circle = operations.redeem(g.account, data['code'], data['circle_id'], data['for_self'])
        if step.ok:
            return redirect(url_for('dossier.overview', circle_id=circle.id, linked=1), 303)
        errors, status = step.errors, step.status
        if '_form' in errors:  # a refusal of the code is said beside the field
            errors = {'code': errors['_form']}
    return render_template('connect/redeem.html', errors=errors, values=values, managed=managed), status


@bp.route('/circles/<circle_id>/dossiers/<dossier_id>/unlink', methods=['GET', 'POST'])
@login_required
def unlink(circle_id, dossier_id):
    manager = require(g.account, circle_id, MANAGE)
    dossier = linked_dossier(manager.circle_id, parse_id(dossier_id))
    back = url_for('circle.members', circle_id=manager.circle_id)
    if request.method == 'POST':
        operations.unlink_dossier(manager, dossier.id)
        return redirect(back, 303)
    return render_template('confirm.html', title=_l('Unlink %(name)s', name=dossier.provider.name),
                           text=_l('The data of %(name)s is no longer shown on this care page. To link it again, you '
                                   'need a new coupling code.', name=dossier.provider.name),
                           action=request.path, button=_l('Yes, unlink'), back=back)


@bp.route('/circles/<circle_id>/delete', methods=['GET', 'POST'])
@login_required
def delete_circle(circle_id):
    manager = require(g.account, circle_id, MANAGE)
    unlock = step_up_redirect()  # it cannot be undone: a fresh second step first, as for dossier data
    if unlock:
        return redirect(unlock, 303)
    if request.method == 'POST':
        operations.delete_care_page(manager)
        session.pop('circle', None)
        return redirect(url_for('circle.dashboard', all=1), 303)
    return render_template('confirm.html', title=_l('Delete this care page'),
                           text=_l('Everything on it is deleted: members, invitations and the links to care '
                                   'providers. Everyone on it gets a mail. This cannot be undone.'),
                           action=request.path, button=_l('Yes, delete'),
                           back=url_for('circle.members', circle_id=manager.circle_id))
