"""Benchmark a full sync from the test FHIR server against what the server itself allows.

Run with `make bench-sync` (or `python bench/sync.py --resources 50000`). It prints a table and writes the
figures as JSON under bench/results/. Ratios are measured against baselines in the same run, never against
fixed times.
"""

import argparse
import json
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import FhirServer  # noqa: E402

PATIENT = 'bench-patient'


def generate(total):
    """Yield a dossier of `total` resources: reports, measurements, appointments and plans, over a year."""
    now = datetime.now(UTC)
    subject = {'reference': f'Patient/{PATIENT}'}
    yield {'resourceType': 'Patient', 'id': PATIENT, 'name': [{'family': 'Bench', 'given': ['Bea']}]}
    for index in range(total - 1):
        moment = (now - timedelta(minutes=10 * index)).isoformat()
        kind = index % 10
        if kind < 6:
            yield {'resourceType': 'Observation', 'id': f'r{index}', 'status': 'final', 'subject': subject,
                   'code': {'coding': [{'system': 'http://snomed.info/sct', 'code': '11591000146107'}]},
                   'effectiveDateTime': moment, 'valueString': f'Rapportage {index}: rustige dag, goed gegeten.'}
        elif kind < 9:
            yield {'resourceType': 'Observation', 'id': f'm{index}', 'status': 'final', 'subject': subject,
                   'code': {'coding': [{'system': 'http://loinc.org', 'code': '29463-7'}]},
                   'effectiveDateTime': moment, 'valueQuantity': {'value': 70 + index % 7, 'unit': 'kg'}}
        else:
            yield {'resourceType': 'Appointment', 'id': f'a{index}', 'status': 'booked', 'start': moment,
                   'end': moment, 'participant': [{'actor': subject, 'status': 'accepted'}]}


def load(base_url, resources, batch=500):
    chunk = []
    for item in resources:
        chunk.append({'resource': item, 'request': {'method': 'PUT', 'url': f"{item['resourceType']}/{item['id']}"}})
        if len(chunk) == batch:
            _post(base_url, chunk)
            chunk = []
    if chunk:
        _post(base_url, chunk)


def _post(base_url, entries):
    response = requests.post(base_url, json={'resourceType': 'Bundle', 'type': 'batch', 'entry': entries},
                             headers={'Content-Type': 'application/fhir+json'}, timeout=300)
    response.raise_for_status()


def bare_client(base_url, count):
    """The server's ceiling: page through the same searches the adapter makes, with requests + json only."""
    from adapters.fhir.client import SEARCHES
    session = requests.Session()
    fetched = 1
    session.get(f'{base_url}/Patient/{PATIENT}', timeout=60).json()
    for resource_type, param in SEARCHES:
        url, params = f'{base_url}/{resource_type}', {param: f'Patient/{PATIENT}', '_count': count,
                                                      '_sort': '_lastUpdated'}
        while url:
            bundle = session.get(url, params=params, timeout=300).json()
            fetched += len(bundle.get('entry') or [])
            url = next((link['url'] for link in bundle.get('link') or [] if link['relation'] == 'next'), None)
            params = None
    return fetched


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--resources', type=int, default=50000)
    parser.add_argument('--count', type=int, default=1000)
    args = parser.parse_args()
    figures = {'resources': args.resources, 'count': args.count, 'when': datetime.now(UTC).isoformat()}
    server = FhirServer().start()
    try:
        start = time.perf_counter()
        load(server.base_url, generate(args.resources))
        figures['load_seconds'] = round(time.perf_counter() - start, 1)

        start = time.perf_counter()
        fetched = bare_client(server.base_url, args.count)
        ceiling = time.perf_counter() - start
        figures['ceiling'] = {'fetched': fetched, 'seconds': round(ceiling, 1), 'rate': round(fetched / ceiling)}
        figures.update(run_hub(server.base_url, args.count, fetched / ceiling))
    finally:
        server.stop()
    figures['peak_rss_mb'] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out = ROOT / 'bench' / 'results' / f"sync-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    print_table(figures)
    print(f'\nfigures written to {out.relative_to(ROOT)}')


def run_hub(base_url, count, ceiling_rate):
    from flask_migrate import upgrade
    from sqlalchemy import event, select, text

    from hub import create_app
    from hub.careprovider.models import Record
    from hub.careprovider.operations import add_provider, get_or_create_dossier
    from hub.careprovider.sync import remap, sync_dossier
    from hub.core.commit import unit_of_work
    from hub.extensions import db
    instance = Path(tempfile.mkdtemp(prefix='carehub-bench-'))
    app = create_app({'SECRET_KEY': 'bench', 'INSTANCE_PATH': str(instance),
                      'DATABASE_URL': f"sqlite:///{instance / 'bench.sqlite'}"})
    figures = {}
    with app.app_context():
        upgrade()
        with unit_of_work():
            provider = add_provider('Bench', 'fhir', {'base_url': base_url, 'count': count})
            dossier_id = get_or_create_dossier(provider, PATIENT).id
        writes = {'n': 0}

        @event.listens_for(db.engine, 'before_cursor_execute')
        def count_writes(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith(('INSERT', 'UPDATE', 'DELETE')) and 'sync_runs' not in statement \
                    and 'dossiers' not in statement.split('SET')[0]:
                writes['n'] += len(parameters) if executemany and isinstance(parameters, list) else 1

        from hub.careprovider.models import Dossier
        for label in ('first_sync', 'second_sync'):
            writes['n'] = 0
            start = time.perf_counter()
            with unit_of_work():
                run = sync_dossier(db.session.get(Dossier, dossier_id))
                counts = dict(run.counts)
            seconds = time.perf_counter() - start
            figures[label] = {'seconds': round(seconds, 1), 'rate': round(counts.get('fetched', 0) / seconds),
                              'record_writes': writes['n'], 'counts': counts}
        figures['first_sync']['ratio_to_ceiling'] = round(figures['first_sync']['rate'] / ceiling_rate, 2)
        figures['second_sync']['share_of_first'] = round(
            figures['second_sync']['seconds'] / figures['first_sync']['seconds'], 2)

        start = time.perf_counter()
        with unit_of_work():
            counts = remap('fhir')
        seconds = time.perf_counter() - start
        figures['remap'] = {'seconds': round(seconds, 1), 'rate': round(counts['sources'] / seconds)}
        raws = [row.raw for row in db.session.execute(select(Record.raw))]
        payloads = [json.dumps(raw) for raw in raws]
        start = time.perf_counter()
        rows = [{'k': str(index), 'v': json.dumps(json.loads(payload))} for index, payload in enumerate(payloads)]
        with db.engine.begin() as conn:
            conn.execute(text('CREATE TABLE bench_baseline (k TEXT PRIMARY KEY, v TEXT)'))
            conn.execute(text('INSERT INTO bench_baseline (k, v) VALUES (:k, :v)'), rows)
        baseline = time.perf_counter() - start
        figures['remap']['baseline_rate'] = round(len(rows) / baseline)
        figures['remap']['ratio_to_baseline'] = round(figures['remap']['rate'] / figures['remap']['baseline_rate'], 2)
    return figures


def print_table(f):
    rows = [
        ('load into the FHIR server', f"{f['resources']} resources in {f['load_seconds']} s", ''),
        ('ceiling: bare client paging', f"{f['ceiling']['rate']}/s ({f['ceiling']['seconds']} s)", ''),
        ('carehub sync, first', f"{f['first_sync']['rate']}/s ({f['first_sync']['seconds']} s)",
         f"ratio {f['first_sync']['ratio_to_ceiling']} (target >= 0.8)"),
        ('carehub sync, nothing changed', f"{f['second_sync']['seconds']} s, "
                                          f"{f['second_sync']['record_writes']} record writes",
         f"{f['second_sync']['share_of_first']} of the first (target <= 0.1, 0 writes)"),
        ('carehub remap', f"{f['remap']['rate']}/s vs baseline {f['remap']['baseline_rate']}/s",
         f"ratio {f['remap']['ratio_to_baseline']} (target >= 0.25)"),
        ('peak RSS of this process', f"{f['peak_rss_mb']} MB", '(target < 200 MB for the sync)'),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f'{name:{width}}  {value:40}  {note}')


if __name__ == '__main__':
    main()
