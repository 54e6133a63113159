"""The ``ons`` adapter: Nedap Ons (the system behind Caren), as docs/reference/ons.md describes its API.

Pull: a client's record, contact persons (with the phone and email on their addresses), insurances,
reports, care plans with their entries, and agenda occurrences. Push: signed webhooks that carry only
ids (the adapter fetches the record), with the xstream updates/deletes feeds as the polling fallback.
"""

import base64
import binascii
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

from marshmallow import ValidationError, fields, validate, validates_schema

from adapters.ons.client import OnsClient
from adapters.ons.mapping import MAPPERS, OWN_PREFIXES, parse_datetime
from hub.careprovider.adapter import Adapter, AdapterError, Notification, SettingsSchema, SourceRecord

A = '/v0/administration'
#: webhook model type -> our source type (the others are not shown in a care portal)
EVENT_TYPES = {'client': 'client', 'client_contact_relation': 'client_contact_relation', 'insurance': 'insurance',
               'report': 'report', 'care_plan': 'care_plan'}
#: CUSTOM events that say something about one client changed: sync that client's dossier
CUSTOM_CLIENT_EVENTS = {'care_plan_activated', 'client_careallocations_changed', 'external_care_providers_changed',
                        'client_employee_relations_changed'}
#: report type 111: the type of reports written by family through Caren (ons.md §9)
FAMILY_COMMUNICATION = 111
#: how far a webhook or feed reaches back past the watermark (clocks differ; Ons's ``since`` has no offset)
OVERLAP = timedelta(minutes=5)


class OnsSettings(SettingsSchema):
    base_url = fields.Url(required=True, require_tld=False, schemes={'http', 'https'})
    #: the connector's client certificate and key (PEM files): Ons takes mutual TLS only
    cert_file = fields.String(validate=validate.Length(min=1))
    key_file = fields.String(validate=validate.Length(min=1))
    #: the CA chain of the stage (production, staging or development)
    ca_file = fields.String(validate=validate.Length(min=1))
    #: the secret made on the connector page of the Ons API Dashboard, for the webhooks' HMAC-SHA512
    webhook_secret = fields.String(validate=validate.Length(min=16, max=500))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    #: the agenda is read from this many days back to this many days ahead
    agenda_days = fields.Integer(load_default=365, validate=validate.Range(min=1, max=3650))

    @validates_schema
    def _pairs(self, data, **kwargs):
        if ('cert_file' in data) != ('key_file' in data):
            raise ValidationError('Give cert_file and key_file together.')

    def load(self, data, **kwargs):
        if isinstance(data, dict):  # settings from the command line are strings
            data = {key: int(value) if key in ('limit', 'agenda_days') and isinstance(value, str) and value.isdigit()
                    else value for key, value in data.items()}
        return super().load(data, **kwargs)


class OnsAdapter(Adapter):
    name = 'ons'
    settings_schema = OnsSettings
    webhooks = True
    polls = True

    def __init__(self, settings, session=None):
        super().__init__(settings)
        cert = (self.settings['cert_file'], self.settings['key_file']) if 'cert_file' in self.settings else None
        self.client = OnsClient(self.settings['base_url'], cert=cert, verify=self.settings.get('ca_file', True),
                                session=session)
        self._report_types = None

    def _with_report_type(self, report):
        """Add the customer's own name, value type and unit of the report type (codes differ per customer, §10.9)."""
        if self._report_types is None:
            self._report_types = {item.get('id'): {key: item.get(key) for key in ('name', 'valueType', 'unit')}
                                  for item in self.client.items(f'{A}/dossier/report_types', 'reportTypes') or []
                                  if isinstance(item, dict)}
        kind = self._report_types.get(report.get('reportTypeId'))
        return {**report, 'reportType': kind} if kind else report

    @classmethod
    def valid_client_id(cls, client_id):
        return isinstance(client_id, str) and client_id.isascii() and client_id.isdigit() and len(client_id) <= 18

    # --- pull ---------------------------------------------------------------------------------------------

    def _window(self):
        today = datetime.now(UTC).date()
        days = timedelta(days=self.settings['agenda_days'])
        return today - days, today + days

    def fetch(self, client_id, since):
        client = self.client.get(f'{A}/clients/{client_id}')
        if client is None:
            raise AdapterError('the client is not known at Ons', permanent=True, about_client=True)
        yield self._source('client', client, client_id)
        for relation in self.client.items(f'{A}/client_contact_relations/by_client/{client_id}',
                                          'clientContactRelations') or []:
            yield self._source('client_contact_relation', self._with_addresses(relation), client_id)
        for insurance in self.client.items(f'{A}/clients/{client_id}/insurances', 'insurances') or []:
            yield self._source('insurance', insurance, client_id)
        # the report search answers 304 when nothing changed since the last fetch
        for report in self.client.pages(f'{A}/dossier/reports/search_by_client', 'reports', {'client_id': client_id},
                                        self.settings['limit'], modified_since=since - OVERLAP if since else None):
            yield self._source('report', self._with_report_type(report), client_id)
        for plan in self.client.items(f'{A}/dossier/care_plans/by_client/{client_id}', 'carePlans') or []:
            yield self._source('care_plan', self._with_entries(plan), client_id)
        start, end = self._window()
        for occurrence in self.client.items(f'/v0/agenda/clients/{client_id}/agenda_occurrences', 'agendaOccurrences',
                                            {'from': start.isoformat(), 'to': end.isoformat()}) or []:
            yield self._source('agenda_occurrence', occurrence, client_id)

    def reconciles(self, source_type, occurred_at):
        # a full fetch lists every report (If-Modified-Since is only sent on incremental fetches)
        if source_type == 'agenda_occurrence':  # the agenda is read for a window only
            start, end = self._window()
            return occurred_at is not None and start <= occurred_at.date() < end
        return True

    def _with_addresses(self, relation):
        addresses = self.client.items(f"{A}/client_contact_relations/{relation['id']}/addresses", 'addresses')
        return {**relation, 'addresses': addresses or []}

    def _with_entries(self, plan):
        if 'carePlanEntries' in plan:
            return plan
        entries = self.client.items(f"{A}/dossier/care_plans/{plan['id']}/entries", 'carePlanEntries')
        return {**plan, 'carePlanEntries': entries or []}

    def _source(self, source_type, model, client_id=None):
        if not isinstance(model, dict) or model.get('id') is None:
            raise AdapterError(f'Ons sent a {source_type} without an id', permanent=True)
        return SourceRecord(source_type=source_type, source_id=str(model['id']), payload=model,
                            updated_at=parse_datetime(model.get('updatedAt')), client_id=client_id)

    def source_from_raw(self, source_type, payload):
        return self._source(source_type, payload)

    def map(self, record):
        mapper = MAPPERS.get(record.source_type)
        return mapper(record.payload) if mapper else []  # a type the portal does not show

    # --- outbound: everything becomes a report of type 111 "Familie communicatie", the type Caren writes ---------

    def outbound(self, kind, client_id, item_id, content):
        if kind == 'plan_approval':
            text = (f"{OWN_PREFIXES['plan_approval']} (versie {content['version']}) door {content['approved_by']}. "
                    f"Zegel: {content['seal']}")
            author, when = content['approved_by'], content['approved_at']
        elif kind == 'plan_declination':
            text = (f"{OWN_PREFIXES['plan_declination']} (versie {content['version']}) door "
                    f"{content['declined_by']}: {content['comment']}")
            author, when = content['declined_by'], content['declined_at']
        elif kind in ('message', 'note'):
            text = f"{OWN_PREFIXES[kind]}: {content['text']}"
            author, when = content['author'], content['written_at']
        elif kind in ('contact_person_add', 'contact_person_change'):
            # Ons would take a PUT on the relation itself (ons.md §3), but the provider's staff decide what the
            # dossier says: they get the request as a report to act on
            details = '; '.join(f'{label}: {content[key]}' for key, label in (
                ('name', 'naam'), ('relationship', 'relatie'), ('phone', 'telefoon'), ('email', 'e-mail'))
                if content.get(key))
            about = f" ({content['contact']})" if content.get('contact') else ''
            text = f"{OWN_PREFIXES[kind]}{about}: {details}"
            author, when = content['requested_by'], content['requested_at']
        elif kind == 'correction':
            # Ons has no request type for this: its staff read the report, check the item and answer in a message
            text = f"{OWN_PREFIXES[kind]} over {content['about']} ({content['record']}): {content['text']}"
            author, when = content['requested_by'], content['requested_at']
        else:
            raise AdapterError(f'no Ons format for {kind}', permanent=True)
        # Ons has no idempotency key: the uuid lets a repeated POST be recognised (ons.md §1.4)
        return {'clientId': int(client_id), 'reportTypeId': FAMILY_COMMUNICATION, 'reportingDate': when,
                'comment': text, 'carenName': author, 'carenRole': content.get('author_role') or 'Cliëntportaal',
                'uuid': item_id}

    @property
    def sends(self):
        return True

    def send(self, item):
        existing = self.client.get(f"{A}/dossier/reports/by_uuid/{item['uuid']}")
        if existing is None:  # not there yet (a retry after a lost answer finds it and stops)
            self.client.post(f'{A}/dossier/reports', item)

    # --- webhooks -----------------------------------------------------------------------------------------

    def verify_webhook(self, headers, body):
        """HMAC-SHA512 of the raw body with the connector's secret; hex or base64 (ons.md leaves it open)."""
        secret = self.settings.get('webhook_secret')
        given = (headers.get('X-Signature-SHA512') or '').strip()
        if not secret or not given:
            return False
        digest = hmac.new(secret.encode(), body, hashlib.sha512).digest()
        try:
            candidate = bytes.fromhex(given) if len(given) == 128 else base64.b64decode(given, validate=True)
        except (ValueError, binascii.Error):
            return False
        return hmac.compare_digest(candidate, digest)

    def parse_webhook(self, body):
        event = json.loads(body)
        if not isinstance(event, dict):
            raise ValueError('an event is a JSON object')
        kind, model = event.get('eventType'), event.get('modelType')
        if kind in ('CREATE', 'UPDATE', 'DELETE'):
            if model not in EVENT_TYPES:
                return []  # employees, teams, contracts ...: nothing a care portal shows
            if not isinstance(event.get('id'), int):
                raise ValueError('a change event names the id of what changed')
            return [Notification(EVENT_TYPES[model], str(event['id']), kind.lower(),
                                 client_id=str(event['id']) if model == 'client' else None)]
        if kind == 'CUSTOM' and model in CUSTOM_CLIENT_EVENTS:
            client_id = (event.get('payload') or {}).get('clientId')
            return [Notification('client', str(client_id), 'custom', client_id=str(client_id))] \
                if isinstance(client_id, int) else []
        return []  # NOP (the check when a webhook URL is set up) and what we do not follow

    def fetch_notified(self, notification):
        paths = {'client': f'{A}/clients/{{}}', 'client_contact_relation': f'{A}/client_contact_relations/{{}}',
                 'insurance': f'{A}/insurances/{{}}', 'report': f'{A}/dossier/reports/{{}}',
                 'care_plan': f'{A}/dossier/care_plans/{{}}'}
        model = self.client.get(paths[notification.source_type].format(int(notification.source_id)))
        if model is None:  # gone: deleted, or an UPDATE of a record deleted since
            return SourceRecord(notification.source_type, notification.source_id, {}, deleted=True)
        if notification.source_type == 'client_contact_relation':
            model = self._with_addresses(model)
        elif notification.source_type == 'report':
            model = self._with_report_type(model)
        elif notification.source_type == 'care_plan':
            model = self._with_entries(model)
        return SourceRecord(notification.source_type, str(model['id']), model,
                            updated_at=parse_datetime(model.get('updatedAt')), client_id=_client_of(
                                notification.source_type, model))

    # --- the xstream feeds (polling, when webhooks were missed) --------------------------------------------

    def poll(self, since, clients):
        """Read the xstream update feeds (and the client deletes) since ``since`` for the linked ``clients``.

        The feeds hold every client of the care provider; others are skipped before their addresses are fetched.
        """
        since_text = (since - OVERLAP).astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.000')
        for stream, name, source_type in (('clients', 'clients', 'client'),
                                          ('relations', 'clientContactRelations', 'client_contact_relation'),
                                          ('insurances', 'insurances', 'insurance'), ('reports', 'reports', 'report')):
            for model in self.client.items(f'/v0/xstream/{stream}/updates', name, {'since': since_text}) or []:
                client_id = _client_of(source_type, model) if isinstance(model, dict) else None
                if client_id not in clients:
                    continue
                if source_type == 'client_contact_relation':
                    model = self._with_addresses(model)
                elif source_type == 'report':
                    model = self._with_report_type(model)
                yield self._source(source_type, model, client_id)
        for model in self.client.items('/v0/xstream/clients/deletes', 'clients', {'since': since_text}) or []:
            if isinstance(model, dict) and str(model.get('id')) in clients:
                yield SourceRecord('client', str(model['id']), {}, deleted=True, client_id=str(model['id']))


def _client_of(source_type, model):
    """The Ons client id a model belongs to."""
    value = model.get('id') if source_type == 'client' else model.get('clientObjectId', model.get('clientId'))
    return str(value) if value is not None else None
