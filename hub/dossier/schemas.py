"""What the dossier routes take in."""

from marshmallow import RAISE, Schema, fields, validate


class ApproveSchema(Schema):
    class Meta:
        unknown = RAISE

    #: the version the person read and approves; a newer one on file answers 409
    version = fields.String(required=True, validate=validate.Length(min=1, max=64))
