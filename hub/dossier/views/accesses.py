"""The access log on a page and as a spreadsheet."""


from flask import (
    Response,
    g,
    render_template,
    request,
    stream_with_context,
)

from hub.account.access import login_required
from hub.circle.access import MANAGE, require
from hub.circle.dossiers import client_name
from hub.core.audit import audit
from hub.core.timeutil import utcnow
from hub.dossier import (
    accesses,
)
from hub.dossier.download import access_log_lines
from hub.dossier.views.base import bp


@bp.get('/circles/<circle_id>/access-log')
@login_required
def access_log(circle_id):
    """The manager sees who read what of the dossier, and when."""
    member = require(g.account, circle_id, MANAGE)
    mine = request.args.get('mine') == '1'
    rows, next_cursor = accesses.access_log(member, request.args.get('cursor'),
                                              leave_out=None if mine else g.account.id)
    audit('circle.access_log', 'R', actor=g.account, role=member.role, circle=member.circle_id, target='access-log')
    return render_template('dossier/access_log.html', member=member, rows=accesses.per_person_per_day(rows),
                           next_cursor=next_cursor, labels=accesses.ACCESS_LABELS, mine=mine)




@bp.get('/circles/<circle_id>/access-log.csv')
@login_required
def access_log_csv(circle_id):
    """The whole access log as a CSV file (for a spreadsheet), for the manager; the download itself is audited."""
    member = require(g.account, circle_id, MANAGE)
    audit('circle.access_log', 'R', actor=g.account, role=member.role, circle=member.circle_id,
          target='access-log:csv')
    lines = access_log_lines(member.circle_id, client_name(member.circle) or '')
    name = f'wie-keek-in-het-dossier-{utcnow():%Y-%m-%d}.csv'
    return Response(stream_with_context(lines), mimetype='text/csv',  # Werkzeug adds charset=utf-8
                    headers={'Content-Disposition': f'attachment; filename="{name}"', 'Cache-Control': 'no-store'})
