"""Items for provider systems: messages, plan approvals and notes, in the outbox with the change that caused them.

Each item is made in the provider system's own format by its adapter when it is queued. Where the
adapter can deliver (a FHIR server, Ons), the worker sends it with retries; otherwise the provider
system fetches it from GET /provider/v1/outbox and acknowledges it. Either way it is delivered at
least once, and the item id inside it makes a second delivery harmless.
"""

import uuid

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import and_, or_, select

from hub.careprovider.common import OUTBOUND
from hub.careprovider.models import Dossier, Provider
from hub.careprovider.operations import adapter_for
from hub.core.audit import audit
from hub.core.background import soon
from hub.core.cursor import decode_cursor, encode_cursor
from hub.core.errors import InvalidInput, NotFound
from hub.core.messages import translate_errors
from hub.core.models import OutboxItem
from hub.core.outbox import mark_delivered, transport
from hub.extensions import db

#: what the provider fetches itself (items carehub sends are not offered twice)
CHANNELS = ('provider_api',)
PAGE_SIZE = 100


def queue_for_provider(dossier: Dossier, kind: str, content: dict) -> OutboxItem:
    """Put an item for the dossier's provider in the outbox, in the current transaction."""
    schema = OUTBOUND[kind]()
    try:
        content = schema.dump(schema.load(content))
    except ValidationError as exc:
        raise InvalidInput(_l('This cannot be sent to the care provider.'), fields=translate_errors(exc.messages)) from None
    adapter = adapter_for(dossier.provider)
    item_id = uuid.uuid4()
    resource = adapter.outbound(kind, dossier.client_id, str(item_id), content)
    item = OutboxItem(id=item_id, channel='provider' if adapter.sends else 'provider_api',
                      provider_id=dossier.provider_id,
                      payload={'kind': kind, 'client_id': dossier.client_id, 'provider_id': str(dossier.provider_id),
                               'resource': resource})
    db.session.add(item)
    db.session.flush()
    if adapter.sends:
        soon('carehub.deliver_outbox')
    return item


@transport('provider')
def send_to_provider(payload):
    """Deliver one item through its provider's adapter (the worker retries on failure)."""
    provider = db.session.get(Provider, uuid.UUID(payload['provider_id']))
    if provider is None:
        raise LookupError('the provider is gone')
    adapter_for(provider).send(payload['resource'])


def pending_for(provider: Provider, cursor=None, limit=PAGE_SIZE):
    """Return (items, next cursor): the provider's items not yet delivered, oldest first."""
    query = select(OutboxItem).where(OutboxItem.provider_id == provider.id, OutboxItem.channel.in_(CHANNELS),
                                     OutboxItem.status == 'pending')
    if cursor:
        moment, ident = decode_cursor(cursor)
        query = query.where(or_(OutboxItem.created_at > moment,
                                and_(OutboxItem.created_at == moment, OutboxItem.id > ident)))
    items = db.session.execute(query.order_by(OutboxItem.created_at, OutboxItem.id).limit(limit + 1)).scalars().all()
    last = items[limit - 1] if len(items) > limit else None
    return items[:limit], encode_cursor(last.created_at, last.id) if last else None


def acknowledge(provider: Provider, item_id) -> OutboxItem:
    """Mark one of the provider's items delivered; acknowledging it again changes nothing."""
    item = db.session.get(OutboxItem, item_id)
    if item is None or item.provider_id != provider.id or item.channel not in CHANNELS:
        raise NotFound(_l('There is no such item for you.'))
    if item.status == 'pending':
        mark_delivered(item)
        audit('provider.outbox_ack', 'U', role='provider', target=f'outbox:{item.id} provider:{provider.id}')
    return item
