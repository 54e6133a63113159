"""What the care page routes of the JSON API share: the blueprint ("circle_api") and the JSON of a care page,
a member and an invitation."""

from hub.circle.access import (
    access_ended,
    member_first,
    permissions_of,
)
from hub.circle.dossiers import client_name, providers_of
from hub.web import ApiBlueprint

bp = ApiBlueprint('circle_api', __name__, url_prefix='/api/v1')
bp.before_request(member_first)  # who asks, before what they sent


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
