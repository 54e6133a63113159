"""Long Dutch words in headings break where Dutch breaks them: "Ondersteunings-plan", not "Ondersteuningspla/n".

A browser at 375 px breaks a word that does not fit anywhere (``overflow-wrap``), and ``hyphens: auto`` depends on
the browser and the platform. So headings get soft hyphens (U+00AD) from the server, at the places of the
language's hyphenation dictionary (pyphen, the dictionaries of LibreOffice): a browser shows a hyphen only where it
breaks the word, and screen readers, search and read-aloud ignore them."""

import functools
import re

import pyphen
from flask_babel import get_locale
from markupsafe import Markup

#: words this long (in letters) get soft hyphens; shorter ones fit a line of a phone's heading
LONG = 12
WORD = re.compile(rf'[^\W\d_]{{{LONG},}}')
#: in a Markup heading, only the text between tags and entities is hyphenated
PARTS = re.compile(r'(<[^>]*>|&#?\w+;)')
SOFT_HYPHEN = '\u00ad'


@functools.cache
def _dictionary(language: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=language if language in pyphen.LANGUAGES else 'nl', left=3, right=3)


@functools.lru_cache(maxsize=4096)
def _word(word: str, language: str) -> str:
    return _dictionary(language).inserted(word, hyphen=SOFT_HYPHEN)


def _text(text: str, language: str) -> str:
    return WORD.sub(lambda match: _word(match.group(0), language), text)


def hyphenate(text, language: str | None = None):
    """Return ``text`` with soft hyphens in its long words, in the page's language (Markup stays Markup)."""
    if not text:
        return text
    language = language or str(get_locale() or 'nl')
    if isinstance(text, Markup):
        parts = PARTS.split(str(text))
        # safe already: only soft hyphens go into its text between tags and entities
        return Markup(''.join(part if index % 2 else _text(part, language)  # noqa: S704
                              for index, part in enumerate(parts)))
    return _text(str(text), language)


FILTERS = {'shy': hyphenate}
