"""Input of the connect routes: redeeming a coupling code, and a provider issuing one."""

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from hub.core.schemas import StrictBoolean, StrictSchema, Text

#: what to type, when the code is missing or cannot be one
_CODE_HINT = _l('Type the coupling code from the letter of your care provider, for example ABCD-EFGH-JKLM.')


class RedeemSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64, error=_CODE_HINT),
                         error_messages={'required': _CODE_HINT})
    circle_id = fields.UUID(load_default=None)


class IssueSchema(StrictSchema):
    client_id = Text(required=True, max_length=200)
    transfer = StrictBoolean(load_default=False)
