"""Help requests: a member asks for help at a time (a ride, a visit, a meal, something else) with a number of places;
others sign up or withdraw; those signed up get a reminder the day before. Only the members who see the calendar see
them (hub.circle.access.require_calendar); asking needs ``appointments.add``."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Uuid, func, insert, literal, select
from sqlalchemy.orm import joinedload, selectinload

from hub.account.operations import link
from hub.circle.access import MANAGE, access_ended, can, check_calendar, require_author_or, sees_calendar
from hub.circle.dossiers import client_name
from hub.circle.models import HelpRequest, HelpSignup, Member
from hub.circle.operations import tell_members
from hub.core.audit import audit
from hub.core.db import UTCDateTime
from hub.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hub.core.outbox import queue_mail
from hub.core.timeutil import as_utc, day_bounds, utcnow, zone
from hub.extensions import db

KIND_LABELS = {'ride': _l('A ride'), 'visit': _l('A visit'), 'meal': _l('A meal'), 'other': _l('Something else')}
#: how far ahead the care page shows open requests
SOON = timedelta(days=14)


def _query(circle_id):
    return (select(HelpRequest).options(joinedload(HelpRequest.author),
                                        selectinload(HelpRequest.signups).joinedload(HelpSignup.account))
            .where(HelpRequest.circle_id == circle_id))


def requests_between(member: Member, start, end) -> list:
    """The help requests of a window, by start (none for a member who does not see the calendar)."""
    if not sees_calendar(member):
        return []
    return db.session.execute(_query(member.circle_id).where(HelpRequest.starts_at >= start, HelpRequest.starts_at < end)
                              .order_by(HelpRequest.starts_at, HelpRequest.id)).scalars().all()


def listed(member: Member, now=None) -> list:
    """The requests a list shows: those of today (from 12 hours ago) and of the year ahead."""
    start = (now or utcnow()) - timedelta(hours=12)
    return requests_between(member, start, start + timedelta(days=366))


def coming(member: Member, now=None) -> list:
    """The requests of the next two weeks that still have places, for the care page's to-do band."""
    now = now or utcnow()
    return [r for r in requests_between(member, now, now + SOON) if len(r.signups) < r.places]


def one(member: Member, request_id, lock=False) -> HelpRequest:
    """A request of this care page, or NotFound (``lock``: held until the transaction ends, for the places)."""
    check_calendar(member)
    query = _query(member.circle_id).where(HelpRequest.id == request_id)
    found = db.session.execute(query.with_for_update(of=HelpRequest) if lock else query).scalar_one_or_none()
    if found is None:
        raise NotFound(_l('This help request does not exist, or you may not see it.'))
    return found


def ask(member: Member, account, data) -> HelpRequest:
    """Ask for help; the members who see the calendar are told, each as they chose (kind ``help``)."""
    if not can(member, 'appointments.add'):
        raise Forbidden(_l('You may not ask for help on this care page.'))
    if data.get('ends_at') and data['ends_at'] <= data['starts_at']:
        raise InvalidInput(_l('Some fields are missing or not valid.'),
                           fields={'ends_at': [_l('The end comes after the start.')]})
    found = HelpRequest(circle_id=member.circle_id, author_id=account.id, title=data['title'], kind=data['kind'],
                        starts_at=data['starts_at'], ends_at=data.get('ends_at'), places=data['places'],
                        description=data.get('description') or None)
    db.session.add(found)
    db.session.flush()
    audit('circle.help_request', 'C', actor=account, role=member.role, circle=member.circle_id,
          target=f'help:{found.id}')
    tell_members(member.circle_id, 'help', 'help_request', f'/circles/{member.circle_id}/help', but=account.id,
                 who=sees_calendar, asker=account.name, title=found.title)
    return found


def remove(member: Member, account, request_id):
    """Remove a request (its author or the manager)."""
    found = one(member, request_id)
    require_author_or(member, account, found.author_id, MANAGE,
                      _l('Only the person who asked, or the manager, removes a help request.'))
    db.session.delete(found)
    audit('circle.help_request', 'D', actor=account, role=member.role, circle=member.circle_id,
          target=f'help:{request_id}')


def sign_up(member: Member, account, request_id) -> HelpRequest:
    """Sign up to help; 409 when the places are taken (or it is over). Signing up twice changes nothing."""
    found = one(member, request_id, lock=True)
    if any(s.account_id == account.id for s in found.signups):
        return found
    if as_utc(found.starts_at) <= utcnow():
        raise Conflict(_l('This help request is over.'), code='help_over')
    # one statement that counts and inserts, so parallel sign-ups never pass the places (SQLite runs writers one
    # by one; on PostgreSQL the request's row is locked above, so the count sees the others' committed sign-ups)
    taken = select(func.count()).select_from(HelpSignup).where(HelpSignup.request_id == found.id).scalar_subquery()
    row = select(literal(found.id, Uuid), literal(account.id, Uuid), literal(utcnow(), UTCDateTime)).where(
        taken < found.places)
    added = db.session.execute(insert(HelpSignup).from_select(['request_id', 'account_id', 'created_at'], row)
                               .returning(HelpSignup.account_id)).scalar_one_or_none()
    if added is None:
        raise Conflict(_l('Enough people have signed up already. Thank you!'), code='help_full')
    db.session.expire(found, ['signups'])
    return found


def withdraw(member: Member, account, request_id) -> HelpRequest:
    """Withdraw from a request (not signed up: nothing changes)."""
    found = one(member, request_id)
    found.signups = [s for s in found.signups if s.account_id != account.id]
    db.session.flush()
    return found


def remind(now=None) -> int:
    """Mail those signed up for a request that starts tomorrow (in Europe/Amsterdam), once; return how many
    requests were reminded."""
    now = now or utcnow()
    start, end = day_bounds(now.astimezone(zone()).date() + timedelta(days=1))
    due = db.session.execute(
        _query_all().where(HelpRequest.reminded_at.is_(None), HelpRequest.starts_at >= start,
                           HelpRequest.starts_at < end)).scalars().all()
    for found in due:
        found.reminded_at = now
        members = {m.account_id: m for m in db.session.execute(select(Member).options(joinedload(Member.circle))
                                                                .where(Member.circle_id == found.circle_id))
                   .scalars()}
        for signup in found.signups:
            member = members.get(signup.account_id)
            if member is None or access_ended(member) or not sees_calendar(member):
                continue  # left the care page, or may no longer see it
            queue_mail(signup.account.email, 'help_reminder', signup.account.language, account=signup.account,
                       asked=found, page=client_name(member.circle) or '',
                       link=link(f'/circles/{found.circle_id}/help'))
    return len(due)


def _query_all():
    return select(HelpRequest).options(selectinload(HelpRequest.signups).joinedload(HelpSignup.account))


def request_json(found, account=None) -> dict:
    return {'id': str(found.id), 'title': found.title, 'kind': found.kind, 'starts_at': found.starts_at.isoformat(),
            'ends_at': found.ends_at.isoformat() if found.ends_at else None, 'places': found.places,
            'description': found.description, 'author': {'name': found.author.name},
            'open_places': max(0, found.places - len(found.signups)),
            'signups': [{'name': s.account.name, 'mine': account is not None and s.account_id == account.id}
                        for s in found.signups]}
