"""The sync engine: pulls source records through an adapter and upserts the common records.

It owns what adapters must not: the transaction, the watermark, idempotency (upsert by dossier,
kind and source id; unchanged content writes nothing) and ordering (an older source version never
overwrites a newer one).
"""

import hashlib
import json
import logging
import uuid
from collections import Counter
from datetime import date, datetime, timedelta

from marshmallow import ValidationError
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from hub.careprovider.adapter import AdapterError
from hub.careprovider.batches import BATCH, Stored, batched, existing_records, prefetched
from hub.careprovider.common import KINDS
from hub.careprovider.models import Dossier, Record, SyncRun
from hub.careprovider.operations import adapter_for
from hub.careprovider.schedule import schedule_retry
from hub.config import setting
from hub.core.timeutil import utcnow
from hub.extensions import db

log = logging.getLogger(__name__)


def content_hash(kind, data) -> str:
    """Return the SHA-256 of a mapped record's kind and content (as the adapter mapped it, before validation).

    Validation is deterministic, so the same mapped content is the same stored content: an unchanged
    record is recognised without validating it again.
    """
    canonical = json.dumps([kind, data], sort_keys=True, separators=(',', ':'), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


#: one schema instance per kind: making a marshmallow schema costs more than using it
_SCHEMAS = {}


def validate(mapped):
    """Return the mapped record's data checked by the schema of its kind, as JSON values."""
    schema = _SCHEMAS.get(mapped.kind) or _SCHEMAS.setdefault(mapped.kind, KINDS[mapped.kind]())
    return _json_values(schema.load(mapped.data))


def _json_values(value):
    """Turn the dates and times a schema loaded back into ISO text (what ``dump`` does, at a fraction of its cost)."""
    if isinstance(value, dict):
        return {key: _json_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_values(item) for item in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def origin_of(source) -> str:
    """Return the origin key of a source record."""
    return f'{source.source_type}/{source.source_id}'


#: source records handled together: their stored records are read in one query, then committed
def _write(known, stored, **values):
    values['updated_at'] = utcnow()
    if stored.entity is not None:  # inserted at the end of this batch: change what will be inserted
        stored.entity.update(values)
    else:
        known.updates.append({'id': stored.id, **values})


def retire(source, produced, known) -> int:
    """Mark deleted the records of a source that its newest version no longer gives (e.g. entered in error)."""
    retired = 0
    for record in known.get(origin_of(source), []):
        if record.deleted:
            continue
        newer = record.source_updated_at and source.updated_at and source.updated_at < record.source_updated_at
        if (record.kind, record.source_id) not in produced and not newer:
            _write(known, record, deleted=True)
            record.deleted = True
            retired += 1
    return retired


#: kinds whose every version is kept (RecordVersion): people read a care plan's history, and the timeline shows
#: what changed in plans and goals
VERSIONED_KINDS = frozenset({'plan', 'goal'})


def _stored_data(known, record):
    """The content a versioned record has now (before this change): from this batch if it changed in it."""
    if record is None:
        return None
    pending = next((v['data'] for v in reversed(known.versions) if v['record_id'] == record.id), None)
    if pending is not None:
        return pending
    if record.entity is not None:
        return record.entity['data']
    return db.session.execute(select(Record.data).where(Record.id == record.id)).scalar_one_or_none()


def version_event(kind, previous, data) -> str:
    """What a new version of a plan or goal says happened, compared with the one before (None: it is new)."""
    if previous is None:
        return f'{kind}_created'
    if kind == 'plan':
        if previous.get('status') != data.get('status'):
            return 'plan_status'
        if data.get('evaluated_on') and data.get('evaluated_on') != previous.get('evaluated_on'):
            return 'plan_evaluated'
        return 'plan_changed'
    if any(previous.get(key) != data.get(key) for key in ('achievement', 'lifecycle_status', 'client_status')):
        return 'goal_evaluated'
    return 'goal_changed'


def version_label(data, source_version, digest) -> str:
    """A version as people see it: the one the record names, else the source's, else the start of the hash."""
    return str(data.get('version') or source_version or digest[:12])[:64]


def upsert(dossier, source, mapped, data, digest, record, known, via=None) -> str:
    """Store one mapped record over ``record`` (the stored one, or None); return what happened.

    ``via`` says how it came (pull or push); None (a remap) keeps what it was.
    """
    origin = origin_of(source)
    remapping = via is None
    if mapped.kind in VERSIONED_KINDS and not remapping:
        now = utcnow()
        when = (mapped.occurred_at if record is None else source.updated_at) or now
        known.versions.append({'id': uuid.uuid4(), 'record_id': record.id if record is not None else None,
                               'dossier_id': dossier.id, 'kind': mapped.kind,
                               'version': version_label(data, source.version, digest), 'content_hash': digest,
                               'data': data, 'occurred_at': mapped.occurred_at, 'stored_at': now,
                               'event': version_event(mapped.kind, _stored_data(known, record), data),
                               'event_at': min(when, now)})
    via = via or (record.via if record is not None else 'pull')
    if record is None:
        now = utcnow()
        new = {'id': uuid.uuid4(), 'dossier_id': dossier.id, 'kind': mapped.kind, 'source_id': mapped.source_id,
               'source_type': source.source_type, 'origin': origin, 'source_version': source.version,
               'source_updated_at': source.updated_at, 'content_hash': digest, 'data': data, 'raw': source.payload,
               'occurred_at': mapped.occurred_at, 'code': mapped.code, 'deleted': source.deleted, 'created_at': now,
               'updated_at': now, 'via': via}
        known.inserts.append(new)
        if known.versions and known.versions[-1]['record_id'] is None:
            known.versions[-1]['record_id'] = new['id']
        known[origin].append(Stored(new['id'], mapped.kind, mapped.source_id, origin, source.source_type, digest,
                                    source.deleted, source.updated_at, via, entity=new))
        return 'created'
    values = {'content_hash': digest, 'data': data, 'occurred_at': mapped.occurred_at, 'code': mapped.code,
              'deleted': source.deleted, 'via': via}
    if not remapping:  # a remap maps the stored payload: it need not be written again
        values.update(raw=source.payload, source_version=source.version, source_updated_at=source.updated_at)
    _write(known, record, **values)
    record.content_hash, record.deleted, record.source_updated_at, record.via = (digest, source.deleted,
                                                                                 source.updated_at, via)
    return 'updated'


def store(dossier, adapter, source, counts, known=None, via='pull'):
    """Map and store one source record; a record the adapter cannot read is counted, never fatal.

    ``known`` holds the stored records of a batch by origin (existing_records); without it they are read now.
    ``via`` is how it came (``pull``, ``push``; None for a remap, which keeps it).
    """
    origin = origin_of(source)
    alone = known is None
    if alone:
        known = existing_records(dossier, [origin])
    stored = {(record.kind, record.source_id): record for record in known.get(origin, [])}
    try:
        mapped_records = [] if source.deleted else adapter.map(source)
    except Exception as exc:  # noqa: BLE001  any adapter bug on odd data: reject this record, go on
        counts['rejected'] += 1
        log.warning('could not map %s: %s', source.source_type, type(exc).__name__)
        return
    produced = set()
    for mapped in mapped_records:
        produced.add((mapped.kind, mapped.source_id))  # a rejected new version does not retire the stored one
        record = stored.get((mapped.kind, mapped.source_id))
        if record is not None and record.source_updated_at and source.updated_at \
                and source.updated_at < record.source_updated_at:
            counts['stale'] += 1  # an older version arriving late never overwrites a newer one
            continue
        digest = content_hash(mapped.kind, mapped.data)
        if record is not None and record.content_hash == digest and not record.deleted:
            if source.updated_at and (record.source_updated_at is None or source.updated_at > record.source_updated_at):
                # a newer version that maps to the same content: keep its payload and time (for remap and ordering)
                _write(known, record, raw=source.payload, source_version=source.version,
                       source_updated_at=source.updated_at)
                record.source_updated_at = source.updated_at
            counts['unchanged'] += 1
            continue
        try:
            data = validate(mapped)
        except (ValidationError, KeyError, TypeError, ValueError) as exc:
            counts['rejected'] += 1
            log.warning('rejected %s %s: %s', source.source_type, mapped.kind, type(exc).__name__)
            continue
        counts[upsert(dossier, source, mapped, data, digest, record, known, via)] += 1
    counts['deleted'] += retire(source, produced, known)
    if alone:
        known.flush()


def reconcile_due(dossier) -> bool:
    """Whether the next sync of a dossier must fetch everything and compare (first sync, or the interval passed)."""
    return dossier.watermark is None or dossier.reconciled_at is None or \
        dossier.reconciled_at < utcnow() - timedelta(hours=setting('RECONCILE_HOURS'))


def reconcile(dossier, adapter, seen) -> int:
    """Mark deleted what is stored but was not in a complete fetch: the source deleted it."""
    gone = [record_id for record_id, origin, source_type, occurred_at in db.session.execute(
        select(Record.id, Record.origin, Record.source_type, Record.occurred_at).where(
            Record.dossier_id == dossier.id, Record.deleted.is_(False), Record.via != 'push'))
            if origin not in seen and adapter.reconciles(source_type, occurred_at)]
    now = utcnow()
    for chunk in batched(gone, BATCH):
        db.session.execute(update(Record).where(Record.id.in_(chunk)).values(deleted=True, updated_at=now))
    return len(gone)


def nonzero(counts):
    return {key: value for key, value in counts.items() if value}


def sync_dossier(dossier: Dossier, adapter=None, progress=None, commit=None, full=None) -> SyncRun:
    """Pull one dossier's changes since its watermark, or everything when a reconciliation is due.

    ``commit`` (hub.core.commit.checkpoint) is called after every batch, so a failure later keeps the finished
    batches and memory stays flat; without it the caller commits once. The watermark moves only when the whole
    fetch succeeded, to this run's start: what changes while it runs is fetched next time (the adapter looks
    back a little further still, for clocks that differ). A full fetch also finds what the source deleted.
    """
    adapter = adapter or adapter_for(dossier.provider)
    full = reconcile_due(dossier) if full is None else full
    run = SyncRun(dossier_id=dossier.id)
    db.session.add(run)
    counts = Counter()
    seen = set()
    started = utcnow()
    client_id = dossier.client_id
    try:
        with db.session.no_autoflush:  # the records of a batch are read once, not once per record
            for batch in batched(prefetched(adapter.fetch(client_id, None if full else dossier.watermark)), BATCH):
                known = existing_records(dossier, [origin_of(source) for source in batch])
                for source in batch:
                    counts['fetched'] += 1
                    seen.add(origin_of(source))
                    store(dossier, adapter, source, counts, known)
                known.flush()
                del known
                run.counts = nonzero(counts)
                db.session.flush()
                if commit:
                    commit()
                if progress:
                    progress(len(batch))
    except SQLAlchemyError:
        raise  # the database itself failed: nothing can be recorded, the caller rolls back
    except Exception as exc:  # noqa: BLE001  a failed fetch is recorded on the run, never lost
        run.status, run.error = 'failed', f'{type(exc).__name__}: {exc}' if isinstance(exc, AdapterError) \
            else type(exc).__name__
        run.finished_at, run.counts = utcnow(), nonzero(counts)
        schedule_retry(dossier, exc)
        log.warning('sync of dossier %s failed: %s', dossier.id, type(exc).__name__)
        db.session.flush()
        return run
    if full:
        counts['deleted'] += reconcile(dossier, adapter, seen)
        dossier.reconciled_at = started
    dossier.watermark = started
    dossier.last_synced_at = run.finished_at = utcnow()
    dossier.failures, dossier.retry_at, dossier.sync_requested = 0, None, False
    dossier.provider.failures, dossier.provider.paused_until = 0, None
    run.status, run.counts = 'ok', nonzero(counts)
    db.session.flush()
    return run
