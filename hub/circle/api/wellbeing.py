"""How are you doing: one's own answers."""

from flask_babel import lazy_gettext as _l

from hub.account.access import current_account
from hub.circle import wellbeing
from hub.circle.access import (
    require_helper,
)
from hub.circle.answer_schemas import CheckSchema, WellbeingAnswerSchema
from hub.circle.api.base import bp
from hub.circle.schemas import (
    WellbeingSchema,
)
from hub.core.errors import NotFound
from hub.web import parse_id


@bp.get('/me/wellbeing')
@bp.response(200, WellbeingAnswerSchema)
def my_wellbeing():
    """The strain questionnaire (EDIZ, 9 statements, answers 0–4) and my own history of it, newest first (for me
    alone; 403 not_helping without a care page)"""
    account = current_account()
    require_helper(account)
    checks = wellbeing.history(account)
    return {'questionnaire': wellbeing.questionnaire_json(), 'due': wellbeing.due(checks),
            'items': [wellbeing.check_json(check) for check in checks], 'next': None}


@bp.post('/me/wellbeing')
@bp.arguments(WellbeingSchema)
@bp.response(201, CheckSchema)
def fill_in_wellbeing(data):
    """Keep my answers: 201 with the score (0–9), its level (low, moderate, high) and whether the page points to
    support"""
    account = current_account()
    require_helper(account)
    return wellbeing.check_json(wellbeing.fill_in(account, data['answers']))


@bp.delete('/me/wellbeing/<check_id>')
@bp.response(204)
def remove_wellbeing(check_id):
    """Remove one of my lists (another's, or none: 404)"""
    if not wellbeing.remove(current_account(), parse_id(check_id)):
        raise NotFound(_l('There is no such list of yours.'))
    return '', 204
