"""Password hashing (argon2id) and the password rules."""

import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

from hub.config import setting
from hub.core.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 256
#: zxcvbn looks at this many characters; a longer password is at least as strong
STRENGTH_WINDOW = 100


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


def strength(password: str, user_inputs=()) -> dict:
    """Return zxcvbn's score (0-4) and its hints, for the meter on the password pages."""
    problems = password_problems(password, user_inputs)
    inputs = [part for value in user_inputs if value for part in str(value).lower().replace('@', ' ').split()]
    result = zxcvbn(normalize(password)[:STRENGTH_WINDOW] or ' ', user_inputs=inputs + ['carehub', 'zorg', 'welkom'])
    return {'score': result['score'] if password else 0, 'ok': not problems,
            'problems': [str(problem) for problem in problems],
            'suggestions': list(result['feedback'].get('suggestions') or [])}


def password_problems(password: str, user_inputs=()) -> list:
    """Return what is wrong with ``password`` in plain words (empty when it is good)."""
    password = normalize(password)
    if len(password) < MIN_LENGTH:
        return [_l('Use at least %(n)d characters.', n=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [_l('Use at most %(n)d characters.', n=MAX_LENGTH)]
    if any(ord(char) < 32 or ord(char) == 127 for char in password):
        return [_l('The password contains characters that cannot be typed.')]
    inputs = [part for value in user_inputs if value for part in str(value).lower().replace('@', ' ').split()]
    result = zxcvbn(password[:STRENGTH_WINDOW], user_inputs=inputs + ['carehub', 'zorg', 'welkom'])
    if result['score'] < 3:
        problems = [_l('This password is too easy to guess. Make it longer, for example a sentence of '
                       'several words.')]
        warning = result['feedback'].get('warning')
        if warning:
            problems.append(warning)
        return problems
    return []


def check_password(password: str, user_inputs=()):
    """Raise InvalidInput when ``password`` breaks a rule."""
    problems = password_problems(password, user_inputs)
    if problems:
        raise InvalidInput(problems[0], code='weak_password', fields={'password': [str(p) for p in problems]})
