"""Without Redis, a rate limit holds across the processes of one server: `gunicorn -w 2` on SQLite and on PostgreSQL,
with parallel requests (the limits were counted per process, so two workers let twice the limit through)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.parallel import AT_ONCE, at_once
from tests.servers import ROOT, free_port
from tests.test_scale import _answers, wait_for

BIN = Path(sys.executable).parent


@pytest.fixture(params=['sqlite', 'postgresql'])
def two_workers(request, tmp_path):
    """carehub served by gunicorn with two worker processes and no Redis; yields its address."""
    if request.param == 'sqlite':
        url = f"sqlite:///{tmp_path / 'carehub.sqlite'}"
    else:
        url = request.getfixturevalue('postgres').create_database(f'limits_{secrets.token_hex(4)}')
    settings = {'SECRET_KEY': secrets.token_urlsafe(32), 'DATABASE_URL': url, 'BASE_URL': 'http://carehub.test',
                'ARGON2_TIME_COST': 1, 'ARGON2_MEMORY_COST': 1024, 'ARGON2_PARALLELISM': 1,
                'REGISTER_RATE_LIMIT': '5 per minute'}
    (tmp_path / 'carehub.cfg').write_text(''.join(f'{k} = {v!r}\n' for k, v in settings.items()))
    env = {**os.environ, 'CAREHUB_INSTANCE_PATH': str(tmp_path)}
    env.pop('CAREHUB_REDIS_URL', None)
    subprocess.run([str(BIN / 'carehub'), 'db', 'upgrade'], env=env, cwd=ROOT, check=True, capture_output=True,
                   timeout=120)
    port = free_port()
    with open(tmp_path / 'server.log', 'w') as log:
        server = subprocess.Popen([str(BIN / 'gunicorn'), '-w', '2', '-b', f'127.0.0.1:{port}', 'hub:create_app()'],
                                  env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f'http://127.0.0.1:{port}'
            try:
                wait_for(lambda: _answers(f'{base}/healthz'), 120, 'gunicorn to start')
            except AssertionError:
                raise AssertionError((tmp_path / 'server.log').read_text()[-3000:]) from None
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)


def _register(base, n):
    """Sign up from a browser of its own: a session cookie, its CSRF token, then the form's JSON."""
    http = requests.Session()
    token = http.get(f'{base}/api/v1/csrf', timeout=30).json()['csrf_token']
    return http.post(f'{base}/api/v1/accounts', json={'email': f'p{n}@example.nl', 'first_name': 'P',
                                                      'last_name': 'Q', 'accept_terms': True},
                     headers={'X-CSRF-Token': token}, timeout=60)


def test_a_limit_holds_across_two_worker_processes(two_workers):
    answers = at_once(*[lambda n=n: _register(two_workers, n) for n in range(AT_ONCE)])
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [202] * 5 + [429] * (AT_ONCE - 5), statuses
    assert all(answer.json()['error']['code'] == 'too_many_requests' for answer in answers if answer.status_code == 429)
