"""Syncs against the real FHIR server: changes between syncs, many pages, a failure on page 3 and the resume."""

import uuid
from datetime import timedelta

import requests
from sqlalchemy import select, update
from sqlalchemy.orm import undefer

from hub.cli import cli
from tests.careprovider.test_fhir_sync import client_records, fhir_load
from tests.servers import Proxy


def link(register, coupling_code, name, patient_id):
    manager = register('m@example.nl')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    return manager, circle


def sync(app, *args):
    return app.test_cli_runner().invoke(cli, ['sync', *args])


def last_run(db):
    from hub.careprovider.models import SyncRun
    return db.scalars(select(SyncRun).order_by(SyncRun.started_at))[-1]


def timeline_texts(manager, circle):
    items = manager.get(f"/api/v1/circles/{circle['id']}/timeline").get_json()['items']
    return [item['data']['text'] for item in items]


def test_a_change_an_addition_and_a_deletion_between_syncs(app, fhir_server, provider, coupling_code, register, db):
    from hub.careprovider.models import Dossier, Record
    from hub.core.timeutil import utcnow
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    resources = client_records(patient_id, reports=3)
    fhir_load(fhir_server.base_url, resources)
    name = provider('Zorggroep FHIR', base_url=fhir_server.base_url)
    manager, circle = link(register, coupling_code, name, patient_id)
    assert sync(app).exit_code == 0
    assert last_run(db).counts == {'fetched': 8, 'created': 8}

    written = {r.source_id: (r.updated_at, r.content_hash) for r in db.scalars(select(Record))}
    assert sync(app).exit_code == 0  # nothing changed at the source: nothing is written
    assert set(last_run(db).counts) <= {'fetched', 'unchanged'}
    assert {r.source_id: (r.updated_at, r.content_hash) for r in db.scalars(select(Record))} == written

    changed = dict(next(r for r in resources if r['id'] == f'{patient_id}-r1'), valueString='Aangepaste rapportage.')
    added = dict(next(r for r in resources if r['id'] == f'{patient_id}-r0'), id=f'{patient_id}-r9',
                 valueString='Nieuwe rapportage.')
    fhir_load(fhir_server.base_url, [changed, added])
    requests.delete(f'{fhir_server.base_url}/Observation/{patient_id}-r2', timeout=10).raise_for_status()
    assert sync(app).exit_code == 0
    counts = last_run(db).counts
    assert counts['created'] == 1 and counts['updated'] == 1 and 'deleted' not in counts  # incremental: no deletions
    assert 'Rapportage nummer 2.' in timeline_texts(manager, circle)

    db.execute(update(Dossier).values(reconciled_at=utcnow() - timedelta(hours=25)))  # the daily full fetch is due
    assert sync(app).exit_code == 0
    counts = last_run(db).counts
    assert counts == {'fetched': 8, 'unchanged': 8, 'deleted': 1}
    texts = timeline_texts(manager, circle)
    assert sorted(texts) == ['Aangepaste rapportage.', 'Nieuwe rapportage.', 'Rapportage nummer 0.']
    [gone] = db.scalars(select(Record).where(Record.source_id == f'Observation/{patient_id}-r2'))
    assert gone.deleted
    assert db.scalars(select(Dossier))[0].reconciled_at > utcnow() - timedelta(minutes=5)

    fhir_load(fhir_server.base_url, [next(r for r in resources if r['id'] == f'{patient_id}-r2')])  # it comes back
    assert sync(app, '--full').exit_code == 0
    assert last_run(db).counts.get('updated') == 1 and len(timeline_texts(manager, circle)) == 4


def test_more_than_a_thousand_resources_over_several_pages(app, fhir_server, provider, coupling_code, register, db):
    from hub.careprovider.models import Record
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    fhir_load(fhir_server.base_url, client_records(patient_id, reports=1100))
    proxy = Proxy(fhir_server.base_url).start()
    try:
        name = provider('Zorggroep Groot', base_url=proxy.base_url, count='200')
        link(register, coupling_code, name, patient_id)
        result = sync(app)
        assert result.exit_code == 0, result.output
    finally:
        proxy.stop()
    assert last_run(db).counts == {'fetched': 1105, 'created': 1105}
    observation_pages = [path for method, path, _ in proxy.requests if '/Observation' in path]
    assert len(observation_pages) == 6  # 1,101 observations, 200 a page, each next link followed
    keys = [(r.kind, r.source_id) for r in db.scalars(select(Record))]
    assert len(keys) == len(set(keys)) == 1105


def test_a_failure_on_page_3_and_the_next_run_resumes_without_duplicates(
        app, fhir_server, provider, coupling_code, register, db, monkeypatch):
    from hub.careprovider import sync as engine
    from hub.careprovider.models import Dossier, Record
    from hub.careprovider.operations import adapter_for
    monkeypatch.setattr(engine, 'BATCH', 10)  # commit every 10 records, so that the first pages stay
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    fhir_load(fhir_server.base_url, client_records(patient_id, reports=45))
    failing = {'on': True}

    def page_3(method, path):
        return 503 if failing['on'] and '/Observation?' in path and '_offset=20' in path else None
    proxy = Proxy(fhir_server.base_url, fail=page_3).start()
    try:
        name = provider('Zorggroep Wankel', base_url=proxy.base_url, count='10')
        manager, circle = link(register, coupling_code, name, patient_id)
        result = sync(app)
        assert result.exit_code == 1 and 'failed' in result.output
        run = last_run(db)
        assert run.status == 'failed' and '503' in run.error
        stored = db.scalars(select(Record).options(undefer(Record.raw)))
        assert len(stored) == 20  # the two committed batches; the records of the failed page are not half there
        [dossier] = db.scalars(select(Dossier))
        assert dossier.watermark is None and dossier.failures == 1
        with app.app_context():
            from hub.extensions import db as sa_db
            adapter = adapter_for(sa_db.session.get(Dossier, dossier.id).provider)
            for record in stored:
                [mapped] = adapter.map(adapter.source_from_raw(record.source_type, record.raw))
                assert record.content_hash == engine.content_hash(mapped.kind, mapped.data)

        failing['on'] = False
        assert sync(app).exit_code == 0
        assert last_run(db).counts == {'fetched': 50, 'unchanged': 20, 'created': 30}
    finally:
        proxy.stop()
    keys = [(r.kind, r.source_id) for r in db.scalars(select(Record))]
    assert len(keys) == len(set(keys)) == 50
    assert len(manager.get(f"/api/v1/circles/{circle['id']}/timeline?limit=100").get_json()['items']) >= 20
