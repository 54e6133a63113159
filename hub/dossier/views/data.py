"""The client's data by section, and asking the provider to add or change a contact person."""


from flask import (
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l

from hub.account.access import login_required, step_up_redirect
from hub.circle.access import require
from hub.circle.dossiers import dossiers_of
from hub.core.errors import NotFound
from hub.dossier import (
    contacts,
    data,
)
from hub.dossier.access import change_contacts, first_data_section, read_data
from hub.dossier.schemas import (
    ContactChangeSchema,
    ContactPersonSchema,
)
from hub.dossier.views.base import bp
from hub.web import form_data, form_step, parse_id


@bp.get('/circles/<circle_id>/data')
@login_required
def data_index(circle_id):
    """The client's data: the first section this member may see."""
    member, section = first_data_section(g.account, circle_id)
    return redirect(url_for('dossier.data_page', circle_id=member.circle_id, section=section), 303)


@bp.get('/circles/<circle_id>/data/<section>')
@login_required
def data_page(circle_id, section):
    """One section of the client's data (client, GP and pharmacy, insurances, contact persons, care team)."""
    require(g.account, circle_id)  # a stranger (or an ended member) learns nothing of the sections
    if section not in data.SECTIONS:
        raise NotFound(_l('This page or item does not exist, or you may not see it.'))
    unlock = step_up_redirect()
    if unlock:
        return redirect(unlock, 303)
    member, shown = read_data(g.account, circle_id, section)
    requests = contacts.requests_of(member) if section == 'contact_persons' else []
    return render_template('dossier/data.html', member=member, section=section, labels=data.LABELS,
                           allowed=data.visible_sections(member), rows=data.sections(member, shown)[section],
                           requests=requests, request_status=contacts.status,
                           dossiers=dossiers_of(member.circle_id) if section == 'contact_persons' else [])


@bp.route('/circles/<circle_id>/data/contact_persons/add', methods=['GET', 'POST'])
@bp.route('/circles/<circle_id>/data/contact_persons/<record_id>/change', methods=['GET', 'POST'])
@login_required
def contact_request_page(circle_id, record_id=None):
    """Ask the provider to add a contact person (the manager), or to change one's details (``contacts_edit``)."""
    require(g.account, circle_id)
    unlock = step_up_redirect()
    if unlock:
        return redirect(unlock, 303)
    member = change_contacts(g.account, circle_id, adding=record_id is None)
    row = contacts.contact_person(member, parse_id(record_id)) if record_id else None
    dossiers = dossiers_of(member.circle_id)
    errors, status = {}, 200
    values = dict(row.Record.data) if row else {}
    if request.method == 'POST':
        values = form_data('name', 'relationship', 'phone', 'email', 'dossier_id')
        entered = {key: values.get(key) or (None if key != 'name' else '') for key in contacts.FIELDS}
        with form_step() as step:
            if row:
                body = ContactChangeSchema().load(entered)
                contacts.request_contact(member, g.account, body, record_id=row.Record.id)
            else:
                body = ContactPersonSchema().load({**entered, 'dossier_id': values.get('dossier_id') or None})
                contacts.request_contact(member, g.account, body, dossier_id=body.pop('dossier_id'))
        if step.ok:
            return redirect(url_for('dossier.data_page', circle_id=member.circle_id, section='contact_persons',
                                    requested=1), 303)
        errors, status = step.errors, step.status
    return render_template('dossier/contact_request.html', member=member, row=row, values=values, errors=errors,
                           dossiers=dossiers), status
