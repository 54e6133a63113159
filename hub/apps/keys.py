"""The key carehub signs ID tokens with (RS256): made once, kept in the instance folder (readable by carehub alone),
its public half published at /fhir/R4/.well-known/jwks.json."""

import json
import os
from pathlib import Path

from joserfc.jwk import RSAKey

from hub.config import setting

_KEYS: dict[str, RSAKey] = {}


def signing_key() -> RSAKey:
    """The private key, made at the first ID token (two workers at once: one writes it, both read it)."""
    path = Path(setting('INSTANCE_PATH')) / 'app-signing.jwk'
    key = _KEYS.get(str(path))
    if key is None:
        try:
            made = RSAKey.generate_key(2048, parameters={'use': 'sig', 'alg': 'RS256'}, private=True)
            made = RSAKey.import_key({**made.as_dict(private=True), 'kid': made.thumbprint()})
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, 'w') as file:
                json.dump(made.as_dict(private=True), file)
        except FileExistsError:
            pass
        key = _KEYS[str(path)] = RSAKey.import_key(json.loads(path.read_text()))
    return key


def jwks() -> dict:
    """The public keys, as a JWK Set."""
    return {'keys': [signing_key().as_dict(private=False)]}
