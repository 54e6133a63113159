"""Secrets at rest: keyed hashes for tokens and codes, Fernet for what must be read back."""

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hub.config import setting


def _derive(purpose: str, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None,
                info=f'carehub:{purpose}'.encode()).derive(setting('SECRET_KEY').encode())


def keyed_hash(value: str, purpose: str) -> str:
    """Return the HMAC-SHA256 of ``value`` under a key kept for ``purpose`` (hex)."""
    return hmac.new(_derive(f'hash:{purpose}'), value.encode(), hashlib.sha256).hexdigest()


def random_token(nbytes: int = 32) -> str:
    """Return a URL-safe random token of ``nbytes`` bytes of entropy."""
    return secrets.token_urlsafe(nbytes)


def _fernet() -> MultiFernet:
    configured = setting('ENCRYPTION_KEYS')
    if configured:
        keys = [Fernet(key.strip()) for key in configured.split(',') if key.strip()]
    else:
        keys = [Fernet(base64.urlsafe_b64encode(_derive('fernet')))]
    return MultiFernet(keys)


def encrypt(plain: str) -> str:
    """Encrypt ``plain`` with the newest key."""
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt a value written by encrypt(), with any configured key."""
    return _fernet().decrypt(token.encode()).decode()
