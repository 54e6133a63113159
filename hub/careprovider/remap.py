"""Map the stored raw payloads again (after an adapter changed), without fetching anything."""

from collections import Counter

from sqlalchemy import select

from hub.careprovider.batches import BATCH, existing_records
from hub.careprovider.models import Dossier, Provider, Record
from hub.careprovider.operations import adapter_for
from hub.careprovider.sync import store
from hub.extensions import db


def remap(adapter_name=None, progress=None, commit=None) -> Counter:
    """Map every stored raw payload again (after an adapter changed), without fetching anything.

    It streams: the stored records are read a batch of origins at a time (and committed per batch when
    ``commit`` is given). A source that is gone (every record of it deleted) stays gone.
    """
    counts = Counter()
    query = select(Dossier.id).join(Provider)
    if adapter_name:
        query = query.where(Provider.adapter == adapter_name)
    for dossier_id in db.session.execute(query).scalars().all():
        dossier = db.session.get(Dossier, dossier_id)
        adapter = adapter_for(dossier.provider)
        after = ''
        while True:
            origins = db.session.execute(select(Record.origin).where(
                Record.dossier_id == dossier_id, Record.deleted.is_(False), Record.origin > after)
                .group_by(Record.origin).order_by(Record.origin).limit(BATCH)).scalars().all()
            if not origins:
                break
            after = origins[-1]
            with db.session.no_autoflush:
                known = existing_records(dossier, origins, with_raw=True)
                for origin in origins:
                    counts['sources'] += 1  # one source may have given several records: map it once
                    first = next(record for record in known[origin] if not record.deleted)
                    store(dossier, adapter, adapter.source_from_raw(first.source_type, first.raw), counts, known,
                          via=None)
                known.flush()
            del known
            db.session.flush()
            if commit:
                commit()
            if progress:
                progress(len(origins))
    return counts
