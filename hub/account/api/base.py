"""What the account routes of the JSON API share: the blueprint ("account_api") and the JSON of an account."""

from hub.account import factors, operations
from hub.account.notifications import settings_of
from hub.web import ApiBlueprint, error_response

bp = ApiBlueprint('account_api', __name__, url_prefix='/api/v1')


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


def _proof(data):
    """What proves the second factor: the passkey's assertion, or the code."""
    return data['credential'] if data['method'] == 'passkey' else data['code']
