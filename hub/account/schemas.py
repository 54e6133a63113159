"""What the account routes take (what they answer: hub/account/answer_schemas.py)."""

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate, validates, validates_schema

from hub.account.notifications import EVENTS, MODES
from hub.core.schemas import DutchSchema, Email, Invalid, StrictBoolean, StrictSchema, Text


class RegisterSchema(StrictSchema):
    email = Email(required=True, validate=validate.Length(max=254))
    first_name = Text(required=True, max_length=100)
    last_name = Text(required=True, max_length=100)
    accept_terms = StrictBoolean(required=True, metadata={'enum': [True]})
    language = fields.String(validate=validate.OneOf(['nl', 'en']))

    @validates('accept_terms')
    def _accepted(self, value, **kwargs):
        if value is not True:
            raise Invalid(_l('Accept the terms of use and the privacy statement to make an account.'))


class PasswordField(fields.String):
    """A password as typed; its rules live in operations.check_password."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Length(min=1, max=4096), **kwargs)


class ActivateSchema(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    password = PasswordField(required=True)


class LoginSchema(StrictSchema):
    email = Text(required=True, max_length=254)
    password = PasswordField(required=True)


class ForgotSchema(StrictSchema):
    email = Text(required=True, max_length=254)


class ResetSchema(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    password = PasswordField(required=True)
    method = fields.String(validate=validate.OneOf(['totp', 'sms', 'voice']), load_default='totp')
    code = fields.String(validate=validate.Length(min=1, max=20), load_default=None)


class ChangePasswordSchema(StrictSchema):
    current_password = PasswordField(required=True)
    password = PasswordField(required=True)


class DeleteSchema(StrictSchema):
    """Deleting one's account: the password again."""
    password = fields.String(required=True, validate=validate.Length(min=1, max=4096))


class CodeSchema(StrictSchema):
    """A second factor: a ``code`` (app, SMS, call, mail, recovery), or for ``passkey`` the ``credential`` (the
    assertion as ``PublicKeyCredential.toJSON()`` gives it)."""
    method = fields.String(required=True, validate=validate.OneOf(['passkey', 'totp', 'sms', 'voice', 'email',
                                                                   'recovery']))
    code = fields.String(validate=validate.Length(min=1, max=20))
    credential = fields.Dict(keys=fields.String(validate=validate.Length(max=100)))
    remember_device = StrictBoolean(load_default=False)

    #: a passkey brings its credential, every other way a code
    json_rules = {'if': {'properties': {'method': {'const': 'passkey'}}},
                  'then': {'required': ['credential'], 'not': {'required': ['code']}},
                  'else': {'required': ['code'], 'not': {'required': ['credential']}}}

    @validates_schema
    def _code_or_credential(self, data, **kwargs):
        passkey = data.get('method') == 'passkey'
        if passkey and ('credential' not in data or 'code' in data):
            raise Invalid(_l('Use your passkey again.'), field_name='credential')
        if not passkey and ('code' not in data or 'credential' in data):
            raise Invalid(_l('Type the code.'), field_name='code')


class MethodSchema(StrictSchema):
    method = fields.String(required=True, validate=validate.OneOf(['totp', 'sms', 'voice', 'email']))


class PasskeyMethodSchema(StrictSchema):
    """Ask for a passkey challenge at login or for the step-up."""
    method = fields.String(required=True, validate=validate.OneOf(['passkey']))


class PasskeySchema(StrictSchema):
    """A new passkey: what the browser made (``PublicKeyCredential.toJSON()``) and a name to know it by."""
    credential = fields.Dict(required=True, keys=fields.String(validate=validate.Length(max=100)))
    name = Text(required=True, max_length=100)


class TotpCodeSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=20))


class TermsSchema(StrictSchema):
    version = fields.String(required=True, validate=validate.Length(min=1, max=20))


class ResetSendSchema(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    method = fields.String(required=True, validate=validate.OneOf(['sms', 'voice']))


class StrengthSchema(StrictSchema):
    password = fields.String(required=True, validate=validate.Length(max=4096))
    token = fields.String(validate=validate.Length(max=2000))


class ProfileSchema(StrictSchema):
    first_name = Text(max_length=100)
    last_name = Text(max_length=100)
    language = fields.String(validate=validate.OneOf(['nl', 'en']))
    timezone = fields.String(validate=validate.Length(max=64))
    #: a new mobile number: it is used only after the code sent to it comes back
    phone = fields.String(validate=validate.Length(max=25), allow_none=True)
    #: a mail when a message comes in on a care page
    notify_messages = StrictBoolean()
    #: pages in easy read
    easy_read = StrictBoolean()

    #: what the documents say besides the fields (hub.openapi): the time zones there are
    json_rules = {'properties': {'timezone': {'enum': sorted(available_timezones())}}}

    @validates('timezone')
    def _zone(self, value, **kwargs):
        if value not in available_timezones():
            raise Invalid(_l('This time zone is not known. Choose one like Europe/Amsterdam.'))


class NotificationSettingsSchema(StrictSchema):
    """How a person hears of kinds of event: ``{settings: {event_type: immediate|daily|off}}`` (the others stay)."""
    settings = fields.Dict(keys=fields.String(validate=validate.Length(max=40)),
                           values=fields.String(validate=validate.Length(max=20)), required=True,
                           validate=validate.Length(min=1, max=20))
    #: each kind of event, set to one of the modes (hub.account.notifications checks them)
    json_rules = {'properties': {'settings': {'type': 'object', 'minProperties': 1, 'maxProperties': len(EVENTS),
                                              'propertyNames': {'enum': list(EVENTS)},
                                              'additionalProperties': {'enum': list(MODES)}}}}


class ResetQuerySchema(DutchSchema):
    token = fields.String(metadata={'description': 'The token of the reset link', 'minLength': 1, 'maxLength': 2000})


class SpeechSchema(StrictSchema):
    """A text to read aloud: a page, or one card of it."""
    text = Text(required=True, max_length=2000, multiline=True)
