"""Talk to a FHIR R4 server over REST, or read a FHIR Bundle file, as a source of resources."""

import base64
import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import requests

from hub.careprovider.adapter import AdapterError

#: how far back an incremental fetch looks past the watermark (clocks and commits are not exact)
OVERLAP = timedelta(minutes=5)
#: resource type -> search parameter that points at the patient
SEARCHES = (
    ('Observation', 'subject'),
    ('Appointment', 'patient'),
    ('CarePlan', 'subject'),
    ('Goal', 'subject'),
    ('RelatedPerson', 'patient'),
    ('CareTeam', 'patient'),
    ('Coverage', 'beneficiary'),
    ('Condition', 'subject'),
    ('QuestionnaireResponse', 'subject'),
    ('Communication', 'subject'),
    ('Composition', 'subject'),
    ('MedicationStatement', 'subject'),
    ('MedicationRequest', 'subject'),
    ('MedicationDispense', 'subject'),
    ('Task', 'subject'),  # the answers to correction requests carehub sent
    ('DocumentReference', 'subject'),
)
TIMEOUT = 30


class RestSource:
    """Reads a patient's resources from a FHIR server, following only the server's paging links."""

    def __init__(self, base_url, count=100, token=None, auth=None, session=None, overlap=OVERLAP):
        self.base_url = base_url.rstrip('/')
        self.count = count
        self.overlap = overlap
        self.auth = auth
        self.session = session or requests.Session()
        self.session.headers['Accept'] = 'application/fhir+json'
        if token:
            self.session.headers['Authorization'] = f'Bearer {token}'

    def request(self, method, url, authorized=True, **kwargs):
        """Send one request to the server; when it no longer takes the cached OAuth token (revoked early), fetch a new
        one and try once more. ``authorized=False``: without any token (a file server of a bulk export)."""
        auth = self.auth if authorized else None
        if not authorized:  # not even the static token of the session
            kwargs['headers'] = {**(kwargs.get('headers') or {}), 'Authorization': None}
        for attempt in (1, 2):
            try:
                response = self.session.request(method, url, timeout=TIMEOUT, allow_redirects=False, auth=auth,
                                                **kwargs)
            except requests.RequestException as exc:
                raise AdapterError(f'FHIR server not reachable: {type(exc).__name__}') from None
            if response.status_code == 401 and auth is not None and attempt == 1:
                auth.forget(response.request.headers.get('Authorization', '').removeprefix('Bearer '))
                continue
            return response

    def _get(self, url, params=None, missing_ok=False):
        """Return the JSON of a GET; a 404 or 410 is None only for a single resource (``missing_ok``).

        A search page that is gone (an expired paging cache) fails the fetch: ending quietly would make the
        reconciliation take everything after it for deleted.
        """
        response = self.request('GET', url, params=params)
        if response.status_code in (404, 410) and missing_ok:
            return None
        if response.status_code != 200:
            raise answer_error(response)
        try:
            return response.json()
        except ValueError:
            raise AdapterError('FHIR server answered something that is not JSON', permanent=True) from None

    def put(self, resource):
        """Create or replace a resource by its id (idempotent); raise AdapterError when the server refuses."""
        url = f"{self.base_url}/{resource['resourceType']}/{resource['id']}"
        response = self.request('PUT', url, json=resource, headers={'Content-Type': 'application/fhir+json'})
        if response.status_code not in (200, 201):
            raise answer_error(response, 'the item')

    def _same_server(self, url):
        ours, theirs = urlsplit(self.base_url), urlsplit(url)
        return (ours.scheme, ours.netloc) == (theirs.scheme, theirs.netloc)

    def read(self, resource_type, resource_id):
        """Return one resource, or None when the server does not have it."""
        return self._get(f'{self.base_url}/{resource_type}/{resource_id}', missing_ok=True)

    def binary(self, url, limit):
        """Return (content type, bytes) of a document's file on this server: a FHIR Binary (as its resource, the
        data base64) or another file there; at most ``limit`` bytes. Another host is never asked."""
        url = url if urlsplit(url).scheme else f"{self.base_url}/{url.lstrip('/')}"
        if not self._same_server(url):
            raise AdapterError('the document is on another host', permanent=True)
        fhir = '/Binary/' in urlsplit(url).path
        response = self.request('GET', url, stream=True, headers={'Accept': 'application/fhir+json' if fhir else '*/*'})
        if response.status_code != 200:
            raise answer_error(response, 'the document')
        try:
            body = response.raw.read(limit + 1, decode_content=True)
        except (requests.RequestException, OSError) as exc:
            raise AdapterError(f'FHIR server not reachable: {type(exc).__name__}') from None
        if len(body) > limit:
            raise AdapterError('the document is too large', permanent=True)
        content_type = response.headers.get('Content-Type', 'application/octet-stream').split(';')[0].strip()
        if 'json' not in content_type:
            return content_type, body
        try:
            resource = json.loads(body)
            return resource.get('contentType') or 'application/octet-stream', base64.b64decode(resource['data'],
                                                                                              validate=True)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise AdapterError('the FHIR server sent a Binary without data', permanent=True) from None

    def search(self, resource_type, params):
        """Yield every resource of a search, page by page through the ``next`` links."""
        # a server without this resource type answers 404 to the first page: nothing to fetch there
        bundle = self._get(f'{self.base_url}/{resource_type}', params={**params, '_count': self.count},
                           missing_ok=True)
        while bundle:
            for entry in bundle.get('entry') or []:
                resource = entry.get('resource')
                if resource and (entry.get('search') or {}).get('mode', 'match') == 'match':
                    yield resource
            next_url = next((link['url'] for link in bundle.get('link') or [] if link.get('relation') == 'next'), None)
            if not next_url:
                return
            if not self._same_server(next_url):
                raise AdapterError('FHIR server sent a next link to another host', permanent=True)
            bundle = self._get(next_url)

    def resources(self, client_id, since):
        """Yield the patient, then its resources changed since ``since``."""
        patient = self.read('Patient', client_id)
        if patient is None:
            raise AdapterError('the client is not known at the FHIR server', permanent=True, about_client=True)
        yield patient
        for reference in patient.get('generalPractitioner') or []:
            kind, _, ident = (reference.get('reference') or '').partition('/')
            if kind in ('Practitioner', 'PractitionerRole', 'Organization') and ident:
                resource = self.read(kind, ident)
                if resource:
                    yield resource
        params = {'_sort': '_lastUpdated'}
        if since is not None:
            params['_lastUpdated'] = 'gt' + (since - self.overlap).strftime('%Y-%m-%dT%H:%M:%S.%fZ')
        for resource_type, search_param in SEARCHES:
            yield from self.search(resource_type, {**params, search_param: f'Patient/{client_id}'})


class BundleSource:
    """Reads a patient's resources from a FHIR Bundle file (the demo, and tests without a server)."""

    def __init__(self, path):
        self.path = Path(path)

    def resources(self, client_id, since):
        try:
            bundle = json.loads(self.path.read_text())
        except (OSError, ValueError) as exc:
            raise AdapterError(f'cannot read the bundle file: {type(exc).__name__}', permanent=True) from None
        for entry in bundle.get('entry') or []:
            resource = entry.get('resource') or {}
            if resource.get('resourceType') == 'Patient' and resource.get('id') != client_id:
                continue
            if patient_reference(resource) not in (None, f'Patient/{client_id}'):
                continue
            yield resource


def answer_error(response, about=None) -> AdapterError:
    """The AdapterError for an answer that is not what was asked: a 429 or 5xx is tried again later (after its
    Retry-After), anything else not (``about``: what was asked, e.g. "the item", for the message)."""
    message = f'FHIR server answered {response.status_code}' + (f' about {about}' if about else '')
    if response.status_code == 429 or response.status_code >= 500:
        return AdapterError(message, retry_after=response.headers.get('Retry-After'))
    return AdapterError(message, permanent=True)


def patient_reference(resource):
    """Return the Patient reference a resource is about (subject, patient or a participant), if any."""
    for key in ('subject', 'patient', 'beneficiary'):
        if isinstance(resource.get(key), dict):
            return resource[key].get('reference')
    for participant in resource.get('participant') or []:
        ref = (participant.get('actor') or {}).get('reference') or ''
        if ref.startswith('Patient/'):
            return ref
    return None
