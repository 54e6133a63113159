"""The calendar of a care page: appointments members add (public or private) beside the care appointments
from the provider's dossier."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from hub.careprovider.models import Record
from hub.circle.access import MANAGE, can, require_author_or
from hub.circle.dossiers import records_of
from hub.circle.models import CalendarEntry
from hub.core.audit import audit
from hub.core.errors import Forbidden, InvalidInput, NotFound
from hub.core.timeutil import utcnow
from hub.extensions import db

#: how far ahead the calendar looks unless asked otherwise
DAYS_AHEAD = 60
LONGEST_RANGE = timedelta(days=400)


def window(start=None, end=None):
    """Return the (start, end) asked, or from the start of today up to DAYS_AHEAD days ahead."""
    start = start or utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    end = end or start + timedelta(days=DAYS_AHEAD)
    if end <= start:
        raise InvalidInput(_l('The end comes before the start.'), code='invalid_range')
    if end - start > LONGEST_RANGE:
        raise InvalidInput(_l('Ask for at most a year at a time.'), code='invalid_range')
    return start, end


def add_entry(member, account, title, starts_at, ends_at=None, location=None, visibility='public') -> CalendarEntry:
    if not can(member, 'appointments.add'):
        raise Forbidden(_l('You may not add appointments on this care page.'))
    if ends_at is not None and ends_at <= starts_at:
        raise InvalidInput(_l('The end comes before the start.'), fields={'ends_at': [_l('Choose a later end.')]})
    entry = CalendarEntry(circle_id=member.circle_id, author_id=account.id, title=title, starts_at=starts_at,
                          ends_at=ends_at, location=location, visibility=visibility)
    db.session.add(entry)
    db.session.flush()
    audit('circle.appointment', 'C', actor=account, role=member.role, circle=member.circle_id,
          target=f'appointment:{entry.id}')
    return entry


def remove_entry(member, account, entry_id):
    """The author removes their appointment; the manager may remove any."""
    entry = db.session.get(CalendarEntry, entry_id)
    if entry is None or entry.circle_id != member.circle_id or (
            entry.visibility == 'private' and entry.author_id != account.id):
        raise NotFound(_l('There is no such appointment on this care page.'))
    require_author_or(member, account, entry.author_id, MANAGE,
                      _l('Only the one who added it, or the manager, can remove this appointment.'))
    audit('circle.appointment', 'D', actor=account, role=member.role, circle=member.circle_id,
          target=f'appointment:{entry.id}')
    db.session.delete(entry)


def entries(member, account, start, end):
    """Return the calendar of a window, by start: ('own', CalendarEntry) and ('care', (Record, Dossier)) items.

    Helpers' appointments need ``appointments.own`` (a private one is its author's alone); care appointments
    from the dossier need ``appointments.care`` and are audited as a read of dossier data.
    """
    items = []
    if can(member, 'appointments.own') or can(member, 'appointments.add'):
        visible = CalendarEntry.author_id == account.id
        if can(member, 'appointments.own'):
            visible = or_(visible, CalendarEntry.visibility == 'public')
        for entry in db.session.execute(select(CalendarEntry).options(joinedload(CalendarEntry.author)).where(
                CalendarEntry.circle_id == member.circle_id, visible, CalendarEntry.starts_at >= start,
                CalendarEntry.starts_at < end)).scalars():
            items.append((entry.starts_at, 'own', entry))
    if can(member, 'appointments.care'):
        for row in db.session.execute(records_of(member.circle_id, ('appointment',)).where(
                Record.occurred_at >= start, Record.occurred_at < end)):
            items.append((row.Record.occurred_at, 'care', row))
        audit('dossier.appointments', 'R', actor=account, role=member.role, circle=member.circle_id,
              target='appointments')
    items.sort(key=lambda item: item[0])
    return [(kind, item) for _, kind, item in items]


def entry_json(kind, item, account=None) -> dict:
    if kind == 'own':
        return {'id': str(item.id), 'kind': 'own', 'title': item.title, 'starts_at': item.starts_at.isoformat(),
                'ends_at': item.ends_at.isoformat() if item.ends_at else None, 'location': item.location,
                'visibility': item.visibility, 'author': {'name': item.author.name},
                'mine': account is not None and item.author_id == account.id}
    record, dossier = item.Record, item.Dossier
    data = record.data
    return {'id': str(record.id), 'kind': 'care', 'title': data.get('description'), 'starts_at': data['start'],
            'ends_at': data.get('end'), 'location': data.get('location'), 'status': data.get('status'),
            'participants': data.get('participants') or [],
            'provider': {'id': str(dossier.provider_id), 'name': dossier.provider.name}}
