"""Care plans: the list, one plan, approving or declining it."""


from flask import (
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from hub.account.access import login_required, step_up_redirect
from hub.circle.access import MANAGE, require
from hub.config import setting
from hub.dossier import (
    plans,
)
from hub.dossier.access import sign_off
from hub.dossier.schemas import (
    ApproveSchema,
    DeclineSchema,
)
from hub.dossier.views.base import _dossier_page, bp
from hub.web import form_data, form_step, parse_id


@bp.get('/circles/<circle_id>/plans', endpoint='plans')
@login_required
def plans_page(circle_id):
    member, unlock = _dossier_page(circle_id, 'plans')
    if unlock:
        return unlock
    rows = plans.plans(member)
    found = plans.approvals(member.circle_id, [row.Record.id for row in rows])  # one query for all plans
    states = {row.Record.id: plans.approval_state(row.Record, found.get(row.Record.id)) for row in rows}
    return render_template('dossier/plans.html', member=member, rows=rows, states=states)


@bp.get('/circles/<circle_id>/plans/<plan_id>')
@login_required
def plan(circle_id, plan_id):
    member, unlock = _dossier_page(circle_id, 'plan', plan_id)
    if unlock:
        return unlock
    return _plan_page(member, plan_id)


def _plan_page(member, plan_id, errors=None, status=200, values=None):
    """The plan, its state and the sign-off forms; a mailed link (``sign``) is checked and its problem told."""
    read = plans.read_plan(member, parse_id(plan_id), request.args.get('version'))
    token = request.args.get('sign')
    problem = plans.sign_off_link_problem(token, read.row, g.account, read.approval) if token else None
    return render_template('dossier/plan.html', member=member, row=read.row, data=read.data, goals=read.goals,
                           approval=read.approval, state=read.state, version=read.version, shown=read.shown,
                           versions=read.versions, done=request.args.get('done'), link_problem=problem,
                           errors=errors or {}, values=values or {}), status


def _decide(circle_id, plan_id, decide):
    """Run a sign-off step (approve or decline) from the plan page: a fresh code first, errors on the page."""
    back = url_for('dossier.plan', circle_id=circle_id, plan_id=plan_id)
    require(g.account, circle_id, MANAGE)
    unlock = step_up_redirect(setting('SIGN_OFF_MINUTES'), back=back)
    if unlock:
        return redirect(unlock, 303)
    member = sign_off(g.account, circle_id)
    values = form_data('version', 'comment')
    with form_step() as step:
        done = decide(member, values)
    if step.ok:
        return redirect(f'{back}?done={done}', 303)
    return _plan_page(member, plan_id, step.errors, step.status, values)


@bp.post('/circles/<circle_id>/plans/<plan_id>/approve')
@login_required
def approve(circle_id, plan_id):
    """Approve the version shown, after ticking that one read it and agrees; a recent code is asked first."""
    def decide(member, values):
        data = ApproveSchema().load({'version': values.get('version', ''),
                                     'agree': request.form.get('agree') == 'yes'})
        plans.approve_plan(member, g.account, parse_id(plan_id), data['version'])
        return 'approved'
    return _decide(circle_id, plan_id, decide)


@bp.post('/circles/<circle_id>/plans/<plan_id>/decline')
@login_required
def decline(circle_id, plan_id):
    """Say no to the version shown, with what one does not agree with; a recent code is asked first."""
    def decide(member, values):
        data = DeclineSchema().load({'version': values.get('version', ''), 'comment': values.get('comment', '')})
        plans.decline_plan(member, g.account, parse_id(plan_id), data['version'], data['comment'])
        return 'declined'
    return _decide(circle_id, plan_id, decide)
