"""The client's own pages in easy read: today (or tomorrow) and this week, as big cards of who comes and what."""

from datetime import timedelta

from flask import g, render_template, request

from hub.account.access import login_required
from hub.circle import today
from hub.circle.access import require_calendar
from hub.circle.views.base import bp
from hub.core.timeutil import utcnow, zone


@bp.get('/circles/<circle_id>/vandaag')
@login_required
def today_page(circle_id):
    """What happens today (``?dag=morgen``: tomorrow), in time order: who comes, what, when."""
    member = require_calendar(g.account, circle_id)
    tomorrow = request.args.get('dag') == 'morgen'
    day = utcnow().astimezone(zone()).date() + timedelta(days=1 if tomorrow else 0)
    plan = today.day_plan(member, g.account, day)
    return render_template('circle/today.html', member=member, plan=plan, tomorrow=tomorrow,
                           texts=today.PICTOGRAM_TEXTS)


@bp.get('/circles/<circle_id>/week')
@login_required
def week_page(circle_id):
    """This week: the next seven days from today, each with its cards."""
    member = require_calendar(g.account, circle_id)
    first = utcnow().astimezone(zone()).date()
    return render_template('circle/week.html', member=member, days=today.days_plan(member, g.account, first, 7),
                           first=first, texts=today.PICTOGRAM_TEXTS)
