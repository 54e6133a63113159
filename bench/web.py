"""Benchmark the reading side of carehub against a bare Flask hello world, at three dossier sizes.

Run with `make bench-web` (or `python bench/web.py --sizes 100,10000 --seconds 5 --databases sqlite`). On
SQLite and on a throwaway PostgreSQL (tests/servers.py), for each size it seeds a care page with that many reports (bulk inserts), serves carehub with gunicorn (2 sync workers) beside a
bare Flask app served the same way, logs in as the manager (second factor done, so the dossier opens), and
loads each route with wrk (2 threads, 4 connections). It prints req/s, p50, p99, the ratio to hello world,
the SQL statements per request and the latency at the largest size over the smallest, and writes the
figures as JSON under bench/results/. Ratios are measured in the same run, never against fixed times.
"""

import argparse
import json
import logging
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
PASSWORD = 'blauwe fietsen op de dijk 1987'
EMAIL = 'mieke@bench.carehub.nl'
#: (name, path under the care page; None: the care page itself)
ROUTES = [
    ('care page', ''),
    ('timeline page', '/timeline'),
    ('timeline API', 'api:/timeline'),
    ('timeline API, deep', 'api:/timeline?cursor={deep}'),
    ('messages API', 'api:/messages'),
    ('measurements page', '/measurements'),
    ('plans page', '/plans'),
]

#: the targets of issue [speed] (#31): the share of hello world's req/s (None: every other route), p99 at 4 connections
RATIO_TARGETS = {'care page': 0.1, None: 0.15}
P99_TARGET_MS = 50


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def seed(instance: Path, reports: int, database_url=None):
    """Make an instance whose one care page holds ``reports`` reports; return (totp secret, circle id, deep cursor)."""
    instance.mkdir(parents=True, exist_ok=True)
    settings = [f'SECRET_KEY = {secrets.token_urlsafe(32)!r}', "BASE_URL = 'http://127.0.0.1'"]
    if database_url:
        settings.append(f'DATABASE_URL = {database_url!r}')
    (instance / 'carehub.cfg').write_text('\n'.join(settings) + '\n')
    bundle = instance / 'bundle.json'
    bundle.write_text(json.dumps({'resourceType': 'Bundle', 'type': 'collection', 'entry': []}))
    os.environ['CAREHUB_INSTANCE_PATH'] = str(instance)
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from hub import create_app
    from hub.account.hashing import hash_password
    from hub.account.models import Account
    from hub.careprovider.models import Record
    from hub.careprovider.operations import add_provider, get_or_create_dossier
    from hub.circle.models import CircleDossier
    from hub.circle.operations import create_circle
    from hub.config import setting
    from hub.core.commit import unit_of_work
    from hub.core.crypto import encrypt
    from hub.core.cursor import encode_cursor
    from hub.core.timeutil import utcnow
    from hub.extensions import db
    app = create_app({'INSTANCE_PATH': str(instance)})
    secret = pyotp.random_base32()
    with app.app_context():
        logging.disable(logging.INFO)  # the migrations' log lines
        upgrade()
        logging.disable(logging.NOTSET)
        with unit_of_work():
            provider = add_provider('Zorggroep Bench', 'fhir', {'bundle': str(bundle)})
            account = Account(email=EMAIL, first_name='Mieke', last_name='Bench', security_stamp=secrets.token_hex(16),
                              terms_version=setting('TERMS_VERSION'), terms_accepted_at=utcnow(), status='active',
                              password_hash=hash_password(PASSWORD), activated_at=utcnow(),
                              password_changed_at=utcnow(), totp_secret=encrypt(secret))
            db.session.add(account)
            db.session.flush()
            circle = create_circle(account, name='Wim Bench')
            dossier = get_or_create_dossier(provider, 'bench-client')
            dossier.last_synced_at = utcnow()
            db.session.add(CircleDossier(dossier_id=dossier.id, circle_id=circle.id))
            circle_id, dossier_id = circle.id, dossier.id
        now = datetime.now(UTC)
        for start in range(0, reports, 5000):
            rows = [{'dossier_id': dossier_id, 'kind': 'report', 'source_id': f'r{n}', 'source_type': 'Observation',
                     'origin': f'Observation/r{n}', 'content_hash': f'{n:064x}', 'raw': {},
                     'data': {'title': 'Rapportage', 'category': 'Dagrapportage', 'author': 'Verzorgende IG',
                              'text': f'Rapportage {n}: rustige dag, goed gegeten en gewandeld.'},
                     'occurred_at': now - timedelta(minutes=10 * n), 'updated_at': now, 'via': 'pull'}
                    for n in range(start, min(start + 5000, reports))]
            with unit_of_work():
                db.session.execute(insert(Record), rows)
        with unit_of_work():
            position = min(10_000, max(0, reports - 50))  # a full page follows it at every size
            row = db.session.execute(select(Record.occurred_at, Record.id).where(Record.dossier_id == dossier_id)
                                     .order_by(Record.occurred_at.desc(), Record.id.desc())
                                     .offset(position).limit(1)).one()
            deep = encode_cursor(row.occurred_at, row.id)
        if db.engine.dialect.name == 'postgresql':  # fresh statistics, as autovacuum gives them a minute after a sync
            with db.engine.connect().execution_options(isolation_level='AUTOCOMMIT') as connection:
                connection.exec_driver_sql('ANALYZE')
    return secret, str(circle_id), deep


def serve(target, port, env, chdir=None, workers=2, reuse_port=False):
    """Start gunicorn with sync workers on loopback and wait until it answers (``reuse_port``: several servers
    share the port, the kernel spreads the connections)."""
    command = [str(BIN / 'gunicorn'), '-w', str(workers), '-b', f'127.0.0.1:{port}', '--log-level', 'warning', target]
    if reuse_port:
        command.insert(1, '--reuse-port')
    if chdir:
        command[1:1] = ['--chdir', str(chdir)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            requests.get(f'http://127.0.0.1:{port}/healthz' if target.startswith('hub') else f'http://127.0.0.1:{port}/', timeout=10)
            return process
        except requests.RequestException:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f'{target} did not start: {process.stderr.read().decode()[-2000:]}')


def log_in(base, secret):
    """Log in as the manager with the authenticator code; return the session cookie header."""
    session = requests.Session()
    token = session.get(f'{base}/api/v1/csrf', timeout=10).json()['csrf_token']
    answer = session.post(f'{base}/api/v1/session', json={'email': EMAIL, 'password': PASSWORD},
                          headers={'X-CSRF-Token': token}, timeout=30).json()
    token = answer['csrf_token']
    done = session.post(f'{base}/api/v1/session/second-factor', json={'method': 'totp', 'code': pyotp.TOTP(secret).now()},
                        headers={'X-CSRF-Token': token}, timeout=30)
    done.raise_for_status()
    return session, '; '.join(f'{c.name}={c.value}' for c in session.cookies)


UNITS = {'us': 0.001, 'ms': 1.0, 's': 1000.0}


def load(url, seconds, cookie=None):
    """Load ``url`` with wrk (2 threads, 4 connections); return req/s, p50 and p99 in ms, and non-2xx answers."""
    command = ['wrk', '-t2', '-c4', f'-d{seconds}s', '--latency', url]
    if cookie:
        command[1:1] = ['-H', f'Cookie: {cookie}']
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    percentile = {p: float(v) * UNITS[u] for p, v, u in re.findall(r'^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$', out, re.M)}
    errors = re.search(r'Non-2xx or 3xx responses: (\d+)', out)
    return {'rps': float(re.search(r'Requests/sec:\s+([\d.]+)', out).group(1)), 'p50_ms': percentile.get('50'),
            'p99_ms': percentile.get('99'), 'non_2xx': int(errors.group(1)) if errors else 0}


def run_size(reports, seconds, hello_rps, work, database_url=None):
    instance = work / f'carehub-{reports}-{"postgresql" if database_url else "sqlite"}'
    started = time.perf_counter()
    secret, circle_id, deep = seed(instance, reports, database_url)
    seeded = time.perf_counter() - started
    port = free_port()
    env = {**os.environ, 'CAREHUB_INSTANCE_PATH': str(instance), 'CAREHUB_COUNT_STATEMENTS': '1'}
    process = serve('hub:create_app()', port, env, chdir=ROOT)
    base = f'http://127.0.0.1:{port}'
    results = {}
    try:
        session, cookie = log_in(base, secret)
        for name, path in ROUTES:
            path = path.format(deep=deep)
            url = f'{base}/api/v1/circles/{circle_id}{path[4:]}' if path.startswith('api:') else \
                f'{base}/circles/{circle_id}{path}'
            probe = session.get(url, timeout=60, allow_redirects=False)
            if probe.status_code != 200:
                raise RuntimeError(f'{name}: {probe.status_code} {probe.text[:300]}')
            load(url, 1, cookie)  # warm up: each worker's first requests compile templates and fill caches
            figures = load(url, seconds, cookie)
            figures['statements'] = int(probe.headers.get('X-SQL-Statements', -1))
            figures['ratio_to_hello'] = round(figures['rps'] / hello_rps, 4)
            results[name] = figures
            ratio_target = RATIO_TARGETS.get(name, RATIO_TARGETS[None])
            missed = [what for what, bad in (('ratio', figures['ratio_to_hello'] < ratio_target),
                                             ('p99', figures['p99_ms'] > P99_TARGET_MS)) if bad]
            print(f'  {"postgresql" if database_url else "sqlite":10} {reports:>7} {name:20} {figures["rps"]:8.1f} req/s  p50 {figures["p50_ms"]:7.1f} ms  '
                  f'p99 {figures["p99_ms"]:7.1f} ms  {figures["ratio_to_hello"]:.3f} of hello (target {ratio_target})  '
                  f'{figures["statements"]} statements{"  misses: " + ", ".join(missed) if missed else ""}', flush=True)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {'seeded_seconds': round(seeded, 1), 'routes': results}


def run_database(database, sizes, seconds, hello_rps, work):
    """Run every size on one database; return the figures and the latency growth from the smallest size."""
    server = None
    if database == 'postgresql':
        from tests.servers import PostgresServer
        server = PostgresServer().start()
    try:
        runs = {str(size): run_size(size, seconds, hello_rps, work,
                                    server.create_database(f'bench_{size}') if server else None) for size in sizes}
    finally:
        if server:
            server.stop()
    small, large = str(min(sizes)), str(max(sizes))
    growth = {name: round(runs[large]['routes'][name]['p50_ms'] / runs[small]['routes'][name]['p50_ms'], 2)
              for name, _ in ROUTES} if small != large else {}
    if growth:
        print(f'{database}: p50 latency at {large} reports over {small}: '
              + ', '.join(f'{k} {v}' for k, v in growth.items()))
    return {'sizes': runs, 'latency_growth': growth}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', default='100,10000,100000', help='reports per care page, comma separated')
    parser.add_argument('--seconds', type=int, default=10, help='seconds of load per route')
    parser.add_argument('--databases', default='sqlite,postgresql', help='sqlite, postgresql or both')
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(',')]
    databases = [name.strip() for name in args.databases.split(',')]
    unknown = set(databases) - {'sqlite', 'postgresql'}
    if unknown:
        parser.error(f'unknown database: {", ".join(sorted(unknown))}')
    with tempfile.TemporaryDirectory(prefix='carehub-bench-web-') as folder:
        work = Path(folder)
        port = free_port()
        hello = serve('hello:app', port, dict(os.environ), chdir=ROOT / 'bench')
        try:
            load(f'http://127.0.0.1:{port}/', 1)  # warm up, as for carehub
            baseline = load(f'http://127.0.0.1:{port}/', args.seconds)
        finally:
            hello.terminate()
            hello.wait(timeout=30)
        print(f'hello world (bare Flask, gunicorn -w 2): {baseline["rps"]:.1f} req/s, p99 {baseline["p99_ms"]:.1f} ms')
        results = {}
        for database in databases:
            results[database] = run_database(database, sizes, args.seconds, baseline['rps'], work)
    result = {'when': datetime.now(UTC).isoformat(), 'seconds': args.seconds, 'hello_world': baseline,
              'databases': results}
    out = ROOT / 'bench' / 'results' / f'web-{datetime.now(UTC):%Y%m%dT%H%M%S}.json'
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    print(f'figures written to {out.relative_to(ROOT)}')


if __name__ == '__main__':
    main()
