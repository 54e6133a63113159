"""Asking a provider to correct an item of the dossier (HL7's Patient Request for Corrections).

The manager points at an item (a report, a plan, a measurement, the client's data …) and writes what is wrong. The
request goes to the provider through the outbox in the same transaction (a FHIR Task, an Ons report); its staff
decide. The status is ``sent`` until it is delivered, then ``received``; what the staff did (``accepted``,
``declined``) and their answer come back with a sync as a ``request_answer`` record whose code is the outbox item id.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from hub.careprovider.models import Dossier, Record
from hub.careprovider.outbound import queue_for_provider
from hub.circle.access import MANAGE, READ_DOSSIER, check
from hub.circle.dossiers import records_of
from hub.circle.models import Member
from hub.core.audit import audit
from hub.core.errors import InvalidInput
from hub.core.models import OutboxItem
from hub.core.timeutil import utcnow, zone
from hub.core.units import shown
from hub.dossier.answers import answers_to
from hub.dossier.export import KINDS as EXPORT_KINDS
from hub.dossier.models import CorrectionRequest
from hub.extensions import db

#: what one may ask to correct: what the provider's dossier shows (its messages are answered, not corrected)
KINDS = tuple(kind for kind in EXPORT_KINDS if kind != 'message')
#: the words of an item that say what it is, in this order
_WORDS = ('title', 'name', 'description', 'insurer', 'text', 'category')
SHOWN = 50


def describe(record) -> str:
    """What the item is, in its own words: its title, name or first line (at most 120 characters)."""
    data = record.data
    if record.kind == 'measurement':
        values = [data] if data.get('value') is not None else data.get('components') or []
        amount = '/'.join(f"{value['value']:g}" for value in values)
        unit = next((value.get('unit') for value in values if value.get('unit')), '')
        words = f"{(data.get('code') or {}).get('display') or data.get('series')}: {amount} {shown(unit)}".strip()
    else:
        words = next((str(data[key]) for key in _WORDS if data.get(key)), None) or record.kind
    words = ' '.join(words.split())
    return words if len(words) <= 120 else words[:119].rstrip() + '…'


def correctable(member: Member, record_id):
    """Return the (Record, Dossier) row of an item of the care page one may ask to correct, or raise InvalidInput."""
    check(check(member, MANAGE), READ_DOSSIER)
    row = db.session.execute(records_of(member, member.circle_id, KINDS).where(  # what a member uploaded has no provider to ask
        Record.id == record_id, Dossier.uploaded_by.is_(None))).first() if record_id else None
    if row is None:
        raise InvalidInput(_l('Choose an item of the dossier of this care page.'),
                           fields={'record_id': [_l('There is no such item on this care page.')]})
    return row


def ask(member: Member, account, record_id, text) -> CorrectionRequest:
    """Send the provider a request to correct the item ``record_id``: what is wrong, in ``text``."""
    record, dossier = correctable(member, record_id)
    when = utcnow()
    about = describe(record)
    # the day as the care page shows it (its time zone), for the provider's staff
    dated = f'{about} ({record.occurred_at.astimezone(zone()).date().isoformat()})' if record.occurred_at else about
    item = queue_for_provider(dossier, 'correction', {
        'record': record.origin.partition('#')[0], 'about': dated, 'text': text, 'requested_by': account.name,
        'requested_at': when.isoformat()})
    request = CorrectionRequest(circle_id=member.circle_id, dossier_id=dossier.id, record_id=record.id,
                                record_kind=record.kind, about=about, record_at=record.occurred_at, text=text,
                                account_id=account.id, outbox_item_id=item.id, created_at=when)
    db.session.add(request)
    db.session.flush()
    audit('dossier.correction', 'C', actor=account, role=member.role, circle=member.circle_id, dossier=dossier.id,
          target=f'record:{record.id}')
    return request


def requests_of(manager: Member, limit=SHOWN, only=None) -> list[dict]:
    """The care page's correction requests (or the one with id ``only``), newest first, each with its status and the
    provider's answer."""
    check(manager, MANAGE)
    circle_id = manager.circle_id
    query = (select(CorrectionRequest, Dossier).options(joinedload(CorrectionRequest.account),
                                                        joinedload(Dossier.provider))
             .join(Dossier, Dossier.id == CorrectionRequest.dossier_id).where(CorrectionRequest.circle_id == circle_id))
    if only is not None:
        query = query.where(CorrectionRequest.id == only)
    requests = db.session.execute(
        query.order_by(CorrectionRequest.created_at.desc(), CorrectionRequest.id.desc()).limit(limit)).all()
    item_ids = [row.CorrectionRequest.outbox_item_id for row in requests]
    delivery = dict(db.session.execute(select(OutboxItem.id, OutboxItem.status).where(OutboxItem.id.in_(item_ids))).all())
    answers = answers_to((row.Dossier.id, row.CorrectionRequest.outbox_item_id) for row in requests)
    return [request_json(row.CorrectionRequest, row.Dossier, delivery.get(row.CorrectionRequest.outbox_item_id),
                         answers.get((row.Dossier.id, str(row.CorrectionRequest.outbox_item_id))))
            for row in requests]


def status(delivery, answer) -> str:
    """``sent`` (on its way), ``received`` (the provider has it), ``accepted`` or ``declined`` (its staff decided);
    ``failed`` when it could not be delivered."""
    if answer is not None:
        return answer.data['status']
    return {'sent': 'received', 'failed': 'failed'}.get(delivery, 'sent')


def request_json(request, dossier, delivery=None, answer=None) -> dict:
    return {'id': str(request.id), 'created_at': request.created_at.isoformat(), 'dossier_id': str(dossier.id),
            'provider': dossier.provider.name, 'record_id': str(request.record_id) if request.record_id else None,
            'record_kind': request.record_kind, 'about': request.about,
            'record_at': request.record_at.isoformat() if request.record_at else None, 'text': request.text,
            'status': status(delivery, answer), 'answer': answer.data.get('answer') if answer else None,
            'answered_at': answer.data.get('answered_at') if answer else None,
            'requested_by': request.account.name if request.account else None}
