"""The iCal feed of a care page's calendar: a secret address per member that a phone's calendar reads."""

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from hub.circle.access import access_ended, sees_calendar
from hub.circle.calendar import LONGEST_RANGE, care_appointments, meeting, rule_parts
from hub.circle.models import CalendarEntry, CalendarFeed, Member
from hub.core.audit import audit
from hub.core.crypto import keyed_hash, random_token
from hub.core.errors import Forbidden, NotFound
from hub.core.timeutil import utcnow, zone
from hub.extensions import db

#: what a feed holds: from this long ago up to LONGEST_RANGE ahead
FEED_PAST = timedelta(days=90)


def create_feed(member: Member) -> str:
    """Make (or make anew: the old address stops) the member's secret feed; return its token, shown once."""
    if not sees_calendar(member):
        raise Forbidden(_l('You may not see the calendar of this care page.'))
    token = random_token()
    feed = db.session.execute(select(CalendarFeed).where(CalendarFeed.member_id == member.id)).scalar_one_or_none()
    if feed is None:
        feed = CalendarFeed(member_id=member.id, token_hash=keyed_hash(token, 'calendar_feed'))
        db.session.add(feed)
    else:
        feed.token_hash, feed.created_at = keyed_hash(token, 'calendar_feed'), utcnow()
    db.session.flush()
    audit('circle.calendar_feed', 'C', actor=member.account_id, role=member.role, circle=member.circle_id,
          target=f'member:{member.id}')
    return token


def revoke_feed(member: Member):
    feed = db.session.execute(select(CalendarFeed).where(CalendarFeed.member_id == member.id)).scalar_one_or_none()
    if feed is None:
        raise NotFound(_l('You have no calendar address for this care page.'))
    db.session.delete(feed)
    audit('circle.calendar_feed', 'D', actor=member.account_id, role=member.role, circle=member.circle_id,
          target=f'member:{member.id}')


def has_feed(member: Member) -> bool:
    return db.session.execute(select(CalendarFeed.id).where(CalendarFeed.member_id == member.id)).first() is not None


def feed_member(token) -> Member:
    """The member whose feed this token opens, or raise NotFound (also when it was revoked)."""
    if not token or len(token) > 100:
        raise NotFound(_l('This calendar address does not work (any more).'))
    feed = db.session.execute(select(CalendarFeed).options(joinedload(CalendarFeed.member).joinedload(Member.account))
                              .where(CalendarFeed.token_hash == keyed_hash(token, 'calendar_feed'))
                              ).scalar_one_or_none()
    if feed is None or access_ended(feed.member):  # an ended member's phone gets nothing either
        raise NotFound(_l('This calendar address does not work (any more).'))
    return feed.member


def feed_calendar(member: Member, name) -> bytes:
    """The member's view of the care page's calendar as iCalendar (RFC 5545): series with their rules, removed and
    moved times, care appointments if they may see them; times in Europe/Amsterdam."""
    account = member.account
    now = utcnow()
    start, end = now - FEED_PAST, now + LONGEST_RANGE
    local = zone()
    calendar = Calendar()
    calendar.add('prodid', '-//carehub//zorgpagina//NL')
    calendar.add('version', '2.0')
    calendar.add('x-wr-calname', name)
    entries = meeting(member, account, start, end)
    #: the moved times this feed carries as overrides: RFC 5545 keeps them out of EXDATE (clients drop both)
    overridden = {(entry.series_id, entry.recurrence_day) for entry in entries if entry.series_id}
    for entry in entries:
        event = Event()
        event.add('uid', f'{entry.series_id or entry.id}@carehub')
        event.add('summary', entry.title)
        event.add('dtstamp', now)
        if entry.all_day:
            event.add('dtstart', entry.starts_at.astimezone(local).date())
            event.add('dtend', (entry.ends_at or entry.starts_at + timedelta(days=1)).astimezone(local).date())
        else:
            event.add('dtstart', entry.starts_at.astimezone(local))
            if entry.ends_at:
                event.add('dtend', entry.ends_at.astimezone(local))
        if entry.location:
            event.add('location', entry.location)
        if entry.description:
            event.add('description', entry.description)
        event.add('class', 'PRIVATE' if entry.visibility == 'private' else 'PUBLIC')
        if entry.rrule:
            event.add('rrule', rule_parts(entry.rrule))
            for day in entry.exdates or []:
                if (entry.id, day) not in overridden:
                    event.add('exdate', _occurrence_start(entry, day))
        if entry.series_id and entry.recurrence_day:
            series = db.session.get(CalendarEntry, entry.series_id)
            event.add('recurrence-id', _occurrence_start(series, entry.recurrence_day))
        calendar.add_component(event)
    for row in care_appointments(member, account, start, end, source='calendar-feed'):
        event = Event()
        event.add('uid', f'{row.Record.id}@carehub')
        event.add('summary', row.Record.data.get('description') or 'Afspraak met de zorg')
        event.add('dtstamp', now)
        event.add('dtstart', row.Record.occurred_at.astimezone(local))
        finish = row.Record.data.get('end')
        if finish:
            event.add('dtend', datetime.fromisoformat(finish).astimezone(local))
        if row.Record.data.get('location'):
            event.add('location', row.Record.data['location'])
        event.add('categories', [row.Dossier.provider.name])
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _occurrence_start(entry, day):
    """When the occurrence of ``day`` begins in the series (its original time), in local time."""
    clock = entry.starts_at.astimezone(zone())
    if entry.all_day:
        return date.fromisoformat(day)
    return datetime.combine(date.fromisoformat(day), clock.timetz().replace(tzinfo=None), tzinfo=zone())
