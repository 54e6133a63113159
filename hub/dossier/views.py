"""The care page itself: the client's name, latest reports, next appointments, the timeline, care plans."""

import json
from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from hub.account.access import account_key, login_required, step_up_redirect, upload_limit
from hub.circle import board, calendar, wellbeing
from hub.circle import help as helping
from hub.circle.access import MANAGE, READ_DOSSIER, can, read_dossier, refused, require
from hub.circle.dossiers import client_name, dossiers_of, source_name
from hub.circle.messages import file_provider_messages, threads, unread
from hub.circle.operations import circles_of, first_steps
from hub.config import setting
from hub.core.audit import audit
from hub.core.errors import AppError, InvalidInput, NotFound
from hub.core.timeutil import utcnow
from hub.dossier import (
    accesses,
    chart,
    contacts,
    corrections,
    data,
    documents,
    export,
    hiding,
    measurements,
    medication,
    operations,
    plans,
    shares,
    timeline,
)
from hub.dossier.access import change_contacts, correct, first_data_section, read_data, sign_off
from hub.dossier.download import LINE_LABELS, SERIES_LABELS, access_log_lines, download, download_detail
from hub.dossier.schemas import (
    ApproveSchema,
    ContactChangeSchema,
    ContactPersonSchema,
    CorrectionSchema,
    DeclineSchema,
    DocumentSchema,
    MedicationSchema,
    OutsiderShareSchema,
)
from hub.extensions import csrf, limiter
from hub.web import allow_large_body, file_response, form_data, form_int, form_step, parse_id, uploaded_file

bp = Blueprint('dossier', __name__, template_folder='templates')
allow_large_body('dossier.documents_page', documents.MAX_BYTES)

#: categories that say no more than "a report": a card is then titled by what sets it apart
GENERIC_CATEGORIES = frozenset({'rapportage', 'rapport', 'report', 'verslag', 'notitie'})
#: a title from the text: its first words
TITLE_WORDS = 6


def report_title(data: dict):
    """A report card's title, so that cards (and their links) differ: its own title, a telling category, the
    discipline, the care question, or the first words of the text; "Rapportage" only when there is nothing else."""
    category = (data.get('category') or '').strip()
    for candidate in (data.get('title'), category if category.casefold() not in GENERIC_CATEGORIES else None,
                      data.get('discipline'), data.get('care_question')):
        if candidate and str(candidate).strip():
            return str(candidate).strip()
    words = str(data.get('text') or '').split()
    if words:
        return ' '.join(words[:TITLE_WORDS]) + ('…' if len(words) > TITLE_WORDS else '')
    return category or _l('Report')


PLAN_STATUS = {'draft': _l('Draft'), 'active': _l('Active at the care provider'), 'on-hold': _l('Paused'),
               'revoked': _l('Stopped'), 'completed': _l('Finished'), 'unknown': _l('Status unknown')}


KIND_LABELS = {'demographics': _l('Client data'), 'contact_person': _l('Contact persons'),
               'practitioner': _l('Care professionals'), 'insurance': _l('Insurance'),
               'condition': _l('Health problems'), 'plan': _l('Care plans'), 'goal': _l('Goals'),
               'report': _l('Reports'), 'questionnaire': _l('Questionnaires'), 'measurement': _l('Measurements'),
               'appointment': _l('Appointments with the care provider'), 'message': _l('Messages from the care provider'),
               'medication': _l('Medication')}


GOAL_STATUS = {'proposed': _l('Proposed'), 'planned': _l('Planned'), 'accepted': _l('Agreed'), 'active': _l('Working on it'),
               'on-hold': _l('Paused'), 'completed': _l('Reached'), 'cancelled': _l('Stopped'),
               'rejected': _l('Not chosen')}
PLAN_EVENT_LABELS = {'plan_created': _l('New care plan'), 'plan_status': _l('Status of the care plan changed'),
                     'plan_evaluated': _l('Care plan evaluated'), 'plan_changed': _l('Care plan changed'),
                     'goal_evaluated': _l('Goal evaluated')}
GENDERS = {'male': _l('Man'), 'female': _l('Woman'), 'other': _l('Other'), 'unknown': _l('Unknown')}
PRACTITIONER_ROLES = {'general_practitioner': _l('GP'), 'pharmacy': _l('Pharmacy'), 'care_team': _l('Care team'),
                      'other': _l('Other')}


def template_helpers():
    """Labels and dates for the dossier templates (create_app adds them)."""
    return {'plan_status_label': lambda status: PLAN_STATUS.get(status, status or ''),
            'gender_label': lambda value: GENDERS.get(value, value or ''), 'data_sections': data.visible_sections,
            'goal_status_label': lambda value: GOAL_STATUS.get(value, value or ''),
            'number': lambda value: format_decimal(value, format='#,##0.##'),
            'practitioner_role': lambda value: PRACTITIONER_ROLES.get(value, value or ''),
            'kind_label': lambda kind: KIND_LABELS.get(kind, kind), 'now': utcnow,
            'medication_stopped': medication.is_stopped, 'report_title': report_title,
            'plan_event_label': lambda event: PLAN_EVENT_LABELS.get(event, event),
            'end_month': lambda end: end - timedelta(days=1), 'hide_choices': hiding.choices,
            'source_name': source_name, 'wellbeing_asked': wellbeing.asking}



@bp.get('/circles/<circle_id>')
@login_required
def overview(circle_id):
    member = require(g.account, circle_id)
    session['circle'] = str(member.circle_id)  # the care page to open next time
    linked = dossiers_of(member.circle_id, uploads=True)  # the latest and the new ones count uploads too
    dossiers = [dossier for dossier in linked if not dossier.uploaded_by]  # the providers' (sync state)
    reports, unlock, appointments = [], None, []
    if can(member, READ_DOSSIER):
        unlock = step_up_redirect()
        if unlock is None:  # one audit record for the read of the page (its reports and appointments)
            read_dossier(g.account, member.circle_id, 'overview')
            reports, _ = timeline.timeline(member, limit=3, dossiers=linked)
    if can(member, 'messages.provider'):
        file_provider_messages(member.circle_id)  # the provider's new messages count as unread at once
    if can(member, 'appointments.care'):
        appointments = operations.upcoming_appointments(member)
        if not (can(member, READ_DOSSIER) and unlock is None):  # else the overview's record covers them
            audit('dossier.appointments', 'R', actor=g.account, role=member.role, circle=member.circle_id,
                  target='appointments:overview')
    todo = operations.to_do(member, linked, dossier_open=unlock is None)
    coming = _coming(member, appointments)
    latest, counts = [], {}
    if can(member, 'messages'):
        latest, counts, _ = threads(member, limit=PREVIEW, looking=False)
    posts, _ = board.posts(member, limit=1)
    asked = helping.coming(member)[:PREVIEW]  # none for a member who does not see the calendar
    return render_template('dossier/overview.html', member=member, reports=reports, appointments=appointments,
                           todo=todo, coming=coming, threads=latest, counts=counts, posts=posts, asked=asked,
                           dossiers=dossiers, last_synced=operations.last_synced(dossiers),
                           linked=request.args.get('linked'), welcome=request.args.get('welcome'), unlock=unlock,
                           unread=unread(member), first_steps=first_steps(member),
                           others=[m for m in circles_of(g.account) if m.circle_id != member.circle_id])


#: what the care page's panels show of each list
PREVIEW = 3
#: how far ahead the agenda panel looks for helpers' appointments
AGENDA_DAYS = 14


def _coming(member, care_rows):
    """The next appointments for the agenda panel: helpers' (as the member may see them) and care ones, by time."""
    now = utcnow()
    items = [(o.starts_at, 'own', o) for o in calendar.occurrences(member, g.account, now,
                                                                      now + timedelta(days=AGENDA_DAYS))]
    items += [(row.Record.occurred_at, 'care', row) for row in care_rows]
    return sorted(items, key=lambda item: item[0])[:5]


@bp.get('/circles/<circle_id>/timeline', endpoint='timeline')
@login_required
def timeline_page(circle_id):
    member, unlock = _dossier_page(circle_id, 'timeline')
    if unlock:
        return unlock
    kind, cursor = request.args.get('kind') or None, request.args.get('cursor')
    if kind is not None and kind not in timeline.TIMELINE_KINDS:  # an odd filter: show everything
        return redirect(url_for('dossier.timeline', circle_id=member.circle_id), 303)
    read = timeline.read_timeline(member, cursor, kind)
    return render_template('dossier/timeline.html', member=member, rows=read.rows, next_cursor=read.next_cursor,
                           kind=kind, last_visit=read.last_visit, new_count=read.new_count, first_page=not cursor,
                           is_new=timeline.is_new, item_time=timeline.item_time)


def _dossier_page(circle_id, what, detail=None):
    """Check the capability, send to the step-up when needed, and audit the read; returns (member, redirect)."""
    try:
        require(g.account, circle_id, READ_DOSSIER)
    except AppError as exc:
        raise refused(exc, g.account, circle_id, f'dossier.{what}', 'R', what) from None
    unlock = step_up_redirect()
    if unlock:
        return None, redirect(unlock, 303)
    return read_dossier(g.account, circle_id, what, detail), None


@bp.get('/circles/<circle_id>/read')
@login_required
def reading(circle_id):
    """The dossier grouped by what it holds ("Lezen"): goals, notes, questionnaires, agreements, health problems."""
    member, unlock = _dossier_page(circle_id, 'read')
    if unlock:
        return unlock
    return render_template('dossier/read.html', member=member, read=operations.read_by_category(member))


@bp.get('/circles/<circle_id>/reports/<record_id>')
@login_required
def report(circle_id, record_id):
    """One report on a page of its own, with the one before and after it."""
    record_id = parse_id(record_id)  # first: only an id goes into the audit record
    member, unlock = _dossier_page(circle_id, 'report', record_id)
    if unlock:
        return unlock
    read = operations.read_report(member, record_id)
    return render_template('dossier/report.html', member=member, row=read.row, previous_id=read.previous_id,
                           next_id=read.next_id)


@bp.post('/circles/<circle_id>/records/<record_id>/hidden')
@login_required
def hidden_page(circle_id, record_id):
    """The manager chooses the helpers a record is hidden from (the others see it); then back to the record."""
    manager = require(g.account, circle_id, MANAGE)
    record_id = parse_id(record_id)
    hiding.hide_from_only(manager, g.account, record_id, set(request.form.getlist('member')))
    back = request.form.get('back')
    if back == 'documents':
        return redirect(url_for('dossier.documents_page', circle_id=manager.circle_id, hidden=1), 303)
    if back == 'plan':
        return redirect(url_for('dossier.plan', circle_id=manager.circle_id, plan_id=record_id, hidden=1), 303)
    return redirect(url_for('dossier.report', circle_id=manager.circle_id, record_id=record_id, hidden=1), 303)


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


@bp.get('/circles/<circle_id>/access-log')
@login_required
def access_log(circle_id):
    """The manager sees who read what of the dossier, and when."""
    member = require(g.account, circle_id, MANAGE)
    mine = request.args.get('mine') == '1'
    rows, next_cursor = accesses.access_log(member, request.args.get('cursor'),
                                              leave_out=None if mine else g.account.id)
    audit('circle.access_log', 'R', actor=g.account, role=member.role, circle=member.circle_id, target='access-log')
    return render_template('dossier/access_log.html', member=member, rows=accesses.per_person_per_day(rows),
                           next_cursor=next_cursor, labels=accesses.ACCESS_LABELS, mine=mine)




@bp.get('/circles/<circle_id>/access-log.csv')
@login_required
def access_log_csv(circle_id):
    """The whole access log as a CSV file (for a spreadsheet), for the manager; the download itself is audited."""
    member = require(g.account, circle_id, MANAGE)
    audit('circle.access_log', 'R', actor=g.account, role=member.role, circle=member.circle_id,
          target='access-log:csv')
    lines = access_log_lines(member.circle_id, client_name(member.circle) or '')
    name = f'wie-keek-in-het-dossier-{utcnow():%Y-%m-%d}.csv'
    return Response(stream_with_context(lines), mimetype='text/csv',  # Werkzeug adds charset=utf-8
                    headers={'Content-Disposition': f'attachment; filename="{name}"', 'Cache-Control': 'no-store'})


@bp.get('/circles/<circle_id>/measurements', endpoint='measurements')
@login_required
def measurements_page(circle_id):
    member, unlock = _dossier_page(circle_id, 'measurements')
    if unlock:
        return unlock
    series = measurements.measurements(member)
    return render_template('dossier/measurements.html', member=member, series=series,
                           charts={name: chart.chart(rows) for name, rows in series.items()},
                           values=measurements.point_values, unit_of=measurements.unit_of, labels=SERIES_LABELS,
                           line_labels=LINE_LABELS)


@bp.get('/circles/<circle_id>/export')
@login_required
def export_page(circle_id):
    """Choose the months and the format, then download (medical data: after the step-up)."""
    member, unlock = _dossier_page(circle_id, 'export' if request.args.get('download') else 'export_form',
                                   download_detail(request.args) if request.args.get('download') else None)
    if unlock:
        return unlock
    values, errors = {key: request.args.get(key, '') for key in ('from', 'to', 'format')}, {}
    if request.args.get('download'):
        try:
            return download(member, request.args)
        except InvalidInput as exc:  # the form again, with what was chosen and what to change
            errors = {'_form': [exc.message]}
    return render_template('dossier/export.html', member=member, values=values, errors=errors), 422 if errors else 200


@bp.route('/circles/<circle_id>/shares', methods=['GET', 'POST'])
@login_required
def shares_page(circle_id):
    """The manager shares parts of the dossier once with someone outside the care page, and sees and stops shares."""
    member = require(g.account, circle_id, MANAGE)  # as the API: the manager, after the step-up; the page reads no
    unlock = step_up_redirect()                      # dossier data (what a share holds is audited when it is made)
    if unlock:
        return redirect(unlock, 303)
    errors, values, status, made = {}, {'parts': [], 'expires_in_days': '7', 'max_opens': '3'}, 200, None
    if request.method == 'POST' and request.form.get('action') == 'revoke':
        shares.revoke(member, g.account, parse_id(request.form.get('share_id')))
        return redirect(url_for('dossier.shares_page', circle_id=member.circle_id, stopped=1), 303)
    if request.method == 'POST':
        values = {'parts': request.form.getlist('parts'), 'expires_in_days': request.form.get('expires_in_days', ''),
                  'max_opens': request.form.get('max_opens', '')}
        with form_step() as step:
            data = OutsiderShareSchema().load({'parts': values['parts'],
                                               'expires_in_days': form_int(values['expires_in_days'], 3),
                                               'max_opens': form_int(values['max_opens'], 3)})
            made = shares.make(member, g.account, data['parts'], data['expires_in_days'], data['max_opens'])
        errors, status = step.errors, step.status
        if made is not None:  # the form empty again, for the next share
            values = {'parts': [], 'expires_in_days': '7', 'max_opens': '3'}
    return render_template('dossier/shares.html', member=member, errors=errors, values=values, made=made,
                           shares=shares.shares_of(member), parts=shares.PART_LABELS,
                           share_status=shares.status, share_states=SHARE_STATES), status


@bp.route('/circles/<circle_id>/documents', methods=['GET', 'POST'])
@login_required
@limiter.limit(upload_limit, key_func=account_key, methods=['POST'],
               exempt_when=lambda: request.form.get('action') == 'remove')
def documents_page(circle_id):
    """The documents of the providers and what members uploaded; upload a file or a FHIR file; remove one's own."""
    member, unlock = _dossier_page(circle_id, 'documents')
    if unlock:
        return unlock
    errors, status, values = {}, 200, {}
    if request.method == 'POST' and request.form.get('action') == 'remove':
        documents.remove(member, g.account, parse_id(request.form.get('document_id')))
        return redirect(url_for('dossier.documents_page', circle_id=member.circle_id, removed=1), 303)
    if request.method == 'POST':
        values = form_data('title')
        with form_step() as step:
            upload = uploaded_file('file', documents.MAX_BYTES)
            title = DocumentSchema().load({'title': values.get('title') or None})['title']
            document = documents.upload(member, g.account, title, upload)
        if step.ok:
            return redirect(url_for('dossier.documents_page', circle_id=member.circle_id, added=document.kind), 303)
        errors, status = step.errors, step.status
    items = documents.documents_of(member)
    hide = {str(record_id): helpers for record_id, helpers in hiding.choices_for(
        member, [parse_id(item['id']) for item in items if item['source'] == 'provider']).items()} \
        if can(member, MANAGE) else {}
    return render_template('dossier/documents.html', member=member, items=items, hide=hide, errors=errors,
                           values=values), status


@bp.get('/circles/<circle_id>/documents/<document_id>')
@login_required
def document_page(circle_id, document_id):
    """Open one document (audited; a provider's is fetched from the provider now)."""
    document_id = parse_id(document_id)
    member, unlock = _dossier_page(circle_id, 'document', document_id)
    if unlock:
        return unlock
    content_type, data, title = documents.open_document(member, document_id)
    return file_response(data, content_type, documents.file_name(title, content_type),
                         content_type in documents.INLINE)


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


SHARE_STATES = {'revoked': _l('Stopped'), 'expired': _l('Expired'), 'used': _l('Opened as often as allowed'),
                'locked': _l('Locked after five wrong codes')}


@bp.route('/s/<token>', methods=['GET', 'POST'])
@limiter.limit('20 per minute', methods=['POST'])
def shared(token):
    """The page of a shared link, for someone without an account: the code first, then what was shared."""
    share = shares.by_token(token)
    errors, status = {}, 200
    if request.method == 'POST':
        left = shares.check_code(share, request.form.get('code', ''))
        if left is None:
            session[f'share-{share.id}'] = (utcnow() + SHARE_VIEW).isoformat()
            return _shared_view(share, token)
        if left == 0:
            return render_template('dossier/share_gone.html', message=shares.GONE['locked']), 410
        errors, status = {'code': [_l('This code is not right. Check the code you were given.')]}, 422
    return render_template('dossier/share_code.html', token=token, errors=errors), status


#: after the code, the FHIR file of the share can be fetched this long without another open
SHARE_VIEW = timedelta(minutes=15)


def _shared_view(share, token):
    rows = shares.shown_rows(share)
    grouped = export.by_kind(rows)
    name = next((row.Record.data.get('name') for row in rows if row.Record.kind == 'demographics'), None)
    return render_template('dossier/share_view.html', share=share, token=token, grouped=grouped, name=name,
                           kinds=export.KINDS, values=measurements.point_values, labels=SERIES_LABELS,
                           parts=shares.PART_LABELS)


@bp.get('/s/<token>/bundle')
def shared_bundle(token):
    """The shared data as a FHIR Bundle, right after the code was given on the link's page (no new open)."""
    share = shares.by_token(token, opened=True)
    until = session.get(f'share-{share.id}')
    if not until or until < utcnow().isoformat():
        return redirect(url_for('dossier.shared', token=token), 303)
    response = Response(json.dumps(shares.bundle_of(share), ensure_ascii=False, indent=1),
                        mimetype='application/fhir+json')
    response.headers['Content-Disposition'] = 'attachment; filename="gedeelde-gegevens.json"'
    return response


@bp.route('/s/<token>/manifest', methods=['POST', 'OPTIONS'])
@csrf.exempt
@limiter.limit('20 per minute', methods=['POST'])
def shared_manifest(token):
    """The SMART Health Link manifest: with the passcode, the encrypted file (any viewer, from any origin)."""
    if request.method == 'OPTIONS':
        response = Response(status=204)
    else:
        response = _manifest(token)
    response.headers['Access-Control-Allow-Origin'] = '*'
    response.headers['Access-Control-Allow-Methods'] = 'POST'
    response.headers['Access-Control-Allow-Headers'] = 'Content-Type'
    return response


def _manifest(token):
    try:
        share = shares.by_token(token)
    except AppError:  # the spec: an inactive link answers 404
        return _json(404, {'error': {'code': 'not_found', 'message': str(_l('This link does not exist.'))}})
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get('recipient'), str) or not body['recipient'].strip():
        return _json(400, {'error': {'code': 'invalid_request',
                                     'message': str(_l('Send JSON with a recipient and the passcode.'))}})
    try:
        left = shares.check_code(share, body.get('passcode'), source='shl')
    except AppError:  # a parallel try locked it, or took the last open
        return _json(404, {'error': {'code': 'not_found', 'message': str(_l('This link does not exist.'))}})
    if left is not None:
        return _json(401, {'remainingAttempts': left, 'error': {
            'code': 'wrong_code', 'message': str(_l('This code is not right. Check the code you were given.'))}})
    return _json(200, {'files': [{'contentType': 'application/fhir+json', 'embedded': share.shl_file}]})


def _json(status, body):
    response = jsonify(body)
    response.status_code = status
    return response


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
