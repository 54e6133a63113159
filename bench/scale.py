"""Scale out on one machine: carehub on PostgreSQL and Redis with one and with two of each part.

Run with `make bench-scale` (or `python bench/scale.py --seconds 5 --clients 20`). Two measurements, each
beside its baseline in the same run:

- the care page (10⁴ reports) under wrk with 1 and with 2 app servers (gunicorn, one sync worker each) behind
  one address (SO_REUSEPORT: the kernel spreads the connections), beside a bare Flask hello world served by
  1 and by 2 such servers, which shows what this machine gives a second server at all;
- a sync of many dossiers (a Bundle file, a source that costs nothing) by 1 and by 2 Celery workers
  (`carehub worker --concurrency 1` each), the tasks sent at once, timed until every dossier has synced.

The figures go to bench/results/scale-*.json.
"""

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / 'bench'))

import web  # noqa: E402  (bench/web.py)

from tests.servers import PostgresServer, RedisServer  # noqa: E402

BIN = Path(sys.executable).parent


def _with_redis(instance, redis_url):
    config = instance / 'carehub.cfg'
    config.write_text(config.read_text() + f'REDIS_URL = {redis_url!r}\n')


def web_part(work, postgres, redis, seconds):
    """req/s of the care page with 1 and 2 app servers, and of hello world served the same way."""
    instance = work / 'web'
    secret, circle_id, _ = web.seed(instance, 10_000, postgres.create_database('scale_web'))
    _with_redis(instance, redis.url)  # limits shared through Redis, as with several servers in production
    env = {**os.environ, 'CAREHUB_INSTANCE_PATH': str(instance)}
    figures, cookie = {}, None
    for servers in (1, 2):
        port = web.free_port()
        hello = [web.serve('hello:app', port, dict(os.environ), chdir=ROOT / 'bench', workers=1, reuse_port=True)
                 for _ in range(servers)]
        try:
            web.load(f'http://127.0.0.1:{port}/', 1)  # warm up
            baseline = web.load(f'http://127.0.0.1:{port}/', seconds)
        finally:
            _stop(hello)
        port = web.free_port()
        carehub = [web.serve('hub:create_app()', port, env, chdir=ROOT, workers=1, reuse_port=True)
                   for _ in range(servers)]
        try:
            if cookie is None:  # once: the session lives in the database, and a code counts only once
                _, cookie = web.log_in(f'http://127.0.0.1:{port}', secret)
            web.load(f'http://127.0.0.1:{port}/circles/{circle_id}', 1, cookie)  # warm up
            page = web.load(f'http://127.0.0.1:{port}/circles/{circle_id}', seconds, cookie)
        finally:
            _stop(carehub)
        figures[servers] = {'hello_rps': baseline['rps'], 'care_page': page,
                            'ratio_to_hello': round(page['rps'] / baseline['rps'], 4)}
        print(f'  {servers} app server(s): care page {page["rps"]:7.1f} req/s (p99 {page["p99_ms"]:.1f} ms), '
              f'hello world {baseline["rps"]:7.1f} req/s', flush=True)
    figures['care_page_gain'] = round(figures[2]['care_page']['rps'] / figures[1]['care_page']['rps'], 2)
    figures['hello_gain'] = round(figures[2]['hello_rps'] / figures[1]['hello_rps'], 2)
    return figures


def _stop(processes):
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def bundle_of(clients, per_client):
    """A Bundle of ``clients`` clients, each with a Patient and reports."""
    entries = []
    for c in range(clients):
        client = f'client-{c}'
        entries.append({'resource': {'resourceType': 'Patient', 'id': client, 'name': [{'family': f'Schaal{c}'}]}})
        for n in range(per_client - 1):
            entries.append({'resource': {
                'resourceType': 'Observation', 'id': f'{client}-r{n}', 'status': 'final',
                'subject': {'reference': f'Patient/{client}'},
                'code': {'coding': [{'system': 'http://snomed.info/sct', 'code': '11591000146107'}]},
                'effectiveDateTime': f'2026-01-01T{n % 24:02d}:00:00+00:00',
                'valueString': f'Rapportage {n}: rustige dag, goed gegeten.'}})
    return {'resourceType': 'Bundle', 'type': 'collection', 'entry': entries}


def sync_part(work, postgres, redis, clients, per_client):
    """Seconds for 1 and 2 Celery workers to sync ``clients`` dossiers."""
    bundle = work / 'bundle.json'
    bundle.write_text(json.dumps(bundle_of(clients, per_client)))
    figures = {}
    for workers in (1, 2):
        instance = work / f'sync-{workers}'
        instance.mkdir()
        (instance / 'carehub.cfg').write_text(
            f'SECRET_KEY = {secrets.token_urlsafe(32)!r}\n'
            f'DATABASE_URL = {postgres.create_database(f"scale_sync_{workers}")!r}\nREDIS_URL = {redis.url!r}\n')
        env = {**os.environ, 'CAREHUB_INSTANCE_PATH': str(instance)}
        subprocess.run([str(BIN / 'carehub'), 'db', 'upgrade'], env=env, check=True, capture_output=True)
        subprocess.run([str(BIN / 'carehub'), 'provider', 'add', 'Zorggroep Schaal', '--adapter', 'fhir',
                        '--setting', f'bundle={bundle}'], env=env, check=True, capture_output=True)
        os.environ['CAREHUB_INSTANCE_PATH'] = str(instance)
        from hub import create_app
        from hub.careprovider.models import Dossier
        from hub.careprovider.operations import get_or_create_dossier, provider_by_name
        from hub.core.commit import unit_of_work
        from hub.extensions import db
        from hub.tasks import make_celery
        app = create_app({'INSTANCE_PATH': str(instance)})
        with app.app_context(), unit_of_work():
            ids = [str(get_or_create_dossier(provider_by_name('Zorggroep Schaal'), f'client-{c}').id)
                   for c in range(clients)]
        logs = [open(instance / f'worker-{n}.log', 'w') for n in range(workers)]  # noqa: SIM115
        processes = [subprocess.Popen([str(BIN / 'carehub'), 'worker', '--concurrency', '1'], env=env, stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True) for log in logs]
        try:
            deadline = time.monotonic() + 60
            while not all('ready' in (instance / f'worker-{n}.log').read_text() for n in range(workers)):
                if time.monotonic() > deadline:
                    raise RuntimeError('the workers did not start')
                time.sleep(0.2)
            celery = make_celery(app)
            started = time.perf_counter()
            for dossier_id in ids:
                celery.send_task('carehub.sync_dossier', args=[dossier_id])
            with app.app_context():
                while db.session.query(Dossier).filter(Dossier.last_synced_at.isnot(None)).count() < clients:
                    db.session.rollback()
                    time.sleep(0.2)
            seconds = time.perf_counter() - started
        finally:
            for process in processes:
                os.killpg(process.pid, signal.SIGTERM)
            for process in processes:
                process.wait(timeout=60)
            for log in logs:
                log.close()
        resources = clients * per_client
        figures[workers] = {'seconds': round(seconds, 1), 'rate': round(resources / seconds)}
        print(f'  {workers} worker(s): {clients} dossiers, {resources} resources in {seconds:.1f} s '
              f'({resources / seconds:.0f}/s)', flush=True)
    figures['gain'] = round(figures[1]['seconds'] / figures[2]['seconds'], 2)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seconds', type=int, default=10, help='seconds of load per measurement')
    parser.add_argument('--clients', type=int, default=20, help='dossiers the workers sync')
    parser.add_argument('--per-client', type=int, default=1000, help='resources per dossier')
    args = parser.parse_args()
    postgres, redis = PostgresServer().start(), RedisServer().start()
    try:
        with tempfile.TemporaryDirectory(prefix='carehub-bench-scale-') as folder:
            print('app servers behind one address (PostgreSQL, Redis; gunicorn -w 1 each):')
            web_figures = web_part(Path(folder), postgres, redis, args.seconds)
            print(f'  a second server: care page x{web_figures["care_page_gain"]}, '
                  f'hello world x{web_figures["hello_gain"]}')
            print('Celery workers syncing dossiers (PostgreSQL, Redis; --concurrency 1 each):')
            sync_figures = sync_part(Path(folder), postgres, redis, args.clients, args.per_client)
            print(f'  a second worker: x{sync_figures["gain"]}')
    finally:
        redis.stop()
        postgres.stop()
    result = {'when': datetime.now(UTC).isoformat(), 'cpus': os.cpu_count(), 'seconds': args.seconds,
              'web': web_figures, 'sync': sync_figures}
    out = ROOT / 'bench' / 'results' / f'scale-{datetime.now(UTC):%Y%m%dT%H%M%S}.json'
    out.write_text(json.dumps(result, indent=1))
    print(f'figures written to {out.relative_to(ROOT)}')


if __name__ == '__main__':
    main()
