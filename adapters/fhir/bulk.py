"""FHIR Bulk Data Access (the ``$export`` operation): every client's changes in one export.

The protocol (HL7 FHIR Bulk Data Access IG, v2): a kick-off request answered 202 with the status URL in
``Content-Location``; the status URL answers 202 while the export runs (``Retry-After`` says when to ask
again) and 200 with a manifest when it is done; the manifest lists NDJSON files per resource type (and,
for an export ``_since``, files of deleted resources). Each file is read as a stream, one line at a time,
so an export of any size never sits in memory. The status URL is deleted at the end (the server may clean
up). A 429 or 5xx fails the export with the server's ``Retry-After``; the engine retries later.
"""

import contextlib
import json
import time
from email.utils import parsedate_to_datetime

from adapters.fhir.client import SEARCHES, answer_error
from hub.careprovider.adapter import AdapterError

#: the resource types an export asks for: those a dossier search asks for, and the Patient itself
TYPES = ('Patient', *(resource_type for resource_type, _ in SEARCHES))
#: the longest wait between two status requests, and for the whole export
LONGEST_POLL = 120
LONGEST_EXPORT = 6 * 3600


def _wait_seconds(value, default=5):
    """Seconds from a Retry-After header (seconds or an HTTP date), within reason."""
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return default
    return min(max(seconds, 0), LONGEST_POLL)


class BulkExport:
    """One export from a FHIR server: kick off, wait for the manifest, stream its files."""

    def __init__(self, source, scope, sleep=time.sleep):
        #: the RestSource whose base URL, session (token) and OAuth client it uses
        self.source = source
        #: ``system`` or ``Group/<id>``
        self.scope = scope
        self.sleep = sleep

    def kick_off(self, since=None) -> str:
        """Start the export; return the status URL."""
        path = '$export' if self.scope == 'system' else f'{self.scope}/$export'
        params = {'_type': ','.join(TYPES), '_outputFormat': 'application/fhir+ndjson'}
        if since is not None:
            params['_since'] = since.strftime('%Y-%m-%dT%H:%M:%S.%fZ')
        response = self._request('GET', f'{self.source.base_url}/{path}', params=params,
                                 headers={'Accept': 'application/fhir+json', 'Prefer': 'respond-async'})
        if response.status_code != 202 or not response.headers.get('Content-Location'):
            raise self._error('the export was not started', response)
        return response.headers['Content-Location']

    def manifest(self, status_url) -> dict:
        """Ask the status URL until the export is done; return its manifest."""
        deadline = time.monotonic() + LONGEST_EXPORT
        while True:
            response = self._request('GET', status_url, headers={'Accept': 'application/json'})
            if response.status_code == 200:
                try:
                    manifest = response.json()
                except ValueError:
                    raise AdapterError('the export manifest is not JSON', permanent=True) from None
                if not isinstance(manifest, dict) or not isinstance(manifest.get('output'), list):
                    raise AdapterError('the export manifest has no output list', permanent=True)
                return manifest
            if response.status_code != 202:
                raise self._error('the export failed', response)
            if time.monotonic() > deadline:
                raise AdapterError('the export did not finish in time')
            self.sleep(_wait_seconds(response.headers.get('Retry-After')))

    def resources(self, manifest):
        """Yield the resources of the manifest's files, streamed a line at a time."""
        token = manifest.get('requiresAccessToken')
        for entry in manifest['output']:
            if isinstance(entry, dict) and entry.get('type') in TYPES and isinstance(entry.get('url'), str):
                yield from self._lines(entry['url'], token)

    def deleted(self, manifest):
        """Yield ``(resource type, id)`` of what was deleted since the ``_since`` (files of Bundles, v2)."""
        for entry in manifest.get('deleted') or []:
            if not isinstance(entry, dict) or not isinstance(entry.get('url'), str):
                continue
            for bundle in self._lines(entry['url'], manifest.get('requiresAccessToken')):
                for item in bundle.get('entry') or []:
                    request = item.get('request') or {}
                    resource_type, _, resource_id = str(request.get('url') or '').partition('/')
                    if request.get('method') == 'DELETE' and resource_type in TYPES and resource_id:
                        yield resource_type, resource_id

    def finish(self, status_url):
        """Tell the server the files may go (a failure here changes nothing)."""
        with contextlib.suppress(AdapterError):
            self._request('DELETE', status_url)

    def _lines(self, url, token):
        """Stream one NDJSON file; the token goes with it only when the manifest asks, and only to this server."""
        if token and not self.source._same_server(url):
            raise AdapterError('an export file is on another server: the token is not sent there', permanent=True)
        response = self._request('GET', url, headers={'Accept': 'application/fhir+ndjson'}, stream=True,
                                 authorized=bool(token))
        with response:
            if response.status_code != 200:
                raise self._error('an export file could not be read', response)
            for line in response.iter_lines():
                if not line.strip():
                    continue
                try:
                    resource = json.loads(line)
                except ValueError:
                    raise AdapterError('an export file holds a line that is not JSON', permanent=True) from None
                if isinstance(resource, dict):
                    yield resource

    def _request(self, method, url, params=None, headers=None, stream=False, authorized=True):
        return self.source.request(method, url, authorized=authorized, params=params, headers=headers, stream=stream)

    @staticmethod
    def _error(what, response):
        return answer_error(response, what)
