"""The calendar: appointments and the feed."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from hub.account.access import current_account
from hub.account.operations import link
from hub.circle import calendar, feed, today
from hub.circle.access import (
    require,
    require_calendar,
)
from hub.circle.answer_schemas import (
    CalendarEntrySchema,
    DayQuerySchema,
    DaySchema,
    FeedSchema,
    OccurrenceQuerySchema,
    WindowQuerySchema,
)
from hub.circle.api.base import bp
from hub.circle.schemas import (
    AppointmentChangeSchema,
    AppointmentSchema,
)
from hub.core.errors import InvalidInput
from hub.core.schemas import page_of
from hub.core.timeutil import plausible
from hub.web import parse_id


def _moment(query, name):
    """An ISO date-time with a time zone from the query, or None."""
    value = query.get(name)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or plausible(moment) is None:
        raise InvalidInput(_l('Give a date and time with a time zone, for example 2026-12-01T00:00:00+01:00.'),
                           code='invalid_datetime', fields={name: [_l('Not a date and time with a time zone.')]})
    return moment


@bp.get('/circles/<circle_id>/appointments')
@bp.arguments(WindowQuerySchema, location='query')
@bp.response(200, page_of(CalendarEntrySchema))
def appointments(query, circle_id):
    """The calendar from `from` to `to` (ISO date-times with a zone; default the next 60 days)

    Occurrences of helpers' appointments (each names its `appointment_id`; public, or private to their author),
    care appointments from the dossier and requests for help.
    """
    account = current_account()
    member = require_calendar(account, circle_id)
    start, end = calendar.window(_moment(query, 'from'), _moment(query, 'to'))
    return {'items': [calendar.entry_json(kind, item, account) for kind, item in calendar.entries(
        member, account, start, end)]}


@bp.post('/circles/<circle_id>/appointments')
@bp.arguments(AppointmentSchema)
@bp.response(201, CalendarEntrySchema)
def add_appointment(data, circle_id):
    """Add an appointment: `{title, starts_at, ends_at?}` or `{title, all_day: true, date}`, with `description`,
    `location`, `visibility`, `repeat: {freq, interval?, until? | count?}`"""
    account = current_account()
    member = require(account, circle_id)
    entry = calendar.add_entry(member, account, data)
    return calendar.entry_json('own', calendar.single(entry), account)


@bp.patch('/circles/<circle_id>/appointments/<entry_id>')
@bp.arguments(OccurrenceQuerySchema, location='query')
@bp.arguments(AppointmentChangeSchema)
@bp.response(200, CalendarEntrySchema)
def change_appointment(query, data, circle_id, entry_id):
    """Change an appointment (its author, or the manager); `?occurrence=YYYY-MM-DD` changes that time of a series
    only (it becomes an appointment of its own)"""
    account = current_account()
    member = require(account, circle_id)
    entry = calendar.change_entry(member, account, parse_id(entry_id), data, query.get('occurrence'))
    return calendar.entry_json('own', calendar.single(entry), account)


@bp.delete('/circles/<circle_id>/appointments/<entry_id>')
@bp.arguments(OccurrenceQuerySchema, location='query')
@bp.response(204)
def remove_appointment(query, circle_id, entry_id):
    """Remove an appointment (its author, or the manager); `?occurrence=YYYY-MM-DD` removes that time only"""
    account = current_account()
    member = require(account, circle_id)
    calendar.remove_entry(member, account, parse_id(entry_id), query.get('occurrence'))
    return '', 204


@bp.post('/circles/<circle_id>/calendar-feed')
@bp.response(201, FeedSchema)
def create_calendar_feed(circle_id):
    """A secret iCal address of this calendar for a phone (a new one replaces the old one)"""
    member = require(current_account(), circle_id)
    token = feed.create_feed(member)
    return {'url': link(f'/calendar/{token}.ics')}


@bp.delete('/circles/<circle_id>/calendar-feed')
@bp.response(204)
def revoke_calendar_feed(circle_id):
    """Stop the iCal address (it then answers 404)"""
    feed.revoke_feed(require(current_account(), circle_id))
    return '', 204


@bp.get('/circles/<circle_id>/today')
@bp.arguments(DayQuerySchema, location='query')
@bp.response(200, DaySchema)
def day_plan(query, circle_id):
    """What happens on one day (`date`, default today), in time order: who comes, what (a pictogram), when

    The client's start page ("Vandaag"): helpers' appointments, care appointments and help that is coming, in the
    care page's time zone.
    """
    account = current_account()
    member = require_calendar(account, circle_id)
    return today.day_plan(member, account, query.get('date'))
