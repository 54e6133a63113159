"""OAuth 2 client credentials for FHIR servers that ask for them (authlib as the OAuth client).

The token is cached per token endpoint and client, shared by every adapter in the process, and
refreshed 60 seconds before it expires, by one thread at a time: twenty requests racing near expiry
cause one refresh. Tokens and secrets are never logged or put in an error message.
"""

import hashlib
import threading
import time
from dataclasses import dataclass

import requests
from authlib.integrations.requests_client import OAuth2Session

from hub.careprovider.adapter import AdapterError

#: refresh this many seconds before the token expires
MARGIN = 60
TIMEOUT = 30


def now() -> float:
    """The clock the cache reads (tests move it)."""
    return time.time()


@dataclass(frozen=True)
class _Token:
    access_token: str
    expires_at: float


_tokens: dict[tuple, _Token] = {}
_locks: dict[tuple, threading.Lock] = {}
_locks_lock = threading.Lock()


class ClientCredentials(requests.auth.AuthBase):
    """Puts a bearer token from the client-credentials grant on every request."""

    def __init__(self, token_url, client_id, client_secret, scope=None):
        self.token_url, self.client_id, self._secret, self.scope = token_url, client_id, client_secret, scope
        # the secret's hash is part of the key: after a rotated secret the old token is not used on
        self.key = (token_url, client_id, scope, hashlib.sha256(client_secret.encode()).hexdigest())
        with _locks_lock:
            self.lock = _locks.setdefault(self.key, threading.Lock())

    def __repr__(self):
        return f'ClientCredentials({self.token_url!r}, {self.client_id!r})'

    def __call__(self, request):
        request.headers['Authorization'] = f'Bearer {self.token()}'
        return request

    def _fresh(self):
        token = _tokens.get(self.key)
        return token if token and token.expires_at - MARGIN > now() else None

    def token(self) -> str:
        """Return a token valid for at least MARGIN seconds, fetching one if needed (one fetch at a time)."""
        token = self._fresh()
        if token:
            return token.access_token
        with self.lock:
            token = self._fresh()  # another thread may have refreshed while this one waited
            if token:
                return token.access_token
            token = self._fetch()
            _tokens[self.key] = token
            return token.access_token

    def forget(self, access_token=None):
        """Drop the cached token (the server refused it), unless another thread already replaced it."""
        with self.lock:
            cached = _tokens.get(self.key)
            if cached and (access_token is None or cached.access_token == access_token):
                del _tokens[self.key]

    def _fetch(self) -> _Token:
        started = now()
        client = OAuth2Session(self.client_id, self._secret, scope=self.scope,
                               token_endpoint_auth_method='client_secret_basic')  # noqa: S106  a method's name
        try:
            answer = client.fetch_token(self.token_url, grant_type='client_credentials', timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise AdapterError(f'token endpoint not reachable: {type(exc).__name__}') from None
        except Exception as exc:  # noqa: BLE001  authlib raises its own errors for refusals; no secret in them
            raise AdapterError(f'token endpoint refused the client: {type(exc).__name__}', permanent=True) from None
        finally:
            client.close()
        access_token = answer.get('access_token')
        if not access_token:
            raise AdapterError('token endpoint answered without a token', permanent=True)
        try:
            lifetime = float(answer.get('expires_in') or 300)
        except (TypeError, ValueError):
            lifetime = 300.0
        return _Token(access_token, started + lifetime)
