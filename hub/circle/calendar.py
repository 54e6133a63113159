"""The calendar of a care page: appointments members add (public or private; once, all day, or repeating) beside the
care appointments from the provider's dossier, and each member's iCal feed of it.

A repeating appointment keeps an RFC 5545 rule and is expanded in the care page's time zone (Europe/Amsterdam)
with python-dateutil, so "every Tuesday at 10:00" stays at 10:00 across summer time. A removed occurrence is an
exception date; a moved one is an entry of its own that names its series and the day it had there.
"""

from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from dateutil.rrule import rruleset, rrulestr
from flask_babel import lazy_gettext as _l
from icalendar import vRecur
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from hub.careprovider.models import Record
from hub.circle import help as helping
from hub.circle.access import MANAGE, can, require_author_or, sees_helpers_appointments
from hub.circle.dossiers import records_of
from hub.circle.models import CalendarEntry, Member
from hub.circle.operations import tell_members
from hub.core.audit import audit
from hub.core.errors import Forbidden, InvalidInput, NotFound
from hub.core.timeutil import FIRST_YEAR, LAST_YEAR, as_utc, day_bounds, utcnow, zone
from hub.extensions import db

#: how far ahead the calendar looks unless asked otherwise
DAYS_AHEAD = 60
LONGEST_RANGE = timedelta(days=400)
#: the most occurrences a series has (a count, or what a window can hold)
MOST_OCCURRENCES = 500
FREQUENCIES = ('daily', 'weekly', 'monthly')


class Occurrence(NamedTuple):
    """One time an appointment happens: the entry, when, and for a series the day (local) it has in it."""
    entry: CalendarEntry
    starts_at: datetime
    ends_at: datetime | None
    day: str | None


def window(start=None, end=None):
    """Return the (start, end) asked, or from the start of today (in the care page's time zone, as the calendar page
    counts its days) up to DAYS_AHEAD days ahead."""
    start = start or day_bounds(utcnow().astimezone(zone()).date())[0]
    end = end or start + timedelta(days=DAYS_AHEAD)
    if end <= start:
        raise InvalidInput(_l('The end comes before the start.'), code='invalid_range')
    if end - start > LONGEST_RANGE:
        raise InvalidInput(_l('Ask for at most a year at a time.'), code='invalid_range')
    return start, end


# --- writing ------------------------------------------------------------------------------------------------------

def _times(data, entry=None):
    """(starts_at, ends_at, all_day) from what was given (``date`` for all day, else the moments), over ``entry``."""
    all_day = data.get('all_day', entry.all_day if entry else False)
    if all_day:
        day = data.get('date') or (entry.starts_at.astimezone(zone()).date() if entry else None)
        if day is None:
            raise InvalidInput(_l('Choose the day.'), fields={'date': [_l('Choose the day.')]})
        return *day_bounds(day), True
    starts_at = data.get('starts_at') or (entry.starts_at if entry and not entry.all_day else None)
    if starts_at is None:
        raise InvalidInput(_l('Choose a day and a start time.'), fields={'starts_at': [_l('Choose a start.')]})
    ends_at = data.get('ends_at', entry.ends_at if entry and not entry.all_day else None)
    if ends_at is not None and ends_at <= starts_at:
        raise InvalidInput(_l('The end comes before the start.'), fields={'ends_at': [_l('Choose a later end.')]})
    return as_utc(starts_at), as_utc(ends_at), False


def _rule(repeat, starts_at):
    """(RRULE text, when the last occurrence starts or None) of a ``repeat`` {freq, interval, until | count}: the
    rule is a dateutil rrule in the care page's time zone, kept as RFC 5545 text (icalendar's vRecur)."""
    if not repeat:
        return None, None
    parts = {'FREQ': repeat['freq'].upper(), 'INTERVAL': repeat.get('interval') or 1}
    if repeat.get('count'):
        parts['COUNT'] = repeat['count']
    elif repeat.get('until'):
        if repeat['until'] < starts_at.astimezone(zone()).date():
            raise InvalidInput(_l('The repeat ends before it begins.'), fields={'repeat': [_l('Choose a later end.')]})
        parts['UNTIL'] = as_utc(datetime.combine(repeat['until'], time(23, 59, 59), tzinfo=zone()))
    text = vRecur(parts).to_ical().decode()
    return text, _last_start(text, starts_at)


def series(rule_text, starts_at, removed=()) -> rruleset:
    """The times of a series as dateutil builds them, in the care page's time zone (so "every Tuesday at 10:00"
    stays at 10:00 across summer time), without the days ``removed`` (its exception dates)."""
    local = starts_at.astimezone(zone())
    times = rruleset()
    times.rrule(rrulestr(rule_text, dtstart=local))
    for day in removed:
        times.exdate(datetime.combine(date.fromisoformat(day), local.timetz()))
    return times


def _last_start(rule_text, starts_at):
    """When the last occurrence of a series starts (None: it repeats without end)."""
    parts = rule_parts(rule_text)
    if 'count' not in parts and 'until' not in parts:
        return None
    times = list(series(rule_text, starts_at))  # a finite series: its last time
    return as_utc(times[-1] if times else starts_at)


def single(entry) -> Occurrence:
    """An appointment as the one occurrence it is (or, for a series, its first)."""
    return Occurrence(entry, entry.starts_at, entry.ends_at, entry.recurrence_day)


def add_entry(member: Member, account, data) -> CalendarEntry:
    """Put an appointment on the calendar: once, all day, or repeating."""
    if not can(member, 'appointments.add'):
        raise Forbidden(_l('You may not add appointments on this care page.'))
    starts_at, ends_at, all_day = _times(data)
    rule, until = _rule(data.get('repeat'), starts_at)
    entry = CalendarEntry(circle_id=member.circle_id, author_id=account.id, title=data['title'], starts_at=starts_at,
                          ends_at=ends_at, all_day=all_day, location=data.get('location'),
                          description=data.get('description'), visibility=data.get('visibility', 'public'),
                          rrule=rule, repeat_until=until)
    db.session.add(entry)
    db.session.flush()
    audit('circle.appointment', 'C', actor=account, role=member.role, circle=member.circle_id,
          target=f'appointment:{entry.id}')
    _tell(entry, account)
    return entry


def _tell(entry, account):
    """Tell the members who see it that a public appointment is new or changed (never what it is about)."""
    if entry.visibility == 'public':
        day = entry.starts_at.astimezone(zone()).date().isoformat()
        tell_members(entry.circle_id, 'appointment', 'appointment', f'/circles/{entry.circle_id}/calendar?day={day}',
                     but=account.id, who=lambda m: can(m, 'appointments.own'))


def _own_entry(member: Member, account, entry_id) -> CalendarEntry:
    """An appointment the account may change: its author's, or any for the manager (a private one: its author's)."""
    entry = db.session.get(CalendarEntry, entry_id)
    if entry is None or entry.circle_id != member.circle_id or (
            entry.visibility == 'private' and entry.author_id != account.id):
        raise NotFound(_l('There is no such appointment on this care page.'))
    if not (sees_helpers_appointments(member) or entry.author_id == account.id):
        raise NotFound(_l('There is no such appointment on this care page.'))
    require_author_or(member, account, entry.author_id, MANAGE,
                      _l('Only the one who added it, or the manager, can change or remove this appointment.'))
    return entry


def occurrence_of(entry, day) -> str | None:
    """The day of one time of a series that a link or form names, checked (None for an appointment once)."""
    return _occurrence_day(entry, day) if entry.rrule and day else None


def _occurrence_day(entry, day: str) -> str:
    """Check that ``day`` (YYYY-MM-DD) is a day the series still has (not removed or moved), and return it."""
    if entry.rrule is None:
        raise InvalidInput(_l('This appointment does not repeat: change it as a whole.'), code='not_repeating')
    try:
        wanted = date.fromisoformat(day)
    except (TypeError, ValueError):
        wanted = None
    if wanted is None or not FIRST_YEAR <= wanted.year <= LAST_YEAR:
        raise InvalidInput(_l('Give the day as YYYY-MM-DD.'), code='invalid_occurrence')
    if day in (entry.exdates or []):
        raise NotFound(_l('That time was removed or moved already.'))
    if not any(o.day == day for o in _expand(entry, *day_bounds(wanted))):
        raise NotFound(_l('The appointment does not happen on that day.'))
    return day


def change_entry(member: Member, account, entry_id, data, occurrence=None) -> CalendarEntry:
    """Change an appointment as a whole, or (``occurrence``: a day of its series) that one time only: it is then
    moved out of the series into an entry of its own."""
    entry = _own_entry(member, account, entry_id)
    if occurrence is not None:
        day = _occurrence_day(entry, occurrence)
        original = next(o for o in _expand(entry, *day_bounds(date.fromisoformat(day))) if o.day == day)
        moved = CalendarEntry(circle_id=entry.circle_id, author_id=entry.author_id, title=entry.title,
                              starts_at=original.starts_at, ends_at=original.ends_at, all_day=entry.all_day,
                              location=entry.location, description=entry.description, visibility=entry.visibility,
                              series_id=entry.id, recurrence_day=day)
        entry.exdates = sorted({*(entry.exdates or []), day})
        _apply(moved, {key: value for key, value in data.items() if key != 'repeat'})
        db.session.add(moved)
        db.session.flush()
        target = moved
    else:
        _apply(entry, data)
        target = entry
    audit('circle.appointment', 'U', actor=account, role=member.role, circle=member.circle_id,
          target=f'appointment:{target.id}')
    _tell(target, account)
    return target


def _apply(entry, data):
    if any(key in data for key in ('starts_at', 'ends_at', 'all_day', 'date')):
        entry.starts_at, entry.ends_at, entry.all_day = _times(data, entry)
    for key in ('title', 'location', 'description', 'visibility'):
        if key in data:
            setattr(entry, key, data[key])
    if 'repeat' in data and entry.series_id is None:
        entry.rrule, entry.repeat_until = _rule(data['repeat'], entry.starts_at)
        if data['repeat'] is None:
            entry.exdates = None
    elif entry.rrule and any(key in data for key in ('starts_at', 'all_day', 'date')):
        entry.repeat_until = _last_start(entry.rrule, entry.starts_at)


def remove_entry(member: Member, account, entry_id, occurrence=None):
    """The author removes their appointment, or one time of a series; the manager may remove any."""
    entry = _own_entry(member, account, entry_id)
    if occurrence is not None:
        day = _occurrence_day(entry, occurrence)
        entry.exdates = sorted({*(entry.exdates or []), day})
    else:
        db.session.delete(entry)
    audit('circle.appointment', 'D', actor=account, role=member.role, circle=member.circle_id,
          target=f'appointment:{entry.id}' + (f' occurrence:{occurrence}' if occurrence else ''))


# --- reading ------------------------------------------------------------------------------------------------------

def _expand(entry, start, end) -> list:
    """The occurrences of an entry that start in [start, end): itself, or its series' times (less the removed)."""
    if entry.rrule is None:
        return [single(entry)] if start <= entry.starts_at < end else []
    local = zone()
    length = entry.ends_at - entry.starts_at if entry.ends_at else None
    found = []
    times = series(entry.rrule, entry.starts_at, entry.exdates or ())
    for moment in times.xafter(start.astimezone(local), count=MOST_OCCURRENCES, inc=True):
        if moment >= end.astimezone(local):
            break
        day = moment.date().isoformat()
        moment = as_utc(moment)
        found.append(Occurrence(entry, moment, moment + length if length else None, day))
    return found


def _visible(member: Member, account):
    """The helpers' appointments a member sees: their own, and the public ones with ``appointments.own``."""
    visible = CalendarEntry.author_id == account.id
    if can(member, 'appointments.own'):
        visible = or_(visible, CalendarEntry.visibility == 'public')
    return visible


def meeting(member: Member, account, start, end) -> list:
    """The helpers' appointments the member sees that have a time in [start, end): single ones that start in it,
    series that begin before its end and do not end before its start (none without the capabilities)."""
    if not sees_helpers_appointments(member):
        return []
    return db.session.execute(select(CalendarEntry).options(joinedload(CalendarEntry.author)).where(
        CalendarEntry.circle_id == member.circle_id, _visible(member, account), CalendarEntry.starts_at < end,
        or_(and_(CalendarEntry.rrule.is_(None), CalendarEntry.starts_at >= start),
            and_(CalendarEntry.rrule.is_not(None),
                 or_(CalendarEntry.repeat_until.is_(None), CalendarEntry.repeat_until >= start))))).scalars().all()


def occurrences(member: Member, account, start, end) -> list:
    """The helpers' appointments of a window as occurrences, by start."""
    found = [o for entry in meeting(member, account, start, end) for o in _expand(entry, start, end)]
    return sorted(found, key=lambda o: (o.starts_at, str(o.entry.id)))


def care_appointments(member: Member, account, start, end, source=None) -> list:
    """The care appointments of a window, audited as a read of dossier data (none without the capability)."""
    if not can(member, 'appointments.care'):
        return []
    rows = db.session.execute(records_of(member, member.circle_id, ('appointment',)).where(
        Record.occurred_at >= start, Record.occurred_at < end).order_by(Record.occurred_at)).all()
    audit('dossier.appointments', 'R', actor=account, role=member.role, circle=member.circle_id,
          target='appointments' + (f':{source}' if source else ''))
    return rows


def entries(member: Member, account, start, end):
    """Return the calendar of a window, by start: ('own', Occurrence) and ('care', (Record, Dossier)) items.

    Helpers' appointments need ``appointments.own`` (a private one is its author's alone); care appointments
    from the dossier need ``appointments.care`` and are audited as a read of dossier data.
    """
    items = [(o.starts_at, 'own', o) for o in occurrences(member, account, start, end)]
    items += [(row.Record.occurred_at, 'care', row) for row in care_appointments(member, account, start, end)]
    items += [(asked.starts_at, 'help', asked) for asked in helping.requests_between(member, start, end)]
    items.sort(key=lambda item: item[0])
    return [(kind, item) for _, kind, item in items]


def entry_json(kind, item, account=None) -> dict:
    if kind == 'help':
        return {**helping.request_json(item, account), 'kind': 'help', 'help_kind': item.kind}
    if kind == 'own':
        entry = item.entry
        return {'id': str(entry.id), 'appointment_id': str(entry.id), 'occurrence': item.day, 'kind': 'own',
                'title': entry.title, 'starts_at': item.starts_at.isoformat(),
                'ends_at': item.ends_at.isoformat() if item.ends_at else None, 'all_day': entry.all_day,
                'location': entry.location, 'description': entry.description, 'visibility': entry.visibility,
                'repeat': entry.rrule, 'series_id': str(entry.series_id) if entry.series_id else None,
                'author': {'name': entry.author.name}, 'mine': account is not None and entry.author_id == account.id}
    record, dossier = item.Record, item.Dossier
    data = record.data
    return {'id': str(record.id), 'kind': 'care', 'title': data.get('description'), 'starts_at': data['start'],
            'ends_at': data.get('end'), 'location': data.get('location'), 'status': data.get('status'),
            'participants': data.get('participants') or [],
            'provider': {'id': str(dossier.provider_id), 'name': dossier.provider.name}}


def appointment(member: Member, account, entry_id) -> CalendarEntry:
    """One appointment the member may see (for its page), or raise NotFound."""
    entry = db.session.execute(select(CalendarEntry).where(
        CalendarEntry.id == entry_id, CalendarEntry.circle_id == member.circle_id,
        _visible(member, account))).scalar_one_or_none()
    if entry is None or not sees_helpers_appointments(member):
        raise NotFound(_l('There is no such appointment on this care page.'))
    return entry


def repeat_of(entry) -> dict | None:
    """How an appointment repeats, as the API and the form take it: {freq, interval, count | until (a local day)}."""
    if not entry.rrule:
        return None
    parts = rule_parts(entry.rrule)
    return {'freq': parts['freq'].lower(), 'interval': parts['interval'], 'count': parts.get('count'),
            'until': parts['until'].astimezone(zone()).date() if 'until' in parts else None}


def rule_parts(text) -> dict:
    """An RRULE text read by icalendar's vRecur, as the dict it takes: freq, interval, count and until (UTC)."""
    parts = vRecur.from_ical(text)
    found = {'freq': parts['FREQ'][0], 'interval': int(parts.get('INTERVAL', [1])[0])}
    if 'COUNT' in parts:
        found['count'] = int(parts['COUNT'][0])
    if 'UNTIL' in parts:
        found['until'] = as_utc(parts['UNTIL'][0])
    return found
