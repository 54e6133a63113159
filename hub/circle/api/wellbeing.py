"""How are you doing: one's own answers."""

from flask_babel import lazy_gettext as _l

from hub.account.access import current_account
from hub.circle import wellbeing
from hub.circle.access import (
    require_helper,
)
from hub.circle.api.base import bp
from hub.circle.schemas import (
    WellbeingSchema,
)
from hub.core.errors import NotFound
from hub.web import load_json, parse_id


@bp.get('/me/wellbeing')
def my_wellbeing():
    """The strain questionnaire (EDIZ) and my own history of it: for me alone."""
    account = current_account()
    require_helper(account)
    checks = wellbeing.history(account)
    return {'questionnaire': wellbeing.questionnaire_json(), 'due': wellbeing.due(checks),
            'items': [wellbeing.check_json(check) for check in checks], 'next': None}


@bp.post('/me/wellbeing')
def fill_in_wellbeing():
    """Keep my answers to the nine statements: 201 with the score, its level, and whether to point to support."""
    account = current_account()
    require_helper(account)
    data = load_json(WellbeingSchema())
    return wellbeing.check_json(wellbeing.fill_in(account, data['answers'])), 201


@bp.delete('/me/wellbeing/<check_id>')
def remove_wellbeing(check_id):
    """Remove one of my lists (another's, or none: 404)."""
    if not wellbeing.remove(current_account(), parse_id(check_id)):
        raise NotFound(_l('There is no such list of yours.'))
    return '', 204
