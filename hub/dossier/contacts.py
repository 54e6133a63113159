"""Asking a provider to add a contact person of the client, or to change one's details.

The provider's dossier is the source of the contact persons: carehub never changes them itself. A request goes to
the provider through the outbox (a FHIR Task, an Ons report); its staff decide, and the change shows on the care
page with the next sync. Until then the data page shows the request: sent, then received.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from hub.careprovider.models import Record
from hub.careprovider.outbound import queue_for_provider
from hub.circle.access import check
from hub.circle.dossiers import dossiers_of, linked_dossier, records_of
from hub.circle.models import Member
from hub.core.audit import audit
from hub.core.errors import InvalidInput, NotFound
from hub.core.timeutil import utcnow
from hub.dossier.answers import answers_to
from hub.dossier.models import ContactRequest
from hub.extensions import db

FIELDS = ('name', 'relationship', 'phone', 'email')
#: requests shown on the page: the newest
SHOWN = 50


def contact_person(member: Member, record_id):
    """Return the (Record, Dossier) row of a contact person of the member's care page, or raise NotFound."""
    check(member, 'data.contacts')
    row = db.session.execute(records_of(member, member.circle_id, ('contact_person',))
                             .where(Record.id == record_id)).first()
    if row is None:
        raise NotFound(_l('There is no such contact person on this care page.'))
    return row


def _dossier_for(circle_id, dossier_id):
    if dossier_id is not None:
        return linked_dossier(circle_id, dossier_id)
    dossiers = dossiers_of(circle_id)
    if len(dossiers) != 1:
        raise InvalidInput(_l('Choose the care provider that should add this contact person.'),
                           fields={'dossier_id': [_l('Choose a care provider of this care page.')]})
    return dossiers[0]


def request_contact(member: Member, account, details, record_id=None, dossier_id=None) -> ContactRequest:
    """Ask the provider to change the contact person ``record_id`` to ``details``, or (no record) to add one."""
    check(check(member, 'data.contacts'), 'settings.contacts_edit' if record_id is not None else 'settings.contacts_add')
    if record_id is not None:
        row = contact_person(member, record_id)
        dossier, contact = row.Dossier, row.Record.source_id
        details = {key: details.get(key, row.Record.data.get(key)) for key in FIELDS}  # what is not given stays
        if all(details[key] == row.Record.data.get(key) for key in FIELDS):
            raise InvalidInput(_l('Change at least one detail.'))
    else:
        dossier, contact = _dossier_for(member.circle_id, dossier_id), None
        details = {key: details.get(key) for key in FIELDS}
    when = utcnow()
    item = queue_for_provider(dossier, 'contact_person_change' if record_id else 'contact_person_add', {
        'contact': contact, **details, 'requested_by': account.name, 'requested_at': when.isoformat()})
    request = ContactRequest(circle_id=member.circle_id, dossier_id=dossier.id, record_id=record_id,
                             kind='change' if record_id else 'add',
                             account_id=account.id, details=details, outbox_item_id=item.id, created_at=when)
    db.session.add(request)
    db.session.flush()
    audit('dossier.contact_request', 'C', actor=account, role=member.role, circle=member.circle_id,
          dossier=dossier.id, target=f'record:{record_id}' if record_id else 'contact_persons')
    return request


def requests_of(member: Member, limit=SHOWN) -> list[ContactRequest]:
    """The care page's requests about contact persons, newest first, each with the provider's ``answer`` (or None)."""
    check(member, 'data.contacts')
    requests = db.session.execute(
        select(ContactRequest).options(joinedload(ContactRequest.outbox_item), joinedload(ContactRequest.account))
        .where(ContactRequest.circle_id == member.circle_id)
        .order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc()).limit(limit)).scalars().all()
    answers = answers_to((request.dossier_id, request.outbox_item_id) for request in requests)
    for request in requests:
        request.answer = answers.get((request.dossier_id, str(request.outbox_item_id)))
    return requests


def status(request) -> str:
    """``sent`` (on its way to the provider), ``received`` (the provider has it), then ``accepted`` or ``declined``
    when its staff say so (read back from the request's Task on a sync)."""
    answer = getattr(request, 'answer', None)
    if answer is not None:
        return answer.data['status']
    return 'received' if request.outbox_item is not None and request.outbox_item.status == 'sent' else 'sent'
