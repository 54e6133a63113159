"""Medication, documents and shares with someone outside the care page."""

from hub.account.access import account_key, current_account, step_up_required, upload_limit
from hub.circle.access import MANAGE, READ_DOSSIER, read_dossier, require
from hub.core.schemas import page_of
from hub.dossier import (
    documents,
    medication,
    shares,
)
from hub.dossier.answer_schemas import (
    DocumentEntrySchema,
    DossierShareSchema,
    MedicationEntrySchema,
    NewDossierShareSchema,
)
from hub.dossier.api.base import FILE, bp
from hub.dossier.schemas import (
    DocumentSchema,
    MedicationSchema,
    OutsiderShareSchema,
)
from hub.extensions import limiter
from hub.web import file_response, load_form, multipart_body, parse_id, uploaded_file


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
