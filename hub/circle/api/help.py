"""Help requests."""

from hub.account.access import current_account
from hub.circle import help
from hub.circle.access import (
    require_calendar,
)
from hub.circle.answer_schemas import HelpAnswerSchema
from hub.circle.api.base import bp
from hub.circle.schemas import (
    HelpRequestSchema,
)
from hub.core.schemas import page_of
from hub.web import parse_id


@bp.get('/circles/<circle_id>/help-requests')
@bp.response(200, page_of(HelpAnswerSchema))
def help_requests(circle_id):
    """Help requests from today on (a year ahead), by time, with who signed up (who sees the calendar)"""
    account = current_account()
    member = require_calendar(account, circle_id)
    return {'items': [help.request_json(r, account) for r in help.listed(member)]}


@bp.post('/circles/<circle_id>/help-requests')
@bp.arguments(HelpRequestSchema)
@bp.response(201, HelpAnswerSchema)
def ask_help(data, circle_id):
    """Ask for help (appointments.add)"""
    account = current_account()
    member = require_calendar(account, circle_id)
    return help.request_json(help.ask(member, account, data), account)


@bp.delete('/circles/<circle_id>/help-requests/<request_id>')
@bp.response(204)
def remove_help(circle_id, request_id):
    """Remove a help request (its author or the manager)"""
    account = current_account()
    help.remove(require_calendar(account, circle_id), account, parse_id(request_id))
    return '', 204


@bp.post('/circles/<circle_id>/help-requests/<request_id>/signup')
@bp.response(200, HelpAnswerSchema)
def sign_up_help(circle_id, request_id):
    """Sign up to help (409 when the places are taken)"""
    account = current_account()
    found = help.sign_up(require_calendar(account, circle_id), account, parse_id(request_id))
    return help.request_json(found, account)


@bp.delete('/circles/<circle_id>/help-requests/<request_id>/signup')
@bp.response(200, HelpAnswerSchema)
def withdraw_help(circle_id, request_id):
    """Withdraw from a help request"""
    account = current_account()
    found = help.withdraw(require_calendar(account, circle_id), account, parse_id(request_id))
    return help.request_json(found, account)
