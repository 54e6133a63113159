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
from hub.circle.answer_schemas import CircleSchema, InvitationToMeSchema, MemberSchema, SentInvitationSchema
from hub.circle.api.base import bp
from hub.circle.schemas import (
    PROFILE_FIELDS,
    CircleChangeSchema,
    InvitationSchema,
    MemberChangeSchema,
    RespondSchema,
)
from hub.core.errors import NotFound
from hub.core.schemas import page_of
from hub.web import JPEG, jpeg_response, load_json, parse_id


@bp.get('/circles')
@bp.response(200, page_of(CircleSchema))
def circles():
    """My care pages"""
    return {'items': operations.circles_of(current_account())}


@bp.get('/circles/<circle_id>')
@bp.response(200, CircleSchema)
def circle(circle_id):
    """One care page"""
    return require(current_account(), circle_id)


@bp.patch('/circles/<circle_id>')
@bp.arguments(CircleChangeSchema)
@bp.response(200, CircleSchema)
def change_circle(data, circle_id):
    """Say whether you, the manager, are the client (`client_manages`); 409 `client_exists` while another member
    is the client or invited as the client"""
    manager = require(current_account(), circle_id)
    operations.set_client_manages(manager, data['client_manages'])
    return manager


@bp.get('/circles/<circle_id>/members')
@bp.response(200, page_of(MemberSchema))
def members(circle_id):
    """Members of a care page"""
    member = require(current_account(), circle_id)
    return {'items': operations.members_of(member.circle_id)}


@bp.patch('/circles/<circle_id>/members/<member_id>')
@bp.arguments(MemberChangeSchema)
@bp.response(200, MemberSchema)
def change_member(data, circle_id, member_id):
    """Change a helper's role, permissions, last day (ends_on) or basis (manager); change your own relation and
    phone (settings.profile)"""
    account = current_account()
    actor = require(account, circle_id)
    member = operations.member_of(actor.circle_id, parse_id(member_id))
    profile = {key: data.pop(key) for key in PROFILE_FIELDS if key in data}
    if data:
        operations.change_member(actor, member, data)
    if profile:
        operations.change_profile(actor, member, profile)
    return member


@bp.delete('/circles/<circle_id>/members/<member_id>')
@bp.response(204)
def remove_member(circle_id, member_id):
    """Remove a member, or leave"""
    actor = require(current_account(), circle_id)
    operations.remove_member(actor, operations.member_of(actor.circle_id, parse_id(member_id)))
    return '', 204


@bp.post('/circles/<circle_id>/invitations')
@bp.arguments(InvitationSchema)
@bp.response(201, SentInvitationSchema)
def invite(data, circle_id):
    """Invite a helper (manager)"""
    manager = require(current_account(), circle_id, MANAGE)
    return operations.invite_helper(manager, data)


@bp.get('/invitations')
@bp.response(200, page_of(InvitationToMeSchema))
def invitations():
    """Invitations to me"""
    return {'items': operations.invitations_for(current_account())}


#: the token of the mail's link is optional: a logged-in invitee may answer from the list
RESPOND_BODY = {'required': False, 'content': {'application/json': {'schema': RespondSchema}}}


def _respond(invitation_id):
    account = current_account()
    data = load_json(RespondSchema()) if request.content_length else {}
    invitation = operations.invitation_for(account, parse_id(invitation_id), data.get('token'))
    return account, invitation


@bp.post('/invitations/<invitation_id>/accept')
@bp.doc(requestBody=RESPOND_BODY)
@bp.response(200, CircleSchema)
def accept(invitation_id):
    """Accept an invitation"""
    account, invitation = _respond(invitation_id)
    return operations.accept_invitation(account, invitation)


@bp.post('/invitations/<invitation_id>/decline')
@bp.doc(requestBody=RESPOND_BODY)
@bp.response(200, SentInvitationSchema)
def decline(invitation_id):
    """Decline an invitation"""
    account, invitation = _respond(invitation_id)
    operations.decline_invitation(account, invitation)
    return invitation


@bp.get('/circles/<circle_id>/invitations')
@bp.response(200, page_of(SentInvitationSchema))
def circle_invitations(circle_id):
    """Open invitations of a care page (manager)"""
    manager = require(current_account(), circle_id, MANAGE)
    return {'items': operations.pending_invitations(manager)}


@bp.post('/circles/<circle_id>/invitations/<invitation_id>/resend')
@bp.response(200, SentInvitationSchema)
def resend(circle_id, invitation_id):
    """Send an invitation again (manager)"""
    manager = require(current_account(), circle_id, MANAGE)
    return operations.resend_invitation(manager, parse_id(invitation_id))


@bp.delete('/circles/<circle_id>/invitations/<invitation_id>')
@bp.response(204)
def revoke_invitation(circle_id, invitation_id):
    """Withdraw an invitation (manager)"""
    manager = require(current_account(), circle_id, MANAGE)
    operations.revoke_invitation(manager, parse_id(invitation_id))
    return '', 204


@bp.get('/accounts/<account_id>/photo')
@bp.doc(responses={'200': JPEG})
def photo(account_id):
    """A profile photo (people on a care page together, where they may show it: settings.photo)"""
    other = parse_id(account_id)
    found = photo_of(other) if photo_visible(current_account(), other) else None
    if found is None:
        raise NotFound('There is no photo.')
    return jpeg_response(found.data)


@bp.delete('/me')
@bp.response(204)
@login_limited()
@bp.arguments(DeleteSchema)
def delete_me(data):
    """Delete my account (with my password)

    Refused while I manage a care page (hand it over first).
    """
    operations.delete_account(current_account(), data['password'])
    log_out()
    return '', 204
