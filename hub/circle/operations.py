"""Circle logic: plain arguments in, models out; never commits, never reads the request."""

from datetime import timedelta
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from hub.account import notifications
from hub.account.models import Account
from hub.account.operations import link, normalize_email
from hub.account.profile import erase_account
from hub.circle.access import (
    MANAGE,
    check,
    current_members,
    invited,
    memberships_of,
    require_member_change,
    require_removal,
    today,
)
from hub.circle.dossiers import client_name
from hub.circle.models import CalendarEntry, Circle, Invitation, Member
from hub.circle.permissions import PRESETS
from hub.config import setting
from hub.core.audit import audit
from hub.core.errors import Conflict, Forbidden, NotFound
from hub.core.memo import scalar
from hub.core.outbox import queue_mail
from hub.core.timeutil import utcnow
from hub.core.tokens import InvalidToken, make_token, read_token
from hub.extensions import db


def create_circle(manager: Account, name=None, client_manages=False) -> Circle:
    """Make a care page with ``manager`` as its only manager (``client_manages``: the manager is the client)."""
    circle = Circle(name=name, client_manages=client_manages)
    db.session.add(circle)
    db.session.add(Member(circle=circle, account_id=manager.id, role='manager', permissions=[]))
    db.session.flush()
    audit('circle.create', 'C', actor=manager, role='manager', circle=circle)
    return circle


def circles_of(account: Account) -> list[Member]:
    """Return the account's memberships, oldest first."""
    return memberships_of(account)


def members_of(circle_id) -> list[Member]:
    """Return the members of a circle, the manager first."""
    members = db.session.execute(select(Member).options(joinedload(Member.account))
                                 .where(Member.circle_id == circle_id)).scalars().all()
    return sorted(members, key=lambda m: (m.role != 'manager', m.account.last_name.lower(), m.account.first_name))


def invitation_token(invitation: Invitation) -> str:
    """Return the token of the link in an invitation mail."""
    return make_token('invite', {'i': str(invitation.id)})


def invite_helper(inviter: Member, data: dict) -> Invitation:
    """Invite a helper to the inviter's care page (the manager) by email with a role (or chosen permissions), and mail
    the link."""
    check(inviter, MANAGE)
    circle = inviter.circle
    email = normalize_email(data['email'])
    if email == inviter.account.email:
        raise Conflict(_l('You cannot invite yourself.'), code='invite_self')
    already = db.session.execute(select(Member).join(Account).where(
        Member.circle_id == circle.id, Account.email == email)).scalar_one_or_none()
    if already is not None:
        raise Conflict(_l('This person is already a member of this care page.'), code='already_member')
    pending = db.session.execute(select(Invitation).where(
        Invitation.circle_id == circle.id, Invitation.email == email, Invitation.status == 'pending',
        Invitation.expires_at > utcnow()).limit(1)).scalar_one_or_none()
    if pending is not None:
        raise Conflict(_l('This person already has an open invitation.'), code='already_invited')
    if data['role'] == 'client' and has_client(circle.id):
        raise Conflict(_l('This care page already has its client, or an open invitation for the client.'),
                       code='client_exists')
    invitation = Invitation(
        circle_id=circle.id, inviter_id=inviter.account_id, email=email, first_name=data['first_name'],
        last_name=data['last_name'], phone=data.get('phone'), role=data['role'], basis=data.get('basis'),
        ends_on=data.get('ends_on'),
        permissions=None if data.get('permissions') is None else sorted(set(data['permissions'])),
        expires_at=utcnow() + timedelta(seconds=setting('INVITATION_MAX_AGE')))
    db.session.add(invitation)
    db.session.flush()
    _send_invitation(invitation, inviter.account, client_name(circle) or '')
    audit('circle.invite', 'C', actor=inviter.account, role='manager', circle=circle,
          target=f'invitation:{invitation.id}')
    return invitation


def has_client(circle_id) -> bool:
    """Whether the care page has its client: as a member, as its manager, or with an open invitation."""
    member = select(Member.id).where(Member.circle_id == circle_id, Member.role == 'client')
    open_invitation = select(Invitation.id).where(
        Invitation.circle_id == circle_id, Invitation.role == 'client', Invitation.status == 'pending',
        Invitation.expires_at > utcnow())
    return bool(db.session.execute(select(or_(Circle.client_manages, member.exists(), open_invitation.exists()))
                                   .where(Circle.id == circle_id)).scalar())


def invitations_for(account: Account) -> list[Invitation]:
    """Return the open invitations for the account's email address."""
    return db.session.execute(select(Invitation).where(
        Invitation.email == account.email, Invitation.status == 'pending', Invitation.expires_at > utcnow())
        .order_by(Invitation.created_at)).scalars().all()


def open_invitation_count(account: Account) -> int:
    """How many open invitations there are for the account's email address (the menu and the care page say so)."""
    return scalar(*invited(account)) or 0


def invitation_for(account: Account, invitation_id, token=None) -> Invitation:
    """Return an open invitation for this account, checking the link's token when one is given."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:  # a deleted care page takes its invitations with it
        raise NotFound(_l('This invitation no longer works. The manager withdrew it, or the care page was deleted.'))
    if token is not None and read_token('invite', token).get('i') != str(invitation.id):
        raise InvalidToken(_l('This link is not valid.'))
    if invitation.email != account.email:
        raise Forbidden(_l('This invitation was sent to another email address. Log in with the account of '
                           'that address to accept it.'), code='invitation_for_other')
    if invitation.status == 'revoked':
        raise Conflict(_l('%(name)s withdrew this invitation. Ask them if you should still help.',
                          name=invitation.inviter.name if invitation.inviter else _l('The manager')),
                       code='invitation_withdrawn')
    if invitation.status != 'pending':
        raise Conflict(_l('You have answered this invitation already.'), code='invitation_closed')
    if invitation.expires_at <= utcnow():
        raise Conflict(_l('This invitation has expired. Ask for a new one.'), code='invitation_expired')
    return invitation


def invitation_preview(invitation_id, token) -> Invitation | None:
    """Return the open invitation the mail's link names, for the page shown before login (who invites, for
    whom, to which address), or None for a link that is not valid or an invitation no longer open."""
    invitation = db.session.get(Invitation, invitation_id)
    try:
        valid = token is not None and read_token('invite', token).get('i') == str(getattr(invitation, 'id', ''))
    except InvalidToken:
        valid = False
    if not valid or invitation.status != 'pending' or invitation.expires_at <= utcnow():
        return None
    return invitation


def _send_invitation(invitation, inviter, circle_name):
    """Mail an invitation: to an address without an account always; to an account as its person chose (they also
    find it under their invitations)."""
    invitee = db.session.execute(select(Account).where(Account.email == invitation.email)).scalar_one_or_none()
    path = f'/invitations/{invitation.id}?{urlencode({"token": invitation_token(invitation)})}'
    context = {'invitation': invitation, 'inviter': inviter, 'circle_name': circle_name, 'page': circle_name,
               'days': setting('INVITATION_MAX_AGE') // 86400}
    if invitee is None:
        queue_mail(invitation.email, 'invitation', setting('DEFAULT_LANGUAGE'), link=link(path), **context)
    else:
        notifications.notify(invitee, 'invitation', 'invitation', path, invitation.circle_id, **context)


#: days before a member's last day that the member and the manager get a mail about it
END_NOTICES = (14, 1)


#: how far "renew" moves a helper's last day
RENEWAL = relativedelta(months=3)


def renewed_until(member: Member):
    """The last day a renewal in one step gives: three months after the current last day (or today, if later)."""
    return max(member.ends_on or today(), today()) + RENEWAL


def remind_access_ends(on=None) -> int:
    """Mail the members whose access ends in 14 days or tomorrow, and their manager (once per end date and mark:
    a renewal starts the reminders again); return how many members were reminded."""
    on = on or today()
    marks = {on + timedelta(days=days): days for days in END_NOTICES}
    reminded = 0
    ending = db.session.execute(select(Member).options(joinedload(Member.account), joinedload(Member.circle))
                                .where(Member.ends_on.in_(list(marks)))).scalars().all()
    managers = {manager.circle_id: manager for manager in db.session.execute(  # one query for all their pages
        select(Member).options(joinedload(Member.account)).where(
            Member.circle_id.in_({member.circle_id for member in ending}), Member.role == 'manager')).scalars()}
    for member in ending:
        days = marks[member.ends_on]
        notice = f'{member.ends_on.isoformat()}:{days}'
        if member.end_notice == notice:
            continue
        member.end_notice = notice
        page = client_name(member.circle) or ''
        manager = managers.get(member.circle_id)
        queue_mail(member.account.email, 'access_ends', member.account.language, account=member.account,
                   helper=None, page=page, days=days, last_day=member.ends_on, link=link(f'/circles/{member.circle_id}'))
        if manager is not None:
            queue_mail(manager.account.email, 'access_ends', manager.account.language, account=manager.account,
                       helper=member.account.name, page=page, days=days, last_day=member.ends_on,
                       link=link(f'/circles/{member.circle_id}/members'))
        audit('circle.access_ends_notice', 'E', circle=member.circle_id, target=f'member:{member.id}:{days}')
        reminded += 1
    return reminded


def tell_members(circle_id, event, template, path, but=None, who=None, **context):
    """Tell the members of a care page who ``who`` lets (all, by default) of an event, each as they chose."""
    for member in db.session.execute(select(Member).options(joinedload(Member.account), joinedload(Member.circle))
                                     .where(Member.circle_id == circle_id, current_members())).scalars():
        if member.account_id != but and (who is None or who(member)):
            notifications.notify(member.account, event, template, path, circle_id,
                                 page=client_name(member.circle) or '', **context)


def accept_invitation(account: Account, invitation: Invitation) -> Member:
    """Make the account a member of the circle with the invited role."""
    member = db.session.execute(select(Member).where(
        Member.circle_id == invitation.circle_id, Member.account_id == account.id)).scalar_one_or_none()
    if member is not None:
        raise Conflict(_l('You are already a member of this care page.'), code='already_member')
    member = Member(circle_id=invitation.circle_id, account_id=account.id, role=invitation.role,
                    permissions=invitation.permissions, basis=invitation.basis, ends_on=invitation.ends_on)
    try:
        with db.session.begin_nested():  # the database holds the one client per care page
            db.session.add(member)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l('This care page already has its client.'), code='client_exists') from None
    invitation.status, invitation.responded_at = 'accepted', utcnow()
    if member.role == 'client':
        account.easy_read = True  # the client reads their pages in easy read, until they switch it off
    db.session.flush()
    audit('circle.join', 'C', actor=account, role=member.role, circle=invitation.circle_id,
          target=f'invitation:{invitation.id}')
    tell_members(invitation.circle_id, 'member', 'new_member', f'/circles/{invitation.circle_id}/members',
                 but=account.id, newcomer=account.name)
    return member


def decline_invitation(account: Account, invitation: Invitation):
    """Decline an invitation; the manager can invite again later."""
    invitation.status, invitation.responded_at = 'declined', utcnow()
    audit('circle.decline', 'U', actor=account, circle=invitation.circle_id, target=f'invitation:{invitation.id}')


def member_of(circle_id, member_id) -> Member:
    """Return a member of this circle by id, or raise NotFound."""
    member = db.session.get(Member, member_id)
    if member is None or member.circle_id != circle_id:
        raise NotFound(_l('This member does not exist.'))
    return member


def set_client_manages(manager: Member, value: bool) -> Circle:
    """The manager says they are the client (they manage their own care page), or that they are not. Refused while
    another member is the client or invited as the client."""
    check(manager, MANAGE)
    circle = manager.circle
    change = update(Circle).where(Circle.id == circle.id).values(client_manages=value)
    if value:  # one statement: no client member or invitation can slip in between the check and the change
        change = change.where(~exists().where(Member.circle_id == circle.id, Member.role == 'client'),
                              ~exists().where(Invitation.circle_id == circle.id, Invitation.role == 'client',
                                              Invitation.status == 'pending', Invitation.expires_at > utcnow()))
    if db.session.execute(change).rowcount == 0:
        raise Conflict(_l('This care page already has its client, or an open invitation for the client.'),
                       code='client_exists')
    db.session.refresh(circle)
    audit('circle.client_manages', 'U', actor=manager.account, role='manager', circle=circle.id,
          target=f'client_manages:{str(value).lower()}')
    return circle


def change_member(manager: Member, member: Member, data: dict) -> Member:
    """Change a helper's role, chosen capabilities, last day or basis; the change counts from the next request."""
    require_member_change(manager, member, rights=True)
    if member.role == 'manager' and data.keys() - {'basis'}:
        raise Conflict(_l('The role of the manager cannot be changed here.'), code='manager_role')
    if 'basis' in data:
        member.basis = data['basis']
    if 'ends_on' in data and data['ends_on'] != member.ends_on:
        member.ends_on, member.end_notice = data['ends_on'], None  # a renewal: the reminders start again
    if 'role' in data:
        member.role = data['role']
        member.permissions = None  # a new role brings its own capabilities, unless chosen again below
    if 'permissions' in data:
        chosen = None if data['permissions'] is None else frozenset(data['permissions'])
        # the role's own set is kept as "the role's": it then follows the role, as the page and the API show it
        member.permissions = None if chosen is None or chosen == PRESETS[member.role] else sorted(chosen)
    audit('circle.member_change', 'U', actor=manager.account, role='manager', circle=member.circle_id,
          target=f'member:{member.id}')
    return member


def change_profile(actor: Member, member: Member, data: dict) -> Member:
    """Change a member's own profile on the care page: how they are related to the client, the phone they share."""
    require_member_change(actor, member, profile=True)
    for key in ('relation', 'phone'):
        if key in data:
            setattr(member, key, data[key] or None)
    audit('circle.profile_change', 'U', actor=member.account, role=member.role, circle=member.circle_id,
          target=f'member:{member.id}')
    return member


def remove_member(actor: Member, member: Member):
    """Remove a helper (by the manager), or leave (a helper removes themself); access ends at once."""
    require_removal(actor, member)
    if member.role == 'manager':
        raise Conflict(_l('The manager cannot leave. Hand the care page over or delete it.'), code='manager_role')
    audit('circle.member_remove', 'D', actor=actor.account, role=actor.role, circle=member.circle_id,
          target=f'member:{member.id}')
    if actor.id != member.id:  # removed by the manager: they are told, not left to find a page that is gone
        queue_mail(member.account.email, 'member_removed', member.account.language, account=member.account,
                   page=client_name(member.circle), manager=actor.account.name)
    db.session.execute(delete(CalendarEntry).where(  # private entries nobody else can see or remove
        CalendarEntry.circle_id == member.circle_id, CalendarEntry.author_id == member.account_id,
        CalendarEntry.visibility == 'private'))
    db.session.delete(member)


def manager_of(circle_id) -> Member:
    """Return the manager's membership of a circle."""
    return db.session.execute(select(Member).where(Member.circle_id == circle_id,
                                                   Member.role == 'manager')).scalar_one()


def transfer_management(circle_id, account: Account) -> Member:
    """Make ``account`` the manager; the old manager stays as a trust member and gets a mail."""
    old = manager_of(circle_id)
    if old.account_id == account.id:
        return old
    # the old manager stays: as the client if they were, else in the trust group
    old.role, old.permissions = ('client' if old.circle.client_manages else 'trust'), None
    old.circle.client_manages = False
    db.session.flush()  # one manager at a time: the database checks it
    member = db.session.execute(select(Member).where(Member.circle_id == circle_id,
                                                     Member.account_id == account.id)).scalar_one_or_none()
    if member is None:
        member = Member(circle_id=circle_id, account_id=account.id, role='manager', permissions=None)
        db.session.add(member)
    member.role, member.permissions = 'manager', None
    db.session.flush()
    queue_mail(old.account.email, 'management_moved', old.account.language, account=old.account,
               new_manager=account, link=link(f'/circles/{circle_id}'))
    audit('circle.transfer', 'U', actor=account, role='manager', circle=circle_id, target=f'member:{old.id}')
    return member


def company(member: Member):
    """The read (key, query) of whether the manager has company on their care page: a member or an invitation."""
    return ('company', member.id), select(
        select(Member.id).where(Member.circle_id == member.circle_id, Member.id != member.id).exists()
        | select(Invitation.id).where(Invitation.circle_id == member.circle_id).exists())


def first_steps(member: Member) -> list[tuple[str, bool]] | None:
    """The new manager's first steps, each with whether it is done: invite the family, choose a second step,
    choose the mails; None once all are done (or for anyone but the manager). One query while the family is
    still to come, none after."""
    if member.role != 'manager':
        return None
    account = member.account
    steps = [('second_step', bool(account.second_factors)), ('mails', account.notifications is not None)]
    steps.insert(0, ('invite', bool(scalar(*company(member)))))
    return None if all(done for _, done in steps) else steps


def pending_invitations(manager: Member) -> list[Invitation]:
    """Return the open invitations of the manager's care page."""
    check(manager, MANAGE)
    return db.session.execute(select(Invitation).where(
        Invitation.circle_id == manager.circle_id, Invitation.status == 'pending').order_by(Invitation.created_at)
    ).scalars().all()


def open_invitation(manager: Member, invitation_id) -> Invitation:
    """Return an open invitation of the manager's care page by id, or raise NotFound."""
    check(manager, MANAGE)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.circle_id != manager.circle_id or invitation.status != 'pending':
        raise NotFound(_l('This invitation does not exist or was already answered.'))
    return invitation


def resend_invitation(manager: Member, invitation_id) -> Invitation:
    """Send the invitation mail again, with a fresh 7-day validity (not for an expired one: invite again)."""
    invitation = open_invitation(manager, invitation_id)
    if invitation.expires_at <= utcnow():
        raise Conflict(_l('This invitation has expired. Send a new one.'), code='invitation_expired')
    invitation.expires_at = utcnow() + timedelta(seconds=setting('INVITATION_MAX_AGE'))
    _send_invitation(invitation, manager.account, client_name(manager.circle) or '')
    audit('circle.invite_resend', 'U', actor=manager.account, role='manager', circle=invitation.circle_id,
          target=f'invitation:{invitation.id}')
    return invitation


def revoke_invitation(manager: Member, invitation_id) -> Invitation:
    """Withdraw an open invitation: its link stops working."""
    invitation = open_invitation(manager, invitation_id)
    invitation.status, invitation.responded_at = 'revoked', utcnow()
    audit('circle.invite_revoke', 'U', actor=manager.account, role='manager', circle=invitation.circle_id,
          target=f'invitation:{invitation.id}')
    return invitation


def delete_circle(manager: Member, page: str | None = None):
    """Delete a care page with its members and invitations (the caller removes its dossier links first); every other
    member is told by mail that it is gone and who decided (``page``: its name, read before the dossiers went)."""
    circle = manager.circle
    others = db.session.execute(select(Member).options(joinedload(Member.account)).where(
        Member.circle_id == circle.id, Member.id != manager.id)).scalars().all()
    for member in others:
        queue_mail(member.account.email, 'circle_deleted', member.account.language, account=member.account,
                   page=page, manager=manager.account.name)
    audit('circle.delete', 'D', actor=manager.account, role='manager', circle=circle.id)
    db.session.delete(circle)


def managed_circles(account: Account) -> list[Member]:
    """Return the care pages the account manages."""
    return [m for m in circles_of(account) if m.role == 'manager']


def forget_invitations_to(email: str):
    """Delete the invitations sent to an address (its owner deletes the account)."""
    db.session.execute(delete(Invitation).where(Invitation.email == email))


def delete_account(account: Account, password: str):
    """Delete an account that manages no care page (hand it over or delete it first), and the invitations to it."""
    if managed_circles(account):
        raise Conflict(_l('You manage a care page. Hand it over or delete it first.'), code='hand_over_first')
    forget_invitations_to(account.email)
    erase_account(account, password)
