"""What the dossier routes take in."""

from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, Schema, fields, validate

from hub.core.schemas import StrictBoolean, Text


class ApproveSchema(Schema):
    class Meta:
        unknown = RAISE

    #: the version the person read and approves; a newer one on file answers 409
    version = fields.String(required=True, validate=validate.Length(min=1, max=64))
    #: "I have read the plan and agree with it": nothing is approved without it
    agree = StrictBoolean(required=True, validate=validate.Equal(
        True, error=_l('Tick that you have read the plan and agree with it.')))


class DeclineSchema(Schema):
    class Meta:
        unknown = RAISE

    version = fields.String(required=True, validate=validate.Length(min=1, max=64))
    #: what the person does not agree with: it goes to the provider
    comment = Text(required=True, min_length=1, max_length=2000, multiline=True)
