"""OAuth 2 client credentials towards a FHIR server: cached, refreshed before expiry, once under a race."""

import base64
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

import pytest

from tests.careprovider.test_fhir_sync import fhir_load
from tests.servers import Proxy, json_handler, serve


class TokenServer:
    """A token endpoint on loopback: client_secret_basic, grant client_credentials, slow enough to race."""

    def __init__(self, client_id='carehub', secret='s3cret-value', lifetime=300):
        self.client_id, self.secret, self.lifetime = client_id, secret, lifetime
        self.issued = []
        self.lock = threading.Lock()

    def start(self):
        token_server = self

        class Handler(json_handler()):
            def do_POST(self):
                body = parse_qs(self.rfile.read(int(self.headers.get('Content-Length') or 0)).decode())
                basic = base64.b64encode(f'{token_server.client_id}:{token_server.secret}'.encode()).decode()
                if self.headers.get('Authorization') != f'Basic {basic}' or body.get('grant_type') != [
                        'client_credentials']:
                    return self.answer(401, {'error': 'invalid_client'})
                time.sleep(0.2)  # a slow token endpoint makes the race real
                with token_server.lock:
                    token = f'token-{len(token_server.issued) + 1}'
                    token_server.issued.append(token)
                self.answer(200, {'access_token': token, 'token_type': 'Bearer', 'expires_in': token_server.lifetime})

        self.server = serve(Handler)
        self.url = f'http://127.0.0.1:{self.server.server_port}/oauth/token'
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def token_server():
    server = TokenServer().start()
    yield server
    server.stop()


def test_the_token_is_cached_and_refreshed_once_when_twenty_requests_race_near_expiry(
        fhir_server, token_server, monkeypatch):
    from adapters.fhir import FhirAdapter, auth
    clock = {'now': 2_000_000_000.0}
    monkeypatch.setattr(auth, 'now', lambda: clock['now'])
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    fhir_load(fhir_server.base_url, [{'resourceType': 'Patient', 'id': patient_id}])
    proxy = Proxy(fhir_server.base_url).start()
    settings = {'base_url': proxy.base_url, 'token_url': token_server.url, 'client_id': 'carehub',
                'client_secret': 's3cret-value', 'scope': 'system/*.read'}
    try:
        assert FhirAdapter(settings).source.read('Patient', patient_id)['id'] == patient_id
        clock['now'] += 200  # 100 s left: the cached token is used, by a new adapter too
        assert FhirAdapter(settings).source.read('Patient', patient_id)['id'] == patient_id
        assert token_server.issued == ['token-1']

        clock['now'] += 50  # 50 s left: within the 60 s margin, so the next request refreshes
        start = threading.Barrier(20)

        def read(_):
            adapter = FhirAdapter(settings)
            start.wait()
            return adapter.source.read('Patient', patient_id)
        with ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(read, range(20)))
    finally:
        proxy.stop()
    assert all(answer['id'] == patient_id for answer in answers)
    assert token_server.issued == ['token-1', 'token-2']
    used = [authorization for _, _, authorization in proxy.requests]
    assert used[:2] == ['Bearer token-1'] * 2 and used[2:] == ['Bearer token-2'] * 20


def test_a_refused_client_is_a_permanent_error_without_the_secret(fhir_server, token_server):
    from adapters.fhir import FhirAdapter
    from hub.careprovider.adapter import AdapterError
    adapter = FhirAdapter({'base_url': fhir_server.base_url, 'token_url': token_server.url, 'client_id': 'carehub',
                           'client_secret': 'wrong-secret-value'})
    with pytest.raises(AdapterError) as refused:
        adapter.source.read('Patient', 'x')
    assert refused.value.permanent and 'wrong-secret-value' not in str(refused.value)
    assert token_server.issued == []


def test_client_credentials_settings_come_together():
    from marshmallow import ValidationError

    from adapters.fhir import FhirSettings
    with pytest.raises(ValidationError):
        FhirSettings().load({'base_url': 'http://fhir.test/r4', 'token_url': 'http://fhir.test/token'})
    with pytest.raises(ValidationError):
        FhirSettings().load({'base_url': 'http://fhir.test/r4', 'token': 't', 'token_url': 'http://fhir.test/token',
                             'client_id': 'a', 'client_secret': 'b'})
