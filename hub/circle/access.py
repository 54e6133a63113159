"""Who may do what on a care page: every check goes through require()."""

import uuid
from datetime import date, datetime
from functools import cache
from typing import Any

from flask import g, has_app_context, request
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import ColumnElement, Select, bindparam, func, inspect, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from hub.account.access import step_up_required
from hub.account.models import Account, AuthSession
from hub.careprovider.models import Dossier
from hub.circle.dossiers import linked_dossier_ids
from hub.circle.models import Circle, CircleDossier, Invitation, Member, Note
from hub.circle.permissions import PRESETS
from hub.core.audit import audit
from hub.core.dates import day
from hub.core.errors import AppError, Forbidden, NotFound
from hub.core.memo import keep, once
from hub.core.timeutil import utcnow, zone
from hub.extensions import db

#: pseudo-capability of the manager: invite, remove and change members
MANAGE = 'manage'
#: capability needed to read medical data (plans, reports)
READ_DOSSIER = 'dossier'
#: a part of the dossier -> the capability that allows it without the rest (``dossier`` allows every part): the
#: client's own goals and medication, and the reports when the manager ticks them
PARTS = {'goals': 'dossier.goals', 'medication': 'dossier.medication', 'reports': 'dossier.reports'}
#: a dossier read (as audited) -> the part it reads; a read not named here needs the whole dossier
PART_OF_READ = {'goals': 'goals', 'medication': 'medication', 'timeline': 'reports', 'report': 'reports'}


def permissions_of(member: Member) -> frozenset:
    """Return the capabilities a member has now: the role's, or those the manager chose."""
    if member.role == 'manager' or member.permissions is None:
        return PRESETS[member.role]
    return frozenset(member.permissions)


def can(member: Member | None, capability: str) -> bool:
    """Tell whether ``member`` may do ``capability`` (``manage`` is the manager's alone)."""
    if member is None:
        return False
    if capability == MANAGE:
        return member.role == 'manager'
    return capability in permissions_of(member)


def reads(member: Member | None, part: str) -> bool:
    """Whether ``member`` may read this part of the dossier (``goals``, ``medication``, ``reports``): all of the
    dossier with ``dossier``, else the part with its own capability."""
    return can(member, READ_DOSSIER) or (part in PARTS and can(member, PARTS[part]))


def check_reads(member: Member, part: str) -> Member:
    """The rule of an operation that reads one part of the dossier: return ``member`` if they may, else raise."""
    if not reads(member, part):
        raise Forbidden(_l('You do not have permission for this on this care page.'))
    return member


def is_the_client(member: Member | None) -> bool:
    """Whether ``member`` is the person the care page is about: the client member, or the manager who manages their
    own page (``Circle.client_manages``)."""
    return member is not None and (member.role == 'client' or (member.role == 'manager' and member.circle.client_manages))


def check_read(member: Member, what: str) -> Member:
    """Return ``member`` if they may make this dossier read (``timeline``, ``goals``, ``plan`` ...), else raise: the
    reads of one part (PART_OF_READ) with that part's capability, every other with the whole dossier."""
    return check_reads(member, PART_OF_READ[what]) if what in PART_OF_READ else check(member, READ_DOSSIER)


def today() -> date:
    """The date now where the care pages are (DEFAULT_TIMEZONE): an end date holds through that whole day."""
    return datetime.now(zone()).date()


def access_ended(member: Member, on: date | None = None) -> bool:
    """Whether the member's access has ended: their last day (``ends_on``) is behind them."""
    return member.ends_on is not None and member.ends_on < (on or today())


def current_members(who: Any = Member) -> ColumnElement[bool]:
    """The SQL condition for members (``who``: Member or an alias of it) whose access has not ended: who get mails,
    who are told things, whose memberships still show them others' photos."""
    return or_(who.ends_on.is_(None), who.ends_on >= today())


def memberships_of(account: Account) -> list[Member]:
    """Return the account's memberships with their care pages, oldest first (read once per transaction). The same
    statement counts the account's open invitations, which every page's menu tells (``invited``)."""

    def load() -> list[Member]:
        key, count = invited(account)
        rows = db.session.execute(
            select(Member, count.scalar_subquery())
            .options(joinedload(Member.circle).undefer(Circle.dossier_client_name))
            .where(Member.account_id == account.id).order_by(Member.created_at)).all()
        if rows:
            keep(key, rows[0][1])
        return [member for member, _ in rows]
    return list(once(('memberships', account.id), load))


def session_with_memberships(token_hash: str) -> AuthSession | None:
    """Read a request's session, its account, and what ``memberships_of`` and ``dossiers_of`` answer for that
    account (its care pages, each with its linked dossiers, and its open invitations) in one statement: every page
    needs the first, and nearly every page the others. The answers are kept for the transaction (``keep``)."""
    rows = db.session.execute(_session_read(), {'token_hash': token_hash, 'now': utcnow()}).all()
    if not rows:
        return None
    auth_session, count = rows[0][0], rows[0][1]
    members: dict = {}
    for _, _, member, dossier in rows:
        if member is not None:
            linked = members.setdefault(member, [])
            if dossier is not None:
                linked.append(dossier)
    keep(('invited', auth_session.account_id), count)
    keep(('memberships', auth_session.account_id), list(members))
    for member, linked in members.items():
        keep(('dossiers', str(member.circle_id)), linked)
    return auth_session


@cache
def _session_read() -> Select:
    """The statement of ``session_with_memberships``, built once (every request runs it: only its parameters
    change, ``token_hash`` and ``now``)."""
    invitations = (select(func.count()).select_from(Invitation)
                   .where(Invitation.email == Account.email, Invitation.status == 'pending',
                          Invitation.expires_at > bindparam('now')).correlate(Account).scalar_subquery())
    return (select(AuthSession, invitations, Member, Dossier).join(AuthSession.account)
            .outerjoin(Member, Member.account_id == AuthSession.account_id).outerjoin(Member.circle)
            .outerjoin(CircleDossier, CircleDossier.circle_id == Member.circle_id)
            .outerjoin(Dossier, Dossier.id == CircleDossier.dossier_id).outerjoin(Dossier.provider)
            .options(contains_eager(AuthSession.account),
                     contains_eager(Member.circle).undefer(Circle.dossier_client_name),
                     contains_eager(Dossier.provider))
            .where(AuthSession.token_hash == bindparam('token_hash'))
            .order_by(Member.created_at, CircleDossier.created_at))


def invited(account: Account) -> tuple[tuple, Select]:
    """The read (key, query) of how many open invitations there are for the account's email address."""
    return ('invited', account.id), select(func.count()).select_from(Invitation).where(
        Invitation.email == account.email, Invitation.status == 'pending', Invitation.expires_at > utcnow())


def membership(account: Account, circle_id: uuid.UUID | str) -> Member:
    """Return the account's membership of a circle, or raise NotFound (strangers learn nothing)."""
    try:
        circle_uuid = circle_id if isinstance(circle_id, uuid.UUID) else uuid.UUID(str(circle_id))
    except ValueError:
        raise NotFound(_l('This care page does not exist, or you are not a member.')) from None
    known = g.setdefault('memberships', {}) if has_app_context() else {}
    member = known.get((account.id, circle_uuid))
    if member is not None and inspect(member).persistent:  # one request asks once (unless it was removed)
        return member
    # all the account's care pages in one statement: the menu and the list of care pages need them as well
    member = next((m for m in memberships_of(account) if m.circle_id == circle_uuid), None)
    if member is None:
        raise NotFound(_l('This care page does not exist, or you are not a member.'))
    if access_ended(member):  # every route of the care page goes through here
        raise AccessEnded(member)
    known[(account.id, circle_uuid)] = member
    return member


def member_first() -> None:
    """Before a care page's API route reads the body that was sent: who asks must be a member whose access has not ended (404,
    403 access_ended), so the answer to a stranger or an ended member never depends on the body. Registered on the
    blueprints with care page routes; the route's own ``require`` finds the membership again without a query."""
    circle_id = (request.view_args or {}).get('circle_id')
    account = g.get('account')
    if circle_id is not None and account is not None and request.method not in ('GET', 'HEAD'):
        membership(account, circle_id)  # a read keeps its own order: a refused dossier read is audited


class AccessEnded(Forbidden):
    """The member's access ended on their last day; the manager can renew it."""

    code = 'access_ended'

    def __init__(self, member: Member) -> None:
        super().__init__(_l('Your access to this care page ended on %(day)s. Ask the manager to renew it.',
                            day=day(member.ends_on)), code='access_ended')


def check(member: Member, capability: str) -> Member:
    """The rule an operation applies on its first line: return the checked ``member`` if they may do ``capability``,
    else raise Forbidden. Routes only find the membership (require); a new caller cannot skip the rule."""
    if not can(member, capability):
        raise Forbidden(_l('Only the manager of this care page may do this.') if capability == MANAGE
                        else _l('You do not have permission for this on this care page.'))
    return member


def require(account: Account, circle_id: uuid.UUID | str, capability: str | None = None) -> Member:
    """Return the membership if the account may do ``capability`` on the circle, else raise."""
    member = membership(account, circle_id)
    return member if capability is None else check(member, capability)


def require_helper(account: Account) -> None:
    """Raise unless the account helps on a care page (a member, not the client, whose access has not ended): the
    wellbeing list is for carers."""
    helping = db.session.execute(select(Member.id).where(Member.account_id == account.id, Member.role != 'client',
                                                         current_members()).limit(1)).first()
    if helping is None:
        raise Forbidden(_l('This is for people who help on a care page.'), code='not_helping')


def is_author_or(member: Member, account: Account, author_id: uuid.UUID | None, capability: str) -> bool:
    """Whether the account wrote the thing, or the member has ``capability`` (e.g. the manager tidies up)."""
    return author_id == account.id or can(member, capability)


def require_author_or(member: Member, account: Account, author_id: uuid.UUID | None, capability: str,
                      message: str | LazyString) -> None:
    """Raise unless the account wrote the thing, or the member has ``capability`` (e.g. the manager tidies up)."""
    if not is_author_or(member, account, author_id, capability):
        raise Forbidden(message)


def may_send_note(member: Member, account: Account, note: Note) -> bool:
    """The manager sends any note to the provider; a member who may write to the provider sends their own."""
    return can(member, MANAGE) or (note.author_id == account.id and can(member, 'messages.provider'))


def require_calendar(account: Account, circle_id: uuid.UUID | str) -> Member:
    """Return the membership if the account may open the care page's calendar (any appointments capability)."""
    return check_calendar(require(account, circle_id))


def check_calendar(member: Member) -> Member:
    """The rule of the calendar's operations: return ``member`` if they may open it (any appointments capability)."""
    if not sees_calendar(member):
        raise Forbidden(_l('You may not see the calendar of this care page.'))
    return member


def sees_helpers_appointments(member: Member) -> bool:
    """Whether a member sees helpers' appointments (``appointments.own``, or their own with ``appointments.add``)."""
    return can(member, 'appointments.own') or can(member, 'appointments.add')


def sees_calendar(member: Member) -> bool:
    """Whether a member may open the calendar at all (any of the appointments capabilities)."""
    return any(can(member, code) for code in ('appointments.own', 'appointments.care', 'appointments.add'))


def message_audiences(member: Member) -> tuple[str, ...]:
    """The audiences a member reads and writes: ``all``; ``trust`` for the trust group (and the manager);
    ``provider`` with the capability to write with the care provider (the trust preset has it)."""
    if not can(member, 'messages'):
        return ()
    return tuple(audience for audience, allowed in (
        ('all', True), ('trust', member.role in ('manager', 'trust')),
        ('provider', can(member, 'messages.provider'))) if allowed)


def photo_visible(account: Account, other_id: uuid.UUID) -> bool:
    """Whether ``account`` may see the profile photo of ``other_id``: their own always; someone else's where they
    are on a care page together and that person may show their photo there (``settings.photo``)."""
    if account.id == other_id:
        return True
    mine, theirs = aliased(Member), aliased(Member)
    return any(can(member, 'settings.photo') for member in db.session.execute(
        select(theirs).join(mine, mine.circle_id == theirs.circle_id)
        .where(mine.account_id == account.id, theirs.account_id == other_id, current_members(mine))).scalars())


def read_dossier(account: Account, circle_id: uuid.UUID | str, what: str, detail: object = None) -> Member:
    """Check that ``account`` may read the dossier data of a circle and audit the read, or the refusal.

    ``detail`` says more of what was read (a record id, the months of a download) in the audit record.
    """
    target = f'{what}:{detail}' if detail else what
    try:
        member = check_read(require(account, circle_id), what)
        step_up_required()
    except AppError as exc:
        raise refused(exc, account, circle_id, f'dossier.{what}', 'R', target) from None
    # one record per dossier read (NEN 7513: whose record), written together in one INSERT
    for dossier_id in linked_dossier_ids(member.circle_id) or [None]:
        audit(f'dossier.{what}', 'R', actor=account, role=member.role, circle=member.circle_id, dossier=dossier_id,
              target=target, basis=member.basis)
    return member


def refused(exc: AppError, account: Account, circle_id: uuid.UUID | str, event: str, action: str,
            target: str) -> AppError:
    """The refusal, audited with the care page it was about (the manager's access log leaves out strangers)."""
    return exc.audited(event, action, actor=account.id, circle=_uuid_or_none(circle_id), target=target)


def _uuid_or_none(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def may_edit_profile(actor: Member, member: Member) -> bool:
    """A member changes their own profile on the care page, if they may (``settings.profile``); nobody else does."""
    return actor.id == member.id and can(actor, 'settings.profile')


def require_removal(actor: Member, member: Member) -> None:
    """Raise unless ``actor`` may take ``member`` off the care page: oneself (leaving), or anyone as the manager."""
    if actor.id != member.id:
        check(actor, MANAGE)


def require_member_change(actor: Member, member: Member, rights: bool = False, profile: bool = False) -> None:
    """Raise unless ``actor`` may make the change: a helper's role or capabilities (``rights``: the manager's), a
    profile (``profile``: the member's own, with ``settings.profile``). Both are checked before anything changes."""
    if rights and not can(actor, MANAGE):
        raise Forbidden(_l('Only the manager of this care page may do this.'))
    if profile and not may_edit_profile(actor, member):
        raise Forbidden(_l('Only the person themself changes their profile, if they may.'))
