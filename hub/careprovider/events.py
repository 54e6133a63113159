"""Signed webhooks from provider systems, and the provider-wide change feeds.

A webhook only says which record changed. It is verified, kept as an event (a replay of the same body
is kept once) and answered at once; the worker then fetches each record as it is now and stores it
through the sync engine. Because the record is fetched, the order of events does not matter: an
UPDATE before its CREATE, or after a DELETE, ends in the source's present state.
"""

import hashlib
import logging
from collections import Counter

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from hub.careprovider.adapter import AdapterError, Notification
from hub.careprovider.batches import BATCH, batched
from hub.careprovider.models import Dossier, Provider, ProviderEvent, Record
from hub.careprovider.operations import adapter_for
from hub.careprovider.sync import origin_of, store
from hub.core.background import soon
from hub.core.backoff import backoff
from hub.core.errors import InvalidInput, NotFound, Unauthenticated
from hub.core.timeutil import utcnow
from hub.extensions import db

log = logging.getLogger(__name__)
#: tries before an event is given up (the daily reconciliation still finds the change): about a day of backoff
MAX_ATTEMPTS = 10


def receive(provider: Provider, headers, body: bytes) -> int:
    """Verify and keep the events of one webhook request; return how many are new."""
    adapter = adapter_for(provider)
    if not adapter.webhooks:
        raise NotFound(_l('This care provider sends no webhooks.'))
    if not adapter.verify_webhook(headers, body):
        raise Unauthenticated(_l('The signature does not match.'), code='bad_signature').audited(
            'provider.webhook', 'E', target=f'provider:{provider.id}')
    try:
        notifications = adapter.parse_webhook(body)
    except (ValueError, TypeError, RecursionError):  # RecursionError: absurdly deep nesting
        raise InvalidInput(_l('The event could not be read.'), code='invalid_event') from None
    new = 0
    for index, notification in enumerate(notifications):
        digest = hashlib.sha256(body + index.to_bytes(4, 'big')).hexdigest()
        try:
            with db.session.begin_nested():
                db.session.add(ProviderEvent(provider_id=provider.id, digest=digest,
                                             source_type=notification.source_type, source_id=notification.source_id,
                                             action=notification.action, client_id=notification.client_id))
            new += 1
        except IntegrityError:
            continue  # the same event again (Nedap redelivers): kept once
    if new:
        soon('carehub.handle_events')
    return new


def _dossiers(provider_id, client_ids) -> dict:
    return {d.client_id: d for d in db.session.execute(select(Dossier).where(
        Dossier.provider_id == provider_id, Dossier.client_id.in_(set(client_ids)))).scalars()}


def forget_gone(provider_id, source) -> int:
    """Mark deleted the records a source record gave, in whichever of the provider's dossiers they are."""
    gone = 0
    for record in db.session.execute(select(Record).join(Dossier).where(
            Dossier.provider_id == provider_id, Record.origin == origin_of(source),
            Record.deleted.is_(False))).scalars():
        record.deleted, record.updated_at = True, utcnow()
        gone += 1
    return gone


def apply(provider, adapter, sources, counts):
    """Store records that came with their client id (events, feeds); those of clients not linked here are dropped."""
    dossiers = _dossiers(provider.id, [s.client_id for s in sources if s.client_id])
    for source in sources:
        if source.deleted:
            counts['deleted'] += forget_gone(provider.id, source)
            continue
        dossier = dossiers.get(source.client_id)
        if dossier is None:
            counts['not_linked'] += 1  # not a client of ours: nothing is kept
            continue
        store(dossier, adapter, source, counts)


def handle(event: ProviderEvent, adapter, counts):
    """Handle one event: fetch what it is about and store it, or ask for a sync of the client's dossier."""
    notification = Notification(event.source_type, event.source_id, event.action, event.client_id)
    if event.action == 'custom':
        for dossier in _dossiers(event.provider_id, [event.client_id]).values():
            dossier.sync_requested = True
            soon('carehub.sync_dossier', dossier.id)
            counts['sync_requested'] += 1
        return
    apply(event.provider, adapter, [adapter.fetch_notified(notification)], counts)


def handle_pending(limit=500) -> Counter:
    """Handle the events waiting, oldest first; one that fails is tried again later, with growing waits."""
    counts = Counter()
    now = utcnow()
    query = select(ProviderEvent).where(
        ProviderEvent.handled_at.is_(None), ProviderEvent.attempts < MAX_ATTEMPTS,
        (ProviderEvent.retry_at.is_(None)) | (ProviderEvent.retry_at <= now)).order_by(ProviderEvent.received_at)
    if db.engine.dialect.name == 'postgresql':  # two workers at once each take other events
        query = query.with_for_update(skip_locked=True)
    events = db.session.execute(query.limit(limit)).scalars().all()
    adapters = {}
    for event in events:
        event.attempts += 1
        try:
            with db.session.begin_nested():  # a failing event undoes only its own work
                adapter = adapters.get(event.provider_id) or adapters.setdefault(
                    event.provider_id, adapter_for(event.provider))
                handle(event, adapter, counts)
        except Exception as exc:  # noqa: BLE001  any trouble with one event: try it later, go on with the others
            event.error = f'{type(exc).__name__}: {exc}'[:200] if isinstance(exc, AdapterError) \
                else type(exc).__name__
            event.retry_at = now + backoff(event.attempts)
            counts['failed'] += 1
            log.warning('provider event %s failed: %s', event.id, type(exc).__name__)
            continue
        event.handled_at, event.error, event.retry_at = utcnow(), None, None
        counts['handled'] += 1
    return counts


def poll(provider: Provider, commit=None) -> Counter:
    """Read a provider's change feed since its watermark (the fallback for missed webhooks).

    The first time only sets the watermark: the full sync of each dossier already brought the history.
    """
    counts = Counter()
    started = utcnow()
    if provider.watermark is not None:
        adapter = adapter_for(provider)
        clients = set(db.session.execute(select(Dossier.client_id).where(
            Dossier.provider_id == provider.id)).scalars())
        for sources in batched(adapter.poll(provider.watermark, clients), BATCH):
            counts['fetched'] += len(sources)
            with db.session.no_autoflush:
                apply(provider, adapter, sources, counts)
            db.session.flush()
            if commit:
                commit()
    provider.watermark = started
    provider.failures, provider.paused_until = 0, None
    return counts


def purge_handled(before):
    """Remove events handled before ``before`` (they hold ids only, but need not stay)."""
    db.session.execute(delete(ProviderEvent).where(ProviderEvent.handled_at.is_not(None),
                                                   ProviderEvent.handled_at < before))
