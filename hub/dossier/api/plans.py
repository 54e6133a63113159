"""Care plans: reading them, and the manager approving or declining a version."""

from hub.account.access import current_account
from hub.circle.access import read_dossier
from hub.core.schemas import page_of
from hub.dossier import (
    plans,
    timeline,
)
from hub.dossier.access import sign_off
from hub.dossier.answer_schemas import (
    ApprovalSchema,
    DeclinationSchema,
    PlanQuerySchema,
    PlanSchema,
)
from hub.dossier.api.base import bp
from hub.dossier.schemas import (
    ApproveSchema,
    DeclineSchema,
)
from hub.web import parse_id


def _plan_json(row, approval, versions, goals=None, data=None):
    body = timeline.record_json(row)
    data = data or row.Record.data
    body['data'] = data
    body['plan_type'] = data.get('plan_type') or 'client'
    body['discipline'] = data.get('discipline')
    body['status'] = data.get('status')
    body['version'] = plans.plan_version(row.Record)
    body['versions'] = [{'version': v['version'], 'at': v['at'].isoformat()} for v in versions]
    body['approval'] = plans.approval_state(row.Record, approval)
    approved = approval is not None and approval.decision == 'approved'
    body['approved'] = {'version': approval.version, 'at': approval.approved_at.isoformat()} if approved else None
    body['declined'] = {'version': approval.version, 'at': approval.approved_at.isoformat(),
                        'comment': approval.comment} if approval is not None and not approved else None
    if goals is not None:
        body['goals'] = [{**goal.data, 'id': str(goal.id)} for goal in goals]
    return body


@bp.get('/circles/<circle_id>/plans', endpoint='plans')
@bp.response(200, page_of(PlanSchema))
def get_plans(circle_id):
    """Care plans with their version and approval state (step-up)"""
    member = read_dossier(current_account(), circle_id, 'plans')
    rows = plans.plans(member)
    ids = [row.Record.id for row in rows]
    found, versions = plans.approvals(member.circle_id, ids), plans.plan_versions(ids)
    return {'items': [_plan_json(row, found.get(row.Record.id),
                                 plans.version_list(row.Record, versions.get(row.Record.id, [])))
                      for row in rows]}


@bp.get('/circles/<circle_id>/plans/<plan_id>')
@bp.arguments(PlanQuerySchema, location='query')
@bp.response(200, PlanSchema)
def plan(query, circle_id, plan_id):
    """One care plan with its goals and actions (step-up); `version` an earlier one"""
    member = read_dossier(current_account(), circle_id, 'plan', plan_id[:40])
    read = plans.read_plan(member, parse_id(plan_id), query.get('version'))
    body = _plan_json(read.row, read.approval, read.versions, read.goals, read.data)
    body['shown_version'] = read.shown
    return body


@bp.post('/circles/<circle_id>/plans/<plan_id>/approve')
@bp.arguments(ApproveSchema)
@bp.response(201, ApprovalSchema)
def approve(body, circle_id, plan_id):
    """Approve the version you read, with `agree: true` (manager, second-factor code in the last 5 minutes); 409
    when it changed or was decided"""
    account = current_account()
    member = sign_off(account, circle_id)
    approval = plans.approve_plan(member, account, parse_id(plan_id), body['version'])
    return {'id': approval.id, 'plan_id': approval.record_id, 'version': approval.version,
            'approved_at': approval.approved_at, 'approved_by': account.name}


@bp.post('/circles/<circle_id>/plans/<plan_id>/decline')
@bp.arguments(DeclineSchema)
@bp.response(200, DeclinationSchema)
def decline(body, circle_id, plan_id):
    """Say you do not agree with the version you read, with a comment for the provider (manager, second-factor
    code in the last 5 minutes)"""
    account = current_account()
    member = sign_off(account, circle_id)
    decision = plans.decline_plan(member, account, parse_id(plan_id), body['version'], body['comment'])
    return {'id': decision.id, 'plan_id': decision.record_id, 'version': decision.version,
            'declined_at': decision.approved_at, 'declined_by': account.name, 'comment': decision.comment}
