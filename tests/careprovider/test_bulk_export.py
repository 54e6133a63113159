"""Whole-provider sync through FHIR Bulk Data $export, against a double of the protocol at the HTTP boundary."""

import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from tests.bulk_double import BulkDouble


@pytest.fixture
def bulk():
    double = BulkDouble().start()
    yield double
    double.stop()


def report(client, n, text='rustige dag'):
    return {'resourceType': 'Observation', 'id': f'{client}-r{n}', 'status': 'final',
            'subject': {'reference': f'Patient/{client}'},
            'code': {'coding': [{'system': 'http://snomed.info/sct', 'code': '11591000146107'}]},
            'effectiveDateTime': (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=n)).isoformat(),
            'valueString': f'Rapportage {n}: {text}.'}


def load(double, clients, per_client, when):
    for c in range(clients):
        client = f'client-{c}'
        double.put({'resourceType': 'Patient', 'id': client, 'name': [{'family': f'Schaal{c}', 'given': ['Bea']}]},
                   when)
        for n in range(per_client - 1):
            double.put(report(client, n), when)


def set_up(db, double, clients, synced_at):
    """The provider and a dossier per client, each synced before (a watermark) and reconciled lately."""
    from hub.careprovider.models import Dossier
    from hub.careprovider.operations import add_provider, get_or_create_dossier

    def make():
        provider = add_provider('Zorggroep Bulk', 'fhir', {'base_url': double.base_url, 'token': double.token,
                                                           'export': 'Group/clients', 'overlap_seconds': 0})
        for c in range(clients):
            get_or_create_dossier(provider, f'client-{c}')
    db.run(make)
    db.execute(update(Dossier).values(watermark=synced_at, last_synced_at=synced_at - timedelta(hours=2),
                                      reconciled_at=datetime.now(UTC)))


def sync_due(app):
    from hub.worker import sync_due
    with app.app_context():
        sync_due()


def test_one_export_syncs_every_client_once_and_later_only_what_changed(app, db, bulk):
    from hub.careprovider.models import Dossier, Record, SyncRun
    long_ago = datetime.now(UTC) - timedelta(days=2)
    load(bulk, 100, 100, long_ago + timedelta(hours=1))
    bulk.put({'resourceType': 'Patient', 'id': 'stranger', 'name': [{'family': 'Vreemd'}]})  # no dossier here
    bulk.put(report('stranger', 1))
    set_up(db, bulk, 100, long_ago)

    sync_due(app)
    kick_offs = [r for r in bulk.requests if r[1].endswith('$export')]
    assert len(kick_offs) == 1 and kick_offs[0][2]['_since'].startswith(long_ago.strftime('%Y-%m-%dT%H:%M'))
    assert db.count(Record) == 10_000  # 100 clients x (their Patient + 99 reports), the stranger's not at all
    keys = db.scalars(select(func.count()).select_from(
        select(Record.dossier_id, Record.kind, Record.source_id).distinct().subquery()))
    assert keys == [10_000]  # no duplicate
    per_dossier = db.scalars(select(func.count()).select_from(Record).group_by(Record.dossier_id))
    assert per_dossier == [100] * 100
    assert all(d.watermark > long_ago and d.last_synced_at > long_ago for d in db.scalars(select(Dossier)))
    assert db.count(SyncRun) == 100
    assert all(job['ended'] for job in bulk.jobs.values())  # the server was told the files may go

    # later: two reports changed, one deleted; the next export asks only for what changed since
    db.execute(update(Dossier).values(last_synced_at=datetime.now(UTC) - timedelta(hours=2)))
    bulk.put(report('client-7', 3, 'onrustige nacht'))
    bulk.put(report('client-8', 4, 'bezoek van de huisarts'))
    bulk.delete('Observation', 'client-9-r5')
    bulk.requests.clear()
    sync_due(app)
    [kick_off] = [r for r in bulk.requests if r[1].endswith('$export')]
    assert '_since' in kick_off[2]
    changed = db.scalars(select(Record).where(Record.source_id.in_(['Observation/client-7-r3',
                                                                     'Observation/client-8-r4'])))
    assert sorted(r.data['text'] for r in changed) == ['Rapportage 3: onrustige nacht.',
                                                      'Rapportage 4: bezoek van de huisarts.']
    [gone] = db.scalars(select(Record).where(Record.source_id == 'Observation/client-9-r5'))
    assert gone.deleted
    assert db.count(Record) == 10_000


def test_a_failed_export_moves_nothing_and_counts_on_the_provider(app, db, bulk):
    from hub.careprovider.models import Dossier, Provider, Record
    long_ago = datetime.now(UTC) - timedelta(days=2)
    load(bulk, 3, 5, long_ago + timedelta(hours=1))
    set_up(db, bulk, 3, long_ago)
    bulk.fail_status = 503
    sync_due(app)
    assert db.count(Record) == 0
    [provider] = db.scalars(select(Provider))
    assert provider.failures == 1
    assert all(d.watermark == long_ago and d.sync_claimed_until is None for d in db.scalars(select(Dossier)))


def test_a_new_dossier_syncs_alone_and_then_joins_the_export(app, db, bulk):
    from hub.careprovider.models import Dossier
    long_ago = datetime.now(UTC) - timedelta(days=2)
    load(bulk, 2, 3, long_ago + timedelta(hours=1))
    set_up(db, bulk, 2, long_ago)
    db.execute(update(Dossier).where(Dossier.client_id == 'client-1').values(watermark=None))
    from hub.careprovider.bulk import exported
    from hub.careprovider.operations import adapter_for
    with app.app_context():
        from hub.extensions import db as sa_db
        states = {d.client_id: exported(d, adapter_for(d.provider)) for d in sa_db.session.execute(
            select(Dossier)).scalars()}
    assert states == {'client-0': True, 'client-1': False}


def test_the_export_streams_its_files_so_memory_does_not_grow_with_them(app, db, bulk):
    """The peak memory of an export of 10,000 resources is not five times that of 2,000 (it would be, if the
    files or the export were held whole): the stream is read in batches that are committed and let go."""
    from hub.careprovider.bulk import sync_provider
    from hub.careprovider.models import Dossier, Provider, Record
    from hub.core.commit import checkpoint, unit_of_work
    from hub.extensions import db as sa_db
    long_ago = datetime.now(UTC) - timedelta(days=2)
    set_up(db, bulk, 20, long_ago)
    peaks = []
    for per_client in (10, 100, 500):  # the first warms the caches (statements, imports) up
        bulk.resources.clear()
        load(bulk, 20, per_client, long_ago + timedelta(hours=1))
        db.execute(delete(Record))
        db.execute(update(Dossier).values(watermark=long_ago))
        with app.app_context():
            ids = sa_db.session.execute(select(Dossier.id)).scalars().all()
            tracemalloc.start()
            with unit_of_work():
                counts = sync_provider(sa_db.session.execute(select(Provider)).scalar_one(), ids, commit=checkpoint)
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        assert counts['created'] == 20 * per_client
    assert peaks[2] < 2.5 * peaks[1], peaks  # five times the resources, not five times the memory
