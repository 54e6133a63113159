"""What the account routes of the JSON API share: the blueprint ("account_api")."""

from hub.account import factors
from hub.web import ApiBlueprint, error_response

bp = ApiBlueprint('account_api', __name__, url_prefix='/api/v1')


def wrong_code_response(method=None):
    error = factors.wrong_code_error(method)
    return error_response(error.code, error.message, error.status, error.fields)


def _proof(data):
    """What proves the second factor: the passkey's assertion, or the code."""
    return data['credential'] if data['method'] == 'passkey' else data['code']
