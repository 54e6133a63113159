"""Benchmark a full sync from the test FHIR server against what the server itself allows.

Run with `make bench-sync` (or `python bench/sync.py --resources 50000`). It prints a table and writes the
figures as JSON under bench/results/. Ratios are measured against baselines in the same run, never against
fixed times.
"""

import argparse
import json
import resource
import subprocess
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
        elif index % 500 == 9:
            yield {'resourceType': 'CarePlan', 'id': f'c{index}', 'status': 'active', 'intent': 'plan',
                   'subject': subject, 'title': f'Zorgplan {index}', 'period': {'start': moment},
                   'activity': [{'detail': {'status': 'in-progress', 'description': 'Elke dag samen wandelen.'}}]}
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


OVERLAP_SECONDS = 10


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--resources', type=int, default=50000)
    parser.add_argument('--count', type=int, default=1000)
    parser.add_argument('--mapping', type=int, default=10000, help='resources for the fhir.resources comparison')
    parser.add_argument('--child', help=argparse.SUPPRESS)
    parser.add_argument('--instance', help=argparse.SUPPRESS)
    parser.add_argument('--base-url', help=argparse.SUPPRESS)
    parser.add_argument('--bundle', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # one phase in its own process, so that its peak memory is its own
        print(json.dumps(PHASES[args.child](args)))
        return
    figures = {'resources': args.resources, 'count': args.count, 'when': datetime.now(UTC).isoformat()}
    server = FhirServer().start()
    instance = Path(tempfile.mkdtemp(prefix='carehub-bench-'))
    try:
        start = time.perf_counter()
        load(server.base_url, generate(args.resources))
        figures['load_seconds'] = round(time.perf_counter() - start, 1)

        start = time.perf_counter()
        fetched = bare_client(server.base_url, args.count)
        ceiling = time.perf_counter() - start
        figures['ceiling'] = {'fetched': fetched, 'seconds': round(ceiling, 1), 'rate': round(fetched / ceiling)}
        # the adapter looks back OVERLAP_SECONDS past its watermark (clocks differ); the dossier was loaded
        # just now, so let that window pass, as it has in any real second sync an hour later
        time.sleep(OVERLAP_SECONDS + 1)
        child(args, 'setup', instance, server.base_url)
        for label in ('first_sync', 'second_sync'):
            figures[label] = child(args, label, instance, server.base_url)
    finally:
        server.stop()
    figures['first_sync']['ratio_to_ceiling'] = round(figures['first_sync']['rate'] / figures['ceiling']['rate'], 2)
    figures['second_sync']['share_of_first'] = round(
        figures['second_sync']['seconds'] / figures['first_sync']['seconds'], 3)
    figures['remap'] = child(args, 'remap', instance)
    figures['remap'].update(child(args, 'baseline', instance))
    figures['remap']['ratio_to_baseline'] = round(figures['remap']['rate'] / figures['remap']['baseline_rate'], 2)
    figures['remap_changed'] = child(args, 'remap_changed', instance)
    figures['remap_changed']['ratio_to_baseline'] = round(
        figures['remap_changed']['rate'] / figures['remap']['baseline_rate'], 2)
    # the engine's own ceiling: the same dossier from a source that costs nothing (the fhir adapter's Bundle file)
    free = instance / 'free'
    free.mkdir()
    bundle = free / 'bundle.json'
    bundle.write_text(json.dumps({'resourceType': 'Bundle', 'type': 'collection',
                                  'entry': [{'resource': item} for item in generate(args.resources)]}))
    child(args, 'setup', free, bundle=bundle)
    figures['free_sync'] = child(args, 'first_sync', free)
    figures['free_sync']['ratio_to_baseline'] = round(
        figures['free_sync']['rate'] / figures['remap']['baseline_rate'], 2)
    figures['mapping'] = child(args, 'mapping', instance)
    figures['peak_rss_mb'] = max(figures['first_sync']['peak_rss_mb'], figures['second_sync']['peak_rss_mb'])
    out = ROOT / 'bench' / 'results' / f"sync-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    print_table(figures)
    print(f'\nfigures written to {out.relative_to(ROOT)}')


def child(args, phase, instance, base_url=None, bundle=None):
    command = [sys.executable, __file__, '--child', phase, '--instance', str(instance), '--count', str(args.count),
               '--mapping', str(args.mapping)] + (['--base-url', base_url] if base_url else []) + (
        ['--bundle', str(bundle)] if bundle else [])
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f'phase {phase} failed:\n{result.stderr}')
    return json.loads(result.stdout.strip().splitlines()[-1])


def _app(args):
    from hub import create_app
    instance = Path(args.instance)
    return create_app({'SECRET_KEY': 'bench', 'INSTANCE_PATH': str(instance),
                       'DATABASE_URL': f"sqlite:///{instance / 'bench.sqlite'}"})


def _peak_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def phase_setup(args):
    from flask_migrate import upgrade

    from hub.careprovider.operations import add_provider, get_or_create_dossier
    from hub.core.commit import unit_of_work
    with _app(args).app_context():
        upgrade()
        with unit_of_work():
            settings = {'bundle': args.bundle} if args.bundle else {
                'base_url': args.base_url, 'count': args.count, 'overlap_seconds': OVERLAP_SECONDS}
            provider = add_provider('Bench', 'fhir', settings)
            get_or_create_dossier(provider, PATIENT)
    return {}


def _sync(args):
    from sqlalchemy import event, select

    from hub.careprovider.models import Dossier
    from hub.careprovider.sync import sync_dossier
    from hub.core.commit import checkpoint, unit_of_work
    from hub.extensions import db
    with _app(args).app_context():
        writes = {'n': 0}

        @event.listens_for(db.engine, 'before_cursor_execute')
        def count_writes(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith(('INSERT', 'UPDATE', 'DELETE')) and 'records' in statement:
                writes['n'] += len(parameters) if executemany and isinstance(parameters, list) else 1

        start = time.perf_counter()
        with unit_of_work():
            run = sync_dossier(db.session.execute(select(Dossier)).scalar_one(), commit=checkpoint)
            counts, status = dict(run.counts), run.status
        seconds = time.perf_counter() - start
    if status != 'ok':
        raise SystemExit(f'sync {status}')
    return {'seconds': round(seconds, 2), 'rate': round(counts.get('fetched', 0) / seconds),
            'record_writes': writes['n'], 'counts': counts, 'peak_rss_mb': _peak_mb()}


def phase_remap(args):
    from hub.careprovider.remap import remap
    from hub.core.commit import checkpoint, unit_of_work
    with _app(args).app_context():
        start = time.perf_counter()
        with unit_of_work():
            counts = remap('fhir', commit=checkpoint)
        seconds = time.perf_counter() - start
    return {'seconds': round(seconds, 1), 'rate': round(counts['sources'] / seconds), 'counts': dict(counts),
            'peak_rss_mb': _peak_mb()}


def phase_remap_changed(args):
    """Remap after an adapter change: every record maps to new content, so each one is validated and written."""
    from sqlalchemy import update

    from hub.careprovider.models import Record
    from hub.extensions import db
    with _app(args).app_context():
        db.session.execute(update(Record).values(content_hash='changed-adapter'))
        db.session.commit()
    return phase_remap(args)


def phase_baseline(args):
    """The bare baseline for remap: json.loads of the same payloads and one executemany insert, same database."""
    from sqlalchemy import select, text

    from hub.careprovider.models import Record
    from hub.extensions import db
    with _app(args).app_context():
        payloads = [json.dumps(raw) for raw in db.session.execute(select(Record.raw)).scalars()]
        db.session.rollback()
        start = time.perf_counter()
        rows = [{'k': str(index), 'v': json.dumps(json.loads(payload))} for index, payload in enumerate(payloads)]
        with db.engine.begin() as conn:
            conn.execute(text('DROP TABLE IF EXISTS bench_baseline'))
            conn.execute(text('CREATE TABLE bench_baseline (k TEXT PRIMARY KEY, v TEXT)'))
            conn.execute(text('INSERT INTO bench_baseline (k, v) VALUES (:k, :v)'), rows)
        seconds = time.perf_counter() - start
    return {'baseline_rate': round(len(rows) / seconds)}


def phase_mapping(args):
    """Our mapping (map + common-model validation) against fhir.resources parsing the same resources."""
    from fhir.resources.R4B import get_fhir_model_class
    from sqlalchemy import select

    from adapters.fhir import FhirAdapter
    from hub.careprovider.models import Record
    from hub.careprovider.sync import validate
    from hub.extensions import db
    with _app(args).app_context():
        raws = db.session.execute(select(Record.raw).limit(args.mapping)).scalars().all()
    adapter = FhirAdapter({'bundle': '/dev/null'})

    def ours_once():
        for raw in raws:
            for mapped in adapter.map(adapter.source_from_raw(raw['resourceType'], raw)):
                validate(mapped)

    def theirs_once():
        for raw in raws:
            get_fhir_model_class(raw['resourceType']).model_validate(raw)

    def best_of(run, times=3):  # after one warm-up round each; the best of three, as timeit does
        run()
        durations = []
        for _ in range(times):
            start = time.perf_counter()
            run()
            durations.append(time.perf_counter() - start)
        return min(durations)
    ours, theirs = best_of(ours_once), best_of(theirs_once)
    return {'resources': len(raws), 'ours_rate': round(len(raws) / ours),
            'fhir_resources_rate': round(len(raws) / theirs),
            'ratio': round(theirs / ours, 2)}


PHASES = {'setup': phase_setup, 'first_sync': _sync, 'second_sync': _sync, 'remap': phase_remap,
          'remap_changed': phase_remap_changed, 'baseline': phase_baseline, 'mapping': phase_mapping}


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
        ('carehub remap, adapter changed', f"{f['remap_changed']['rate']}/s, every record written",
         f"ratio {f['remap_changed']['ratio_to_baseline']} (target >= 0.25)"),
        ('carehub sync from a Bundle file', f"{f['free_sync']['rate']}/s vs baseline {f['remap']['baseline_rate']}/s",
         f"ratio {f['free_sync']['ratio_to_baseline']} (target >= 0.5)"),
        ('peak RSS of the sync process', f"{f['peak_rss_mb']} MB", '(target < 200 MB)'),
        ('mapping vs fhir.resources', f"{f['mapping']['ours_rate']}/s vs {f['mapping']['fhir_resources_rate']}/s",
         f"ratio {f['mapping']['ratio']} (target >= 2)"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f'{name:{width}}  {value:42}  {note}')


if __name__ == '__main__':
    main()
