"""The cost table: CPU per request for each page and API list, in-process, and per panel of the care page.

Run by `make bench-web` before the load test (or alone: `python bench/cost.py --databases sqlite`). It seeds a care
page as bench/web.py does and fills it with some of everything the care page shows (tests/fill.py: messages,
board posts with reactions, notes, appointments, plans), logs in as the manager through the API, and serves each
route through Flask's test client: a warm-up, then ``--requests`` requests timed with the process's CPU clock. The
care page is then profiled once more to split its time into its panels (cumulative time in each panel's function,
per request). Figures only, never a pass or fail: the targets are printed beside them.
"""

import argparse
import cProfile
import json
import os
import pstats
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pyotp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / 'bench'))

from web import EMAIL, PASSWORD, seed  # noqa: E402  (bench/web.py: the same seeded care page)

#: (name, path; {c} the care page, {thread} a message thread) and the CPU target per request in ms (#31)
ROUTES = [
    ('care page', '/circles/{c}', 4.0),
    ('timeline page', '/circles/{c}/timeline', 3.0),
    ('messages page', '/circles/{c}/messages', 3.0),
    ('thread page', '/circles/{c}/messages/{thread}', 3.0),
    ('plans page', '/circles/{c}/plans', 3.0),
    ('measurements page', '/circles/{c}/measurements', 3.0),
    ('calendar page', '/circles/{c}/calendar', 3.0),
    ('board page', '/circles/{c}/board', 3.0),
    ('members page', '/circles/{c}/members', 3.0),
    ('timeline API', '/api/v1/circles/{c}/timeline', 3.0),
    ('messages API', '/api/v1/circles/{c}/messages', 3.0),
    ('board API', '/api/v1/circles/{c}/board', 3.0),
    ('appointments API', '/api/v1/circles/{c}/appointments', 3.0),
]
#: the care page's panels: (name, module, function) whose cumulative time is the panel's cost
PANELS = [
    ('who asks (session, care pages, dossiers)', 'hub/account/access.py', 'load_current_account'),
    ("the panels' records and counts together", 'hub/dossier/operations.py', 'start_reads'),
    ('latest reports (timeline)', 'hub/dossier/timeline.py', 'timeline'),
    ("provider's new messages", 'hub/circle/messages.py', 'file_provider_messages'),
    ('care appointments', 'hub/dossier/operations.py', 'upcoming_appointments'),
    ('what needs doing', 'hub/dossier/operations.py', 'to_do'),
    ('agenda (helpers)', 'hub/dossier/views/overview.py', '_coming'),
    ('messages', 'hub/circle/messages.py', 'threads'),
    ('board', 'hub/circle/board.py', 'posts'),
    ('help requests', 'hub/circle/help.py', 'coming'),
    ('first steps', 'hub/circle/operations.py', 'first_steps'),
    ('the page (templates)', 'flask/templating.py', 'render_template'),
    ('commit (audit records, last writes)', 'sqlalchemy/orm/session.py', 'commit'),
]


def _client(app, secret):
    """A test client logged in as the manager with the second factor done."""
    client = app.test_client()
    token = client.get('/api/v1/csrf').get_json()['csrf_token']
    answer = client.post('/api/v1/session', json={'email': EMAIL, 'password': PASSWORD},
                         headers={'X-CSRF-Token': token}).get_json()
    done = client.post('/api/v1/session/second-factor', json={'method': 'totp', 'code': pyotp.TOTP(secret).now()},
                       headers={'X-CSRF-Token': answer['csrf_token']})
    assert done.status_code == 200, done.get_data(as_text=True)
    return client


def measure(database_url, reports, requests, work):
    """Seed and fill a care page; return {route: {cpu_ms, statements, bytes}} and {panel: cpu_ms} per request."""
    os.environ['CAREHUB_COUNT_STATEMENTS'] = '1'
    instance = work / f'cost-{"postgresql" if database_url else "sqlite"}'
    secret, circle_id, _ = seed(instance, reports, database_url)
    from sqlalchemy import select

    from hub import create_app
    from hub.account.models import Account
    from hub.circle.models import CircleDossier
    from hub.extensions import db
    from tests.fill import fill
    app = create_app({'INSTANCE_PATH': str(instance)})
    with app.app_context():
        manager_id = db.session.execute(select(Account.id).where(Account.email == EMAIL)).scalar_one()
        dossier_ids = db.session.execute(select(CircleDossier.dossier_id).where(
            CircleDossier.circle_id == uuid.UUID(circle_id))).scalars().all()
    fill(app, uuid.UUID(circle_id), dossier_ids, manager_id, 12, sent_notes=True)
    client = _client(app, secret)
    thread = client.get(f'/api/v1/circles/{circle_id}/messages').get_json()['items'][0]['id']
    routes = {}
    for name, path, target in ROUTES:
        url = path.format(c=circle_id, thread=thread)
        for _ in range(5):  # warm up: templates compiled, statements cached
            answer = client.get(url)
        assert answer.status_code == 200, (name, answer.status_code)
        started = time.process_time()
        for _ in range(requests):
            client.get(url)
        cpu = (time.process_time() - started) * 1000 / requests
        routes[name] = {'cpu_ms': round(cpu, 2), 'target_ms': target,
                        'statements': int(answer.headers['X-SQL-Statements']), 'bytes': len(answer.data)}
    url = f'/circles/{circle_id}'
    profile = cProfile.Profile(time.process_time)  # CPU, as the table above: not the time waiting for the database
    profile.enable()
    for _ in range(requests):
        client.get(url)
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    panels = {}
    for name, module, function in PANELS:
        cumulative = sum(entry[3] for (filename, _, funcname), entry in stats.items()
                         if funcname == function and filename.endswith(module))
        panels[name] = round(cumulative * 1000 / requests, 2)
    return routes, panels


def report(database, routes, panels):
    print(f'\n{database}: CPU per request in-process (Flask test client), target in brackets')
    print(f'  {"route":22} {"CPU ms":>8} {"target":>7} {"SQL":>4} {"KB":>6}')
    for name, figures in routes.items():
        mark = '' if figures['cpu_ms'] <= figures['target_ms'] else '  over'
        print(f'  {name:22} {figures["cpu_ms"]:8.2f} {figures["target_ms"]:7.1f} {figures["statements"]:4d} '
              f'{figures["bytes"] / 1024:6.1f}{mark}')
    print(f'{database}: the care page by panel (CPU ms per request; profiled, so larger than above)')
    for name, cpu in panels.items():
        print(f'  {name:40} {cpu:7.2f}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--reports', type=int, default=1000, help='reports in the care page')
    parser.add_argument('--requests', type=int, default=50, help='timed requests per route')
    parser.add_argument('--databases', default='sqlite,postgresql',
                        help='sqlite, postgresql, or both as sqlite,postgresql (the default)')
    args = parser.parse_args()
    databases = [name.strip() for name in args.databases.split(',')]
    unknown = set(databases) - {'sqlite', 'postgresql'}
    if unknown:
        parser.error(f'unknown database {sorted(unknown)[0]!r}: give sqlite, postgresql or sqlite,postgresql')
    results = {}
    with tempfile.TemporaryDirectory(prefix='carehub-bench-cost-') as folder:
        for database in databases:
            server = None
            if database == 'postgresql':
                from tests.servers import PostgresServer
                server = PostgresServer().start()
            try:
                url = server.create_database('bench_cost') if server else None
                routes, panels = measure(url, args.reports, args.requests, Path(folder))
            finally:
                if server:
                    server.stop()
            report(database, routes, panels)
            results[database] = {'routes': routes, 'care_page_panels': panels}
    out = ROOT / 'bench' / 'results' / f'cost-{datetime.now(UTC):%Y%m%dT%H%M%S}.json'
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({'when': datetime.now(UTC).isoformat(), 'reports': args.reports,
                               'requests': args.requests, 'databases': results}, indent=1))
    print(f'figures written to {out.relative_to(ROOT)}')


if __name__ == '__main__':
    main()
