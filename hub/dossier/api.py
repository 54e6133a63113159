"""The dossier routes of the JSON API."""

from flask_babel import lazy_gettext as _l

from hub.account.access import account_key, current_account, step_up_required, upload_limit
from hub.circle.access import MANAGE, READ_DOSSIER, member_first, read_dossier, require
from hub.circle.dossiers import client_name
from hub.core.audit import audit
from hub.core.errors import InvalidInput
from hub.core.schemas import CursorSchema, page_of
from hub.dossier import (
    accesses,
    contacts,
    corrections,
    data,
    documents,
    hiding,
    measurements,
    medication,
    operations,
    plans,
    shares,
    timeline,
)
from hub.dossier.access import change_contacts, correct, read_data, sign_off
from hub.dossier.answer_schemas import (
    AccessSchema,
    ApprovalSchema,
    ContactRequestSchema,
    CorrectionRequestSchema,
    DataSchema,
    DeclinationSchema,
    DocumentEntrySchema,
    DossierShareSchema,
    ExportQuerySchema,
    MeasurementsQuerySchema,
    MedicationEntrySchema,
    NewDossierShareSchema,
    PlanQuerySchema,
    PlanSchema,
    ReadSchema,
    ReportSchema,
    SeriesSchema,
    TimelineQuerySchema,
    TimelineSchema,
)
from hub.dossier.download import download, download_detail
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
from hub.extensions import limiter
from hub.web import ApiBlueprint, allow_large_body, file_response, load_form, multipart_body, parse_id, uploaded_file

bp = ApiBlueprint('dossier_api', __name__, url_prefix='/api/v1')
bp.before_request(member_first)  # who asks, before what they sent
allow_large_body('dossier_api.upload_document', documents.MAX_BYTES)

#: a file answered as it is (a document, opened)
FILE = {'description': 'The file itself', 'content': {'application/octet-stream': {'schema': {'type': 'string'}}}}


@bp.get('/circles/<circle_id>/timeline', endpoint='timeline')
@bp.arguments(TimelineQuerySchema, location='query')
@bp.response(200, TimelineSchema)
def get_timeline(query, circle_id):
    """Reports, plan cards and questionnaires, newest first (step-up)

    ``kind``: one of them. Each item says whether it came in after the member's previous visit (``new``); the first
    page begins a visit.
    """
    member = read_dossier(current_account(), circle_id, 'timeline')
    read = timeline.read_timeline(member, query.get('cursor'), query.get('kind'))
    return {'items': [{**timeline.record_json(row), 'new': timeline.is_new(row, read.last_visit)}
                      for row in read.rows], 'next': read.next_cursor,
            'last_visit': read.last_visit.isoformat() if read.last_visit else None, 'new_count': read.new_count}


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


@bp.get('/circles/<circle_id>/read')
@bp.response(200, ReadSchema)
def reading(circle_id):
    """The dossier by category ('Lezen'): goals, notes sent to the provider, questionnaires by title, agreements
    (actions of current plans), conditions (step-up)"""
    member = read_dossier(current_account(), circle_id, 'read')
    read = operations.read_by_category(member)
    return {'goals': [timeline.record_json(row) for row in read.goals],
            'notes': [timeline.record_json(row) for row in read.notes],
            'questionnaires': [{'title': title, 'count': len(rows), 'latest': timeline.record_json(rows[0])}
                               for title, rows in read.questionnaires],
            'agreements': [{**activity, 'plan_id': str(row.Record.id), 'plan_title': row.Record.data.get('title')}
                           for row, activity in read.agreements],
            'conditions': [timeline.record_json(row) for row in read.conditions]}


@bp.get('/circles/<circle_id>/reports/<record_id>')
@bp.response(200, ReportSchema)
def report(circle_id, record_id):
    """One report, with the ids of the report before it (`previous`, older) and after it (`next`; step-up)"""
    record_id = parse_id(record_id)  # first: only an id goes into the audit record
    member = read_dossier(current_account(), circle_id, 'report', record_id)
    read = operations.read_report(member, record_id)
    return {**timeline.record_json(read.row), 'previous': str(read.previous_id) if read.previous_id else None,
            'next': str(read.next_id) if read.next_id else None}


@bp.put('/circles/<circle_id>/records/<record_id>/hidden-from/<member_id>')
@bp.response(204)
def hide_record(circle_id, record_id, member_id):
    """Hide a record (a report, plan, measurement series, questionnaire, document) from one member (manager)

    A measurement hides its whole series: it is gone for them everywhere.
    """
    manager = require(current_account(), circle_id, MANAGE)
    hiding.hide(manager, current_account(), parse_id(record_id), parse_id(member_id))
    return '', 204


@bp.delete('/circles/<circle_id>/records/<record_id>/hidden-from/<member_id>')
@bp.response(204)
def show_record(circle_id, record_id, member_id):
    """Show a hidden record to the member again (manager)"""
    manager = require(current_account(), circle_id, MANAGE)
    hiding.show(manager, current_account(), parse_id(record_id), parse_id(member_id))
    return '', 204


@bp.get('/circles/<circle_id>/medication')
@bp.response(200, page_of(MedicationEntrySchema))
def medication_list(circle_id):
    """The medication list: the provider's entries and the members' own (source provider|member, status
    current|stopped; step-up)"""
    member = read_dossier(current_account(), circle_id, 'medication')
    return {'items': medication.medication_list(member)}


@bp.post('/circles/<circle_id>/medication')
@bp.arguments(MedicationSchema)
@bp.response(201, MedicationEntrySchema)
def add_medication(body, circle_id):
    """Add medication of one's own (over the counter, a supplement)"""
    account = current_account()
    member = require(account, circle_id, READ_DOSSIER)
    step_up_required()
    return medication.own_json(medication.add(member, account, body))


@bp.get('/circles/<circle_id>/documents')
@bp.response(200, page_of(DocumentEntrySchema))
def documents_list(circle_id):
    """The documents: the providers' (source provider, fetched when opened) and what members uploaded (source
    member; step-up)"""
    member = read_dossier(current_account(), circle_id, 'documents')
    return {'items': documents.documents_of(member)}


@bp.post('/circles/<circle_id>/documents')
@bp.doc(requestBody=multipart_body('file', 'title'))
@bp.response(201, DocumentEntrySchema)
@limiter.limit(upload_limit, key_func=account_key)
def upload_document(circle_id):
    """Upload a document (multipart: file, title?)

    A PDF, JPEG or PNG (checked by its content, at most 20 MB; 422 content_mismatch), or a FHIR R4 Bundle (JSON)
    whose resources are mapped into the care page (422 not_fhir).
    """
    account = current_account()
    member = require(account, circle_id, READ_DOSSIER)
    step_up_required()
    upload = uploaded_file('file', documents.MAX_BYTES)
    title = load_form(DocumentSchema(), 'title')['title']
    return documents.upload_json(documents.upload(member, account, title, upload))


@bp.get('/circles/<circle_id>/documents/<document_id>')
@bp.doc(responses={'200': FILE})
def document_file(circle_id, document_id):
    """Open a document: the file itself (audited; a provider's is fetched from the provider now)"""
    document_id = parse_id(document_id)
    member = read_dossier(current_account(), circle_id, 'document', document_id)
    content_type, data, title = documents.open_document(member, document_id)
    return file_response(data, content_type, documents.file_name(title, content_type),
                         content_type in documents.INLINE)


@bp.delete('/circles/<circle_id>/documents/<document_id>')
@bp.response(204)
def remove_document(circle_id, document_id):
    """Remove an upload (its uploader or the manager); a Bundle's records go with it"""
    account = current_account()
    member = require(account, circle_id, READ_DOSSIER)
    step_up_required()
    documents.remove(member, account, parse_id(document_id))
    return '', 204


@bp.delete('/circles/<circle_id>/medication/<entry_id>')
@bp.response(204)
def remove_medication(circle_id, entry_id):
    """Remove an entry one added oneself (or the manager); the provider's change only at the provider"""
    account = current_account()
    member = require(account, circle_id, READ_DOSSIER)
    medication.remove(member, account, parse_id(entry_id))
    return '', 204


@bp.post('/circles/<circle_id>/shares')
@bp.arguments(OutsiderShareSchema)
@bp.response(201, NewDossierShareSchema)
def create_share(body, circle_id):
    """Share parts of the dossier once with someone outside the care page (manager, step-up)

    The answer holds the link and the code (give them separately) and a SMART Health Link, shown this once.
    """
    account = current_account()
    manager = require(account, circle_id, MANAGE)
    step_up_required()  # medical data leaves the care page: the same fresh step as reading it (the share is audited)
    made = shares.make(manager, account, body['parts'], body['expires_in_days'], body['max_opens'])
    share = made.share
    share.url, share.code, share.shlink = made.url, made.code, made.shlink  # for this answer only: not kept
    return share


@bp.get('/circles/<circle_id>/shares')
@bp.response(200, page_of(DossierShareSchema))
def list_shares(circle_id):
    """The shares of a care page with their status (manager)"""
    manager = require(current_account(), circle_id, MANAGE)
    return {'items': shares.shares_of(manager)}


@bp.delete('/circles/<circle_id>/shares/<share_id>')
@bp.response(204)
def revoke_share(circle_id, share_id):
    """Stop a share: its link answers 410 (manager)"""
    manager = require(current_account(), circle_id, MANAGE)
    shares.revoke(manager, current_account(), parse_id(share_id))
    return '', 204


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


@bp.get('/circles/<circle_id>/data')
@bp.response(200, DataSchema)
def data_sections(circle_id):
    """The client's data in the sections this member may see: client, gp_pharmacy, insurances, contact_persons,
    care_team (step-up)"""
    member, shown = read_data(current_account(), circle_id)
    found = data.sections(member, shown) if shown else {}
    return {'sections': {name: [data.item_json(row) for row in rows] for name, rows in found.items()}}


@bp.post('/circles/<circle_id>/contact-persons')
@bp.arguments(ContactPersonSchema)
@bp.response(202, ContactRequestSchema)
def add_contact_person(body, circle_id):
    """Ask the care provider to add a contact person (manager, step-up): 202, the request"""
    account = current_account()
    member = change_contacts(account, circle_id, adding=True)
    dossier_id = body.pop('dossier_id')
    return contacts.request_contact(member, account, body, dossier_id=dossier_id)


@bp.patch('/circles/<circle_id>/contact-persons/<uuid:record_id>')  # a UUID: never the path of the requests
@bp.arguments(ContactChangeSchema)
@bp.response(202, ContactRequestSchema)
def change_contact_person(body, circle_id, record_id):
    """Ask the care provider to change a contact person's details (settings.contacts_edit, step-up)"""
    account = current_account()
    member = change_contacts(account, circle_id)
    return contacts.request_contact(member, account, body, record_id=record_id)


@bp.get('/circles/<circle_id>/contact-persons/requests')
@bp.response(200, page_of(ContactRequestSchema))
def contact_requests(circle_id):
    """Requests to add or change contact persons, newest first, each sent or received (data.contacts, step-up)"""
    member, _ = read_data(current_account(), circle_id, 'contact_persons')
    return {'items': contacts.requests_of(member)}


@bp.get('/circles/<circle_id>/corrections')
@bp.response(200, page_of(CorrectionRequestSchema))
def correction_requests(circle_id):
    """Requests to correct the dossier, newest first, with status sent, received, accepted, declined or failed and
    the answer (manager, step-up)"""
    member = correct(current_account(), circle_id)
    return {'items': corrections.requests_of(member)}


@bp.post('/circles/<circle_id>/corrections')
@bp.arguments(CorrectionSchema)
@bp.response(202, CorrectionRequestSchema)
def ask_correction(body, circle_id):
    """Ask the care provider to correct an item of the dossier (manager, step-up): 202, the request"""
    account = current_account()
    member = correct(account, circle_id)
    request = corrections.ask(member, account, body['record_id'], body['text'])
    [item] = corrections.requests_of(member, only=request.id)
    return item


@bp.get('/circles/<circle_id>/access-log')
@bp.arguments(CursorSchema, location='query')
@bp.response(200, page_of(AccessSchema))
def access_log(query, circle_id):
    """Who read or did what with the dossier data, newest first (manager)"""
    account = current_account()
    member = require(account, circle_id, MANAGE)
    rows, next_cursor = accesses.access_log(member, query.get('cursor'))
    audit('circle.access_log', 'R', actor=account, role=member.role, circle=member.circle_id, target='access-log')
    client = client_name(member.circle)  # the client on whose behalf each member reads
    return {'items': [{'id': row.AuditRecord.id, 'at': row.AuditRecord.at, 'event': row.AuditRecord.event,
                       'action': row.AuditRecord.action, 'outcome': row.AuditRecord.outcome,
                       'role': row.AuditRecord.actor_role, 'who': row.Account.name if row.Account else None,
                       'on_behalf_of': client, 'source': row.AuditRecord.source,
                       'dossier': {'id': row.AuditRecord.dossier_id, 'provider': row.provider}
                       if row.AuditRecord.dossier_id else None} for row in rows], 'next': next_cursor}


@bp.get('/circles/<circle_id>/measurements', endpoint='measurements')
@bp.arguments(MeasurementsQuerySchema, location='query')
@bp.response(200, page_of(SeriesSchema))
def get_measurements(query, circle_id):
    """Measurement series per code (weight, blood pressure, ...), oldest first, of the last `days` (default 365;
    step-up)"""
    member = read_dossier(current_account(), circle_id, 'measurements')
    days = query.get('days', str(measurements.MEASUREMENT_DAYS))
    if len(days) > 4 or not days.isdigit() or not 1 <= int(days) <= 3650:
        raise InvalidInput(_l('Give days as a number from 1 to 3650.'), code='invalid_days')
    series = measurements.measurements(member, int(days))
    return {'items': [{'series': name, 'unit': measurements.unit_of(rows[-1].Record),
                       'code': rows[-1].Record.data.get('code'),
                       'points': [{'id': str(row.Record.id), 'at': row.Record.occurred_at.isoformat(),
                                   **measurements.point_values(row.Record)} for row in rows]}
                      for name, rows in series.items()]}


@bp.get('/circles/<circle_id>/export')
@bp.arguments(ExportQuerySchema, location='query')
@bp.doc(responses={'200': {'description': 'The download', 'content': {
    'application/fhir+json': {'schema': {'type': 'object'}}, 'text/html': {'schema': {'type': 'string'}}}}})
def export(query, circle_id):
    """Blue Button download (step-up): `from` and `to` months (YYYY-MM), `format` fhir (a FHIR R4 Bundle, the
    default) or html (a readable page)"""
    member = read_dossier(current_account(), circle_id, 'export', download_detail(query))
    return download(member, query)
