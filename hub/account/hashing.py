"""Password hashing: argon2id with the configured cost, and the same work for an account that does not exist."""

import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hub.config import setting


@lru_cache(maxsize=4)
def _hasher(time_cost, memory_cost, parallelism):
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher():
    """Return the argon2id hasher with the configured parameters."""
    return _hasher(setting('ARGON2_TIME_COST'), setting('ARGON2_MEMORY_COST'), setting('ARGON2_PARALLELISM'))


def normalize(password: str) -> str:
    """Return the password in Unicode NFC, so the same typed text always matches."""
    return unicodedata.normalize('NFC', password)


def hash_password(password: str) -> str:
    """Return the argon2id hash of ``password``."""
    return hasher().hash(normalize(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Tell whether ``password`` matches; without a hash, spend the same time and say no."""
    if password_hash is None:
        password_hash = _dummy_hash()
        password = password + '\x00never'
    try:
        return hasher().verify(password_hash, normalize(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether the hash was made with other parameters than the configured ones."""
    return hasher().check_needs_rehash(password_hash)


def _dummy_hash():
    return _dummy_for(setting('ARGON2_TIME_COST'), setting('ARGON2_MEMORY_COST'), setting('ARGON2_PARALLELISM'))


@lru_cache(maxsize=4)
def _dummy_for(*params):
    return _hasher(*params).hash('carehub-dummy-password')
