"""The care page routes of the JSON API."""

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l

from hub.account.access import account_key, current_account, log_out, login_limited, photo_limit
from hub.account.operations import link
from hub.account.photos import MAX_BYTES, photo_of
from hub.account.schemas import DeleteSchema
from hub.circle import board as prikbord
from hub.circle import calendar, operations, wellbeing
from hub.circle import help as helping
from hub.circle import messages as talk
from hub.circle import notes as pad
from hub.circle.access import (
    MANAGE,
    access_ended,
    permissions_of,
    photo_visible,
    require,
    require_calendar,
    require_helper,
)
from hub.circle.dossiers import client_name, providers_of
from hub.circle.schemas import (
    PROFILE_FIELDS,
    AppointmentChangeSchema,
    AppointmentSchema,
    BoardSchema,
    HelpRequestSchema,
    InvitationSchema,
    MemberChangeSchema,
    MessageSchema,
    NoteChangeSchema,
    NoteSchema,
    ReplySchema,
    RespondSchema,
    ShareSchema,
    WellbeingSchema,
)
from hub.core.errors import InvalidInput, NotFound
from hub.core.timeutil import plausible
from hub.extensions import limiter
from hub.web import jpeg_response, load_form, load_json, parse_id, uploaded

bp = Blueprint('circle_api', __name__, url_prefix='/api/v1')


def circle_json(member) -> dict:
    """Return a circle as the HTTP contract says: id, name, role, permissions, providers."""
    return {'id': str(member.circle_id), 'name': client_name(member.circle), 'role': member.role,
            'permissions': sorted(permissions_of(member)),
            'ends_on': member.ends_on.isoformat() if member.ends_on else None, 'ended': access_ended(member),
            'providers': [{'id': str(p.id), 'name': p.name} for p in providers_of(member.circle_id)]}


def member_json(member) -> dict:
    return {'id': str(member.id), 'account_id': str(member.account_id), 'first_name': member.account.first_name,
            'last_name': member.account.last_name,
            'role': member.role, 'permissions': sorted(permissions_of(member)),
            'custom': member.role != 'manager' and member.permissions is not None,
            'relation': member.relation, 'phone': member.phone,
            'ends_on': member.ends_on.isoformat() if member.ends_on else None, 'ended': access_ended(member),
            'basis': member.basis}


def invitation_json(invitation, circle_name=None) -> dict:
    data = {'id': str(invitation.id), 'circle_id': str(invitation.circle_id), 'email': invitation.email,
            'first_name': invitation.first_name, 'last_name': invitation.last_name, 'role': invitation.role,
            'permissions': invitation.permissions, 'status': invitation.status, 'basis': invitation.basis,
            'ends_on': invitation.ends_on.isoformat() if invitation.ends_on else None,
            'expires_at': invitation.expires_at.isoformat()}
    if circle_name is not None:
        data['circle_name'] = circle_name
    return data


@bp.get('/circles')
def circles():
    members = operations.circles_of(current_account())
    return {'items': [circle_json(member) for member in members], 'next': None}


@bp.get('/circles/<circle_id>')
def circle(circle_id):
    return circle_json(require(current_account(), circle_id))


@bp.get('/circles/<circle_id>/members')
def members(circle_id):
    member = require(current_account(), circle_id)
    return {'items': [member_json(m) for m in operations.members_of(member.circle_id)], 'next': None}


@bp.patch('/circles/<circle_id>/members/<member_id>')
def change_member(circle_id, member_id):
    """The manager changes a helper's role or capabilities; a member their own profile (``settings.profile``)."""
    account = current_account()
    actor = require(account, circle_id)
    data = load_json(MemberChangeSchema())
    member = operations.member_of(actor.circle_id, parse_id(member_id))
    profile = {key: data.pop(key) for key in PROFILE_FIELDS if key in data}
    if data:
        operations.change_member(actor, member, data)
    if profile:
        operations.change_profile(actor, member, profile)
    return member_json(member)


@bp.delete('/circles/<circle_id>/members/<member_id>')
def remove_member(circle_id, member_id):
    actor = require(current_account(), circle_id)
    operations.remove_member(actor, operations.member_of(actor.circle_id, parse_id(member_id)))
    return '', 204


@bp.get('/circles/<circle_id>/help-requests')
def help_requests(circle_id):
    """The help requests from today on (a year ahead), by time, with who signed up."""
    account = current_account()
    member = require_calendar(account, circle_id)
    return {'items': [helping.request_json(r, account) for r in helping.listed(member)], 'next': None}


@bp.post('/circles/<circle_id>/help-requests')
def ask_help(circle_id):
    account = current_account()
    member = require_calendar(account, circle_id)
    found = helping.ask(member, account, load_json(HelpRequestSchema()))
    return helping.request_json(found, account), 201


@bp.delete('/circles/<circle_id>/help-requests/<request_id>')
def remove_help(circle_id, request_id):
    account = current_account()
    helping.remove(require_calendar(account, circle_id), account, parse_id(request_id))
    return '', 204


@bp.post('/circles/<circle_id>/help-requests/<request_id>/signup')
def sign_up_help(circle_id, request_id):
    account = current_account()
    found = helping.sign_up(require_calendar(account, circle_id), account, parse_id(request_id))
    return helping.request_json(found, account)


@bp.delete('/circles/<circle_id>/help-requests/<request_id>/signup')
def withdraw_help(circle_id, request_id):
    account = current_account()
    found = helping.withdraw(require_calendar(account, circle_id), account, parse_id(request_id))
    return helping.request_json(found, account)


@bp.post('/circles/<circle_id>/invitations')
def invite(circle_id):
    manager = require(current_account(), circle_id, MANAGE)
    data = load_json(InvitationSchema())
    invitation = operations.invite_helper(manager, data)
    return invitation_json(invitation), 201


@bp.get('/invitations')
def invitations():
    items = operations.invitations_for(current_account())
    return {'items': [invitation_json(i, client_name(i.circle) or '') for i in items], 'next': None}


def _respond(invitation_id):
    account = current_account()
    data = load_json(RespondSchema()) if request.content_length else {}
    invitation = operations.invitation_for(account, parse_id(invitation_id), data.get('token'))
    return account, invitation


@bp.post('/invitations/<invitation_id>/accept')
def accept(invitation_id):
    account, invitation = _respond(invitation_id)
    member = operations.accept_invitation(account, invitation)
    return circle_json(member)


@bp.post('/invitations/<invitation_id>/decline')
def decline(invitation_id):
    account, invitation = _respond(invitation_id)
    operations.decline_invitation(account, invitation)
    return invitation_json(invitation)


@bp.get('/circles/<circle_id>/invitations')
def circle_invitations(circle_id):
    manager = require(current_account(), circle_id, MANAGE)
    return {'items': [invitation_json(i) for i in operations.pending_invitations(manager)], 'next': None}


@bp.post('/circles/<circle_id>/invitations/<invitation_id>/resend')
def resend(circle_id, invitation_id):
    manager = require(current_account(), circle_id, MANAGE)
    return invitation_json(operations.resend_invitation(manager, parse_id(invitation_id)))


@bp.delete('/circles/<circle_id>/invitations/<invitation_id>')
def revoke_invitation(circle_id, invitation_id):
    manager = require(current_account(), circle_id, MANAGE)
    operations.revoke_invitation(manager, parse_id(invitation_id))
    return '', 204


@bp.get('/accounts/<account_id>/photo')
def photo(account_id):
    """A member's profile photo, for people on a care page with them where they may show it (settings.photo)."""

    other = parse_id(account_id)
    found = photo_of(other) if photo_visible(current_account(), other) else None
    if found is None:
        raise NotFound('There is no photo.')
    return jpeg_response(found.data)


@bp.get('/circles/<circle_id>/messages')
def messages(circle_id):
    """My threads on this care page, the newest message first, each with its unread count."""
    member = require(current_account(), circle_id, 'messages')
    found, counts, next_cursor = talk.threads(member, request.args.get('cursor'))
    ids = talk.member_ids(member.circle_id)
    return {'items': [talk.thread_json(t, counts.get(t.id, 0), ids) for t in found], 'next': next_cursor}


@bp.post('/circles/<circle_id>/messages')
def post_message(circle_id):
    """Begin a thread for an audience or chosen members (one with the provider goes to them through the outbox)."""
    account = current_account()
    member = require(account, circle_id, 'messages')
    body = load_json(MessageSchema())
    found, message = talk.start_thread(member, account, body['text'], body['subject'], body.get('audience'),
                                        body.get('recipients'), body['provider_id'])
    return {**talk.thread_json(found, 0, talk.member_ids(member.circle_id)),
            'messages': [talk.message_json(message, account)]}, 201


@bp.get('/circles/<circle_id>/messages/<thread_id>')
def message_thread(circle_id, thread_id):
    """One thread with its messages in order; reading it marks it read."""
    account = current_account()
    member = require(account, circle_id, 'messages')
    found, items = talk.read_thread(member, parse_id(thread_id))
    return {**talk.thread_json(found, 0, talk.member_ids(member.circle_id)),
            'messages': [talk.message_json(m, account) for m in items]}


@bp.post('/circles/<circle_id>/messages/<thread_id>/replies')
def reply(circle_id, thread_id):
    account = current_account()
    member = require(account, circle_id, 'messages')
    body = load_json(ReplySchema())
    return talk.message_json(talk.reply(member, account, parse_id(thread_id), body['text']), account), 201


@bp.delete('/circles/<circle_id>/messages/<thread_id>')
def remove_thread(circle_id, thread_id):
    """Take a thread off my own list (the others keep it; a new message brings it back)."""
    member = require(current_account(), circle_id, 'messages')
    talk.remove_thread(member, parse_id(thread_id))
    return '', 204


def _moment(name):
    """An ISO date-time with a time zone from the query, or None."""
    from datetime import datetime

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
    token = calendar.create_feed(member)
    return {'url': link(f'/calendar/{token}.ics')}, 201


@bp.delete('/circles/<circle_id>/calendar-feed')
def revoke_calendar_feed(circle_id):
    """Stop the iCal address: it then answers 404."""
    calendar.revoke_feed(require(current_account(), circle_id))
    return '', 204


@bp.get('/circles/<circle_id>/notes')
def notes(circle_id):
    account = current_account()
    member = require(account, circle_id)
    items, next_cursor = pad.notes(member, request.args.get('cursor'))
    return {'items': [pad.note_json(note, account) for note in items], 'next': next_cursor}


@bp.post('/circles/<circle_id>/notes')
def add_note(circle_id):
    account = current_account()
    member = require(account, circle_id)
    return pad.note_json(pad.write_note(member, account, load_json(NoteSchema())['text']), account), 201


@bp.patch('/circles/<circle_id>/notes/<note_id>')
def change_note(circle_id, note_id):
    account = current_account()
    member = require(account, circle_id)
    data = load_json(NoteChangeSchema())
    return pad.note_json(pad.write_note(member, account, data['text'], parse_id(note_id), data['version']), account)


@bp.delete('/circles/<circle_id>/notes/<note_id>')
def delete_note(circle_id, note_id):
    account = current_account()
    pad.delete_note(require(account, circle_id), account, parse_id(note_id))
    return '', 204


@bp.post('/circles/<circle_id>/notes/<note_id>/share')
def share_note(circle_id, note_id):
    """The manager sends a note to a care provider (``provider_id`` when the page has several)."""
    account = current_account()
    member = require(account, circle_id)
    data = load_json(ShareSchema())
    return pad.note_json(pad.share_note(member, account, parse_id(note_id), data['provider_id']), account)


@bp.get('/circles/<circle_id>/board')
def board(circle_id):
    account = current_account()
    member = require(account, circle_id)
    items, next_cursor = prikbord.posts(member, request.args.get('cursor'))
    return {'items': [prikbord.post_json(post, account) for post in items], 'next': next_cursor}


@bp.post('/circles/<circle_id>/board')
@limiter.limit(photo_limit, key_func=account_key, methods=['POST'],
               exempt_when=lambda: request.mimetype != 'multipart/form-data')
def add_board_post(circle_id):
    """Post on the board: JSON ``{text}``, or a multipart form with ``text`` and a ``photo`` (JPEG or PNG)."""
    account = current_account()
    member = require(account, circle_id)
    if request.mimetype == 'multipart/form-data':
        text = load_form(BoardSchema(), 'text')['text']
        data = uploaded('photo', MAX_BYTES)
    else:
        text, data = load_json(BoardSchema())['text'], None
    post = prikbord.add_post(member, account, text, data)
    return prikbord.post_json(prikbord.Shown(post, [], 0), account), 201


@bp.get('/circles/<circle_id>/board/<post_id>/photo')
def board_photo(circle_id, post_id):
    """The photo of a post (members of the care page only; never cached by others)."""
    return jpeg_response(prikbord.photo(require(current_account(), circle_id), parse_id(post_id)))


@bp.get('/circles/<circle_id>/board/<post_id>/reactions')
def board_reactions(circle_id, post_id):
    """All reactions of a post, newest first, by page ("Toon oudere reacties")."""
    account = current_account()
    _, found, next_cursor = prikbord.reactions(require(account, circle_id), parse_id(post_id),
                                               request.args.get('cursor'))
    return {'items': [prikbord.reaction_json(r, account) for r in found], 'next': next_cursor}


@bp.post('/circles/<circle_id>/board/<post_id>/reactions')
def react_on_board(circle_id, post_id):
    account = current_account()
    member = require(account, circle_id)
    reaction = prikbord.react(member, account, parse_id(post_id), load_json(BoardSchema())['text'])
    return prikbord.reaction_json(reaction, account), 201


@bp.delete('/circles/<circle_id>/board/<post_id>')
def delete_board_post(circle_id, post_id):
    account = current_account()
    prikbord.delete_post(require(account, circle_id), account, parse_id(post_id))
    return '', 204


@bp.delete('/circles/<circle_id>/board/<post_id>/reactions/<reaction_id>')
def delete_board_reaction(circle_id, post_id, reaction_id):
    account = current_account()
    prikbord.delete_reaction(require(account, circle_id), account, parse_id(post_id), parse_id(reaction_id))
    return '', 204


@bp.get('/me/wellbeing')
def my_wellbeing():
    """The strain questionnaire (EDIZ) and my own history of it: for me alone."""
    account = current_account()
    require_helper(account)
    checks = wellbeing.history(account)
    return {'questionnaire': wellbeing.questionnaire_json(), 'due': wellbeing.due(checks),
            'items': [wellbeing.check_json(check) for check in checks], 'next': None}


@bp.post('/me/wellbeing')
def fill_in_wellbeing():
    """Keep my answers to the nine statements: 201 with the score, its level, and whether to point to support."""
    account = current_account()
    require_helper(account)
    data = load_json(WellbeingSchema())
    return wellbeing.check_json(wellbeing.fill_in(account, data['answers'])), 201


@bp.delete('/me/wellbeing/<check_id>')
def remove_wellbeing(check_id):
    """Remove one of my lists (another's, or none: 404)."""
    if not wellbeing.remove(current_account(), parse_id(check_id)):
        raise NotFound(_l('There is no such list of yours.'))
    return '', 204


@bp.delete('/me')
@login_limited()
def delete_me():
    """Delete my account (with my password); refused while I manage a care page (hand it over first)."""
    data = load_json(DeleteSchema())
    operations.delete_account(current_account(), data['password'])
    log_out()
    return '', 204
