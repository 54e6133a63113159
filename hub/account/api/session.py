"""Signing up and logging in: register, activate, the password, the second step, logging out, the terms."""

from flask import g, jsonify
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf

from hub.account import factors, operations, passkeys
from hub.account.access import (
    current_account,
    device_label,
    known_browser,
    log_in,
    log_out,
    login_limited,
    login_source,
    mark_known_browser,
    register_limit,
    set_device_cookie,
    start_login,
)
from hub.account.answer_schemas import (
    AccountSchema,
    LoggedInSchema,
    PasskeyOptionsSchema,
    PlainMessageSchema,
    SentSchema,
)
from hub.account.api.base import _proof, bp, wrong_code_response
from hub.account.codes import send_code
from hub.account.schemas import (
    ActivateSchema,
    CodeSchema,
    LoginSchema,
    MethodSchema,
    PasskeyMethodSchema,
    RegisterSchema,
    TermsSchema,
)
from hub.core.errors import Unauthenticated
from hub.extensions import limiter
from hub.web import error_response


def _pending():
    pending = g.get('pending_session')
    if pending is None:
        raise Unauthenticated(_l('Log in with your email address and password first.'))
    return pending


@bp.post('/accounts')
@bp.response(202, PlainMessageSchema)
@limiter.limit(register_limit)
@bp.arguments(RegisterSchema)
def register(data):
    """Register (always 202)"""
    operations.register(data)
    return {'message': str(_l('Check your email: we sent you a link to continue.'))}


@bp.post('/accounts/activate')
@bp.arguments(ActivateSchema)
@bp.response(200, AccountSchema)
def activate(data):
    """Set the first password and activate"""
    account = operations.activate(data['token'], data['password'])
    mark_known_browser(account.email)  # the link from the mail was opened here: this browser is the owner's
    return account


@bp.post('/session')
@bp.response(200, LoggedInSchema)
@login_limited()
@bp.arguments(LoginSchema)
def login(data):
    """Log in (may ask for a second factor)"""
    account = operations.authenticate(data['email'], data['password'], login_source(), known_browser(data['email']))
    if account is None:
        return error_response('invalid_credentials', operations.WRONG_CREDENTIALS, 401)
    if start_login(account):
        return {'second_factor': factors.login_methods(account), 'csrf_token': generate_csrf()}
    return {'account': account, 'csrf_token': generate_csrf()}


@bp.post('/session/second-factor/send')
@bp.response(202, SentSchema)
@login_limited()
@bp.arguments(MethodSchema)
def second_factor_send(data):
    """Send a login code by SMS, a call or mail"""
    pending = _pending()
    if data['method'] not in ('sms', 'voice', 'email') or data['method'] not in factors.login_methods(pending.account):
        return error_response('method_not_available', _l('This way of checking is not set up for your account.'), 400)
    to = pending.account.email if data['method'] == 'email' else pending.account.phone
    send_code(pending.account, pending, 'login', data['method'], to)
    return {'method': data['method'], 'sent': True}


@bp.post('/session/second-factor')
@bp.response(200, LoggedInSchema)
@login_limited()
@bp.arguments(CodeSchema)
def second_factor(data):
    """Give the second factor (method email: the code mailed at login on a new browser)"""
    pending = _pending()
    account = pending.account
    if not factors.verify_factor(account, pending, data['method'], _proof(data), 'account.login_second_factor'):
        return wrong_code_response(data['method'])
    log_in(account, second_factor=bool(account.second_factors), keep_age=True)
    answer = {'account': account, 'csrf_token': generate_csrf()}
    if data['remember_device'] and account.second_factors:
        return set_device_cookie(jsonify(LoggedInSchema().dump(answer)), factors.remember_device(account,
                                                                                                device_label()))
    return answer


@bp.post('/session/second-factor/options')
@bp.response(200, PasskeyOptionsSchema)
@login_limited()
@bp.arguments(PasskeyMethodSchema)
def second_factor_options(data):
    """WebAuthn request options to log in with a passkey (the challenge works once, for 5 minutes)"""
    pending = _pending()
    return passkeys.authentication_options(pending.account, pending, 'login')


@bp.delete('/session')
@bp.response(204)
def logout():
    """Log out"""
    current_account()
    log_out()
    return '', 204


@bp.post('/me/terms')
@bp.arguments(TermsSchema)
@bp.response(200, AccountSchema)
def accept_terms(data):
    """Accept the terms of use of `version` (needed after they changed: other calls answer 403 terms_changed until
    then)"""
    return operations.accept_terms(current_account(), data['version'])
