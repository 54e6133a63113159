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
from hub.account.api.base import _proof, account_json, bp, wrong_code_response
from hub.account.codes import send_code
from hub.account.schemas import (
    CodeSchema,
    MethodSchema,
    PasskeyMethodSchema,
    PasskeySchema,
    TotpCodeSchema,
)
from hub.web import error_response, load_json, parse_id


@bp.post('/me/recovery-codes')
def recovery_codes_new():
    """Ten new recovery codes (after the step-up), shown only now; the earlier ones stop working."""
    account = current_account()
    factors.require_step_up(current_session())
    codes = recovery.new_codes(account)
    factors.notify_factor_change(account, 'recovery')
    return {'codes': codes}, 201


@bp.get('/me/recovery-codes')
def recovery_codes_left():
    return {'remaining': recovery.remaining(current_account())}


def passkey_json(key):
    return {'id': str(key.id), 'name': key.name, 'created_at': key.created_at.isoformat(),
            'last_used_at': key.last_used_at.isoformat() if key.last_used_at else None}


@bp.post('/me/passkeys/options')
def passkey_options():
    """The WebAuthn creation options for a new passkey (step-up; for a first way, a fresh password)."""
    account, auth_session = current_account(), current_session()
    factors.require_factor_change(auth_session)
    return passkeys.registration_options(account, auth_session)


@bp.post('/me/passkeys')
def passkey_add():
    data = load_json(PasskeySchema())
    account, auth_session = current_account(), current_session()
    factors.require_factor_change(auth_session)
    key = factors.add_passkey(account, auth_session, data['credential'], data['name'])
    if key is None:
        return wrong_code_response('passkey')
    return passkey_json(key), 201


@bp.get('/me/passkeys')
def passkey_list():
    return {'items': [passkey_json(key) for key in passkeys.passkeys_of(current_account())], 'next': None}


@bp.delete('/me/passkeys/<passkey_id>')
def passkey_remove(passkey_id):
    account = current_account()
    factors.require_step_up(current_session())
    factors.remove_passkey(account, parse_id(passkey_id))
    return '', 204


@bp.post('/me/totp')
def totp_start():
    account = current_account()
    factors.require_factor_change(current_session())
    enrolment = factors.start_totp(account)
    return {**enrolment, 'qr_svg': factors.qr_svg(enrolment['otpauth_uri'])}, 201


@bp.post('/me/totp/verify')
@login_limited()
def totp_verify():
    data = load_json(TotpCodeSchema())
    account, auth_session = current_account(), current_session()
    if not factors.confirm_totp(account, auth_session, data['code']):
        return wrong_code_response()
    return account_json(account)


@bp.post('/step-up')
def step_up():
    data = load_json(MethodSchema())
    account = current_account()
    if data['method'] not in account.second_factors:
        return error_response('method_not_available', _l('This way of checking is not set up for your account.'), 400)
    if data['method'] == 'totp':
        return {'method': 'totp', 'sent': False}
    send_code(account, current_session(), 'step_up', data['method'], account.phone)
    return {'method': data['method'], 'sent': True}


@bp.post('/step-up/options')
@login_limited()
def step_up_options():
    """The WebAuthn request options for the step-up with a passkey."""
    load_json(PasskeyMethodSchema())
    return passkeys.authentication_options(current_account(), current_session(), 'step_up')


@bp.post('/step-up/verify')
@login_limited()
def step_up_verify():
    data = load_json(CodeSchema())
    account, auth_session = current_account(), current_session()
    if not factors.verify_factor(account, auth_session, data['method'], _proof(data), 'account.step_up'):
        return wrong_code_response(data['method'])
    log_in(account, second_factor=True, keep_age=True)  # a new session id after the step-up
    return {'account': account_json(account), 'csrf_token': generate_csrf()}
