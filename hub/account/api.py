"""The account routes of the JSON API."""

from flask import Blueprint, g, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf

from hub.account import factors, notifications, operations, passkeys, passwords, profile, recovery
from hub.account.access import (
    account_key,
    current_account,
    current_session,
    device_label,
    known_browser,
    log_in,
    log_out,
    login_limited,
    login_source,
    mark_known_browser,
    photo_limit,
    register_limit,
    set_device_cookie,
    start_login,
)
from hub.account.codes import send_code
from hub.account.notifications import settings_of
from hub.account.password_rules import strength
from hub.account.photos import MAX_BYTES, remove_photo, set_photo
from hub.account.schemas import (
    ActivateSchema,
    ChangePasswordSchema,
    CodeSchema,
    ForgotSchema,
    LoginSchema,
    MethodSchema,
    NotificationSettingsSchema,
    PasskeyMethodSchema,
    PasskeySchema,
    ProfileSchema,
    RegisterSchema,
    ResetSchema,
    ResetSendSchema,
    StrengthSchema,
    TermsSchema,
    TotpCodeSchema,
)
from hub.core.errors import AppError, Unauthenticated
from hub.extensions import limiter
from hub.web import error_response, load_json, parse_id, uploaded

bp = Blueprint('account_api', __name__, url_prefix='/api/v1')


def account_json(account):
    """Return the JSON of an account as its owner sees it."""
    return {'id': str(account.id), 'email': account.email, 'first_name': account.first_name,
            'last_name': account.last_name, 'language': account.language, 'timezone': account.timezone,
            'phone': account.phone, 'phone_pending': account.phone_pending, 'second_factors': account.second_factors,
            'notify_messages': settings_of(account)['message'] != 'off', 'password': password_json(account),
            'terms_version': account.terms_version}


def password_json(account):
    """Where the password stands, when passwords expire (PASSWORD_MAX_AGE_DAYS): the login says it."""
    age = operations.password_age(account)
    if age is None:
        return None
    return {'status': age['status'], 'expires_at': age['expires_at'].isoformat(), 'days_left': age['days_left']}


def wrong_code_response(method=None):
    error = factors.wrong_code_error(method)
    return error_response(error.code, error.message, error.status, error.fields)


@bp.post('/accounts')
@limiter.limit(register_limit)
def register():
    operations.register(load_json(RegisterSchema()))
    return {'message': str(_l('Check your email: we sent you a link to continue.'))}, 202


@bp.post('/accounts/activate')
def activate():
    data = load_json(ActivateSchema())
    account = operations.activate(data['token'], data['password'])
    mark_known_browser(account.email)  # the link from the mail was opened here: this browser is the owner's
    return account_json(account)


@bp.post('/session')
@login_limited()
def login():
    data = load_json(LoginSchema())
    account = operations.authenticate(data['email'], data['password'], login_source(), known_browser(data['email']))
    if account is None:
        return error_response('invalid_credentials', operations.WRONG_CREDENTIALS, 401)
    if start_login(account):
        return {'second_factor': factors.login_methods(account), 'csrf_token': generate_csrf()}
    return {'account': account_json(account), 'csrf_token': generate_csrf()}


@bp.post('/session/second-factor/send')
@login_limited()
def second_factor_send():
    data = load_json(MethodSchema())
    pending = g.get('pending_session')
    if pending is None:
        raise Unauthenticated(_l('Log in with your email address and password first.'))
    if data['method'] not in ('sms', 'voice', 'email') or data['method'] not in factors.login_methods(pending.account):
        return error_response('method_not_available', _l('This way of checking is not set up for your account.'), 400)
    to = pending.account.email if data['method'] == 'email' else pending.account.phone
    send_code(pending.account, pending, 'login', data['method'], to)
    return {'method': data['method'], 'sent': True}, 202


@bp.post('/session/second-factor')
@login_limited()
def second_factor():
    data = load_json(CodeSchema())
    pending = g.get('pending_session')
    if pending is None:
        raise Unauthenticated(_l('Log in with your email address and password first.'))
    account = pending.account
    if not factors.verify_factor(account, pending, data['method'], _proof(data), 'account.login_second_factor'):
        return wrong_code_response(data['method'])
    log_in(account, second_factor=bool(account.second_factors), keep_age=True)
    response = {'account': account_json(account), 'csrf_token': generate_csrf()}
    if data['remember_device'] and account.second_factors:
        from flask import jsonify
        return set_device_cookie(jsonify(response), factors.remember_device(account, device_label()))
    return response


def _proof(data):
    """What proves the second factor: the passkey's assertion, or the code."""
    return data['credential'] if data['method'] == 'passkey' else data['code']


@bp.post('/session/second-factor/options')
@login_limited()
def second_factor_options():
    """The WebAuthn request options for logging in with a passkey (the challenge works once, 5 minutes)."""
    load_json(PasskeyMethodSchema())
    pending = g.get('pending_session')
    if pending is None:
        raise Unauthenticated(_l('Log in with your email address and password first.'))
    return passkeys.authentication_options(pending.account, pending, 'login')


@bp.delete('/session')
def logout():
    current_account()
    log_out()
    return '', 204


@bp.post('/me/terms')
def accept_terms():
    """Accept the terms of use of the version shown (GET /terms): needed after they changed."""
    account = operations.accept_terms(current_account(), load_json(TermsSchema())['version'])
    return account_json(account)


@bp.get('/me')
def me():
    return account_json(current_account())


@bp.patch('/me')
def update_me():
    data = load_json(ProfileSchema())
    return account_json(profile.update_profile(current_account(), data, current_session()))


@bp.get('/me/notifications')
def my_notifications():
    """How I hear of each kind of event: ``immediate`` (a mail at once), ``daily`` (a digest) or ``off``."""
    return {'settings': notifications.settings_of(current_account())}


@bp.patch('/me/notifications')
def change_my_notifications():
    """Change how I hear of some kinds of event: ``{settings: {event_type: immediate|daily|off}}``."""
    data = load_json(NotificationSettingsSchema())
    return {'settings': notifications.change_settings(current_account(), data['settings'])}


@bp.post('/me/phone/verify')
@login_limited()
def verify_phone():
    data = load_json(TotpCodeSchema())
    account = current_account()
    if not profile.confirm_phone(account, current_session(), data['code']):
        return wrong_code_response()
    return account_json(account)


def session_json(item):
    return {'id': str(item.id), 'label': item.label, 'created_at': item.created_at.isoformat(),
            'last_seen_at': item.last_seen_at.isoformat(), 'current': item.id == g.auth_session.id}


@bp.get('/me/sessions')
def sessions():
    return {'items': [session_json(s) for s in profile.sessions_of(current_account())], 'next': None}


@bp.delete('/me/sessions')
def logout_everywhere():
    profile.end_every_session(current_account(), but=g.auth_session)
    log_out()
    return '', 204


@bp.delete('/me/sessions/<session_id>')
def end_one_session(session_id):
    profile.end_session_of(current_account(), parse_id(session_id))
    return '', 204


@bp.get('/me/devices')
def devices():
    items = profile.devices_of(current_account())
    return {'items': [{'id': str(d.id), 'label': d.label, 'created_at': d.created_at.isoformat(),
                       'expires_at': d.expires_at.isoformat(),
                       'last_used_at': d.last_used_at.isoformat() if d.last_used_at else None} for d in items],
            'next': None}


@bp.delete('/me/devices/<device_id>')
def forget_device(device_id):
    profile.forget_device(current_account(), parse_id(device_id))
    return '', 204


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


@bp.post('/password/forgot')
@login_limited()
def forgot():
    passwords.request_reset(load_json(ForgotSchema())['email'])
    return {'message': str(_l('If this address has an account, we sent it a link to choose a new password.'))}, 202


@bp.get('/password/reset')
def reset_info():
    account = passwords.account_for_reset(request.args.get('token'))
    return {'second_factor': account.code_factors}


@bp.post('/password/reset/send')
@login_limited()
def reset_send():
    data = load_json(ResetSendSchema())
    passwords.send_reset_code(data['token'], data['method'])
    return {'method': data['method'], 'sent': True}, 202


@bp.post('/password/reset')
@login_limited()
def reset():
    data = load_json(ResetSchema())
    account = passwords.account_for_reset(data['token'])
    if account.code_factors and not data['code']:
        return error_response('second_factor_required', _l('Enter the code from your authenticator app too.'), 400,
                              {'code': [str(_l('Enter the code from your authenticator app too.'))]})
    if passwords.reset_password(data['token'], data['password'], data['method'], data['code']) is None:
        return wrong_code_response()
    mark_known_browser(account.email)
    return {'message': str(_l('Your password is changed. You can log in with it now.'))}


@bp.post('/me/password')
@login_limited()
def change_password():
    data = load_json(ChangePasswordSchema())
    account = current_account()
    passwords.change_password(account, data['current_password'], data['password'])
    log_in(account, keep_age=True)  # every other session ended; this one goes on with a new id
    return {'account': account_json(account), 'csrf_token': generate_csrf()}


@bp.post('/password/strength')
@limiter.limit('60 per minute')
def password_strength():
    """How strong a password is, with hints; the person's own details count as easy to guess."""
    data = load_json(StrengthSchema())
    inputs = []
    account = g.get('account')
    if account is None and data.get('token'):
        try:
            account = operations.account_for_activation(data['token'])
        except AppError:
            try:
                account = passwords.account_for_reset(data['token'])
            except AppError:
                account = None
    if account is not None:
        inputs = [account.email, account.first_name, account.last_name]
    return strength(data['password'], inputs)


@bp.post('/me/photo')
@limiter.limit(photo_limit, key_func=account_key)
def upload_photo():
    account = current_account()
    data = uploaded('photo', MAX_BYTES)
    if data is None:
        return error_response('invalid_photo', _l('Choose a photo in JPEG or PNG, at most 5 MB.'), 422)
    set_photo(account, data)
    return {'photo': True}, 201


@bp.delete('/me/photo')
def delete_photo():
    remove_photo(current_account())
    return '', 204
