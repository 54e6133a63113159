"""A test double of a FHIR server's Bulk Data export (HL7 Bulk Data Access IG v2), at the HTTP boundary.

Kick-off (``GET [base]/Group/<id>/$export`` with ``Prefer: respond-async``) answers 202 with the status URL
in Content-Location; the status URL answers 202 with Retry-After a set number of times, then 200 with the
manifest; the files are NDJSON, written a line at a time; DELETE on the status URL ends the job. It keeps
what it was asked, so a test can check the protocol (the ``_since``, the token, the polls).
"""

import json
import threading
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.servers import free_port


class BulkDouble:
    def __init__(self, token='bulk-token', polls=1, group='clients'):
        self.token, self.polls, self.group = token, polls, group
        self.port = free_port()
        self.base_url = f'http://127.0.0.1:{self.port}/fhir'
        self.resources = []
        #: (resource type, id) deleted, with when
        self.deleted = []
        self.jobs = {}
        self.requests = []
        self.fail_status = None
        self.lock = threading.Lock()

    def start(self):
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def do_GET(self):
                double.handle(self, 'GET')

            def do_DELETE(self):
                double.handle(self, 'DELETE')

        self.server = ThreadingHTTPServer(('127.0.0.1', self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def put(self, resource, when=None):
        """Add or replace a resource, stamped with when it changed."""
        when = when or datetime.now(UTC)
        resource = {**resource, 'meta': {'versionId': uuid.uuid4().hex[:8],
                                         'lastUpdated': when.isoformat().replace('+00:00', 'Z')}}
        with self.lock:
            self.resources = [r for r in self.resources
                              if (r['resourceType'], r['id']) != (resource['resourceType'], resource['id'])]
            self.resources.append(resource)

    def delete(self, resource_type, resource_id, when=None):
        with self.lock:
            self.resources = [r for r in self.resources if (r['resourceType'], r['id']) != (resource_type, resource_id)]
            self.deleted.append((resource_type, resource_id, when or datetime.now(UTC)))

    # the protocol

    def handle(self, request, method):
        url = urlsplit(request.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        self.requests.append((method, url.path, query, request.headers.get('Authorization')))
        if request.headers.get('Authorization') != f'Bearer {self.token}':
            return self.answer(request, 401, {'resourceType': 'OperationOutcome'})
        if self.fail_status:
            return self.answer(request, self.fail_status, {'resourceType': 'OperationOutcome'})
        if method == 'GET' and url.path == f'/fhir/Group/{self.group}/$export':
            return self.kick_off(request, query)
        if url.path.startswith('/status/'):
            job = self.jobs.get(url.path.removeprefix('/status/'))
            if job is None:
                return self.answer(request, 404, {'resourceType': 'OperationOutcome'})
            if method == 'DELETE':
                job['ended'] = True
                return self.answer(request, 202, None)
            return self.status(request, job)
        if url.path.startswith('/files/'):
            _, _, job_id, name = url.path.split('/')
            job = self.jobs.get(job_id)
            if job is None or name not in job['files']:
                return self.answer(request, 404, {'resourceType': 'OperationOutcome'})
            return self.stream(request, job['files'][name])
        return self.answer(request, 404, {'resourceType': 'OperationOutcome'})

    def kick_off(self, request, query):
        if request.headers.get('Prefer') != 'respond-async':
            return self.answer(request, 400, {'resourceType': 'OperationOutcome'})
        since = datetime.fromisoformat(query['_since'].replace('Z', '+00:00')) if '_since' in query else None
        types = set(query.get('_type', '').split(',')) - {''}
        with self.lock:
            chosen = [r for r in self.resources if (not types or r['resourceType'] in types) and (
                since is None or datetime.fromisoformat(r['meta']['lastUpdated'].replace('Z', '+00:00')) > since)]
            gone = [(t, i) for t, i, when in self.deleted if since is not None and when > since]
        files = {}
        for resource in chosen:
            files.setdefault(f"{resource['resourceType']}.ndjson", []).append(resource)
        if gone:
            files['deleted.ndjson'] = [{'resourceType': 'Bundle', 'type': 'transaction', 'entry': [
                {'request': {'method': 'DELETE', 'url': f'{t}/{i}'}} for t, i in gone]}]
        job_id = uuid.uuid4().hex
        self.jobs[job_id] = {'files': files, 'polls': 0, 'since': since, 'ended': False}
        request.send_response(202)
        request.send_header('Content-Location', f'http://127.0.0.1:{self.port}/status/{job_id}')
        request.send_header('Content-Length', '0')
        request.end_headers()

    def status(self, request, job):
        if job['polls'] < self.polls:
            job['polls'] += 1
            request.send_response(202)
            request.send_header('Retry-After', '1')
            request.send_header('X-Progress', 'exporting')
            request.send_header('Content-Length', '0')
            request.end_headers()
            return
        base = f'http://127.0.0.1:{self.port}/files/{next(k for k, v in self.jobs.items() if v is job)}'
        manifest = {'transactionTime': datetime.now(UTC).isoformat(), 'request': 'export',
                    'requiresAccessToken': True, 'error': [],
                    'output': [{'type': name.removesuffix('.ndjson'), 'url': f'{base}/{name}', 'count': len(items)}
                               for name, items in job['files'].items() if name != 'deleted.ndjson'],
                    'deleted': [{'type': 'Bundle', 'url': f'{base}/deleted.ndjson'}]
                    if 'deleted.ndjson' in job['files'] else []}
        self.answer(request, 200, manifest)

    def stream(self, request, items):
        request.send_response(200)
        request.send_header('Content-Type', 'application/fhir+ndjson')
        request.send_header('Transfer-Encoding', 'chunked')
        request.end_headers()
        for item in items:  # one chunk a line: the client reads while the file is written
            line = json.dumps(item).encode() + b'\n'
            request.wfile.write(f'{len(line):x}\r\n'.encode() + line + b'\r\n')
        request.wfile.write(b'0\r\n\r\n')

    def answer(self, request, status, body):
        data = json.dumps(body).encode() if body is not None else b''
        request.send_response(status)
        if body is not None:
            request.send_header('Content-Type', 'application/json')
        request.send_header('Content-Length', str(len(data)))
        request.end_headers()
        request.wfile.write(data)
