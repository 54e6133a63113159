"""Reading a dossier's stored records in batches for the sync engine: what is there already (per origin), and
the adapters' items prefetched on a thread while the last batch is written."""

import queue
import threading
from collections import defaultdict
from itertools import islice

from sqlalchemy import insert, select, update

from hub.careprovider.models import Record, RecordVersion
from hub.extensions import db

BATCH = 500


def batched(items, size):
    """Yield lists of up to ``size`` items."""
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch


#: items the prefetch hands over at once
CHUNK = 50


def prefetched(items, depth=4 * BATCH // CHUNK):
    """Yield from ``items`` while a thread fetches ahead: the adapter waits on the network, the engine on the database.

    An error of the fetch is raised here, in the caller's thread; when the caller stops, the fetch stops too.
    """
    ahead = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry):
        while not stop.is_set():
            try:
                ahead.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        chunk = []  # handed over in chunks: a queue operation per item cost more than the item's own work
        try:
            for item in items:
                chunk.append(item)
                if len(chunk) == CHUNK:
                    if not put(('items', chunk)):
                        return
                    chunk = []
        except BaseException as exc:  # noqa: BLE001  handed to the caller's thread
            put(('items', chunk))
            put(('end', exc))
        else:
            put(('items', chunk))
            put(('end', None))

    threading.Thread(target=produce, name='sync-prefetch', daemon=True).start()
    try:
        while True:
            tag, value = ahead.get()
            if tag == 'end':
                if value is not None:
                    raise value
                return
            yield from value
    finally:
        stop.set()


class Stored:
    """What the engine needs to know of a stored record: its key, hash, state (and raw payload, for remap).

    Plain objects, not ORM entities: loading thousands of entities per batch cost more than the work itself.
    Changes are written with UPDATE statements, and this copy kept in step, so a batch sees its own writes.
    """

    __slots__ = ('id', 'kind', 'source_id', 'origin', 'source_type', 'content_hash', 'deleted', 'source_updated_at',
                 'via', 'raw', 'entity')

    def __init__(self, id, kind, source_id, origin, source_type, content_hash, deleted, source_updated_at, via,
                 raw=None, entity=None):
        self.id, self.kind, self.source_id, self.origin, self.source_type = id, kind, source_id, origin, source_type
        self.content_hash, self.deleted, self.source_updated_at = content_hash, deleted, source_updated_at
        self.via, self.raw = via, raw
        #: the new Record this batch added and has not flushed yet: changed as an object, not by UPDATE
        self.entity = entity


_STORED_COLUMNS = (Record.id, Record.kind, Record.source_id, Record.origin, Record.source_type, Record.content_hash,
                   Record.deleted, Record.source_updated_at, Record.via)


class Batch(defaultdict):
    """The stored records of a batch of source records, by origin, and the new ones to insert at its end.

    New records are inserted together (one executemany) rather than as ORM objects one by one.
    """

    def __init__(self):
        super().__init__(list)
        self.inserts = []
        self.updates = []
        self.versions = []

    def flush(self):
        """Write the batch: one executemany for the new records, one per set of changed columns for the others."""
        if self.inserts:
            db.session.execute(insert(Record), self.inserts)
            self.inserts = []
        if self.versions:
            db.session.execute(insert(RecordVersion), self.versions)
            self.versions = []
        groups = defaultdict(list)
        for values in self.updates:
            groups[tuple(sorted(values))].append(values)
        for rows in groups.values():
            db.session.execute(update(Record), rows)  # by primary key
        self.updates = []


def existing_records(dossier, origins, with_raw=False) -> Batch:
    """Return origin -> the stored records made from it, for a batch of source records, in one query.

    The stored content is not loaded (the hash decides); the raw payload only when asked (remap).
    """
    known = Batch()
    columns = _STORED_COLUMNS + ((Record.raw,) if with_raw else ())
    for row in db.session.execute(select(*columns).where(
            Record.dossier_id == dossier.id, Record.origin.in_(set(origins)))):
        known[row.origin].append(Stored(*row))
    return known
