"""The client's goals: each goal of the current care plans with what is done for it, and saying what one thinks of
a goal ("Dit wil ik", "Dit wil ik anders")."""

from hub.account.access import current_account
from hub.circle.access import read_dossier
from hub.core.schemas import page_of
from hub.dossier import goals
from hub.dossier.answer_schemas import GoalSaidSchema, GoalSchema
from hub.dossier.api.base import bp
from hub.dossier.schemas import GoalSaySchema
from hub.web import parse_id


def goal_json(goal: goals.Goal) -> dict:
    data = goal.record.data
    provider = goal.dossier.provider
    return {'id': str(goal.record.id), 'description': data['description'], 'area': data.get('area'),
            'status': data.get('lifecycle_status'), 'due': data.get('due'), 'achievement': data.get('achievement'),
            'actions': goal.actions,
            'provider': None if goal.dossier.uploaded_by else {'id': provider.id, 'name': provider.name}}


@bp.get('/circles/<circle_id>/goals')
@bp.response(200, page_of(GoalSchema))
def get_goals(circle_id):
    """The goals of the current care plans, with what is done for each (the client, or who reads the dossier;
    step-up)"""
    member = read_dossier(current_account(), circle_id, 'goals')
    return {'items': [goal_json(goal) for goal in goals.my_goals(member)]}


@bp.post('/circles/<circle_id>/goals/<goal_id>/say')
@bp.arguments(GoalSaySchema)
@bp.response(201, GoalSaidSchema)
def say(body, circle_id, goal_id):
    """Say what you think of a goal: `want` or `change`, with a few words if you like; a message for the trust
    group, and a note for the care provider where it takes them (step-up)"""
    account = current_account()
    member = read_dossier(account, circle_id, 'goals', goal_id[:40])
    thread, to_provider = goals.say(member, account, parse_id(goal_id), body['choice'], body.get('text'))
    return {'thread_id': str(thread.id), 'to_provider': to_provider}
