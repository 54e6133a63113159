"""Input of the circle routes."""

import re

from marshmallow import ValidationError, fields, validate, validates, validates_schema

from hub.circle.permissions import GRANTABLE
from hub.core.schemas import StrictSchema, Text


class InvitationSchema(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    first_name = Text(required=True, max_length=100)
    last_name = Text(required=True, max_length=100)
    phone = fields.String(load_default=None, allow_none=True)
    role = fields.String(required=True, validate=validate.OneOf(['basic', 'trust', 'custom']))
    permissions = fields.List(fields.String(), load_default=None)

    @validates('phone')
    def _phone(self, value, **kwargs):
        if value and not re.fullmatch(r'\+?\d{8,15}', value):
            raise ValidationError('Use digits only, for example 0612345678 or +31612345678.')

    @validates_schema
    def _permissions(self, data, **kwargs):
        chosen = data.get('permissions')
        if data.get('role') == 'custom' and chosen is None:
            raise ValidationError('Choose the permissions for a custom role.', 'permissions')
        if chosen is not None:
            if data.get('role') != 'custom':
                raise ValidationError('Permissions can only be chosen with the role custom.', 'permissions')
            unknown = set(chosen) - GRANTABLE
            if unknown:
                raise ValidationError(f'These cannot be given: {", ".join(sorted(unknown))}.', 'permissions')


class RespondSchema(StrictSchema):
    token = fields.String(validate=validate.Length(min=1, max=2000))
