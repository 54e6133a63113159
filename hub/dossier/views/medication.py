"""The medication list, with what members add themselves."""


from flask import (
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l

from hub.account.access import login_required
from hub.dossier import (
    medication,
)
from hub.dossier.schemas import (
    MedicationSchema,
)
from hub.dossier.views.base import _dossier_page, bp
from hub.web import form_data, form_step, parse_id


@bp.route('/circles/<circle_id>/medication', methods=['GET', 'POST'])
@login_required
def medication_page(circle_id):
    """The medication list: the provider's and the members' own, current ones first; add one of your own."""
    member, unlock = _dossier_page(circle_id, 'medication')
    if unlock:
        return unlock
    errors, values, status = {}, {}, 200
    if request.method == 'POST' and request.form.get('action') == 'remove':
        medication.remove(member, g.account, parse_id(request.form.get('entry_id')))
        return redirect(url_for('dossier.medication_page', circle_id=member.circle_id, removed=1), 303)
    if request.method == 'POST':
        values = form_data('name', 'dose', 'starts_on', 'ends_on')
        with form_step() as step:
            medication.add(member, g.account, MedicationSchema().load(
                {key: values.get(key) or None for key in ('name', 'dose', 'starts_on', 'ends_on')}))
        if step.ok:
            return redirect(url_for('dossier.medication_page', circle_id=member.circle_id, added=1), 303)
        errors, status = step.errors, step.status
    return render_template('dossier/medication.html', member=member, items=medication.medication_list(
        member), errors=errors, values=values, kinds=MEDICATION_KINDS), status


MEDICATION_KINDS = {'use': _l('Use'), 'agreement': _l('Prescribed'), 'administration_agreement': _l('How to give it'),
                    'dispense': _l('Handed out by the pharmacy')}
