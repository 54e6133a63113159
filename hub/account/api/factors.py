"""Ways of the second step: recovery codes, passkeys, the code app, and the step-up before dossier data."""

from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf

from hub.account import factors, passkeys, recovery
from hub.account.access import (
    current_account,
    current_session,
    log_in,
    login_limited,
)
from hub.account.answer_schemas import (
    AccountSchema,
    LoggedInSchema,
    PasskeyAnswerSchema,
    PasskeyOptionsSchema,
    RecoveryCodesSchema,
    RemainingSchema,
    SentSchema,
    TotpEnrolmentSchema,
)
from hub.account.api.base import _proof, bp, wrong_code_response
from hub.account.codes import send_code
from hub.account.schemas import (
    CodeSchema,
    MethodSchema,
    PasskeyMethodSchema,
    PasskeySchema,
    TotpCodeSchema,
)
from hub.core.schemas import page_of
from hub.web import error_response, parse_id


@bp.post('/me/recovery-codes')
@bp.response(201, RecoveryCodesSchema)
def recovery_codes_new():
    """Ten new single-use recovery codes for a lost phone (step-up; the account has a second factor, else 409)

    Shown only now; the earlier ones stop working. Log in with one as method `recovery`.
    """
    account = current_account()
    factors.require_step_up(current_session())
    codes = recovery.new_codes(account)
    factors.notify_factor_change(account, 'recovery')
    return {'codes': codes}


@bp.get('/me/recovery-codes')
@bp.response(200, RemainingSchema)
def recovery_codes_left():
    """How many recovery codes are left"""
    return {'remaining': recovery.remaining(current_account())}


@bp.post('/me/passkeys/options')
@bp.response(200, PasskeyOptionsSchema)
def passkey_options():
    """WebAuthn creation options for a new passkey (step-up; for a first way a fresh password)"""
    account, auth_session = current_account(), current_session()
    factors.require_factor_change(auth_session)
    return passkeys.registration_options(account, auth_session)


@bp.post('/me/passkeys')
@bp.arguments(PasskeySchema)
@bp.response(201, PasskeyAnswerSchema)
def passkey_add(data):
    """Keep a new passkey: the credential as PublicKeyCredential.toJSON() gives it, and a name

    400 invalid_passkey when it does not check out; a mail tells the owner.
    """
    account, auth_session = current_account(), current_session()
    factors.require_factor_change(auth_session)
    key = factors.add_passkey(account, auth_session, data['credential'], data['name'])
    if key is None:
        return wrong_code_response('passkey')
    return key


@bp.get('/me/passkeys')
@bp.response(200, page_of(PasskeyAnswerSchema))
def passkey_list():
    """My passkeys, the newest first"""
    return {'items': passkeys.passkeys_of(current_account())}


@bp.delete('/me/passkeys/<passkey_id>')
@bp.response(204)
def passkey_remove(passkey_id):
    """Remove a passkey (step-up)"""
    account = current_account()
    factors.require_step_up(current_session())
    factors.remove_passkey(account, parse_id(passkey_id))
    return '', 204


@bp.post('/me/totp')
@bp.response(201, TotpEnrolmentSchema)
def totp_start():
    """Start enrolling an authenticator app"""
    account = current_account()
    factors.require_factor_change(current_session())
    enrolment = factors.start_totp(account)
    return {**enrolment, 'qr_svg': factors.qr_svg(enrolment['otpauth_uri'])}


@bp.post('/me/totp/verify')
@bp.response(200, AccountSchema)
@login_limited()
@bp.arguments(TotpCodeSchema)
def totp_verify(data):
    """Confirm the authenticator app with a code"""
    account, auth_session = current_account(), current_session()
    if not factors.confirm_totp(account, auth_session, data['code']):
        return wrong_code_response()
    return account


@bp.post('/step-up')
@bp.arguments(MethodSchema)
@bp.response(200, SentSchema)
def step_up(data):
    """Ask for a step-up code"""
    account = current_account()
    if data['method'] not in account.second_factors:
        return error_response('method_not_available', _l('This way of checking is not set up for your account.'), 400)
    if data['method'] == 'totp':
        return {'method': 'totp', 'sent': False}
    send_code(account, current_session(), 'step_up', data['method'], account.phone)
    return {'method': data['method'], 'sent': True}


@bp.post('/step-up/options')
@bp.response(200, PasskeyOptionsSchema)
@login_limited()
@bp.arguments(PasskeyMethodSchema)
def step_up_options(data):
    """WebAuthn request options for the step-up with a passkey"""
    return passkeys.authentication_options(current_account(), current_session(), 'step_up')


@bp.post('/step-up/verify')
@bp.response(200, LoggedInSchema)
@login_limited()
@bp.arguments(CodeSchema)
def step_up_verify(data):
    """Check a step-up code, or a passkey (method passkey with its credential)"""
    account, auth_session = current_account(), current_session()
    if not factors.verify_factor(account, auth_session, data['method'], _proof(data), 'account.step_up'):
        return wrong_code_response(data['method'])
    log_in(account, second_factor=True, keep_age=True)  # a new session id after the step-up
    return {'account': account, 'csrf_token': generate_csrf()}
