"""Help requests."""


from hub.account.access import current_account
from hub.circle import help
from hub.circle.access import (
    require_calendar,
)
from hub.circle.api.base import bp
from hub.circle.schemas import (
    HelpRequestSchema,
)
from hub.web import load_json, parse_id


@bp.get('/circles/<circle_id>/help-requests')
def help_requests(circle_id):
    """The help requests from today on (a year ahead), by time, with who signed up."""
    account = current_account()
    member = require_calendar(account, circle_id)
    return {'items': [help.request_json(r, account) for r in help.listed(member)], 'next': None}


@bp.post('/circles/<circle_id>/help-requests')
def ask_help(circle_id):
    account = current_account()
    member = require_calendar(account, circle_id)
    found = help.ask(member, account, load_json(HelpRequestSchema()))
    return help.request_json(found, account), 201


@bp.delete('/circles/<circle_id>/help-requests/<request_id>')
def remove_help(circle_id, request_id):
    account = current_account()
    help.remove(require_calendar(account, circle_id), account, parse_id(request_id))
    return '', 204


@bp.post('/circles/<circle_id>/help-requests/<request_id>/signup')
def sign_up_help(circle_id, request_id):
    account = current_account()
    found = help.sign_up(require_calendar(account, circle_id), account, parse_id(request_id))
    return help.request_json(found, account)


@bp.delete('/circles/<circle_id>/help-requests/<request_id>/signup')
def withdraw_help(circle_id, request_id):
    account = current_account()
    found = help.withdraw(require_calendar(account, circle_id), account, parse_id(request_id))
    return help.request_json(found, account)
