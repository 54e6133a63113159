"""The start page of a care page: what is new, what needs doing, the next appointments, the parts."""

from datetime import timedelta

from flask import (
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from hub.account.access import login_required, step_up_redirect
from hub.circle import board, calendar, help
from hub.circle.access import READ_DOSSIER, can, read_dossier, require
from hub.circle.dossiers import dossiers_of
from hub.circle.messages import file_provider_messages, threads, unread
from hub.circle.operations import circles_of, first_steps
from hub.core.audit import audit
from hub.core.timeutil import utcnow
from hub.dossier import (
    operations,
    timeline,
)
from hub.dossier.views.base import bp


@bp.get('/circles/<circle_id>')
@login_required
def overview(circle_id):
    member = require(g.account, circle_id)
    session['circle'] = str(member.circle_id)  # the care page to open next time
    if member.role == 'client':  # the client's own start page: their day, in easy read
        return redirect(url_for('circle.today_page', circle_id=member.circle_id))
    linked = dossiers_of(member.circle_id, uploads=True)  # the latest and the new ones count uploads too
    dossiers = [dossier for dossier in linked if not dossier.uploaded_by]  # the providers' (sync state)
    reports, unlock, appointments = [], None, []
    if can(member, READ_DOSSIER):
        unlock = step_up_redirect()
        if unlock is None:  # one audit record for the read of the page (its reports and appointments)
            read_dossier(g.account, member.circle_id, 'overview')
    # the panels' records, in one statement: the latest reports, appointments, plans, the provider's messages
    operations.start_reads(member, linked, dossier_open=unlock is None, latest=LATEST)
    if can(member, READ_DOSSIER) and unlock is None:
        reports, _ = timeline.timeline(member, limit=LATEST, dossiers=linked)
    if can(member, 'messages.provider'):
        file_provider_messages(member.circle_id)  # the provider's new messages count as unread at once
    if can(member, 'appointments.care'):
        appointments = operations.upcoming_appointments(member)
        if not (can(member, READ_DOSSIER) and unlock is None):  # else the overview's record covers them
            audit('dossier.appointments', 'R', actor=g.account, role=member.role, circle=member.circle_id,
                  target='appointments:overview')
    todo = operations.to_do(member, linked, dossier_open=unlock is None)
    coming = _coming(member, appointments)
    latest, counts = [], {}
    if can(member, 'messages'):
        latest, counts, _ = threads(member, limit=PREVIEW, looking=False)
    posts, _ = board.posts(member, limit=1)
    asked = help.coming(member)[:PREVIEW]  # none for a member who does not see the calendar
    return render_template('dossier/overview.html', member=member, reports=reports, appointments=appointments,
                           todo=todo, coming=coming, threads=latest, counts=counts, posts=posts, asked=asked,
                           dossiers=dossiers, last_synced=operations.last_synced(dossiers),
                           linked=request.args.get('linked'), welcome=request.args.get('welcome'), unlock=unlock,
                           unread=unread(member), first_steps=first_steps(member),
                           others=[m for m in circles_of(g.account) if m.circle_id != member.circle_id])


#: what the care page's panels show of each list
PREVIEW = 3
#: the latest items of the timeline on the care page
LATEST = 3
#: how far ahead the agenda panel looks for helpers' appointments
AGENDA_DAYS = 14


def _coming(member, care_rows):
    """The next appointments for the agenda panel: helpers' (as the member may see them) and care ones, by time."""
    now = utcnow()
    items = [(o.starts_at, 'own', o) for o in calendar.occurrences(member, g.account, now,
                                                                      now + timedelta(days=AGENDA_DAYS))]
    items += [(row.Record.occurred_at, 'care', row) for row in care_rows]
    return sorted(items, key=lambda item: item[0])[:5]
