"""The dossier routes of the JSON API."""

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l

from hub.account.access import account_key, current_account, step_up_required, upload_limit
from hub.circle.access import MANAGE, READ_DOSSIER, read_dossier, require
from hub.circle.dossiers import client_name
from hub.core.audit import audit
from hub.core.errors import InvalidInput
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
from hub.web import allow_large_body, file_response, load_form, load_json, parse_id, uploaded_file

bp = Blueprint('dossier_api', __name__, url_prefix='/api/v1')
allow_large_body('dossier_api.upload_document', documents.MAX_BYTES)


@bp.get('/circles/<circle_id>/timeline', endpoint='timeline')
def get_timeline(circle_id):
    """Reports, plans and questionnaires, newest first (``kind``: one of them); each item says whether it came
    in after the member's previous visit (``new``); the first page begins a visit."""
    member = read_dossier(current_account(), circle_id, 'timeline')
    read = timeline.read_timeline(member, request.args.get('cursor'), request.args.get('kind'))
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
def reading(circle_id):
    """The dossier grouped by category ("Lezen"): goals, the notes sent to the provider, questionnaires by title,
    agreements (the actions of the current plans) and health problems."""
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
def report(circle_id, record_id):
    """One report, with the ids of the one before and after it (``previous``, ``next``), for reading one by one."""
    record_id = parse_id(record_id)  # first: only an id goes into the audit record
    member = read_dossier(current_account(), circle_id, 'report', record_id)
    read = operations.read_report(member, record_id)
    return {**timeline.record_json(read.row), 'previous': str(read.previous_id) if read.previous_id else None,
            'next': str(read.next_id) if read.next_id else None}


@bp.put('/circles/<circle_id>/records/<record_id>/hidden-from/<member_id>')
def hide_record(circle_id, record_id, member_id):
    """The manager hides a record (a measurement: its series) from one member: it is gone for them everywhere."""
    manager = require(current_account(), circle_id, MANAGE)
    hiding.hide(manager, current_account(), parse_id(record_id), parse_id(member_id))
    return '', 204


@bp.delete('/circles/<circle_id>/records/<record_id>/hidden-from/<member_id>')
def show_record(circle_id, record_id, member_id):
    """The manager shows a hidden record to the member again."""
    manager = require(current_account(), circle_id, MANAGE)
    hiding.show(manager, current_account(), parse_id(record_id), parse_id(member_id))
    return '', 204


@bp.get('/circles/<circle_id>/medication')
def medication_list(circle_id):
    """The medication list: the provider's entries and the members' own, each with ``source`` and ``status``."""
    member = read_dossier(current_account(), circle_id, 'medication')
    return {'items': medication.medication_list(member), 'next': None}


@bp.post('/circles/<circle_id>/medication')
def add_medication(circle_id):
    """A member adds medication of their own (over the counter, a supplement); marked as theirs."""
    account = current_account()
    member = require(account, circle_id, READ_DOSSIER)
    step_up_required()
    return medication.own_json(medication.add(member, account, load_json(MedicationSchema()))), 201


@bp.get('/circles/<circle_id>/documents')
def documents_list(circle_id):
    """The documents: the providers' (``source: provider``) and what members uploaded (``source: member``)."""
    member = read_dossier(current_account(), circle_id, 'documents')
    return {'items': documents.documents_of(member), 'next': None}


@bp.post('/circles/<circle_id>/documents')
@limiter.limit(upload_limit, key_func=account_key)
def upload_document(circle_id):
    """Upload a file (multipart ``file``, ``title``): a PDF, JPEG or PNG is kept; a FHIR Bundle is mapped."""
    account = current_account()
    member = require(account, circle_id, READ_DOSSIER)
    step_up_required()
    upload = uploaded_file('file', documents.MAX_BYTES)
    title = load_form(DocumentSchema(), 'title')['title']
    return documents.upload_json(documents.upload(member, account, title, upload)), 201


@bp.get('/circles/<circle_id>/documents/<document_id>')
def document_file(circle_id, document_id):
    """Open a document (the file itself; a provider's is fetched from the provider now). Audited."""
    document_id = parse_id(document_id)
    member = read_dossier(current_account(), circle_id, 'document', document_id)
    content_type, data, title = documents.open_document(member, document_id)
    return file_response(data, content_type, documents.file_name(title, content_type),
                         content_type in documents.INLINE)


@bp.delete('/circles/<circle_id>/documents/<document_id>')
def remove_document(circle_id, document_id):
    """Remove an upload (its uploader or the manager); a Bundle's records go with it."""
    account = current_account()
    member = require(account, circle_id, READ_DOSSIER)
    step_up_required()
    documents.remove(member, account, parse_id(document_id))
    return '', 204


@bp.delete('/circles/<circle_id>/medication/<entry_id>')
def remove_medication(circle_id, entry_id):
    """Remove an entry one added oneself (the provider's entries change only at the provider)."""
    account = current_account()
    member = require(account, circle_id, READ_DOSSIER)
    medication.remove(member, account, parse_id(entry_id))
    return '', 204


def share_json(share) -> dict:
    return {'id': str(share.id), 'parts': share.parts, 'expires_at': share.expires_at.isoformat(),
            'max_opens': share.max_opens, 'opens': share.opens, 'status': shares.status(share),
            'created_at': share.created_at.isoformat(),
            'last_opened_at': share.last_opened_at.isoformat() if share.last_opened_at else None}


@bp.post('/circles/<circle_id>/shares')
def create_share(circle_id):
    """The manager shares parts of the dossier once with someone outside the care page (after the step-up): the
    answer holds the link and the code (give them separately) and a SMART Health Link, shown this once."""
    account = current_account()
    manager = require(account, circle_id, MANAGE)
    step_up_required()  # medical data leaves the care page: the same fresh step as reading it (the share is audited)
    data = load_json(OutsiderShareSchema())
    made = shares.make(manager, account, data['parts'], data['expires_in_days'], data['max_opens'])
    return {**share_json(made.share), 'url': made.url, 'code': made.code, 'shlink': made.shlink}, 201


@bp.get('/circles/<circle_id>/shares')
def list_shares(circle_id):
    manager = require(current_account(), circle_id, MANAGE)
    return {'items': [share_json(share) for share in shares.shares_of(manager)], 'next': None}


@bp.delete('/circles/<circle_id>/shares/<share_id>')
def revoke_share(circle_id, share_id):
    manager = require(current_account(), circle_id, MANAGE)
    shares.revoke(manager, current_account(), parse_id(share_id))
    return '', 204


@bp.get('/circles/<circle_id>/plans', endpoint='plans')
def get_plans(circle_id):
    member = read_dossier(current_account(), circle_id, 'plans')
    rows = plans.plans(member)
    ids = [row.Record.id for row in rows]
    found, versions = plans.approvals(member.circle_id, ids), plans.plan_versions(ids)
    return {'items': [_plan_json(row, found.get(row.Record.id),
                                 plans.version_list(row.Record, versions.get(row.Record.id, [])))
                      for row in rows], 'next': None}


@bp.get('/circles/<circle_id>/plans/<plan_id>')
def plan(circle_id, plan_id):
    member = read_dossier(current_account(), circle_id, 'plan', plan_id[:40])
    read = plans.read_plan(member, parse_id(plan_id), request.args.get('version'))
    body = _plan_json(read.row, read.approval, read.versions, read.goals, read.data)
    body['shown_version'] = read.shown
    return body


@bp.post('/circles/<circle_id>/plans/<plan_id>/approve')
def approve(circle_id, plan_id):
    """Sign off one version of a care plan: the manager, after a second-factor code in the last few minutes."""
    account = current_account()
    member = sign_off(account, circle_id)
    body = load_json(ApproveSchema())
    approval = plans.approve_plan(member, account, parse_id(plan_id), body['version'])
    return {'id': str(approval.id), 'plan_id': str(approval.record_id), 'version': approval.version,
            'approved_at': approval.approved_at.isoformat(), 'approved_by': account.name}, 201


@bp.post('/circles/<circle_id>/plans/<plan_id>/decline')
def decline(circle_id, plan_id):
    """Say no to one version of a care plan, with what one does not agree with: the manager, after a recent code."""
    account = current_account()
    member = sign_off(account, circle_id)
    body = load_json(DeclineSchema())
    decision = plans.decline_plan(member, account, parse_id(plan_id), body['version'], body['comment'])
    return {'id': str(decision.id), 'plan_id': str(decision.record_id), 'version': decision.version,
            'declined_at': decision.approved_at.isoformat(), 'declined_by': account.name,
            'comment': decision.comment}


@bp.get('/circles/<circle_id>/data')
def data_sections(circle_id):
    """The client's data from the dossier, in the sections this member may see (each has its capability)."""
    member, shown = read_data(current_account(), circle_id)
    found = data.sections(member, shown) if shown else {}
    return {'sections': {name: [data.item_json(row) for row in rows] for name, rows in found.items()}}


@bp.post('/circles/<circle_id>/contact-persons')
def add_contact_person(circle_id):
    """Ask the provider to add a contact person (the manager, after the step-up): 202, the request."""
    account = current_account()
    member = change_contacts(account, circle_id, adding=True)
    body = load_json(ContactPersonSchema())
    dossier_id = body.pop('dossier_id')
    return contacts.request_json(contacts.request_contact(member, account, body, dossier_id=dossier_id)), 202


@bp.patch('/circles/<circle_id>/contact-persons/<uuid:record_id>')  # a UUID: never the path of the requests
def change_contact_person(circle_id, record_id):
    """Ask the provider to change a contact person's details (``settings.contacts_edit``): 202, the request."""
    account = current_account()
    member = change_contacts(account, circle_id)
    body = load_json(ContactChangeSchema())
    return contacts.request_json(contacts.request_contact(member, account, body, record_id=record_id)), 202


@bp.get('/circles/<circle_id>/contact-persons/requests')
def contact_requests(circle_id):
    """The care page's requests to add or change contact persons, newest first, with their status."""
    member, _ = read_data(current_account(), circle_id, 'contact_persons')
    return {'items': [contacts.request_json(r) for r in contacts.requests_of(member)], 'next': None}


@bp.get('/circles/<circle_id>/corrections')
def correction_requests(circle_id):
    """The care page's requests to correct the dossier, newest first, with their status and the provider's answer."""
    member = correct(current_account(), circle_id)
    return {'items': corrections.requests_of(member), 'next': None}


@bp.post('/circles/<circle_id>/corrections')
def ask_correction(circle_id):
    """Ask the provider to correct an item of the dossier (the manager, after the step-up): 202, the request."""
    account = current_account()
    member = correct(account, circle_id)
    body = load_json(CorrectionSchema())
    request = corrections.ask(member, account, body['record_id'], body['text'])
    [item] = corrections.requests_of(member, only=request.id)
    return item, 202


@bp.get('/circles/<circle_id>/access-log')
def access_log(circle_id):
    """Who read or did what with the dossier data of this care page, newest first (manager)."""
    account = current_account()
    member = require(account, circle_id, MANAGE)
    rows, next_cursor = accesses.access_log(member, request.args.get('cursor'))
    audit('circle.access_log', 'R', actor=account, role=member.role, circle=member.circle_id, target='access-log')
    client = client_name(member.circle)  # the client on whose behalf each member reads
    return {'items': [{'id': str(row.AuditRecord.id), 'at': row.AuditRecord.at.isoformat(),
                       'event': row.AuditRecord.event, 'action': row.AuditRecord.action,
                       'outcome': row.AuditRecord.outcome, 'role': row.AuditRecord.actor_role,
                       'who': row.Account.name if row.Account else None,
                       'on_behalf_of': client, 'dossier': {'id': str(row.AuditRecord.dossier_id),
                                                           'provider': row.provider}
                       if row.AuditRecord.dossier_id else None,
                       'from': row.AuditRecord.source} for row in rows], 'next': next_cursor}


@bp.get('/circles/<circle_id>/measurements', endpoint='measurements')
def get_measurements(circle_id):
    """Series per code (weight, blood pressure, ...), oldest first, of the last ``days`` (default 365)."""
    member = read_dossier(current_account(), circle_id, 'measurements')
    days = request.args.get('days', str(measurements.MEASUREMENT_DAYS))
    if len(days) > 4 or not days.isdigit() or not 1 <= int(days) <= 3650:
        raise InvalidInput(_l('Give days as a number from 1 to 3650.'), code='invalid_days')
    series = measurements.measurements(member, int(days))
    return {'items': [{'series': name, 'unit': measurements.unit_of(rows[-1].Record),
                       'code': rows[-1].Record.data.get('code'),
                       'points': [{'id': str(row.Record.id), 'at': row.Record.occurred_at.isoformat(),
                                   **measurements.point_values(row.Record)} for row in rows]}
                      for name, rows in series.items()], 'next': None}


@bp.get('/circles/<circle_id>/export')
def export(circle_id):
    """Blue Button: the dossier data of the months ``from``..``to`` (YYYY-MM) as a FHIR Bundle or a readable page."""
    member = read_dossier(current_account(), circle_id, 'export', download_detail(request.args))
    return download(member, request.args)
