"""What text a person may send: one rule for names, one for longer texts, and none with lone surrogates."""

import unicodedata

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
