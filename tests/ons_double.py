"""A test double of Nedap's Ons API at the HTTP boundary, built from docs/reference/ons.md.

It serves the /v0 paths the ons adapter reads, with Ons's list envelopes (``{"reports": [...]}``), offset and
limit paging without links, If-Modified-Since on the report search, hidden reports only with show_hidden,
the xstream updates/deletes feeds, and 404 for what does not exist. It signs webhook events as Nedap does:
HMAC-SHA512 over the body, hex, in ``X-Signature-SHA512``. We have no Ons server here, so this is what the
adapter is tested against; everything it does not know answers 404.
"""

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from itertools import count
from urllib.parse import parse_qs, urlsplit

from tests.servers import json_handler, serve

CUSTOMER = 'TE1002'


def stamp(moment=None) -> str:
    """An Ons date-time: milliseconds and a numeric offset."""
    return (moment or datetime.now(UTC)).isoformat(timespec='milliseconds')


class OnsDouble:
    def __init__(self, secret='webhook-secret'):
        self.secret = secret
        self.ids = count(1000)
        self.lock = threading.Lock()
        #: collection -> id -> model
        self.data = {'clients': {}, 'relations': {}, 'insurances': {}, 'reports': {}, 'care_plans': {},
                     'agenda': {}, 'addresses': {}}
        self.deleted_clients = {}
        self.requests = []
        #: answer this many report POSTs with 503 (a busy Ons during an update)
        self.fail_posts = 0
        #: the report-type catalogue of this customer (ons.md §5.3; 220 Saturatie as in the catalogue example)
        self.report_types = [
            {'id': 101, 'name': 'Rapportage', 'valueType': 'Comment', 'enabled': True},
            {'id': 102, 'name': 'Gewicht', 'valueType': 'BMI', 'unit': 'kg', 'enabled': True},
            {'id': 103, 'name': 'Bloeddruk', 'valueType': 'BloodPressure', 'enabled': True},
            {'id': 104, 'name': 'Temperatuur', 'valueType': 'Decimal', 'unit': '°C', 'enabled': True},
            {'id': 109, 'name': 'Medisch', 'valueType': 'Comment', 'enabled': True},
            {'id': 111, 'name': 'Familie communicatie', 'valueType': 'FamilyCommunication', 'enabled': True},
            {'id': 220, 'name': 'Saturatie', 'valueType': 'Decimal', 'unit': '%', 'enabled': True},
            {'id': 315, 'name': 'SOEP', 'valueType': 'Soap', 'enabled': True},
        ]

    # --- the data, as a care provider's staff would change it ------------------------------------------------

    def put(self, collection, model):
        with self.lock:
            model.setdefault('id', next(self.ids))
            model['updatedAt'] = stamp()
            model.setdefault('createdAt', model['updatedAt'])
            self.data[collection][model['id']] = model
        return model

    def age(self, minutes):
        """Make everything stored look changed ``minutes`` earlier (as if the staff wrote it a while ago)."""
        from datetime import timedelta
        with self.lock:
            for models in self.data.values():
                for model in models.values():
                    for key in ('updatedAt', 'createdAt'):
                        model[key] = stamp(datetime.fromisoformat(model[key]) - timedelta(minutes=minutes))

    def delete(self, collection, model_id):
        with self.lock:
            gone = self.data[collection].pop(model_id)
            if collection == 'clients':
                self.deleted_clients[model_id] = stamp()
        return gone

    def client(self, **fields):
        return self.put('clients', {'uuid': f'uuid-{next(self.ids)}', 'identificationNo': f'C{next(self.ids)}',
                                    'firstName': 'Wilhelmina', 'givenName': 'Mien', 'prefix': 'van', 'lastName': 'Dijk',
                                    'dateOfBirth': '1938-05-02', 'gender': 'F', 'mobilePhone': '0612345678', **fields})

    def report(self, client_id, **fields):
        return self.put('reports', {'clientId': client_id, 'employeeId': 7, 'reportTypeId': 101,
                                    'reportingDate': stamp(), 'comment': 'Mevrouw heeft goed geslapen.',
                                    'confidential': False, 'hidden': False, 'status': 1, 'reportEntries': [],
                                    'soapReportEntries': [], 'createdBy': 'Linda Visser', **fields})

    # --- webhooks ---------------------------------------------------------------------------------------------

    def event(self, event_type, model_type, model_id, **fields) -> bytes:
        body = {'customerCode': CUSTOMER, 'eventType': event_type, 'modelType': model_type, 'id': model_id,
                'timestamp': stamp(), 'amountOfRetries': 0, **fields}
        return json.dumps(body).encode()

    def sign(self, body: bytes, secret=None) -> str:
        return hmac.new((secret or self.secret).encode(), body, hashlib.sha512).hexdigest()

    # --- the HTTP side ----------------------------------------------------------------------------------------

    def start(self, tls=None):
        """Serve on loopback; with ``tls`` (a folder from ``make_certificates``) over HTTPS that demands a client
        certificate signed by the stage's CA, as Ons does (mutual TLS only)."""
        double = self

        class Handler(json_handler()):
            def do_GET(self):
                url = urlsplit(self.path)
                double.requests.append(self.path)
                try:
                    status, body = double.route(url.path, parse_qs(url.query), self.headers)
                except LookupError:
                    status, body = 404, {'errorResponseEntries': [{'message': 'Not found'}]}
                except (ValueError, KeyError):
                    status, body = 400, {'errorResponseEntries': [{'message': 'Could not parse request parameter'}]}
                self.answer(status, body)

            def do_POST(self):
                double.requests.append(f'POST {self.path}')
                body = json.loads(self.rfile.read(int(self.headers.get('Content-Length') or 0)) or b'null')
                if urlsplit(self.path).path != '/v0/administration/dossier/reports' or not isinstance(body, dict) \
                        or 'reportTypeId' not in body or not self.headers.get('X-Cupido-User-Name'):
                    self.answer(400, {'errorResponseEntries': [{'message': 'Validation errors'}]})
                elif double.fail_posts:
                    double.fail_posts -= 1
                    self.answer(503, {'errorResponseEntries': [{'message': 'Service unavailable'}]})
                else:
                    self.answer(200, double.report(body['clientId'], **body,
                                                   createdBy=self.headers['X-Cupido-User-Name']))

        self.server = serve(Handler)
        if tls is not None:
            import ssl
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            context.load_cert_chain(tls / 'server.pem', tls / 'server.key')
            context.load_verify_locations(tls / 'ca.pem')
            context.verify_mode = ssl.CERT_REQUIRED
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.base_url = f"{'https' if tls else 'http'}://127.0.0.1:{self.server.server_port}"
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def _one(self, collection, model_id):
        with self.lock:
            return 200, dict(self.data[collection][int(model_id)])

    def _list(self, collection, name, keep, query=None):
        with self.lock:
            items = [dict(m) for m in self.data[collection].values() if keep(m)]
        if query is not None:
            offset, limit = int(query.get('offset', ['0'])[0]), int(query.get('limit', ['10'])[0])
            items = sorted(items, key=lambda m: m['id'])[offset:offset + limit]
        return 200, {name: items}

    def route(self, path, query, headers):
        parts = path.strip('/').split('/')
        admin = ['v0', 'administration']
        if parts[:3] == admin + ['clients'] and len(parts) == 4:
            return self._one('clients', parts[3])
        if parts[:3] == admin + ['clients'] and len(parts) == 5 and parts[4] == 'insurances':
            return self._list('insurances', 'insurances', lambda m: m['clientObjectId'] == int(parts[3]))
        if parts[:3] == admin + ['insurances'] and len(parts) == 4:
            return self._one('insurances', parts[3])
        if parts[:4] == admin + ['client_contact_relations', 'by_client']:
            return self._list('relations', 'clientContactRelations', lambda m: m['clientObjectId'] == int(parts[4]))
        if parts[:3] == admin + ['client_contact_relations'] and len(parts) == 5 and parts[4] == 'addresses':
            return self._list('addresses', 'addresses', lambda m: m['clientContactRelationId'] == int(parts[3]))
        if parts[:3] == admin + ['client_contact_relations'] and len(parts) == 4:
            return self._one('relations', parts[3])
        if parts[:4] == admin + ['dossier', 'reports'] and parts[4:] == ['search_by_client']:
            client_id = int(query['client_id'][0])
            show_hidden = query.get('show_hidden', ['false'])[0] == 'true'
            since = headers.get('If-Modified-Since')
            if since:
                changed = parsedate_to_datetime(since)
                with self.lock:
                    newest = max((datetime.fromisoformat(m['updatedAt']) for m in self.data['reports'].values()
                                  if m['clientId'] == client_id), default=None)
                if newest is None or newest.replace(microsecond=0) <= changed:
                    return 304, None
            return self._list('reports', 'reports', lambda m: m['clientId'] == client_id and (
                show_hidden or not m['hidden']), query)
        if parts[:4] == admin + ['dossier', 'report_types'] and len(parts) == 4:
            return 200, {'reportTypes': [dict(t) for t in self.report_types]}
        if parts[:5] == admin + ['dossier', 'reports', 'by_uuid'] and len(parts) == 6:
            with self.lock:
                found = [dict(m) for m in self.data['reports'].values() if m.get('uuid') == parts[5]]
            if not found:
                raise LookupError(path)
            return 200, found[0]
        if parts[:4] == admin + ['dossier', 'reports'] and len(parts) == 5:
            return self._one('reports', parts[4])
        if parts[:4] == admin + ['dossier', 'care_plans'] and parts[4:5] == ['by_client'] and len(parts) == 6:
            return self._list('care_plans', 'carePlans', lambda m: m['clientId'] == int(parts[5]))
        if parts[:4] == admin + ['dossier', 'care_plans'] and len(parts) == 6 and parts[5] == 'entries':
            _, plan = self._one('care_plans', parts[4])
            return 200, {'carePlanEntries': plan.get('carePlanEntries', [])}
        if parts[:4] == admin + ['dossier', 'care_plans'] and len(parts) == 5:
            return self._one('care_plans', parts[4])
        if parts[:3] == ['v0', 'agenda', 'clients'] and parts[4:] == ['agenda_occurrences']:
            start, end = query['from'][0], query['to'][0]
            return self._list('agenda', 'agendaOccurrences', lambda m: m['clientId'] == int(parts[3])
                              and start <= m['occurrenceDate'] < end)
        if parts[:2] == ['v0', 'xstream'] and len(parts) == 4:
            since = datetime.fromisoformat(query['since'][0])
            since = since if since.tzinfo else since.replace(tzinfo=UTC)
            collection = {'clients': 'clients', 'relations': 'relations', 'insurances': 'insurances',
                          'reports': 'reports'}[parts[2]]
            if parts[3] == 'updates':
                return self._list(collection, parts[2] if parts[2] != 'relations' else 'clientContactRelations',
                                  lambda m: datetime.fromisoformat(m['updatedAt']) > since)
            if parts[3] == 'deletes' and parts[2] == 'clients':
                with self.lock:
                    return 200, {'clients': [{'id': k} for k, when in self.deleted_clients.items()
                                             if datetime.fromisoformat(when) > since]}
        raise LookupError(path)


def make_certificates(folder):
    """Write a test CA, a server certificate for 127.0.0.1 and a connector's client certificate (PEM) into folder."""
    import ipaddress
    from datetime import timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.now(UTC)

    def name(common):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    def write(stem, key, cert):
        (folder / f'{stem}.key').write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        (folder / f'{stem}.pem').write_bytes(cert.public_bytes(serialization.Encoding.PEM))

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(name('Ons test CA')).issuer_name(name('Ons test CA'))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    write('ca', ca_key, ca)
    for stem, common, usage, alt in (
            ('server', 'api-development.ons.test', ExtendedKeyUsageOID.SERVER_AUTH,
             x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address('127.0.0.1'))])),
            ('client', f'carehub-{CUSTOMER}-test', ExtendedKeyUsageOID.CLIENT_AUTH, None)):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (x509.CertificateBuilder().subject_name(name(common)).issuer_name(ca.subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
                   .add_extension(x509.ExtendedKeyUsage([usage]), critical=False))
        if alt is not None:
            builder = builder.add_extension(alt, critical=False)
        write(stem, key, builder.sign(ca_key, hashes.SHA256()))
    return folder
