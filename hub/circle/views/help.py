"""Help requests: ask for help, sign up, withdraw."""

from flask import g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from hub.account.access import login_required
from hub.circle import help
from hub.circle.access import (
    require_calendar,
)
from hub.circle.schemas import (
    HelpRequestSchema,
)
from hub.circle.views.base import _FORM_FIELDS, _local_moment, bp
from hub.core.errors import InvalidInput
from hub.web import form_data, form_int, form_step, parse_id

HELP_FIELDS = ('title', 'kind', 'day', 'start', 'end', 'places', 'description')


@bp.route('/circles/<circle_id>/help', methods=['GET', 'POST'])
@login_required
def help_page(circle_id):
    """Help requests: ask for help, sign up, withdraw (the members who see the calendar)."""
    member = require_calendar(g.account, circle_id)
    errors, status, values = {}, 200, {'kind': 'ride', 'places': '1'}
    if request.method == 'POST':
        action = request.form.get('action', 'ask')
        if action in ('signup', 'withdraw', 'remove'):
            request_id = parse_id(request.form.get('request_id'))
            with form_step() as step:
                {'signup': help.sign_up, 'withdraw': help.withdraw,
                 'remove': help.remove}[action](member, g.account, request_id)
            if step.ok:
                return redirect(url_for('circle.help_page', circle_id=member.circle_id, done=action), 303)
        else:
            values = form_data(*HELP_FIELDS)
            with form_step() as step:
                help.ask(member, g.account, HelpRequestSchema().load(_help_values(values)))
            if step.ok:
                return redirect(url_for('circle.help_page', circle_id=member.circle_id, done='asked'), 303)
        errors, status = {_FORM_FIELDS.get(k, k): v for k, v in step.errors.items()}, step.status
    return render_template('circle/help.html', member=member, errors=errors, values=values,
                           requests=help.listed(member),
                           kinds=help.KIND_LABELS, done=request.args.get('done')), status


def _help_values(values):
    """What the help form says, as the API takes it (times in the person's zone)."""
    starts_at = _local_moment(values.get('day'), values.get('start'))
    ends_at = _local_moment(values.get('day'), values.get('end')) if values.get('end') else None
    if starts_at is None:
        raise InvalidInput(_l('Choose a day and a start time.'), fields={'start': [_l('Choose a day and a start time.')]})
    if values.get('end') and ends_at is None:
        raise InvalidInput(_l('Choose an end time, or leave it empty.'),
                           fields={'end': [_l('Choose an end time, or leave it empty.')]})
    return {'title': values.get('title', ''), 'kind': values.get('kind', ''), 'starts_at': starts_at.isoformat(),
            'ends_at': ends_at.isoformat() if ends_at else None, 'places': form_int(values.get('places') or '1'),
            'description': values.get('description') or None}
