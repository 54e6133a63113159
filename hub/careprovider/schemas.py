"""What the care provider parts answer: a provider as members see it, and the provider API's answers."""

from marshmallow import fields, validate

from hub.careprovider.common import OUTBOUND
from hub.core.schemas import AnswerSchema, DutchSchema


class ProviderSchema(AnswerSchema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)


class OutboxItemSchema(AnswerSchema):
    """An item for a provider system: its content is in the adapter's format. A delivered item keeps no content:
    its kind, client id and resource are null from then on."""

    id = fields.UUID(required=True)
    created_at = fields.AwareDateTime(required=True)
    kind = fields.Function(lambda item: item.payload.get('kind'), required=True, allow_none=True,
                                    metadata={'enum': [*OUTBOUND, None]})
    client_id = fields.Function(lambda item: item.payload.get('client_id'), required=True,
                                metadata={'type': ['string', 'null']})
    resource = fields.Function(lambda item: item.payload.get('resource'), required=True,
                               metadata={'type': ['object', 'null']})
    status = fields.Function(lambda item: 'delivered' if item.status == 'sent' else item.status, required=True,
                             metadata={'type': 'string', 'enum': ['pending', 'delivered']})


class PushedSchema(AnswerSchema):
    """What was taken of pushed records: counts per kind (``received`` in all), and each record refused, with why."""

    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    refused = fields.List(fields.Dict(), required=True)


class ReceivedSchema(AnswerSchema):
    received = fields.Integer(required=True, metadata={'description': 'How many changes the notification named'})


class TokenSchema(AnswerSchema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)
    scope = fields.String()


class TokenRequestSchema(DutchSchema):
    grant_type = fields.String(required=True, validate=validate.OneOf(['client_credentials']))
    scope = fields.String()


class OAuthErrorSchema(AnswerSchema):
    """An error of the token endpoint, as RFC 6749 section 5.2 says (not in the envelope of the rest)."""

    error = fields.String(required=True, validate=validate.OneOf([
        'invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type',
        'invalid_scope']))
    error_description = fields.String()
    error_uri = fields.String()
