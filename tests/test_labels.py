"""Labels say what a thing is, buttons what to do: a label's Dutch (a <dt>, <legend>, <th> or <label>) is never the
Dutch of a button, so "Link" is not shown as "Koppelen"; and the five words people misread say what they mean."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / 'hub' / 'translations' / 'nl' / 'LC_MESSAGES' / 'messages.po'
TEXT = r"\{\{\s*_\('((?:[^'\\]|\\.)+)'\)\s*\}\}"
LABEL = re.compile(r'<(?:dt|legend|th|label)\b[^>]*>\s*' + TEXT)
BUTTON = re.compile(r'<button\b[^>]*>\s*' + TEXT)
#: msgid: (what its Dutch must not say, what it should say)
MISREAD = {
    'The link': ('Koppelen', 'De link'),
    'Reach by': ('Bereikt', 'Bereiken vóór'),
    'Active at the care provider': ('Huidig plan', 'Actief bij de zorgaanbieder'),
    'Everyone on this care page sees this': ('Mantelzorgers', 'Iedereen op deze zorgpagina ziet dit'),
    'Who may not see this?': ('Bewaar wie dit mag zien', 'Wie mag dit niet zien?'),
}


def _catalogue():
    with CATALOGUE.open('rb') as handle:
        return read_po(handle, locale='nl')


def _texts(pattern):
    found = {}
    for path in ROOT.glob('hub/**/templates/**/*.html'):
        for match in pattern.finditer(path.read_text()):
            found.setdefault(match.group(1), set()).add(path.name)
    return found


def test_no_label_reads_as_a_button():
    catalogue = _catalogue()
    labels, buttons = _texts(LABEL), _texts(BUTTON)
    assert len(labels) > 50 and len(buttons) > 40  # the patterns still find the templates' texts
    as_button = {catalogue[key].string: key for key in buttons if key in catalogue}
    clashes = [(key, catalogue[key].string, as_button[catalogue[key].string], sorted(where))
               for key, where in labels.items() if key in catalogue and catalogue[key].string in as_button]
    assert not clashes, clashes


def test_the_words_people_misread():
    catalogue = _catalogue()
    for key, (wrong, right) in MISREAD.items():
        assert catalogue[key].string == right, key
        assert wrong not in catalogue[key].string
    hide = (ROOT / 'hub' / 'dossier' / 'templates' / 'dossier' / '_hide.html').read_text()
    assert "_('Save who may see this')" not in hide  # the question asks who may NOT see it


#: short English texts that are the same thing in Dutch (a verb and its -ing, two words for one deed)
SAME_THING = [{'Yes, remove', 'Yes, delete'}, {'Older posts', 'Older messages'},
              {'Ended', 'Stopped'}]


def test_one_short_dutch_word_never_means_two_things():
    """"Afspraken" meant both the plan's agreements and the calendar's appointments: a word of one or two that
    translates two different texts must be the same thing (listed above), else people read one as the other."""
    shared = {}
    for message in _catalogue():
        if message.id and isinstance(message.id, str) and message.string and len(message.string.split()) <= 2:
            shared.setdefault(message.string, set()).add(message.id)
    twice = [ids for ids in shared.values() if len(ids) > 1]
    assert twice and all(ids in SAME_THING for ids in twice), [ids for ids in twice if ids not in SAME_THING]


def test_units_as_people_read_them():
    from hub.core.units import shown
    assert [shown(u) for u in ('mm[Hg]', 'Cel', 'kg', 'kg/m2', '{beats}/min', '%', 'mmol/L', None)] == [
        'mmHg', '°C', 'kg', 'kg/m²', 'per minuut', '%', 'mmol/l', '']


def test_report_cards_are_titled_by_what_sets_them_apart():
    from hub.dossier.views import report_title
    assert report_title({'title': 'Nachtrapportage', 'category': 'Rapportage'}) == 'Nachtrapportage'
    assert report_title({'category': 'Rapportage', 'discipline': 'Fysiotherapie', 'text': 'x'}) == 'Fysiotherapie'
    assert report_title({'category': 'Dagbesteding', 'text': 'x'}) == 'Dagbesteding'
    assert report_title({'category': 'Rapportage', 'care_question': 'Slapen', 'text': 'x'}) == 'Slapen'
    assert report_title({'category': 'Rapportage', 'text': 'Wim heeft goed geslapen en rustig ontbeten vandaag.'}
                        ) == 'Wim heeft goed geslapen en rustig…'
    assert report_title({'text': 'Kort.'}) == 'Kort.'
