"""What the connect routes take (redeeming a coupling code, a provider issuing one) and answer (the dossiers
linked to a care page)."""

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from hub.careprovider.schemas import ProviderSchema
from hub.connect.operations import code_state
from hub.core.schemas import AnswerSchema, DutchSchema, StrictBoolean, StrictSchema, Text, worked_out

#: what to type, when the code is missing or cannot be one
_CODE_HINT = _l('Type the coupling code from the letter of your care provider, for example ABCD-EFGH-JKLM.')


class RedeemSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64, error=_CODE_HINT),
                         error_messages={'required': _CODE_HINT})
    circle_id = fields.UUID(load_default=None)
    #: a new care page for oneself: the one linking it is the client (they manage their own page)
    for_self = StrictBoolean(load_default=False)


class IssueSchema(StrictSchema):
    client_id = Text(required=True, max_length=200)
    transfer = StrictBoolean(load_default=False)


class DossierSchema(AnswerSchema):
    """A dossier linked to a care page: at which provider, and when it was last fetched."""

    id = fields.UUID(required=True)
    provider = fields.Nested(ProviderSchema, required=True)
    last_synced_at = fields.AwareDateTime(required=True, allow_none=True)


class CodesQuerySchema(DutchSchema):
    client_id = fields.String(metadata={'description': 'Only the codes of this client'})


class CouplingCodeSchema(AnswerSchema):
    """A coupling code as its provider sees it: for which client, in which state (the code itself is kept only as
    a keyed hash)."""

    id = fields.UUID(required=True)
    client_id = fields.String(required=True)
    state = worked_out(code_state, fields.String, required=True,
                       validate=validate.OneOf(['issued', 'redeemed', 'revoked', 'expired']))
    transfer = fields.Boolean(required=True)
    expires_at = fields.AwareDateTime(required=True)
    redeemed_at = fields.AwareDateTime(required=True, allow_none=True)
    revoked_at = fields.AwareDateTime(required=True, allow_none=True)


class IssuedCodeSchema(CouplingCodeSchema):
    """A code just issued, with the code itself: the only time it is shown."""

    code = fields.String(required=True)
