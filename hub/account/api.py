"""The account routes of the JSON API."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf

from hub.account import operations
from hub.account.access import current_account, load_current_account, log_in, log_out
from hub.account.schemas import ActivateSchema, LoginSchema, RegisterSchema
from hub.web import error_response, load_json

bp = Blueprint('account_api', __name__, url_prefix='/api/v1')
bp.before_app_request(load_current_account)


def account_json(account):
    """Return the JSON of an account as its owner sees it."""
    return {'id': str(account.id), 'email': account.email, 'first_name': account.first_name,
            'last_name': account.last_name, 'language': account.language, 'timezone': account.timezone}


@bp.post('/accounts')
def register():
    operations.register(load_json(RegisterSchema()))
    return {'message': str(_l('Check your email: we sent you a link to continue.'))}, 202


@bp.post('/accounts/activate')
def activate():
    data = load_json(ActivateSchema())
    account = operations.activate(data['token'], data['password'])
    return account_json(account)


@bp.post('/session')
def login():
    data = load_json(LoginSchema())
    account = operations.authenticate(data['email'], data['password'])
    if account is None:
        return error_response('invalid_credentials', _l('The email address or password is not right.'), 401)
    log_in(account)
    return {'account': account_json(account), 'csrf_token': generate_csrf()}


@bp.delete('/session')
def logout():
    current_account()
    log_out()
    return '', 204


@bp.get('/me')
def me():
    return account_json(current_account())
