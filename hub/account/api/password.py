"""Passwords: forgotten, reset, changed, and how strong a new one is."""

from flask import g, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf

from hub.account import operations, passwords
from hub.account.access import (
    current_account,
    log_in,
    login_limited,
    mark_known_browser,
)
from hub.account.api.base import account_json, bp, wrong_code_response
from hub.account.password_rules import strength
from hub.account.schemas import (
    ChangePasswordSchema,
    ForgotSchema,
    ResetSchema,
    ResetSendSchema,
    StrengthSchema,
)
from hub.core.errors import AppError
from hub.extensions import limiter
from hub.web import error_response, load_json


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
