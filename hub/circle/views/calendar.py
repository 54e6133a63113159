"""The calendar: the care page's appointments by list, week or day, adding and changing one, the feed for a
phone's calendar."""

from datetime import date, timedelta

from flask import g, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from hub.account.access import login_limited, login_required
from hub.account.operations import link
from hub.circle import calendar, feed
from hub.circle.access import (
    require,
    require_calendar,
)
from hub.circle.dossiers import client_name
from hub.circle.schemas import (
    AppointmentChangeSchema,
    AppointmentSchema,
)
from hub.circle.views.base import _FORM_FIELDS, _local_moment, bp
from hub.core.errors import InvalidInput
from hub.core.timeutil import utcnow
from hub.web import form_data, form_int, form_step, parse_id

CALENDAR_VIEWS = {'list': 28, 'week': 7, 'day': 1}


@bp.get('/circles/<circle_id>/calendar')
@login_required
def calendar_page(circle_id):
    """The calendar as a list (four weeks), a week or a day, with previous, next and today; helpers' appointments
    beside the care appointments."""

    member = require_calendar(g.account, circle_id)
    view = request.args.get('view') if request.args.get('view') in CALENDAR_VIEWS else 'list'
    today = utcnow().astimezone(calendar.zone()).date()
    try:
        first = date.fromisoformat(request.args.get('day') or today.isoformat())
    except ValueError:
        first = today
    if not 1900 < first.year < 2200:
        first = today
    if view == 'week':
        first -= timedelta(days=first.weekday())
    length = CALENDAR_VIEWS[view]
    start, _ = calendar.day_bounds(first)
    _, end = calendar.day_bounds(first + timedelta(days=length - 1))
    days = {first + timedelta(days=n): [] for n in range(length)}
    for kind, item in calendar.entries(member, g.account, start, end):
        moment = item.Record.occurred_at if kind == 'care' else item.starts_at
        days.setdefault(moment.astimezone(calendar.zone()).date(), []).append((kind, item, moment))
    if view == 'list':
        days = {day: rows for day, rows in days.items() if rows}
    step = timedelta(days=length)
    return render_template('circle/calendar.html', member=member, days=days, view=view, first=first, today=today,
                           previous=(first - step).isoformat(), following=(first + step).isoformat(),
                           done=request.args.get('done'), feed_url=None, has_feed=feed.has_feed(member))


def _appointment_values(values):
    """What the form says, as the API takes it (times in the person's zone; a repeat only when chosen)."""
    data = {'title': values.get('title', ''), 'location': values.get('location') or None,
            'description': values.get('description') or None, 'visibility': values.get('visibility') or 'public'}
    if values.get('all_day'):
        data.update(all_day=True, date=values.get('day') or None)
    else:
        starts_at = _local_moment(values.get('day'), values.get('start'))
        ends_at = _local_moment(values.get('day'), values.get('end')) if values.get('end') else None
        if starts_at is None:
            raise InvalidInput(_l('Choose a day and a start time.'),
                               fields={'start': [_l('Choose a day and a start time.')]})
        if values.get('end') and ends_at is None:
            raise InvalidInput(_l('Choose an end time, or leave it empty.'),
                               fields={'end': [_l('Choose an end time, or leave it empty.')]})
        data.update(all_day=False, starts_at=starts_at.isoformat(), ends_at=ends_at.isoformat() if ends_at else None)
    if values.get('repeat') in calendar.FREQUENCIES:
        data['repeat'] = {'freq': values['repeat'], 'interval': form_int(values.get('interval') or '1')}
        if values.get('count'):
            data['repeat']['count'] = form_int(values['count'])
        elif values.get('until'):
            data['repeat']['until'] = values['until']
    else:
        data['repeat'] = None
    return data


def _form_errors(errors):
    """The schema's field names as the form's, a repeat's parts flattened (repeat.count -> count)."""
    flat = {}
    for key, value in errors.items():
        if isinstance(value, dict):
            for inner, problems in value.items():
                flat[inner if inner in ('interval', 'until', 'count') else 'repeat'] = problems
        else:
            flat[_FORM_FIELDS.get(key, key)] = value
    return flat


APPOINTMENT_FIELDS = ('title', 'all_day', 'day', 'start', 'end', 'location', 'description', 'visibility', 'repeat',
                      'interval', 'until', 'count', 'scope')


@bp.route('/circles/<circle_id>/calendar/new', methods=['GET', 'POST'])
@login_required
def new_appointment(circle_id):
    """Put an appointment on the calendar: once, all day, or repeating."""
    member = require(g.account, circle_id, 'appointments.add')
    errors, status = {}, 200
    values = {'visibility': 'public', 'repeat': 'none', 'day': request.args.get('day', '')}
    if request.method == 'POST':
        values = form_data(*APPOINTMENT_FIELDS)
        with form_step() as step:
            calendar.add_entry(member, g.account, AppointmentSchema().load(_appointment_values(values)))
        if step.ok:
            return redirect(url_for('circle.calendar_page', circle_id=member.circle_id, done='added'), 303)
        errors, status = _form_errors(step.errors), step.status
    return render_template('circle/appointment.html', member=member, values=values, errors=errors, entry=None,
                           occurrence=None), status


@bp.route('/circles/<circle_id>/calendar/<entry_id>/edit', methods=['GET', 'POST'])
@login_required
def edit_appointment(circle_id, entry_id):
    """Change an appointment (its author, or the manager): one time of a series, or all of it."""
    member = require_calendar(g.account, circle_id)
    entry = calendar.appointment(member, g.account, parse_id(entry_id))
    occurrence = calendar.occurrence_of(entry, request.values.get('occurrence'))  # a bad day: said plainly
    errors, status = {}, 200
    if request.method == 'POST':
        values = form_data(*APPOINTMENT_FIELDS)
        with form_step() as step:
            data = _appointment_values(values)
            one = occurrence if values.get('scope') == 'one' else None
            if one:
                data.pop('repeat', None)  # one time of a series does not repeat
            changed = calendar.change_entry(member, g.account, entry.id, AppointmentChangeSchema().load(data), one)
        if step.ok:
            return redirect(url_for('circle.calendar_page', circle_id=member.circle_id, done='changed',
                                    day=changed.starts_at.astimezone(calendar.zone()).date().isoformat()), 303)
        errors, status = _form_errors(step.errors), step.status
    else:
        values = _entry_values(entry, occurrence)
    return render_template('circle/appointment.html', member=member, values=values, errors=errors, entry=entry,
                           occurrence=occurrence), status


def _entry_values(entry, occurrence):
    """An appointment as its form shows it (for one time of a series: that time)."""
    local = entry.starts_at.astimezone(calendar.zone())
    finish = entry.ends_at.astimezone(calendar.zone()) if entry.ends_at else None
    repeat = calendar.repeat_of(entry) or {'freq': 'none', 'interval': 1}
    return {'title': entry.title, 'all_day': 'yes' if entry.all_day else '',
            'day': occurrence or local.date().isoformat(), 'start': '' if entry.all_day else local.strftime('%H:%M'),
            'end': finish.strftime('%H:%M') if finish and not entry.all_day else '', 'location': entry.location or '',
            'description': entry.description or '', 'visibility': entry.visibility, 'repeat': repeat['freq'],
            'interval': str(repeat['interval']), 'count': str(repeat.get('count') or ''),
            'until': repeat['until'].isoformat() if repeat.get('until') else '', 'scope': 'one' if occurrence else 'all'}


@bp.post('/circles/<circle_id>/calendar/<entry_id>/remove')
@login_required
def remove_calendar_entry(circle_id, entry_id):
    """Remove an appointment, or (``occurrence``) one time of its series."""
    member = require(g.account, circle_id)
    calendar.remove_entry(member, g.account, parse_id(entry_id), request.form.get('occurrence') or None)
    return redirect(url_for('circle.calendar_page', circle_id=member.circle_id, done='removed',
                            day=request.form.get('day') or None), 303)


@bp.post('/circles/<circle_id>/calendar/feed')
@login_required
def calendar_feed_page(circle_id):
    """Make a (new) iCal address, shown once; or stop it."""
    member = require_calendar(g.account, circle_id)
    if request.form.get('stop'):
        feed.revoke_feed(member)
        return redirect(url_for('circle.calendar_page', circle_id=member.circle_id, done='feed_stopped'), 303)
    token = feed.create_feed(member)
    return render_template('circle/calendar_feed.html', member=member, feed_url=link(f'/calendar/{token}.ics'))


@bp.get('/calendar/<token>.ics')
@login_limited()
def calendar_feed(token):
    """A member's calendar for a phone (no login: the secret address is the key); 404 once revoked."""
    member = feed.feed_member(token)
    body = feed.feed_calendar(member, client_name(member.circle) or str(_l('Care page')))
    response = make_response(body)
    response.headers['Content-Type'] = 'text/calendar; charset=utf-8'
    response.headers['Cache-Control'] = 'private, max-age=300'
    response.headers['Content-Disposition'] = 'inline; filename="zorgpagina.ics"'
    return response
