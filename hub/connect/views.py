"""The page to link a dossier with a coupling code."""

from flask import Blueprint, g, redirect, render_template, request, url_for

from hub.account.access import login_required
from hub.circle.access import MANAGE, can
from hub.circle.operations import circles_of
from hub.connect import operations
from hub.core.commit import undo_on_refusal
from hub.core.errors import AppError
from hub.account.api import login_limit
from hub.extensions import limiter
from hub.web import parse_id

bp = Blueprint('connect', __name__, template_folder='templates')


@bp.route('/connect', methods=['GET', 'POST'])
@login_required
@limiter.limit(login_limit, methods=['POST'])
def redeem():
    managed = [m for m in circles_of(g.account) if can(m, MANAGE)]
    errors, values = {}, {}
    if request.method == 'POST':
        values = {'code': request.form.get('code', ''), 'circle_id': request.form.get('circle_id', '')}
        try:
            circle_id = parse_id(values['circle_id']) if values['circle_id'] else None
            with undo_on_refusal():
                circle = operations.redeem(g.account, values['code'], circle_id)
        except AppError as exc:
            errors = {'code': [exc.message]}
        else:
            return redirect(url_for('dossier.overview', circle_id=circle.id, linked=1), 303)
    return render_template('connect/redeem.html', errors=errors, values=values, managed=managed), 422 if errors else 200
