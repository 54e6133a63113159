"""The ``fhir`` adapter: FHIR R4 over REST (or a Bundle file), mapped into the common model."""

import base64
import binascii
import re
from dataclasses import replace
from datetime import timedelta

from marshmallow import ValidationError, fields, validate, validates_schema

from adapters.fhir.auth import ClientCredentials
from adapters.fhir.bulk import BulkExport
from adapters.fhir.client import BundleSource, RestSource, patient_reference
from adapters.fhir.mapping import MAPPERS
from adapters.fhir.outbound import outbound
from adapters.fhir.values import parse_datetime
from hub.careprovider.adapter import Adapter, AdapterError, PushError, SettingsSchema, SourceRecord


class FhirSettings(SettingsSchema):
    base_url = fields.Url(require_tld=False, schemes={'http', 'https'})
    bundle = fields.String(validate=validate.Length(min=1))
    count = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    token = fields.String(validate=validate.Length(min=1))
    #: OAuth 2 client credentials: all three, or none
    token_url = fields.Url(require_tld=False, schemes={'http', 'https'})
    client_id = fields.String(validate=validate.Length(min=1, max=200))
    client_secret = fields.String(validate=validate.Length(min=1, max=500))
    scope = fields.String(validate=validate.Length(min=1, max=500))
    #: seconds an incremental fetch looks back past the watermark (clocks and commits are not exact)
    overlap_seconds = fields.Integer(load_default=300, validate=validate.Range(min=0, max=86400))
    #: sync every client at once with FHIR Bulk Data ``$export``: ``system``, or ``Group/<id>`` (the provider's
    #: group of the clients it enrolled); a dossier still syncs alone when it is new, asked for, or reconciled
    export = fields.String(validate=validate.Regexp(r'^(system|Group/[A-Za-z0-9\-.]{1,64})$'))

    @validates_schema
    def _one_source(self, data, **kwargs):
        if ('base_url' in data) == ('bundle' in data):
            raise ValidationError('Give either base_url or bundle.')
        oauth = [key for key in ('token_url', 'client_id', 'client_secret') if key in data]
        if oauth and len(oauth) < 3:
            raise ValidationError('Give token_url, client_id and client_secret together.')
        if oauth and 'token' in data:
            raise ValidationError('Give a static token or client credentials, not both.')
        if 'export' in data and 'bundle' in data:
            raise ValidationError('A bulk export needs a FHIR server (base_url), not a bundle.')

    def load(self, data, **kwargs):
        if isinstance(data, dict):  # settings from the command line are strings
            data = {key: int(value) if key in ('count', 'overlap_seconds') and isinstance(value, str)
                    and value.isdigit() else value for key, value in data.items()}
        return super().load(data, **kwargs)


class FhirAdapter(Adapter):
    """Pulls a client's Patient and related resources from a FHIR R4 source."""

    name = 'fhir'
    settings_schema = FhirSettings

    def __init__(self, settings, session=None):
        super().__init__(settings)
        if 'bundle' in self.settings:
            self.source = BundleSource(self.settings['bundle'])
        else:
            auth = None
            if 'token_url' in self.settings:
                auth = ClientCredentials(self.settings['token_url'], self.settings['client_id'],
                                         self.settings['client_secret'], self.settings.get('scope'))
            self.source = RestSource(self.settings['base_url'], count=self.settings['count'],
                                     token=self.settings.get('token'), auth=auth, session=session,
                                     overlap=timedelta(seconds=self.settings['overlap_seconds']))

    def fetch(self, client_id, since):
        seen = set()
        for resource in self.source.resources(client_id, since):
            if not resource.get('id') or resource.get('resourceType') not in MAPPERS:
                continue
            meta = resource.get('meta') or {}
            key = (resource['resourceType'], resource['id'], meta.get('versionId'), meta.get('lastUpdated'))
            if key in seen:  # the overlap of incremental fetches brings some twice
                continue
            seen.add(key)
            yield self.source_from_raw(resource['resourceType'], resource)

    def exports(self):
        return 'export' in self.settings

    def fetch_all(self, since):
        """Yield every client's resources changed since ``since`` from one Bulk Data export, each with its client
        id (the Patient's own id, or the patient it points at); deletions (a ``_since`` export) without one."""
        export = BulkExport(self.source, self.settings['export'])
        status_url = export.kick_off(since - self.source.overlap if since is not None else None)
        manifest = export.manifest(status_url)
        for resource in export.resources(manifest):
            resource_type = resource.get('resourceType')
            if not resource.get('id') or resource_type not in MAPPERS:
                continue
            reference = f"Patient/{resource['id']}" if resource_type == 'Patient' else patient_reference(resource)
            if not reference or not reference.startswith('Patient/'):
                continue
            yield replace(self.source_from_raw(resource_type, resource), client_id=reference.removeprefix('Patient/'))
        for resource_type, resource_id in export.deleted(manifest):
            yield SourceRecord(source_type=resource_type, source_id=resource_id, payload={}, deleted=True)
        export.finish(status_url)

    def source_from_raw(self, source_type, payload):
        meta = payload.get('meta') or {}
        return SourceRecord(source_type=source_type, source_id=payload['id'], payload=payload,
                            updated_at=parse_datetime(meta.get('lastUpdated')), version=meta.get('versionId'))

    def parse_push(self, client_id, payload):
        """Take a FHIR resource or a Bundle of them; each must be about this client (or be the client)."""
        if not isinstance(payload, dict):
            yield PushError(0, 'Send a FHIR resource or Bundle as a JSON object.')
            return
        if payload.get('resourceType') == 'Bundle':
            resources = [entry.get('resource') if isinstance(entry, dict) else None
                         for entry in payload.get('entry') or []]
        else:
            resources = [payload]
        # a resource may name the client by an identifier (e.g. the BSN) of the client's Patient in the same push
        known = {(i.get('system'), i.get('value')) for r in resources if isinstance(r, dict)
                 and r.get('resourceType') == 'Patient' and r.get('id') == client_id for i in r.get('identifier') or []
                 if isinstance(i, dict) and i.get('value')}
        for index, resource in enumerate(resources):
            problem = _push_problem(client_id, resource, known)
            if problem:
                yield PushError(index, problem)
            else:
                yield self.source_from_raw(resource['resourceType'], resource)

    @classmethod
    def valid_client_id(cls, client_id):
        return isinstance(client_id, str) and re.fullmatch(r'[A-Za-z0-9\-.]{1,64}', client_id) is not None

    def outbound(self, kind, client_id, item_id, content):
        return outbound(kind, client_id, item_id, content)

    @property
    def sends(self):
        return isinstance(self.source, RestSource)

    def send(self, item):
        self.source.put(item)

    def map(self, record):
        mapper = MAPPERS.get(record.source_type)
        return mapper(record.payload) if mapper else []  # a type the portal does not show

    def document(self, data, raw):
        """The file of a DocumentReference: its inline data, or fetched from the server (a Binary there)."""
        if data.get('inline'):
            attachment = next((c['attachment'] for c in raw.get('content') or [] if isinstance(c, dict)
                               and isinstance(c.get('attachment'), dict) and c['attachment'].get('data')), None)
            try:
                return data.get('content_type') or 'application/octet-stream', base64.b64decode(
                    attachment['data'], validate=True)
            except (TypeError, ValueError, binascii.Error):
                raise AdapterError('the document has no readable data', permanent=True) from None
        if not isinstance(self.source, RestSource) or not data.get('url'):
            raise AdapterError('the document cannot be fetched from here', permanent=True)
        return self.source.binary(data['url'], DOCUMENT_LIMIT)


#: the largest document file carehub fetches for a member (bytes)
DOCUMENT_LIMIT = 20 * 1024 * 1024


class UploadedFhir(FhirAdapter):
    """What members upload themselves (a FHIR Bundle from another portal): mapped like any FHIR source, fetched from
    nowhere, and nothing is sent back. Its dossiers (one per member and care page) are never synced."""

    name = 'fhir_upload'
    settings_schema = SettingsSchema

    def __init__(self, settings=None, session=None):
        Adapter.__init__(self, settings or {})
        self.source = None

    def fetch(self, client_id, since):
        return iter(())

    @property
    def sends(self):
        return False

    def outbound(self, kind, client_id, item_id, content):
        raise AdapterError('what a member uploaded goes to no provider', permanent=True)


def _push_problem(client_id, resource, identifiers=frozenset()):
    """Return why a pushed resource is refused, or None."""
    if not isinstance(resource, dict) or not isinstance(resource.get('resourceType'), str):
        return 'Not a FHIR resource.'
    if resource['resourceType'] not in MAPPERS:
        return f"{resource['resourceType']} is not taken."
    if not isinstance(resource.get('id'), str) or not resource['id'] or len(resource['id']) > 64:
        return 'The resource has no id.'
    if resource['resourceType'] == 'Patient':
        return None if resource['id'] == client_id else 'This Patient is another client.'
    if resource['resourceType'] in ('Practitioner', 'PractitionerRole', 'Organization'):
        return None
    if patient_reference(resource) == f'Patient/{client_id}':
        return None
    by_identifier = next(((r.get('identifier') or {}) for key in ('subject', 'patient', 'beneficiary')
                          if isinstance(r := resource.get(key), dict) and not r.get('reference')), None)
    if isinstance(by_identifier, dict) and (by_identifier.get('system'), by_identifier.get('value')) in identifiers:
        return None
    return 'The resource is not about this client.'
