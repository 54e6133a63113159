"""Passwords: forgotten, reset, changed, and how strong a new one is."""

from flask import g
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf

from hub.account import operations, passwords
from hub.account.access import (
    current_account,
    log_in,
    login_limited,
    mark_known_browser,
)
from hub.account.answer_schemas import (
    LoggedInSchema,
    PlainMessageSchema,
    ResetInfoSchema,
    SentSchema,
    StrengthAnswerSchema,
)
from hub.account.api.base import bp, wrong_code_response
from hub.account.password_rules import strength
from hub.account.schemas import (
    ChangePasswordSchema,
    ForgotSchema,
    ResetQuerySchema,
    ResetSchema,
    ResetSendSchema,
    StrengthSchema,
)
from hub.core.errors import AppError
from hub.extensions import limiter
from hub.web import error_response


@bp.post('/password/forgot')
@bp.response(202, PlainMessageSchema)
@login_limited()
@bp.arguments(ForgotSchema)
def forgot(data):
    """Ask for a reset link (always 202)"""
    passwords.request_reset(data['email'])
    return {'message': str(_l('If this address has an account, we sent it a link to choose a new password.'))}


@bp.get('/password/reset')
@bp.arguments(ResetQuerySchema, location='query')
@bp.response(200, ResetInfoSchema)
def reset_info(query):
    """What a reset link needs"""
    return {'second_factor': passwords.account_for_reset(query.get('token')).code_factors}


@bp.post('/password/reset/send')
@bp.response(202, SentSchema)
@login_limited()
@bp.arguments(ResetSendSchema)
def reset_send(data):
    """Send the code for a reset link by SMS or a call"""
    passwords.send_reset_code(data['token'], data['method'])
    return {'method': data['method'], 'sent': True}


@bp.post('/password/reset')
@bp.response(200, PlainMessageSchema)
@login_limited()
@bp.arguments(ResetSchema)
def reset(data):
    """Set a new password with a reset link"""
    account = passwords.account_for_reset(data['token'])
    if account.code_factors and not data['code']:
        return error_response('second_factor_required', _l('Enter the code from your authenticator app too.'), 400,
                              {'code': [str(_l('Enter the code from your authenticator app too.'))]})
    if passwords.reset_password(data['token'], data['password'], data['method'], data['code']) is None:
        return wrong_code_response()
    mark_known_browser(account.email)
    return {'message': str(_l('Your password is changed. You can log in with it now.'))}


@bp.post('/me/password')
@bp.response(200, LoggedInSchema)
@login_limited()
@bp.arguments(ChangePasswordSchema)
def change_password(data):
    """Change my password"""
    account = current_account()
    passwords.change_password(account, data['current_password'], data['password'])
    log_in(account, keep_age=True)  # every other session ended; this one goes on with a new id
    return {'account': account, 'csrf_token': generate_csrf()}


@bp.post('/password/strength')
@bp.response(200, StrengthAnswerSchema)
@limiter.limit('60 per minute')
@bp.arguments(StrengthSchema)
def password_strength(data):
    """How strong a password is, with hints (the person's own details count as easy to guess)"""
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
