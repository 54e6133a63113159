"""Talk to Nedap's Ons API (/v0 paths): mutual TLS, JSON list envelopes, offset/limit paging without links."""

from email.utils import format_datetime

import requests

from adapters.ons.mapping import OWN_USER
from hub.careprovider.adapter import AdapterError

TIMEOUT = 30
USER_AGENT = 'carehub/1.0+https://carehub.nl'


class OnsClient:
    """A session with the connector's client certificate; Ons answers errors in its own envelope."""

    def __init__(self, base_url, cert=None, verify=True, session=None):
        self.base_url = base_url.rstrip('/')
        self.session = session or requests.Session()
        self.session.headers.update({'Accept': 'application/json', 'User-Agent': USER_AGENT})
        # given with every request: a Session's own verify loses to REQUESTS_CA_BUNDLE in the environment
        self.tls = {'cert': cert, 'verify': verify}

    def get(self, path, params=None, modified_since=None):
        """Return the JSON body of ``GET path``; None for 404/410 and for 304 (not modified)."""
        headers = {'If-Modified-Since': format_datetime(modified_since, usegmt=True)} if modified_since else None
        try:
            response = self.session.get(f'{self.base_url}{path}', params=params, headers=headers, timeout=TIMEOUT,
                                        allow_redirects=False, **self.tls)
        except requests.RequestException as exc:
            raise AdapterError(f'Ons not reachable: {type(exc).__name__}') from None
        if response.status_code in (304, 404, 410):
            return None
        if response.status_code == 429 or response.status_code >= 500:
            # Ons allows 4 parallel requests per certificate and sends no Retry-After; 502/503 during updates
            raise AdapterError(f'Ons answered {response.status_code}', retry_after=response.headers.get('Retry-After'))
        if response.status_code == 495:
            raise AdapterError('Ons refused the client certificate (495)', permanent=True)
        if response.status_code != 200:
            raise AdapterError(f'Ons answered {response.status_code}', permanent=True)
        try:
            return response.json()
        except ValueError:
            raise AdapterError('Ons answered something that is not JSON', permanent=True) from None

    def post(self, path, body):
        """POST a model; raise AdapterError when Ons refuses it (it is retried later unless the refusal is final)."""
        try:
            response = self.session.post(f'{self.base_url}{path}', json=body, timeout=TIMEOUT, allow_redirects=False,
                                         headers={'Content-Type': 'application/json; charset=utf-8',
                                                  'X-Cupido-User-Name': OWN_USER}, **self.tls)
        except requests.RequestException as exc:
            raise AdapterError(f'Ons not reachable: {type(exc).__name__}') from None
        if response.status_code in (200, 201):
            return response.json() if response.content else None
        if response.status_code == 429 or response.status_code >= 500:
            raise AdapterError(f'Ons answered {response.status_code}', retry_after=response.headers.get('Retry-After'))
        raise AdapterError(f'Ons refused the item ({response.status_code})', permanent=True)

    def items(self, path, name, params=None, modified_since=None):
        """Return the list in Ons's envelope (``{name: [...]}``); a bare list is taken as well (ons.md §10.1)."""
        body = self.get(path, params, modified_since)
        if body is None:
            return None
        if isinstance(body, list):
            return body
        if isinstance(body, dict) and isinstance(body.get(name, []), list):
            return body.get(name, [])
        raise AdapterError(f'Ons answered an unexpected list shape for {name}', permanent=True)

    def pages(self, path, name, params, limit, modified_since=None):
        """Yield every item of an offset/limit list: Ons gives no total and no next link, so read until a short page."""
        offset = 0
        while True:
            page = self.items(path, name, {**params, 'offset': offset, 'limit': limit},
                              modified_since if offset == 0 else None)
            if page is None:
                return
            yield from page
            if len(page) < limit:
                return
            offset += limit
