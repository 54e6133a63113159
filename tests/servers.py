"""Real servers the tests start themselves on loopback: PostgreSQL, Redis, an SMTP sink, the FHIR server."""

import glob
import os
import shutil
import socket
import subprocess
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _pg_bin(name):
    found = shutil.which(name) or next(iter(sorted(glob.glob(f'/usr/lib/postgresql/*/bin/{name}'), reverse=True)), None)
    if not found:
        raise RuntimeError(f'{name} not found: install PostgreSQL (make test does)')
    return found


class PostgresServer:
    """A throwaway PostgreSQL cluster in a temporary folder (initdb + pg_ctl), trust auth on loopback."""

    def __init__(self):
        import tempfile
        # not under pytest's tmp folder: that is private to root, and the server runs as postgres
        self.folder = Path(tempfile.mkdtemp(prefix='carehub-pg-'))
        self.data = self.folder / 'data'
        self.port = free_port()
        self.as_user = ['runuser', '-u', 'postgres', '--'] if os.geteuid() == 0 else []

    def _run(self, *args):
        result = subprocess.run([*self.as_user, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if result.returncode:
            raise RuntimeError(f'{args[0]} failed: {result.stderr}')

    def start(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_user:
            shutil.chown(self.folder, 'postgres', 'postgres')
        self._run(_pg_bin('initdb'), '-D', str(self.data), '-U', 'postgres', '--auth=trust', '-E', 'UTF8',
                  '--locale=C.UTF-8')
        options = (f'-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off '
                   '-c synchronous_commit=off -c full_page_writes=off -c max_connections=60')
        self._run(_pg_bin('pg_ctl'), '-D', str(self.data), '-o', options, '-l', str(self.folder / 'log'), '-w', 'start')
        return self

    def url(self, database):
        return f'postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}'

    def create_database(self, name):
        import psycopg
        with psycopg.connect(f'host=127.0.0.1 port={self.port} user=postgres dbname=postgres', autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE {name}')
        return self.url(name)

    def stop(self):
        self._run(_pg_bin('pg_ctl'), '-D', str(self.data), '-m', 'immediate', 'stop')
        shutil.rmtree(self.folder, ignore_errors=True)


class RedisServer:
    """A throwaway Redis on loopback: no persistence, its folder removed when stopped."""

    def __init__(self):
        import tempfile
        self.folder = Path(tempfile.mkdtemp(prefix='carehub-redis-'))
        self.port = free_port()
        self.url = f'redis://127.0.0.1:{self.port}/0'

    def start(self):
        binary = shutil.which('redis-server')
        if not binary:
            raise RuntimeError('redis-server not found: install Redis (make test does)')
        self.process = subprocess.Popen(
            [binary, '--port', str(self.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
             '--dir', str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                with socket.create_connection(('127.0.0.1', self.port), timeout=1) as sock:
                    sock.sendall(b'PING\r\n')
                    if sock.recv(16).startswith(b'+PONG'):
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError('redis-server did not start')

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


class SmtpSink:
    """A real SMTP server (aiosmtpd) that keeps every message it receives."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.port = free_port()

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = message_from_bytes(raw, policy=policy.default)
        message.raw = raw  # the bytes as sent, for what a parser would hide (an encoded header)
        with self.lock:
            self.messages.append(message)
        return '250 OK'

    def start(self):
        from aiosmtpd.controller import Controller
        self.controller = Controller(self, hostname='127.0.0.1', port=self.port)
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    @property
    def url(self):
        return f'smtp://127.0.0.1:{self.port}'


class FhirServer:
    """Medplum's fhir-router with its in-memory repository, behind our small Node server."""

    def __init__(self):
        self.process = None
        self.base_url = None

    def start(self):
        node_modules = ROOT / 'node_modules' / '@medplum' / 'fhir-router'
        if not node_modules.exists():
            raise RuntimeError('node_modules missing: run npm ci (make test does)')
        self.process = subprocess.Popen(['node', str(ROOT / 'tests' / 'fhir_server' / 'server.js'), '--port', '0'],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        line = self.process.stdout.readline()
        if not line.startswith('LISTENING') or time.monotonic() > deadline:
            raise RuntimeError(f'FHIR server did not start: {line!r} {self.process.stderr.read()}')
        self.base_url = f'http://127.0.0.1:{int(line.split()[1])}/fhir/R4'
        return self

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class Proxy:
    """An HTTP proxy on loopback in front of a real server: it counts requests and can fail chosen ones.

    ``fail`` gets the method and path with query of each request and returns a status to answer instead
    (e.g. 503), or None to pass the request on. The Host header names the proxy, so the server's paging
    links lead back through it.
    """

    def __init__(self, target, fail=None):
        from urllib.parse import urlsplit
        self.target = urlsplit(target)
        self.fail = fail
        self.requests = []
        self.server = None

    def start(self):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        import requests
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self):
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length else None
                proxy.requests.append((self.command, self.path, self.headers.get('Authorization')))
                status = proxy.fail(self.command, self.path) if proxy.fail else None
                if status:
                    self.send_response(status)
                    self.send_header('Content-Length', '0')
                    self.end_headers()
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ('host', 'content-length')}
                headers['Host'] = f'127.0.0.1:{proxy.server.server_port}'
                answer = requests.request(self.command, f'{proxy.target.scheme}://{proxy.target.netloc}{self.path}',
                                          data=body, headers=headers, timeout=60)
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in ('content-length', 'transfer-encoding', 'connection', 'keep-alive', 'content-encoding'):
                        self.send_header(key, value)
                self.send_header('Content-Length', str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_PUT = do_DELETE = _forward

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def base_url(self):
        return f'http://127.0.0.1:{self.server.server_port}{self.target.path}'

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def json_handler():
    """A BaseHTTPRequestHandler base with ``answer(status, body)`` for JSON and no request logging."""
    import json
    from http.server import BaseHTTPRequestHandler

    class JsonHandler(BaseHTTPRequestHandler):
        def answer(self, status, body):
            data = b'' if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass
    return JsonHandler


def serve(handler):
    """Serve ``handler`` on a free loopback port in a thread; returns the server (``.server_port``, ``.shutdown()``)."""
    from http.server import ThreadingHTTPServer
    server = ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
