"""What text a person may send: one rule for names, one for longer texts, and none with lone surrogates."""

import sys
import unicodedata
from functools import lru_cache

#: control, format (zero-width space, BOM, bidi overrides), line and paragraph separators, surrogates, private use
_NEVER_IN_A_LINE = {'Cc', 'Cf', 'Zl', 'Zp', 'Cs', 'Co'}
#: in texts with lines: the joiners that emoji sequences and some scripts need
_JOINERS = {'\u200c', '\u200d', '\ufe0f'}
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def bad_characters(value: str, multiline: bool = False) -> bool:
    """Tell whether ``value`` holds characters a person cannot see or that can mislead (a name: none at all)."""
    for char in value:
        if char.isprintable() and not (0xD800 <= ord(char) <= 0xDFFF):
            continue
        if multiline and (char in '\n\r\t' or char in _JOINERS):
            continue
        category = unicodedata.category(char)
        if category in _NEVER_IN_A_LINE or category == 'Zs' and char != ' ' and not multiline:
            return True
        if multiline and char in _BIDI_CONTROLS:
            return True
    return False


def has_lone_surrogate(value, depth: int = 0) -> bool:
    """Tell whether parsed JSON holds a string with a lone UTF-16 surrogate ("\\ud800"), which no database stores."""
    if depth > 200:
        return True  # deeper than anything we read is not ours to take either
    if isinstance(value, str):
        return any(0xD800 <= ord(char) <= 0xDFFF for char in value)
    if isinstance(value, dict):
        return any(has_lone_surrogate(k, depth + 1) or has_lone_surrogate(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(has_lone_surrogate(item, depth + 1) for item in value)
    return False


def _as_class(wanted) -> str:
    """The code points for which ``wanted`` holds, as the ranges of a regular-expression class (escapes for the Basic
    Multilingual Plane, the characters themselves beyond it). Surrogates are no characters to a regular expression:
    JSON text cannot hold them alone (they are refused on reading)."""
    ranges, start = [], None
    for code in range(sys.maxunicode + 2):
        hit = code <= sys.maxunicode and not 0xD800 <= code <= 0xDFFF and wanted(chr(code))
        if hit and start is None:
            start = code
        elif not hit and start is not None:
            ranges.append((start, code - 1))
            start = None

    def char(code):
        return f'\\u{code:04x}' if code <= 0xFFFF else chr(code)
    return ''.join(char(a) if a == b else f'{char(a)}-{char(b)}' for a, b in ranges)


@lru_cache(maxsize=4)
def text_pattern(multiline: bool = False, empty: bool = False) -> str:
    """The rule of bad_characters as a JSON Schema pattern, for the API documents: none of the characters it refuses,
    and (unless ``empty``) something besides the spaces that are stripped."""
    bad = _as_class(lambda char: bad_characters(char, multiline))
    if empty:
        return f'^[^{bad}]*$'
    blank = _as_class(lambda char: char.isspace() and not bad_characters(char, multiline))
    spaces = _as_class(str.isspace)
    return f'^[{blank}]*[^{spaces}{bad}][^{bad}]*$'
