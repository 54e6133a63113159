"""A software passkey for API tests: what a phone's authenticator answers, as PublicKeyCredential.toJSON() sends it.

The browser tests use Chromium's virtual authenticator instead (tests/browser/test_passkeys.py); this one lets the
API tests make replayed, foreign and out-of-date assertions on purpose.
"""

import hashlib
import json
import secrets
import struct
from base64 import urlsafe_b64decode, urlsafe_b64encode

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, AT = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b'=').decode()


def unb64url(text: str) -> bytes:
    return urlsafe_b64decode(text + '=' * (-len(text) % 4))


class SoftPasskey:
    """One credential on one authenticator: makes it, then signs assertions, counting up (or not, when asked)."""

    def __init__(self, origin: str, rp_id: str | None = None):
        self.origin = origin
        self.rp_id = rp_id or origin.split('://', 1)[1].split(':')[0]
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(32)
        self.counter = 0

    def _client_data(self, kind, challenge, origin=None) -> bytes:
        return json.dumps({'type': kind, 'challenge': challenge, 'origin': origin or self.origin,
                           'crossOrigin': False}).encode()

    def _auth_data(self, flags, attested=b'') -> bytes:
        return hashlib.sha256(self.rp_id.encode()).digest() + bytes([flags]) + struct.pack('>I', self.counter) + \
            attested

    def create(self, options: dict, origin=None) -> dict:
        """Answer creation options ({publicKey: ...}) as navigator.credentials.create() would."""
        public = self.key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: public.x.to_bytes(32, 'big'), -3: public.y.to_bytes(32, 'big')})
        attested = bytes(16) + struct.pack('>H', len(self.credential_id)) + self.credential_id + cose
        auth_data = self._auth_data(UP | UV | AT, attested)
        attestation = cbor2.dumps({'fmt': 'none', 'attStmt': {}, 'authData': auth_data})
        client_data = self._client_data('webauthn.create', options['publicKey']['challenge'], origin)
        return {'id': b64url(self.credential_id), 'rawId': b64url(self.credential_id), 'type': 'public-key',
                'authenticatorAttachment': 'platform', 'clientExtensionResults': {},
                'response': {'clientDataJSON': b64url(client_data), 'attestationObject': b64url(attestation),
                             'transports': ['internal', 'hybrid']}}

    def get(self, options: dict, origin=None, count=True) -> dict:
        """Answer request options ({publicKey: ...}) as navigator.credentials.get() would."""
        if count:
            self.counter += 1
        auth_data = self._auth_data(UP | UV)
        client_data = self._client_data('webauthn.get', options['publicKey']['challenge'], origin)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {'id': b64url(self.credential_id), 'rawId': b64url(self.credential_id), 'type': 'public-key',
                'authenticatorAttachment': 'platform', 'clientExtensionResults': {},
                'response': {'clientDataJSON': b64url(client_data), 'authenticatorData': b64url(auth_data),
                             'signature': b64url(signature), 'userHandle': None}}
