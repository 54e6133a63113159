"""Plain Dutch (B1): every Dutch text of more than 12 words reads easily by the Flesch–Douma score (textstat's Dutch
reading ease): none under 50, on average at least 65. A failure names the texts to rewrite."""

import re

import textstat

from tests.test_words import _messages

LONGEST_EASY = 12
LOWEST, AVERAGE = 50, 65


def _scored():
    textstat.set_lang('nl')
    for key, texts in _messages():
        for text in texts:
            plain = re.sub(r'%\(\w+\)[sd]|%\w', 'Jan', text)  # a placeholder reads as a short name
            if len(plain.split()) > LONGEST_EASY:
                yield key, plain, textstat.flesch_reading_ease(plain)


def test_the_information_page_reads_easily():
    """The information page (hub/account/templates/account/info/info_nl.html) in plain Dutch too."""
    from html import unescape
    from pathlib import Path
    textstat.set_lang('nl')
    page = (Path(__file__).resolve().parent.parent / 'hub' / 'account' / 'templates' / 'account' / 'info'
            / 'info_nl.html').read_text()
    parts = [unescape(re.sub(r'<[^>]+>', '', part)).strip() for part in re.findall(r'<(?:p|li)>(.*?)</(?:p|li)>', page)]
    scored = [(textstat.flesch_reading_ease(part), part) for part in parts if len(part.split()) > LONGEST_EASY]
    assert scored
    hard = [(score, part) for score, part in scored if score < LOWEST]
    assert not hard, '\n'.join(f'{score:.0f}: {part}' for score, part in hard)
    assert sum(score for score, _ in scored) / len(scored) >= AVERAGE


def test_each_longer_dutch_text_reads_easily():
    scored = list(_scored())
    assert len(scored) > 50  # the catalogue is read, not skipped
    hard = [(score, key, text) for key, text, score in scored if score < LOWEST]
    assert not hard, 'rewrite these in plain Dutch:\n' + '\n'.join(
        f'{score:.0f}: {text}  ({key!r})' for score, key, text in sorted(hard))
    average = sum(score for _, _, score in scored) / len(scored)
    assert average >= AVERAGE, f'the average reading ease is {average:.1f}, under {AVERAGE}'
