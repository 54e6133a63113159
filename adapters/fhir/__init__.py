"""The ``fhir`` adapter: FHIR R4 over REST (or a Bundle file), mapped into the common model."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hub.careprovider.adapter import Adapter, SourceRecord

from adapters.fhir.client import BundleSource, RestSource
from adapters.fhir.mapping import MAPPERS
from adapters.fhir.values import parse_datetime


class FhirSettings(Schema):
    base_url = fields.Url(require_tld=False, schemes={'http', 'https'})
    bundle = fields.String(validate=validate.Length(min=1))
    count = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    token = fields.String(validate=validate.Length(min=1))

    @validates_schema
    def _one_source(self, data, **kwargs):
        if ('base_url' in data) == ('bundle' in data):
            raise ValidationError('Give either base_url or bundle.')

    def load(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get('count'), str) and data['count'].isdigit():
            data = dict(data, count=int(data['count']))
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
            self.source = RestSource(self.settings['base_url'], count=self.settings['count'],
                                     token=self.settings.get('token'), session=session)

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
            yield SourceRecord(source_type=resource['resourceType'], source_id=resource['id'], payload=resource,
                               updated_at=parse_datetime(meta.get('lastUpdated')), version=meta.get('versionId'))

    def map(self, record):
        return MAPPERS[record.source_type](record.payload)
