"""How are you doing: the monthly questions for people who help (their own, on no care page)."""

from flask import g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from hub.account.access import login_required
from hub.account.notifications import change_settings, settings_of
from hub.circle import wellbeing
from hub.circle.access import (
    require_helper,
)
from hub.circle.schemas import (
    WellbeingSchema,
)
from hub.circle.views.base import bp
from hub.web import form_step, parse_id


@bp.route('/wellbeing', methods=['GET', 'POST'])
@login_required
def wellbeing_page():
    """How am I doing: the nine statements of the EDIZ, my score over time (for me alone), support when it is high,
    and the monthly reminder on or off."""
    require_helper(g.account)
    errors, status, values = {}, 200, {}
    if request.method == 'POST' and request.form.get('action') == 'remove':
        wellbeing.remove(g.account, parse_id(request.form.get('check_id')))
        return redirect(url_for('circle.wellbeing_page', removed=1), 303)
    if request.method == 'POST' and request.form.get('action') == 'reminder':
        change_settings(g.account, {'wellbeing': 'off' if request.form.get('reminder') == 'off' else 'immediate'})
        return redirect(url_for('circle.wellbeing_page', reminder=1), 303)
    if request.method == 'POST':
        values = {f'q{number}': request.form.get(f'q{number}') for number in range(1, len(wellbeing.QUESTIONS) + 1)}
        errors = {key: [_l('Choose an answer.')] for key, value in values.items()
                  if value not in {str(answer) for answer in range(len(wellbeing.SCALE))}}
        status = 422
        if not errors:
            with form_step() as step:
                check = wellbeing.fill_in(g.account, WellbeingSchema().load(
                    {'answers': [int(value) for value in values.values()]})['answers'])
            if step.ok:
                return redirect(url_for('circle.wellbeing_page', done=check.id), 303)
            errors, status = step.errors, step.status
    checks = wellbeing.history(g.account)
    done = next((c for c in checks if str(c.id) == request.args.get('done')), None)
    return render_template('circle/wellbeing.html', errors=errors, values=values, checks=checks, done=done,
                           questions=wellbeing.QUESTIONS, scale=wellbeing.SCALE, level=wellbeing.level,
                           support=wellbeing.needs_support, due=wellbeing.due(checks),
                           reminder=settings_of(g.account)['wellbeing']), status
