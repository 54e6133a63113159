"""The sync engine: pulls source records through an adapter and upserts the common records.

It owns what adapters must not: the transaction, the watermark, idempotency (upsert by dossier,
kind and source id; unchanged content writes nothing) and ordering (an older source version never
overwrites a newer one).
"""

import hashlib
import random
from datetime import timedelta
import json
import logging
from collections import Counter, defaultdict
from itertools import islice

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from hub.careprovider.adapter import AdapterError, PushError
from hub.careprovider.common import KINDS
from hub.careprovider.models import Dossier, Provider, Record, SyncRun
from hub.careprovider.operations import adapter_for
from hub.config import setting
from hub.core.timeutil import utcnow
from hub.extensions import db

log = logging.getLogger(__name__)


def content_hash(kind, data) -> str:
    """Return the SHA-256 of a mapped record's kind and content."""
    canonical = json.dumps([kind, data], sort_keys=True, separators=(',', ':'), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def validate(mapped):
    """Return the mapped record's data checked by the schema of its kind, as JSON values."""
    schema = KINDS[mapped.kind]()
    return schema.dump(schema.load(mapped.data))


def origin_of(source) -> str:
    """Return the origin key of a source record."""
    return f'{source.source_type}/{source.source_id}'


#: source records handled together: their stored records are read in one query
BATCH = 500


def batched(items, size):
    """Yield lists of up to ``size`` items."""
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch


def existing_records(dossier, origins) -> dict:
    """Return origin -> the stored records made from it, for a batch of source records, in one query."""
    known = defaultdict(list)
    for record in db.session.execute(select(Record).where(
            Record.dossier_id == dossier.id, Record.origin.in_(set(origins)))).scalars():
        known[record.origin].append(record)
    return known


def retire(source, produced, stored) -> int:
    """Mark deleted the records of a source that its newest version no longer gives (e.g. entered in error)."""
    retired = 0
    for record in stored:
        if record.deleted:
            continue
        newer = record.source_updated_at and source.updated_at and source.updated_at < record.source_updated_at
        if (record.kind, record.source_id) not in produced and not newer:
            record.deleted, record.updated_at = True, utcnow()
            retired += 1
    return retired


def upsert(dossier, source, mapped, data, record) -> str:
    """Store one mapped record over ``record`` (the stored one, or None); return what happened."""
    digest = content_hash(mapped.kind, data)
    if record is None:
        db.session.add(Record(dossier_id=dossier.id, kind=mapped.kind, source_id=mapped.source_id,
                              source_type=source.source_type, origin=origin_of(source), source_version=source.version,
                              source_updated_at=source.updated_at, content_hash=digest, data=data,
                              raw=source.payload, occurred_at=mapped.occurred_at, code=mapped.code,
                              deleted=source.deleted))
        return 'created'
    if record.source_updated_at and source.updated_at and source.updated_at < record.source_updated_at:
        return 'stale'
    if record.content_hash == digest and record.deleted == source.deleted:
        return 'unchanged'
    record.source_version, record.source_updated_at = source.version, source.updated_at
    record.content_hash, record.data, record.raw = digest, data, source.payload
    record.occurred_at, record.code, record.deleted = mapped.occurred_at, mapped.code, source.deleted
    record.updated_at = utcnow()
    return 'updated'


def store(dossier, adapter, source, counts, known=None):
    """Map and store one source record; a record the adapter cannot read is counted, never fatal.

    ``known`` holds the stored records of a batch by origin (existing_records); without it they are read now.
    """
    origin = origin_of(source)
    if known is None:
        known = existing_records(dossier, [origin])
    stored = {(record.kind, record.source_id): record for record in known.get(origin, [])}
    try:
        mapped_records = adapter.map(source)
    except Exception as exc:  # noqa: BLE001  any adapter bug on odd data: reject this record, go on
        counts['rejected'] += 1
        log.warning('could not map %s: %s', source.source_type, type(exc).__name__)
        return
    produced = set()
    for mapped in mapped_records:
        produced.add((mapped.kind, mapped.source_id))  # a rejected new version does not retire the stored one
        try:
            data = validate(mapped)
        except (ValidationError, KeyError) as exc:
            counts['rejected'] += 1
            log.warning('rejected %s %s: %s', source.source_type, mapped.kind, type(exc).__name__)
            continue
        counts[upsert(dossier, source, mapped, data, stored.get((mapped.kind, mapped.source_id)))] += 1
    counts['deleted'] += retire(source, produced, known.get(origin, []))


def sync_dossier(dossier: Dossier, adapter=None, progress=None) -> SyncRun:
    """Pull one dossier's changes since its watermark; the caller commits.

    The next watermark is this run's start: what changes while it runs is fetched next time (the
    adapter looks back a little further still, for clocks that differ).
    """
    adapter = adapter or adapter_for(dossier.provider)
    run = SyncRun(dossier_id=dossier.id)
    db.session.add(run)
    counts = Counter()
    started = utcnow()
    try:
        with db.session.no_autoflush:  # the records of a batch are read once, not once per record
            for batch in batched(adapter.fetch(dossier.client_id, dossier.watermark), BATCH):
                known = existing_records(dossier, [origin_of(source) for source in batch])
                for source in batch:
                    counts['fetched'] += 1
                    store(dossier, adapter, source, counts, known)
                    if progress:
                        progress(1)
                db.session.flush()
    except SQLAlchemyError:
        raise  # the database itself failed: nothing can be recorded, the caller rolls back
    except Exception as exc:  # noqa: BLE001  a failed fetch is recorded on the run, never lost
        run.status, run.error = 'failed', f'{type(exc).__name__}: {exc}' if isinstance(exc, AdapterError) \
            else type(exc).__name__
        run.finished_at, run.counts = utcnow(), {k: v for k, v in counts.items() if v}
        schedule_retry(dossier, exc)
        log.warning('sync of dossier %s failed: %s', dossier.id, type(exc).__name__)
        return run
    dossier.watermark = started
    dossier.last_synced_at = run.finished_at = utcnow()
    dossier.failures, dossier.retry_at = 0, None
    dossier.provider.failures, dossier.provider.paused_until = 0, None
    run.status, run.counts = 'ok', {k: v for k, v in counts.items() if v}
    db.session.flush()
    return run


#: failed syncs in a row after which a provider is paused (the circuit breaker opens)
BREAKER_FAILURES = 5
BREAKER_PAUSE = timedelta(minutes=30)
LONGEST_RETRY = timedelta(hours=6)


def schedule_retry(dossier: Dossier, exc: Exception):
    """Plan the next try after a failure: exponential backoff with jitter, or what Retry-After asks.

    A refusal that will not change by trying again (a 4xx other than 429) waits for the normal interval.
    A provider that keeps failing is paused, and the manager and the operator see it.
    """
    now = utcnow()
    dossier.failures += 1
    provider = dossier.provider
    provider.failures += 1
    if getattr(exc, 'permanent', False):
        wait = timedelta(minutes=setting('SYNC_INTERVAL_MINUTES'))
    elif getattr(exc, 'retry_after', None):
        wait = _retry_after(exc.retry_after)
    else:
        wait = min(timedelta(minutes=1) * 2 ** (dossier.failures - 1), LONGEST_RETRY) * random.uniform(0.8, 1.2)
    dossier.retry_at = now + min(wait, LONGEST_RETRY)
    if provider.failures >= BREAKER_FAILURES:
        provider.paused_until = now + min(BREAKER_PAUSE * 2 ** (provider.failures - BREAKER_FAILURES), LONGEST_RETRY)
        log.warning('provider %s paused until %s after %d failed syncs', provider.id, provider.paused_until,
                    provider.failures)


def _retry_after(value) -> timedelta:
    """Read a Retry-After header: seconds, or an HTTP date."""
    from email.utils import parsedate_to_datetime
    try:
        return timedelta(seconds=max(0, int(value)))
    except (TypeError, ValueError):
        try:
            return max(parsedate_to_datetime(value) - utcnow(), timedelta(0))
        except (TypeError, ValueError):
            return timedelta(minutes=1)


def dossiers_due(now=None):
    """Return the dossiers a scheduled sync should run now: interval passed, retry time come, provider not paused."""
    from hub.careprovider.models import Provider
    now = now or utcnow()
    cutoff = now - timedelta(minutes=setting('SYNC_INTERVAL_MINUTES'))
    return db.session.execute(select(Dossier).join(Provider).where(
        (Dossier.last_synced_at.is_(None)) | (Dossier.last_synced_at < cutoff) | (Dossier.retry_at.is_not(None)),
        (Dossier.retry_at.is_(None)) | (Dossier.retry_at <= now),
        (Provider.paused_until.is_(None)) | (Provider.paused_until <= now))).scalars().all()


def dossiers_to_sync(provider_name=None):
    """Return the dossiers to sync, of one provider or of all."""
    query = select(Dossier).join(Provider).order_by(Provider.name, Dossier.created_at)
    if provider_name:
        query = query.where(Provider.name == provider_name)
    return db.session.execute(query).scalars().all()


def ingest(dossier: Dossier, adapter, payload) -> tuple[dict, list]:
    """Store records a provider pushed for a dossier; returns the counts and the refused records."""
    counts, refused = Counter(), []
    for item in adapter.parse_push(dossier.client_id, payload):
        if isinstance(item, PushError):
            refused.append({'index': item.index, 'message': item.message})
            continue
        counts['received'] += 1
        store(dossier, adapter, item, counts)
    run = SyncRun(dossier_id=dossier.id, status='ok', finished_at=utcnow(),
                  counts={'pushed': 1, **{k: v for k, v in counts.items() if v}, 'refused': len(refused)})
    db.session.add(run)
    db.session.flush()
    return dict(run.counts), refused


def remap(adapter_name=None, progress=None) -> Counter:
    """Map every stored raw payload again (after an adapter changed), without fetching anything."""
    from hub.careprovider.models import Provider
    counts = Counter()
    query = select(Dossier).join(Provider)
    if adapter_name:
        query = query.where(Provider.adapter == adapter_name)
    for dossier in db.session.execute(query).scalars().all():
        adapter = adapter_for(dossier.provider)
        known = defaultdict(list)
        for record in db.session.execute(select(Record).where(Record.dossier_id == dossier.id)).scalars():
            known[record.origin].append(record)
        with db.session.no_autoflush:
            for records in list(known.values()):
                counts['sources'] += 1  # one source may have given several records: map it once
                store(dossier, adapter, adapter.source_from_raw(records[0].source_type, records[0].raw), counts,
                      known)
                if progress:
                    progress(1)
    return counts
