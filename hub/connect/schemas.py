"""Input of the connect routes: redeeming a coupling code, and a provider issuing one."""

from marshmallow import fields, validate

from hub.core.schemas import StrictBoolean, StrictSchema, Text


class RedeemSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    circle_id = fields.UUID(load_default=None)


class IssueSchema(StrictSchema):
    client_id = Text(required=True, max_length=200)
    transfer = StrictBoolean(load_default=False)
