"""carehub on several machines: two app servers and two Celery workers (one with beat) on one PostgreSQL and
one Redis, all started here as real processes. The whole path crosses the servers, mail is delivered once
per item while a worker is killed, and the login limit holds across servers."""

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyotp
import pytest
import requests

from tests.conftest import PASSWORD
from tests.servers import ROOT, PostgresServer, RedisServer, free_port

BIN = Path(sys.executable).parent
BASE_URL = 'http://carehub.test'


def wait_for(check, timeout=60, what='it'):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f'waited {timeout} s for {what}')


class Browser:
    """One person's browser: a session cookie and its CSRF token, sent to whichever server is asked."""

    def __init__(self):
        self.http = requests.Session()
        self.token = None

    def call(self, base, method, path, body=None, headers=None):
        if self.token is None and method != 'GET':
            self.token = self.http.get(f'{base}/api/v1/csrf', timeout=30).json()['csrf_token']
        response = self.http.request(method, f'{base}{path}', json=body, timeout=60,
                                     headers={'X-CSRF-Token': self.token or '', **(headers or {})})
        answer = response.json() if response.headers.get('Content-Type', '').startswith('application/json') else {}
        if isinstance(answer, dict) and 'csrf_token' in answer:
            self.token = answer['csrf_token']
        return response


class Cluster:
    """The processes of a small carehub installation, with their instance folder."""

    def __init__(self, folder, database_url, redis_url, smtp_url):
        self.folder = folder
        self.env = {**os.environ, 'CAREHUB_INSTANCE_PATH': str(folder)}
        settings = {'SECRET_KEY': secrets.token_urlsafe(32), 'DATABASE_URL': database_url, 'REDIS_URL': redis_url,
                    'SMTP_URL': smtp_url, 'BASE_URL': BASE_URL, 'ARGON2_TIME_COST': 1, 'ARGON2_MEMORY_COST': 1024,
                    'ARGON2_PARALLELISM': 1, 'PROXY_HOPS': 1, 'LOGIN_RATE_LIMIT': '12 per minute',
                    'REGISTER_RATE_LIMIT': '100 per minute'}
        folder.mkdir(parents=True, exist_ok=True)
        (folder / 'carehub.cfg').write_text(''.join(f'{k} = {v!r}\n' for k, v in settings.items()))
        self.processes = {}

    def command(self, *args):
        result = subprocess.run([str(BIN / 'carehub'), *args], env=self.env, capture_output=True, text=True,
                                timeout=120, cwd=ROOT)
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def start(self, name, *command):
        log = open(self.folder / f'{name}.log', 'w')  # noqa: SIM115  closed with the process
        self.processes[name] = (subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                                 cwd=ROOT, start_new_session=True), log)

    def serve(self, name):
        port = free_port()
        self.start(name, str(BIN / 'gunicorn'), '-w', '1', '-b', f'127.0.0.1:{port}', 'hub:create_app()')
        base = f'http://127.0.0.1:{port}'
        wait_for(lambda: _answers(f'{base}/healthz'), 60, f'{name} to start')
        return base

    def kill(self, name):
        """Kill a process and its children at once (SIGKILL: no clean shutdown)."""
        process, log = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        log.close()

    def stop(self):
        for name in list(self.processes):
            process, log = self.processes.pop(name)
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)
            log.close()

    def log(self, name):
        return (self.folder / f'{name}.log').read_text()[-3000:]


def _answers(url):
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture(scope='module')
def cluster(tmp_path_factory, smtp_sink):
    postgres = PostgresServer().start()
    redis = RedisServer().start()
    cluster = Cluster(tmp_path_factory.mktemp('cluster'), postgres.create_database('cluster'), redis.url,
                      smtp_sink.url)
    try:
        cluster.command('db', 'upgrade')  # with Redis set, as the servers start
        from hub.demo_data import MAIN_CLIENT, demo_bundle
        bundle = cluster.folder / 'bundle.json'
        bundle.write_text(json.dumps(demo_bundle()))
        cluster.command('provider', 'add', 'Zorggroep Schaal', '--adapter', 'fhir', '--setting', f'bundle={bundle}')
        cluster.code = cluster.command('provider', 'code', 'Zorggroep Schaal', MAIN_CLIENT).strip()
        cluster.one, cluster.two = cluster.serve('server-1'), cluster.serve('server-2')
        cluster.start('worker-1', str(BIN / 'carehub'), 'worker', '--beat', '--concurrency', '1')
        cluster.start('worker-2', str(BIN / 'carehub'), 'worker', '--concurrency', '1')
        yield cluster
    finally:
        cluster.stop()
        redis.stop()
        postgres.stop()


def mail_to(sink, address, containing='', timeout=60):
    return wait_for(lambda: [m for m in list(sink.messages) if m['To'] == address and containing in m.get_content()],
                    timeout, f'a mail to {address}')[-1]


def link_in(mail, path):
    match = re.search(rf'{re.escape(BASE_URL)}({re.escape(path)}[^\s]*)', mail.get_content())
    assert match, mail.get_content()
    return match.group(1)


def code_in(mail):
    return re.search(r'^\s+(\d{6})\s*$', mail.get_content(), re.M).group(1)


def join(cluster, sink, email, first_name, register_on, activate_on):
    """Register on one server, activate from the mail on the other, log in with the mail code; return the browser."""
    browser = Browser()
    response = browser.call(register_on, 'POST', '/api/v1/accounts', {'email': email, 'first_name': first_name,
                                                                      'last_name': 'Schaal', 'accept_terms': True})
    assert response.status_code == 202, response.text
    token = link_in(mail_to(sink, email, '/activate'), '/activate').split('token=')[1].split('&')[0]
    response = browser.call(activate_on, 'POST', '/api/v1/accounts/activate', {'token': token, 'password': PASSWORD})
    assert response.status_code == 200, response.text
    sink.messages.clear()
    browser.call(register_on, 'DELETE', '/api/v1/session')  # log out, and in again on another browser
    browser = Browser()
    response = browser.call(register_on, 'POST', '/api/v1/session', {'email': email, 'password': PASSWORD})
    assert response.status_code == 200 and response.json()['second_factor'] == ['email'], response.text
    response = browser.call(activate_on, 'POST', '/api/v1/session/second-factor',
                            {'method': 'email', 'code': code_in(mail_to(sink, email))})
    assert response.status_code == 200, response.text
    return browser


def test_the_whole_path_crosses_servers_and_workers(cluster, smtp_sink):
    one, two = cluster.one, cluster.two
    manager = join(cluster, smtp_sink, 'mieke@schaal.nl', 'Mieke', one, two)
    secret = manager.call(one, 'POST', '/api/v1/me/totp').json()['secret']
    assert manager.call(two, 'POST', '/api/v1/me/totp/verify', {'code': pyotp.TOTP(secret).now()}).status_code == 200
    response = manager.call(one, 'POST', '/api/v1/connections', {'code': cluster.code})
    assert response.status_code == 201, response.text
    circle = response.json()['id']
    # the link sends the sync to the workers at once; the timeline fills from the provider's Bundle
    items = wait_for(lambda: manager.call(two, 'GET', f'/api/v1/circles/{circle}/timeline').json()['items'], 90,
                     'the first sync: ' + cluster.log('worker-1') + cluster.log('worker-2'))
    assert len(items) == 20

    response = manager.call(two, 'POST', f'/api/v1/circles/{circle}/invitations',
                            {'email': 'bas@schaal.nl', 'first_name': 'Bas', 'last_name': 'Schaal', 'role': 'basic'})
    assert response.status_code == 201, response.text
    invitation_id, token = link_in(mail_to(smtp_sink, 'bas@schaal.nl'), '/invitations/').split(
        '/invitations/')[1].split('?token=')
    helper = join(cluster, smtp_sink, 'bas@schaal.nl', 'Bas', two, one)
    response = helper.call(one, 'POST', f'/api/v1/invitations/{invitation_id}/accept', {'token': token})
    assert response.status_code == 200, response.text
    assert helper.call(two, 'GET', f'/api/v1/circles/{circle}/messages').status_code == 200
    assert helper.call(one, 'GET', f'/api/v1/circles/{circle}/timeline').status_code == 403  # basic: no dossier
    assert manager.call(one, 'GET', f'/api/v1/circles/{circle}/timeline').status_code == 200


def test_mail_goes_out_once_per_item_while_a_worker_is_killed(cluster, smtp_sink):
    from hub import create_app
    from hub.core.commit import unit_of_work
    from hub.core.outbox import queue_mail
    smtp_sink.messages.clear()
    app = create_app({'INSTANCE_PATH': str(cluster.folder)})
    person = type('Person', (), {'first_name': 'Test'})
    with app.app_context(), unit_of_work():
        for n in range(200):
            queue_mail(f'person{n}@schaal.nl', 'activate', 'nl', account=person, activate_link=f'{BASE_URL}/a{n}',
                       hours=24)
    wait_for(lambda: len(smtp_sink.messages) >= 50, 60, '50 mails')
    cluster.kill('worker-2')  # half way, in the middle of whatever it was doing
    wait_for(lambda: len({m['Message-ID'] for m in list(smtp_sink.messages)}) >= 200, 120,
             'all 200 mails: ' + cluster.log('worker-1'))
    time.sleep(6)  # a round more of beat: nothing else arrives
    ids = [m['Message-ID'] for m in list(smtp_sink.messages)]
    assert len(set(ids)) == 200 and {m['To'] for m in smtp_sink.messages} == {f'person{n}@schaal.nl' for n in range(200)}
    # SMTP has no exactly-once: the one mail a killed worker had handed to the server but not yet marked sent is
    # delivered again, with the same Message-ID, so the receiver can drop it; nothing else comes twice
    assert len(ids) - len(set(ids)) <= 1


def test_the_login_limit_holds_across_servers(cluster):
    browser = Browser()
    outside = {'X-Forwarded-For': '203.0.113.7'}  # one client behind the proxy, whichever server it reaches
    answers = [browser.call((cluster.one, cluster.two)[n % 2], 'POST', '/api/v1/session',
                            {'email': f'nobody{n}@schaal.nl', 'password': 'wrong password 1234'}, headers=outside)
               for n in range(13)]
    assert [a.status_code for a in answers[:12]] == [401] * 12, [a.text for a in answers]
    assert answers[12].status_code == 429 and answers[12].json()['error']['code'] == 'too_many_requests'
