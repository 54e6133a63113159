"""What the provider did with a request carehub sent: a ``request_answer`` record of its dossier, coded with the
request's outbox item id (mapped from the request's FHIR Task on a sync, or pushed by the provider's system)."""

from sqlalchemy import select

from hub.careprovider.models import Record
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
