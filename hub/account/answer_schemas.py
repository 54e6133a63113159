"""What the account routes answer: my account, the steps of logging in, my sessions, devices, passkeys, codes."""

from marshmallow import fields, validate

from hub.account import operations
from hub.account.access import current_session
from hub.account.notifications import MODES, settings_of
from hub.core.schemas import AnswerSchema, worked_out


class PasswordStateSchema(AnswerSchema):
    """Where the password stands, when passwords expire (PASSWORD_MAX_AGE_DAYS): the login says it."""

    status = fields.String(required=True, validate=validate.OneOf(['ok', 'expiring', 'expired']))
    expires_at = fields.AwareDateTime(required=True)
    days_left = fields.Integer(required=True)


class AccountSchema(AnswerSchema):
    """An account as its owner sees it."""

    id = fields.UUID(required=True)
    email = fields.String(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    language = fields.String(required=True, allow_none=True)
    timezone = fields.String(required=True, allow_none=True)
    phone = fields.String(required=True, allow_none=True)
    phone_pending = fields.String(required=True, allow_none=True)
    second_factors = fields.List(fields.String(), required=True)
    notify_messages = worked_out(lambda account: settings_of(account)['message'] != 'off', fields.Boolean,
                                 required=True)
    password = worked_out(operations.password_age, fields.Nested, PasswordStateSchema, required=True,
                          allow_none=True)
    terms_version = fields.String(required=True, allow_none=True)
    easy_read = fields.Boolean(required=True)


class PlainMessageSchema(AnswerSchema):
    """A sentence for the person (what happens next)."""

    message = fields.String(required=True)


class LoggedInSchema(AnswerSchema):
    """Logged in (``account``), or a second step to take first (``second_factor``: the ways it may be taken); the
    CSRF token for the session from here on."""

    account = fields.Nested(AccountSchema)
    second_factor = fields.List(fields.String())
    csrf_token = fields.String(required=True)


class SentSchema(AnswerSchema):
    method = fields.String(required=True)
    sent = fields.Boolean(required=True)


class PasskeyOptionsSchema(AnswerSchema):
    """WebAuthn options, as PublicKeyCredentialCreationOptions / RequestOptions JSON."""

    publicKey = fields.Dict(required=True)  # noqa: N815  WebAuthn's own name


class ResetInfoSchema(AnswerSchema):
    second_factor = fields.List(fields.String(), required=True,
                                metadata={'description': 'The ways a code for the reset can come'})


class StrengthAnswerSchema(AnswerSchema):
    score = fields.Integer(required=True, validate=validate.Range(0, 4))
    ok = fields.Boolean(required=True)
    problems = fields.List(fields.String(), required=True)
    suggestions = fields.List(fields.String(), required=True)


class NotificationsSchema(AnswerSchema):
    settings = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.OneOf(MODES)),
                           required=True)


class SessionSchema(AnswerSchema):
    """Where I am logged in."""

    id = fields.UUID(required=True)
    label = fields.String(required=True, allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    last_seen_at = fields.AwareDateTime(required=True)
    current = worked_out(lambda item: item.id == current_session().id, fields.Boolean, required=True,
                         metadata={'description': 'The session asking'})


class DeviceSchema(AnswerSchema):
    """A remembered browser: no second step there until it expires."""

    id = fields.UUID(required=True)
    label = fields.String(required=True, allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    expires_at = fields.AwareDateTime(required=True)
    last_used_at = fields.AwareDateTime(required=True, allow_none=True)


class PhotoSchema(AnswerSchema):
    photo = fields.Boolean(required=True)


class RecoveryCodesSchema(AnswerSchema):
    codes = fields.List(fields.String(validate=validate.Regexp('^[0-9A-Z]{5}-[0-9A-Z]{5}$')), required=True,
                        validate=validate.Length(equal=10))


class RemainingSchema(AnswerSchema):
    remaining = fields.Integer(required=True, validate=validate.Range(min=0))


class PasskeyAnswerSchema(AnswerSchema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    last_used_at = fields.AwareDateTime(required=True, allow_none=True)


class TotpEnrolmentSchema(AnswerSchema):
    """What the code app needs: the secret to type, or the otpauth URI as a QR code to scan."""

    secret = fields.String(required=True)
    otpauth_uri = fields.String(required=True)
    qr_svg = fields.String(required=True)
