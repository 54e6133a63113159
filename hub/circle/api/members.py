"""Care pages, their members and invitations, profile photos, deleting one's account."""

from flask import request

from hub.account.access import current_account, log_out, login_limited
from hub.account.photos import photo_of
from hub.account.schemas import DeleteSchema
from hub.circle import operations
from hub.circle.access import (
    MANAGE,
    photo_visible,
    require,
)
from hub.circle.api.base import bp, circle_json, invitation_json, member_json
from hub.circle.dossiers import client_name
from hub.circle.schemas import (
    PROFILE_FIELDS,
    InvitationSchema,
    MemberChangeSchema,
    RespondSchema,
)
from hub.core.errors import NotFound
from hub.web import jpeg_response, load_json, parse_id


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


@bp.delete('/me')
@login_limited()
def delete_me():
    """Delete my account (with my password); refused while I manage a care page (hand it over first)."""
    data = load_json(DeleteSchema())
    operations.delete_account(current_account(), data['password'])
    log_out()
    return '', 204
