"""``carehub sync`` pulls a client's records from a real FHIR R4 server into the common model."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.orm import undefer

from hub.cli import cli


def fhir_load(base_url, resources):
    """Store resources on the test FHIR server in one batch; fail on any refused entry."""
    bundle = {'resourceType': 'Bundle', 'type': 'batch', 'entry': [
        {'resource': r, 'request': {'method': 'PUT', 'url': f"{r['resourceType']}/{r['id']}"}} for r in resources]}
    response = requests.post(base_url, json=bundle, headers={'Content-Type': 'application/fhir+json'}, timeout=30)
    response.raise_for_status()
    statuses = [entry['response']['status'] for entry in response.json()['entry']]
    assert all(status.startswith('20') for status in statuses), [e['response'] for e in response.json()['entry']]


def client_records(patient_id, reports=45, now=None):
    now = now or datetime.now(UTC)
    subject = {'reference': f'Patient/{patient_id}'}
    resources = [{'resourceType': 'Patient', 'id': patient_id,
                  'name': [{'use': 'official', 'family': 'Jansen', 'given': ['Wim']}],
                  'birthDate': '1941-03-14', 'gender': 'male'}]
    for index in range(reports):
        moment = now - timedelta(hours=6 * index + 1)
        resources.append({'resourceType': 'Observation', 'id': f'{patient_id}-r{index}', 'status': 'final',
                          'code': {'coding': [{'system': 'http://snomed.info/sct', 'code': '11591000146107'}]},
                          'subject': subject, 'effectiveDateTime': moment.isoformat(),
                          'performer': [{'display': 'Linda Visser'}], 'valueString': f'Rapportage nummer {index}.'})
    resources.append({'resourceType': 'Observation', 'id': f'{patient_id}-w', 'status': 'final',
                      'code': {'coding': [{'system': 'http://loinc.org', 'code': '29463-7'}]}, 'subject': subject,
                      'effectiveDateTime': now.isoformat(),
                      'valueQuantity': {'value': 78.5, 'unit': 'kg', 'system': 'http://unitsofmeasure.org',
                                        'code': 'kg'}})
    for index, days in enumerate((-3, 2, 9)):
        start = now + timedelta(days=days)
        resources.append({'resourceType': 'Appointment', 'id': f'{patient_id}-a{index}',
                          'status': 'fulfilled' if days < 0 else 'booked', 'description': f'Afspraak {index}',
                          'start': start.isoformat(), 'end': (start + timedelta(minutes=30)).isoformat(),
                          'participant': [{'actor': subject, 'status': 'accepted'},
                                          {'actor': {'display': 'Sander Kok'}, 'status': 'accepted'}]})
    return resources


def test_sync_pulls_patient_reports_and_appointments(app, fhir_server, provider, coupling_code, register, db):
    from hub.careprovider.models import Record, SyncRun
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    fhir_load(fhir_server.base_url, client_records(patient_id))
    name = provider('Zorggroep FHIR', base_url=fhir_server.base_url, count='10')
    manager = register('m@example.nl')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()

    result = app.test_cli_runner().invoke(cli, ['sync', name])
    assert result.exit_code == 0, result.output
    assert "'created': 50" in result.output
    [run] = db.scalars(select(SyncRun))
    assert run.status == 'ok' and run.counts == {'fetched': 50, 'created': 50}
    kinds = sorted(r.kind for r in db.scalars(select(Record)))
    assert kinds.count('report') == 45 and kinds.count('appointment') == 3
    assert kinds.count('demographics') == 1 and kinds.count('measurement') == 1

    assert manager.get(f"/api/v1/circles/{circle['id']}").get_json()['name'] == 'Wim Jansen'
    items, cursor, pages = [], None, 0
    while True:
        page = manager.get(f"/api/v1/circles/{circle['id']}/timeline" + (f'?cursor={cursor}' if cursor else ''))
        assert page.status_code == 200
        body = page.get_json()
        items += body['items']
        pages += 1
        cursor = body['next']
        if cursor is None:
            break
    assert pages == 3 and len(items) == 45 and len({i['id'] for i in items}) == 45
    times = [i['occurred_at'] for i in items]
    assert times == sorted(times, reverse=True)
    assert items[0]['data']['text'] == 'Rapportage nummer 0.' and items[0]['provider']['name'] == name

    again = app.test_cli_runner().invoke(cli, ['sync', name])
    assert again.exit_code == 0 and "'created'" not in again.output
    assert db.count(Record) == 50


def test_sync_updates_changed_records_and_skips_unchanged(app, fhir_server, provider, coupling_code, register, db):
    from hub.careprovider.models import Record
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    resources = client_records(patient_id, reports=3)
    fhir_load(fhir_server.base_url, resources)
    name = provider('Zorggroep FHIR', base_url=fhir_server.base_url)
    register('m@example.nl').post('/api/v1/connections', {'code': coupling_code(name, patient_id)})
    assert app.test_cli_runner().invoke(cli, ['sync']).exit_code == 0
    report = next(r for r in resources if r['id'] == f'{patient_id}-r1')
    report['valueString'] = 'Aangepaste rapportage.'
    fhir_load(fhir_server.base_url, [report])
    result = app.test_cli_runner().invoke(cli, ['sync'])
    assert result.exit_code == 0 and "'updated': 1" in result.output
    texts = [r.data['text'] for r in db.scalars(select(Record).where(Record.kind == 'report'))]
    assert 'Aangepaste rapportage.' in texts and len(texts) == 3


def test_sync_of_an_unreachable_server_is_recorded_and_reported(app, provider, coupling_code, register, db):
    from hub.careprovider.models import SyncRun
    name = provider('Zorggroep Weg', base_url='http://127.0.0.1:9/fhir/R4')
    register('m@example.nl').post('/api/v1/connections', {'code': coupling_code(name, 'p-x')})
    result = app.test_cli_runner().invoke(cli, ['sync', name])
    assert result.exit_code == 1 and 'failed' in result.output
    [run] = db.scalars(select(SyncRun))
    assert run.status == 'failed' and 'not reachable' in run.error


def test_a_report_entered_in_error_leaves_the_timeline_and_odd_data_is_rejected_not_fatal(
        app, fhir_server, provider, coupling_code, register, db):
    from hub.careprovider.models import Record, SyncRun
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    resources = client_records(patient_id, reports=3)
    fhir_load(fhir_server.base_url, resources)
    name = provider('Zorggroep FHIR', base_url=fhir_server.base_url)
    manager = register('m@example.nl')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    assert app.test_cli_runner().invoke(cli, ['sync']).exit_code == 0
    timeline = f"/api/v1/circles/{circle['id']}/timeline"
    assert len(manager.get(timeline).get_json()['items']) == 3
    manager.step_up()
    for path in ('timeline', ''):  # headings never skip a level (axe heading-order): h1, then h2 ...
        page = manager.client.get(f"/circles/{circle['id']}/{path}".rstrip('/')).get_data(as_text=True)
        levels = [int(level) for level in re.findall(r'<h([1-6])[\s>]', page)]
        assert levels and levels[0] == 1, (path, levels)
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), (path, levels)

    wrong = next(r for r in resources if r['id'] == f'{patient_id}-r0')
    wrong['status'] = 'entered-in-error'
    odd = {'resourceType': 'Observation', 'id': f'{patient_id}-odd', 'status': 'final',
           'code': {'coding': [{'system': 'http://snomed.info/sct', 'code': '11591000146107'}]},
           'subject': {'reference': f'Patient/{patient_id}'}, 'effectiveDateTime': '2026-01-01T10:00:00Z',
           'valueString': 'x' * 100001}  # longer than a report may be: rejected by the common model
    fhir_load(fhir_server.base_url, [wrong, odd])
    result = app.test_cli_runner().invoke(cli, ['sync'])
    assert result.exit_code == 0, result.output
    runs = db.scalars(select(SyncRun).order_by(SyncRun.started_at))
    assert runs[-1].counts.get('deleted') == 1 and runs[-1].counts.get('rejected') == 1
    items = manager.get(timeline).get_json()['items']
    assert len(items) == 2 and all('nummer 0' not in i['data']['text'] for i in items)
    [gone] = db.scalars(select(Record).options(undefer(Record.raw)).where(Record.source_id == f'Observation/{patient_id}-r0'))
    assert gone.deleted and gone.raw['status'] == 'final'  # the record stays, marked, for the audit trail


def test_a_next_link_to_another_host_is_refused(app):
    from adapters.fhir import FhirAdapter
    from hub.careprovider.adapter import AdapterError
    from tests.servers import json_handler, serve

    class Handler(json_handler()):
        def do_GET(self):
            if self.path.startswith('/fhir/Patient/'):
                self.answer(200, {'resourceType': 'Patient', 'id': 'p1'})
            else:
                self.answer(200, {'resourceType': 'Bundle', 'type': 'searchset', 'entry': [],
                                  'link': [{'relation': 'next', 'url': 'http://evil.example/fhir/Observation?page=2'}]})

    server = serve(Handler)
    try:
        adapter = FhirAdapter({'base_url': f'http://127.0.0.1:{server.server_port}/fhir'})
        with pytest.raises(AdapterError, match='another host'):
            list(adapter.fetch('p1', None))
    finally:
        server.shutdown()


def test_failures_back_off_honour_retry_after_and_pause_a_provider(app, provider, coupling_code, register, db):
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from sqlalchemy import update

    from hub.careprovider.models import Dossier, Provider
    from hub.core.timeutil import utcnow
    from hub.worker import sync_due

    class Busy(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(503)
            self.send_header('Retry-After', '120')
            self.end_headers()

        def log_message(self, *args):
            pass
    server = HTTPServer(('127.0.0.1', 0), Busy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        name = provider('Zorg Druk', base_url=f'http://127.0.0.1:{server.server_port}/fhir')
        manager = register('m@example.nl')
        circle = manager.post('/api/v1/connections', {'code': coupling_code(name, 'p1')}).get_json()
        with app.app_context():
            sync_due()
        [dossier] = db.scalars(select(Dossier))
        assert dossier.failures == 1
        wait = (dossier.retry_at - utcnow()).total_seconds()
        assert 100 < wait <= 120  # what Retry-After asked
        with app.app_context():
            sync_due()  # not yet due: nothing is tried
        assert db.scalars(select(Dossier))[0].failures == 1
        for _ in range(4):
            db.execute(update(Dossier).values(retry_at=utcnow()))
            with app.app_context():
                sync_due()
        [paused] = db.scalars(select(Provider))
        assert paused.failures == 5 and paused.paused_until > utcnow()
        db.execute(update(Dossier).values(retry_at=utcnow()))
        with app.app_context():
            sync_due()  # the provider is paused: no try
        assert db.scalars(select(Dossier))[0].failures == 5
        page = manager.get(f"/circles/{circle['id']}").get_data(as_text=True)
        assert 'Zorg Druk' in page and ('opnieuw' in page or 'try again' in page)
        listing = app.test_cli_runner().invoke(cli, ['provider', 'list']).output
        assert 'Zorg Druk' in listing and 'PAUSED' in listing
    finally:
        server.shutdown()
