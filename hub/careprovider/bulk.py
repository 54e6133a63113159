"""Sync many dossiers of one provider from one export of all their changes (an adapter whose ``exports()``).

A provider with 10,000 clients is one export per interval instead of 10,000 searches. The export is read as
a stream and stored in batches, each batch grouped by dossier and handled as a dossier sync handles its
own (sync.store: upsert by key, unchanged content skipped, older versions never over newer ones), then
committed. A record of a client the hub has no claimed dossier for is skipped, never stored. A dossier
still syncs alone when it is new (no watermark), asked for, retrying, or due for its reconciliation
(deletions are found by a full fetch of one dossier, which an export ``_since`` is not).
"""

import logging
from collections import Counter, defaultdict
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from hub.careprovider.adapter import AdapterError
from hub.careprovider.batches import BATCH, batched, existing_records, prefetched
from hub.careprovider.models import Dossier, Provider, Record, SyncRun
from hub.careprovider.operations import adapter_for
from hub.careprovider.schedule import trip_breaker
from hub.careprovider.sync import (
    nonzero,
    origin_of,
    reconcile_due,
    store,
)
from hub.core.timeutil import utcnow
from hub.extensions import db

log = logging.getLogger(__name__)


class DossierKey(NamedTuple):
    """What storing needs of a dossier: its id (an ORM object would be reloaded after every commit)."""

    id: object


def exported(dossier: Dossier, adapter) -> bool:
    """Whether a due dossier is synced by its provider's export rather than alone."""
    return adapter.exports() and dossier.watermark is not None and not dossier.sync_requested \
        and dossier.retry_at is None and not reconcile_due(dossier)


def sync_provider(provider: Provider, dossier_ids, adapter=None, commit=None) -> Counter:
    """Sync these dossiers (claimed by the caller, all of ``provider``, each with a watermark) from one export.

    ``commit`` is called after every batch, as in sync_dossier. On success every dossier's watermark moves to
    this run's start and a sync run is written for each dossier that changed; on failure nothing moves and
    the provider counts a failure (its circuit breaker pauses it after several).
    """
    adapter = adapter or adapter_for(provider)
    rows = db.session.execute(select(Dossier.id, Dossier.client_id, Dossier.watermark)
                              .where(Dossier.id.in_(list(dossier_ids)), Dossier.provider_id == provider.id)).all()
    clients = {row.client_id: DossierKey(row.id) for row in rows}
    if not clients:
        return Counter()
    since = min(row.watermark for row in rows)
    provider_id, started = provider.id, utcnow()
    counts, per_dossier = Counter(), defaultdict(Counter)
    try:
        with db.session.no_autoflush:
            for batch in batched(prefetched(adapter.fetch_all(since)), BATCH):
                by_dossier = defaultdict(list)
                for source in batch:
                    counts['fetched'] += 1
                    dossier = clients.get(source.client_id) if source.client_id else _owner(source, provider_id,
                                                                                             clients)
                    if dossier is None:
                        counts['skipped'] += 1  # not a client with a dossier here (or it syncs alone now)
                        continue
                    by_dossier[dossier].append(source)
                for dossier, sources in by_dossier.items():
                    known = existing_records(dossier, [origin_of(source) for source in sources])
                    for source in sources:
                        store(dossier, adapter, source, per_dossier[dossier.id], known)
                    known.flush()
                db.session.flush()
                if commit:
                    commit()
    except SQLAlchemyError:
        raise
    except Exception as exc:  # noqa: BLE001  a failed export is counted on the provider, never lost
        provider = db.session.get(Provider, provider_id)
        provider.failures += 1
        trip_breaker(provider, utcnow())
        log.warning('export of provider %s failed: %s', provider_id,
                    f'{type(exc).__name__}: {exc}' if isinstance(exc, AdapterError) else type(exc).__name__)
        counts['failed'] += 1
        return counts
    finished = utcnow()
    for dossier in db.session.execute(select(Dossier).where(Dossier.id.in_([key.id for key in clients.values()]))
                                      ).scalars():
        dossier.watermark, dossier.last_synced_at, dossier.failures = started, finished, 0
        if per_dossier[dossier.id]:
            db.session.add(SyncRun(dossier_id=dossier.id, status='ok', finished_at=finished,
                                   counts={'exported': 1, **nonzero(per_dossier[dossier.id])}))
    provider = db.session.get(Provider, provider_id)
    provider.failures, provider.paused_until = 0, None
    for changes in per_dossier.values():
        counts.update(changes)
    db.session.flush()
    return counts


def _owner(source, provider_id, clients):
    """The dossier of a deletion the export names without its client: the one of ours that stored that origin."""
    client_id = db.session.execute(select(Dossier.client_id).join(Record, Record.dossier_id == Dossier.id).where(
        Dossier.provider_id == provider_id, Record.origin == origin_of(source)).limit(1)).scalar_one_or_none()
    return clients.get(client_id)
