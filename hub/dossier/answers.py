"""What the provider did with a request carehub sent: a ``request_answer`` record of its dossier, coded with the
request's outbox item id (mapped from the request's FHIR Task on a sync, or pushed by the provider's system). The
person who asked hears of the answer (notification kind ``answer``)."""

import uuid

from sqlalchemy import select

from hub.account import notifications
from hub.careprovider.models import Record
from hub.circle.access import current_members
from hub.circle.dossiers import client_name
from hub.circle.models import Member
from hub.dossier.models import ContactRequest, CorrectionRequest
from hub.dossier.notices import unnoticed
from hub.extensions import db


def answers_to(pairs) -> dict:
    """The answers to requests, by (dossier id, outbox item id as text), in one query; ``pairs`` the same keys."""
    pairs = [(dossier_id, str(item_id)) for dossier_id, item_id in pairs if item_id is not None]
    if not pairs:
        return {}
    return {(answer.dossier_id, answer.code): answer for answer in db.session.execute(
        select(Record).where(Record.kind == 'request_answer', Record.deleted.is_(False),
                             Record.dossier_id.in_({dossier_id for dossier_id, _ in pairs}),
                             Record.code.in_({item_id for _, item_id in pairs}))).scalars()}


def notify_answers(limit=200) -> int:
    """Tell the person who asked (a correction, a contact person) that the provider accepted or declined it, as they
    chose; once per answer. Return how many were told. The mail says only that there is an answer."""
    told = 0
    for record, circle_id, dossier in unnoticed('request_answer', limit):
        if record.data.get('status') not in ('accepted', 'declined'):
            continue  # received: nothing to tell yet
        try:
            item_id = uuid.UUID(record.code or '')
        except ValueError:
            continue
        request, path = _request_of(item_id, circle_id)
        if request is None or request.account_id is None:
            continue
        asker = db.session.execute(select(Member).where(Member.circle_id == circle_id, Member.account_id ==
                                                        request.account_id, current_members())).scalar_one_or_none()
        if asker is None:
            continue  # no longer on the care page
        notifications.notify(asker.account, 'answer', 'request_answered', path, circle_id,
                             page=client_name(asker.circle) or '', provider=dossier.provider.name)
        told += 1
    db.session.flush()
    return told


def _request_of(item_id, circle_id):
    """The request an answer is about, and the page that shows it."""
    for model, path in ((CorrectionRequest, f'/circles/{circle_id}/corrections'),
                        (ContactRequest, f'/circles/{circle_id}/data/contact_persons')):
        found = db.session.execute(select(model).where(model.outbox_item_id == item_id, model.circle_id == circle_id)
                                   ).scalar_one_or_none()
        if found is not None:
            return found, path
    return None, None
