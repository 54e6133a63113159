"""The rules a new password must follow, in plain words, and the strength meter's answer."""

import re
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

from hub.account.hashing import normalize
from hub.core.errors import InvalidInput
from hub.core.messages import translate

MIN_LENGTH = 12
MAX_LENGTH = 256
#: zxcvbn refuses more than 72 characters; a longer password is judged on its first 72 (the rest only adds)
STRENGTH_WINDOW = 72


#: words no password may contain, besides the person's own: the service and what it is about
SERVICE_WORDS = ('carehub', 'zorg')


@lru_cache(maxsize=1)
def common_words() -> frozenset:
    """Return the common Dutch words of the blocklist (hub/account/data, with its source and licence)."""
    lines = (Path(__file__).parent / 'data' / 'dutch-common-words.txt').read_text(encoding='utf-8').splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith('#'))


def own_words(user_inputs) -> list[str]:
    """Return the person's own words: the email address, its local part and the parts of it, the names."""
    words = set(SERVICE_WORDS)
    for value in user_inputs:
        if not value:
            continue
        value = str(value).lower().strip()
        words.add(value)
        if '@' in value:
            local = value.split('@')[0]
            words.add(local)
            words.update(re.split(r'[._+\-]', local))
        words.update(value.split())
    return sorted(word for word in words if len(word) >= 3)


def _zxcvbn(password, user_inputs):
    return zxcvbn(password[:STRENGTH_WINDOW] or ' ', user_inputs=own_words(user_inputs) + ['welkom', 'wachtwoord'])


#: the meter's highest level for a password a rule refuses: it never praises what the form will refuse
REFUSED_SCORE = 1


def strength(password: str, user_inputs=()) -> dict:
    """Return the meter's level (zxcvbn's score 0-4, at most 1 while a rule refuses) and the hints."""
    problems = password_problems(password, user_inputs)
    result = _zxcvbn(normalize(password), user_inputs)
    score = result['score'] if password else 0
    if problems:
        score = min(score, REFUSED_SCORE)
    return {'score': score, 'ok': not problems,
            'problems': [str(problem) for problem in problems],
            'suggestions': [translate(text) for text in result['feedback'].get('suggestions') or []]}


def password_problems(password: str, user_inputs=()) -> list:
    """Return what is wrong with ``password`` in plain words (empty when it is good)."""
    password = normalize(password)
    if len(password) < MIN_LENGTH:
        return [_l('Use at least %(n)d characters.', n=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [_l('Use at most %(n)d characters.', n=MAX_LENGTH)]
    if any(ord(char) < 32 or ord(char) == 127 for char in password):
        return [_l('The password contains characters that cannot be typed.')]
    lowered = password.lower()
    if any(word in lowered for word in own_words(user_inputs)):
        return [_l('Do not use your name, your email address or the words carehub or zorg in your password.')]
    letters = re.sub(r'^[\W\d_]+|[\W\d_]+$', '', lowered)
    words = set(re.findall(r'[^\W\d_]+', lowered))  # "Zomer2025!zomer" is one word, said twice
    if (not letters or letters in common_words() or lowered.replace(' ', '') in common_words()
            or (len(words) == 1 and words <= common_words())):
        return [_l('A common word with digits or signs around it is easy to guess. Use a sentence of several '
                   'words, for example "blauwe fietsen op de dijk".')]
    result = _zxcvbn(password, user_inputs)
    if result['score'] < 3:
        problems = [_l('This password is too easy to guess. Make it longer, for example a sentence of '
                       'several words.')]
        warning = result['feedback'].get('warning')
        if warning:
            problems.append(translate(warning))
        return problems
    return []


def check_password(password: str, user_inputs=()):
    """Raise InvalidInput when ``password`` breaks a rule."""
    problems = password_problems(password, user_inputs)
    if problems:
        raise InvalidInput(problems[0], code='weak_password', fields={'password': [str(p) for p in problems]})
