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
from hub.account.api.base import _proof, account_json, bp, wrong_code_response
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
from hub.web import error_response, load_json


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
        return set_device_cookie(jsonify(response), factors.remember_device(account, device_label()))
    return response


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
