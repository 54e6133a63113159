"""The calendar: appointments and the feed."""

from datetime import datetime

from flask import request
from flask_babel import lazy_gettext as _l

from hub.account.access import current_account
from hub.account.operations import link
from hub.circle import calendar, feed
from hub.circle.access import (
    require,
    require_calendar,
)
from hub.circle.api.base import bp
from hub.circle.schemas import (
    AppointmentChangeSchema,
    AppointmentSchema,
)
from hub.core.errors import InvalidInput
from hub.core.timeutil import plausible
from hub.web import load_json, parse_id


def _moment(name):
    """An ISO date-time with a time zone from the query, or None."""

    value = request.args.get(name)
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
def appointments(circle_id):
    """Helpers' appointments (each occurrence of a repeating one names its ``appointment_id``) and the care
    appointments from the dossier in a window (default: the next 60 days)."""
    account = current_account()
    member = require_calendar(account, circle_id)
    start, end = calendar.window(_moment('from'), _moment('to'))
    return {'items': [calendar.entry_json(kind, item, account) for kind, item in calendar.entries(
        member, account, start, end)], 'next': None}


@bp.post('/circles/<circle_id>/appointments')
def add_appointment(circle_id):
    account = current_account()
    member = require(account, circle_id)
    data = load_json(AppointmentSchema())
    entry = calendar.add_entry(member, account, data)
    return calendar.entry_json('own', calendar.single(entry), account), 201


@bp.patch('/circles/<circle_id>/appointments/<entry_id>')
def change_appointment(circle_id, entry_id):
    """Change an appointment (its author, or the manager); ``?occurrence=YYYY-MM-DD``: that time of a series only."""
    account = current_account()
    member = require(account, circle_id)
    data = load_json(AppointmentChangeSchema())
    entry = calendar.change_entry(member, account, parse_id(entry_id), data, request.args.get('occurrence'))
    return calendar.entry_json('own', calendar.single(entry), account)


@bp.delete('/circles/<circle_id>/appointments/<entry_id>')
def remove_appointment(circle_id, entry_id):
    """Remove an appointment (its author, or the manager); ``?occurrence=YYYY-MM-DD``: that time of a series only."""
    account = current_account()
    member = require(account, circle_id)
    calendar.remove_entry(member, account, parse_id(entry_id), request.args.get('occurrence'))
    return '', 204


@bp.post('/circles/<circle_id>/calendar-feed')
def create_calendar_feed(circle_id):
    """A secret iCal address of this calendar for a phone (a new one replaces the old one): 201 ``{url}``."""
    member = require(current_account(), circle_id)
    token = feed.create_feed(member)
    return {'url': link(f'/calendar/{token}.ics')}, 201


@bp.delete('/circles/<circle_id>/calendar-feed')
def revoke_calendar_feed(circle_id):
    """Stop the iCal address: it then answers 404."""
    feed.revoke_feed(require(current_account(), circle_id))
    return '', 204
