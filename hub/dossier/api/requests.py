"""Requests to the provider: contact persons to add or change, items of the dossier to correct."""

from hub.account.access import current_account
from hub.core.schemas import page_of
from hub.dossier import (
    contacts,
    corrections,
)
from hub.dossier.access import change_contacts, correct, read_data
from hub.dossier.answer_schemas import (
    ContactRequestSchema,
    CorrectionRequestSchema,
)
from hub.dossier.api.base import bp
from hub.dossier.schemas import (
    ContactChangeSchema,
    ContactPersonSchema,
    CorrectionSchema,
)


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
