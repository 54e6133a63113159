"""The client's goals in easy read ("Mijn doelen"): each goal with what is done for it, and two big buttons to say
what one thinks of it."""

from flask import (
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from hub.account.access import login_required
from hub.dossier import goals
from hub.dossier.schemas import GoalSaySchema
from hub.dossier.views.base import _dossier_page, bp
from hub.web import form_data, form_step, parse_id


@bp.route('/circles/<circle_id>/doelen', methods=['GET', 'POST'])
@login_required
def goals_page(circle_id):
    """The goals of the current care plans; "Dit wil ik" sends at once, "Dit wil ik anders" asks what first."""
    member, unlock = _dossier_page(circle_id, 'goals')
    if unlock:
        return unlock
    if request.method == 'POST':
        return _say(member, parse_id(request.form.get('goal_id')))
    return render_template('dossier/goals.html', member=member, goals=goals.my_goals(member),
                           sent=request.args.get('verstuurd'), errors={})


@bp.route('/circles/<circle_id>/doelen/<goal_id>/anders', methods=['GET', 'POST'])
@login_required
def goal_change_page(circle_id, goal_id):
    """One task: say what you want differently about one goal (a few words, or none), then send."""
    member, unlock = _dossier_page(circle_id, 'goals', goal_id[:40])
    if unlock:
        return unlock
    goal = goals.my_goal(member, parse_id(goal_id))
    if request.method == 'POST':
        return _say(member, goal.record.id, goal)
    return render_template('dossier/goal_change.html', member=member, goal=goal, errors={}, values={})


def _say(member, goal_id, goal=None):
    values = form_data('choice', 'text')
    with form_step() as step:
        body = GoalSaySchema().load({'choice': values.get('choice'), 'text': values.get('text') or None})
        _thread, to_provider = goals.say(member, g.account, goal_id, body['choice'], body.get('text'))
    if step.ok:
        return redirect(url_for('dossier.goals_page', circle_id=member.circle_id,
                                verstuurd='zorg' if to_provider else 'ja', _anchor='sent'), 303)
    if goal is not None:
        return render_template('dossier/goal_change.html', member=member, goal=goal, errors=step.errors,
                               values=values), step.status
    return render_template('dossier/goals.html', member=member, goals=goals.my_goals(member), sent=None,
                           errors=step.errors), step.status
