"""The care page itself: the client's name, latest reports, next appointments, the timeline."""

from flask import Blueprint, g, redirect, render_template, request, session

from hub.account.access import login_required
from hub.account.views import step_up_redirect
from hub.circle.access import can, require
from hub.circle.operations import circles_of
from hub.connect.operations import dossiers_of
from hub.dossier import operations
from hub.dossier.access import READ_DOSSIER, read_dossier

bp = Blueprint('dossier', __name__, template_folder='templates')


@bp.get('/circles/<circle_id>')
@login_required
def overview(circle_id):
    member = require(g.account, circle_id)
    session['circle'] = str(member.circle_id)  # the care page to open next time
    reports, unlock = [], None
    if can(member, READ_DOSSIER):
        unlock = step_up_redirect()
        if unlock is None:
            read_dossier(g.account, member.circle_id, 'overview')
            reports, _ = operations.timeline(member.circle_id, limit=3)
    appointments = operations.upcoming_appointments(member.circle_id) if can(member, 'appointments.care') else []
    return render_template('dossier/overview.html', member=member, reports=reports, appointments=appointments,
                           dossiers=dossiers_of(member.circle_id), last_synced=operations.last_synced(member.circle_id),
                           linked=request.args.get('linked'), unlock=unlock,
                           others=[m for m in circles_of(g.account) if m.circle_id != member.circle_id])


@bp.get('/circles/<circle_id>/timeline')
@login_required
def timeline(circle_id):
    require(g.account, circle_id, READ_DOSSIER)
    unlock = step_up_redirect()
    if unlock:
        return redirect(unlock, 303)
    member = read_dossier(g.account, circle_id, 'timeline')
    rows, next_cursor = operations.timeline(member.circle_id, request.args.get('cursor'))
    return render_template('dossier/timeline.html', member=member, rows=rows, next_cursor=next_cursor)
