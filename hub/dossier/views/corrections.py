"""Asking the provider to correct the dossier."""


from flask import (
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l

from hub.account.access import login_required, step_up_redirect
from hub.circle.access import MANAGE, require
from hub.core.errors import AppError
from hub.dossier import (
    corrections,
)
from hub.dossier.access import correct
from hub.dossier.schemas import (
    CorrectionSchema,
)
from hub.dossier.views.base import bp
from hub.web import form_data, form_step, parse_id


@bp.route('/circles/<circle_id>/corrections', methods=['GET', 'POST'])
@login_required
def corrections_page(circle_id):
    """The manager asks the provider to correct an item (``?record=<id>`` names it) and sees what came of it."""
    require(g.account, circle_id, MANAGE)
    unlock = step_up_redirect()
    if unlock:
        return redirect(unlock, 303)
    member = correct(g.account, circle_id)
    errors, status = {}, 200
    values = form_data('record_id', 'text') if request.method == 'POST' else {'record_id': request.args.get('record')}
    if request.method == 'POST':
        with form_step() as step:
            body = CorrectionSchema().load({key: values.get(key) or None for key in ('record_id', 'text')})
            corrections.ask(member, g.account, body['record_id'], body['text'])
        if step.ok:
            return redirect(url_for('dossier.corrections_page', circle_id=member.circle_id, sent=1), 303)
        errors, status = step.errors, step.status
    chosen = None
    if values.get('record_id'):
        try:
            chosen = corrections.correctable(member, parse_id(values['record_id'])).Record
        except AppError:
            errors.setdefault('record_id', [_l('There is no such item on this care page.')])
    return render_template('dossier/corrections.html', member=member, errors=errors, values=values, chosen=chosen,
                           describe=corrections.describe, requests=corrections.requests_of(member),
                           states=CORRECTION_STATES, items=ITEM_LABELS), status


#: one item of each kind, as a request to correct it names it
ITEM_LABELS = {'report': _l('Report'), 'plan': _l('Care plan'), 'goal': _l('Goal'), 'measurement': _l('Measurement'),
               'medication': _l('Medicine'), 'demographics': _l('Client data'), 'contact_person': _l('Contact person'),
               'practitioner': _l('Care professional'), 'insurance': _l('Insurance'), 'condition': _l('Health problem'),
               'questionnaire': _l('Questionnaire'), 'appointment': _l('Appointment')}
CORRECTION_STATES = {'sent': _l('Sent'), 'received': _l('Received by the care provider'), 'accepted': _l('Accepted'),
                     'declined': _l('Not accepted'), 'failed': _l('Could not be delivered')}
