"""One plain Dutch word per thing (the word list in docs/DESIGN.md): the catalogue uses none of the words people
stumbled on, and names the roles the same everywhere."""

from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parent.parent / 'hub' / 'translations' / 'nl' / 'LC_MESSAGES' / 'messages.po'
#: not B1, or English where Dutch has a word -> what to say instead (docs/DESIGN.md, "Words")
AVOID = {'authenticator': 'code-app', 'sessie': 'inlog', 'connecties': 'mensen en zorgaanbieders',
         'beveiligingscode': '(say what happened)', 'fhir-bestand': 'bestand voor een ander zorgsysteem',
         'onthouden browsers': 'apparaten die we onthouden', 'mantelzorgers op deze zorgpagina':
         'iedereen op deze zorgpagina', 'correctie': 'verbetering'}
ROLES = {'Manager': 'Beheerder', 'Trust group': 'Vertrouwensgroep', 'Basic': 'Basisgroep'}


def _messages():
    with CATALOGUE.open('rb') as handle:
        catalog = read_po(handle, locale='nl')
    for message in catalog:
        if message.id:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            texts = message.string if isinstance(message.string, tuple) else (message.string,)
            yield key, [t for t in texts if t]


def test_the_catalogue_avoids_the_words_people_stumbled_on():
    found = [(key, word) for key, texts in _messages() for text in texts for word in AVOID
             if word in text.lower() and 'Microsoft Authenticator' not in text]
    assert not found, '\n'.join(f'{key!r} says {word!r}: say {AVOID[word]!r}' for key, word in found)


def test_each_role_has_one_name():
    names = {key: texts[0] for key, texts in _messages() if key in ROLES}
    assert names == ROLES
