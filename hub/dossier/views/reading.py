"""Reading the dossier: the timeline, by category ("Lezen"), one report, hiding an item from helpers."""


from flask import (
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from hub.account.access import login_required
from hub.circle.access import MANAGE, require
from hub.dossier import (
    hiding,
    operations,
    timeline,
)
from hub.dossier.views.base import _dossier_page, bp
from hub.web import parse_id


@bp.get('/circles/<circle_id>/timeline', endpoint='timeline')
@login_required
def timeline_page(circle_id):
    member, unlock = _dossier_page(circle_id, 'timeline')
    if unlock:
        return unlock
    kind, cursor = request.args.get('kind') or None, request.args.get('cursor')
    if kind is not None and kind not in timeline.TIMELINE_KINDS:  # an odd filter: show everything
        return redirect(url_for('dossier.timeline', circle_id=member.circle_id), 303)
    read = timeline.read_timeline(member, cursor, kind)
    return render_template('dossier/timeline.html', member=member, rows=read.rows, next_cursor=read.next_cursor,
                           kind=kind, last_visit=read.last_visit, new_count=read.new_count, first_page=not cursor,
                           is_new=timeline.is_new, item_time=timeline.item_time)


@bp.get('/circles/<circle_id>/read')
@login_required
def reading(circle_id):
    """The dossier grouped by what it holds ("Lezen"): goals, notes, questionnaires, agreements, health problems."""
    member, unlock = _dossier_page(circle_id, 'read')
    if unlock:
        return unlock
    return render_template('dossier/read.html', member=member, read=operations.read_by_category(member))


@bp.get('/circles/<circle_id>/reports/<record_id>')
@login_required
def report(circle_id, record_id):
    """One report on a page of its own, with the one before and after it."""
    record_id = parse_id(record_id)  # first: only an id goes into the audit record
    member, unlock = _dossier_page(circle_id, 'report', record_id)
    if unlock:
        return unlock
    read = operations.read_report(member, record_id)
    return render_template('dossier/report.html', member=member, row=read.row, previous_id=read.previous_id,
                           next_id=read.next_id)


@bp.post('/circles/<circle_id>/records/<record_id>/hidden')
@login_required
def hidden_page(circle_id, record_id):
    """The manager chooses the helpers a record is hidden from (the others see it); then back to the record."""
    manager = require(g.account, circle_id, MANAGE)
    record_id = parse_id(record_id)
    hiding.hide_from_only(manager, g.account, record_id, set(request.form.getlist('member')))
    back = request.form.get('back')
    if back == 'documents':
        return redirect(url_for('dossier.documents_page', circle_id=manager.circle_id, hidden=1), 303)
    if back == 'plan':
        return redirect(url_for('dossier.plan', circle_id=manager.circle_id, plan_id=record_id, hidden=1), 303)
    return redirect(url_for('dossier.report', circle_id=manager.circle_id, record_id=record_id, hidden=1), 303)
