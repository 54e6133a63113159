"""What the API answers about connected apps (never their tokens)."""

from marshmallow import fields

from hub.core.schemas import AnswerSchema


class AppNameSchema(AnswerSchema):
    name = fields.String(required=True)
    client_id = fields.String(required=True)


class ConnectedAppSchema(AnswerSchema):
    """An app a member lets read a care page: which, for whom, what (the scopes given), since and until when."""
    id = fields.String(required=True)
    app = fields.Nested(AppNameSchema, required=True)
    circle_id = fields.String(required=True)
    member = fields.String(required=True, metadata={'description': 'who consented (their name)'})
    scopes = fields.List(fields.String(), required=True)
    granted_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True)
    last_used_at = fields.DateTime(required=True, allow_none=True)


def connected_app(grant) -> dict:
    return {'id': str(grant.id), 'app': {'name': grant.app.name, 'client_id': grant.app.client_id},
            'circle_id': str(grant.circle_id), 'member': grant.member.account.name, 'scopes': grant.scope.split(),
            'granted_at': grant.created_at, 'expires_at': grant.expires_at, 'last_used_at': grant.last_used_at}
