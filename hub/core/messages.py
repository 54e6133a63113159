"""Field errors in the person's language: marshmallow's and zxcvbn's English texts, said plainly.

Our own schema errors are lazy strings already; the libraries' texts are looked up here, exactly
or by pattern. ``translate_errors`` is applied wherever field errors leave for a person (the JSON
APIs in hub.web, the form pages), so every text a person sees comes from the catalogue.
"""

import re

from flask_babel import lazy_gettext as _l

#: marshmallow's messages and zxcvbn's feedback, word for word
EXACT = {
    'Missing data for required field.': _l('Fill in this field.'),
    'Field may not be null.': _l('Fill in this field.'),
    'Unknown field.': _l('This field is not known here. Leave it out.'),
    'Invalid input type.': _l('Send a JSON object with the fields of this form.'),
    'Invalid input.': _l('This value is not valid.'),
    'Invalid value.': _l('This value is not valid.'),
    'Invalid type.': _l('This value is of the wrong kind.'),
    'Not a valid string.': _l('Fill in text here.'),
    'Not a valid utf-8 string.': _l('Fill in text here.'),
    'Not a valid integer.': _l('Fill in a whole number.'),
    'Not a valid number.': _l('Fill in a number.'),
    'Number too large.': _l('This number is too large.'),
    'Special numeric values (nan or infinity) are not permitted.': _l('Fill in a number.'),
    'Not a valid boolean.': _l('Fill in true or false.'),
    'Not a valid UUID.': _l('This is not a valid id.'),
    'Not a valid email address.': _l('This is not an email address. Type it like naam@voorbeeld.nl.'),
    'Not a valid URL.': _l('This is not a web address.'),
    'Not a valid list.': _l('Send a list here.'),
    'Not a valid mapping type.': _l('Send an object here.'),
    'Not a valid date.': _l('This is not a date. Type it like 2026-12-31.'),
    'Not a valid datetime.': _l('This is not a date and time. Type it like 2026-12-31T14:30:00+01:00.'),
    'Not a valid aware datetime.': _l('Give a date and time with a time zone, like 2026-12-31T14:30:00+01:00.'),
    'String does not match expected pattern.': _l('This is not written the way it should be.'),
    'This field may not be empty.': _l('Fill in this field.'),
    # zxcvbn's feedback on passwords
    'Use a few words, avoid common phrases.': _l('Use a few words, and avoid common sayings.'),
    'No need for symbols, digits, or uppercase letters.': _l('You do not need signs, digits or capital letters.'),
    'Add another word or two. Uncommon words are better.': _l('Add a word or two. Unusual words are better.'),
    'Straight rows of keys are easy to guess.': _l('Straight rows of keys are easy to guess.'),
    'Short keyboard patterns are easy to guess.': _l('Short keyboard patterns are easy to guess.'),
    'Use a longer keyboard pattern with more turns.': _l('Use a longer keyboard pattern with more turns.'),
    'Repeats like "aaa" are easy to guess.': _l('Repeats like "aaa" are easy to guess.'),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".':
        _l('Repeats like "abcabcabc" are hardly harder to guess than "abc".'),
    'Avoid repeated words and characters.': _l('Avoid repeated words and characters.'),
    'Sequences like "abc" or "6543" are easy to guess.': _l('Sequences like "abc" or "6543" are easy to guess.'),
    'Avoid sequences.': _l('Avoid sequences.'),
    'Recent years are easy to guess.': _l('Recent years are easy to guess.'),
    'Avoid recent years.': _l('Avoid recent years.'),
    'Avoid years that are associated with you.': _l('Avoid years that have to do with you.'),
    'Dates are often easy to guess.': _l('Dates are often easy to guess.'),
    'Avoid dates and years that are associated with you.': _l('Avoid dates and years that have to do with you.'),
    'This is a top-10 common password.': _l('This is one of the 10 most used passwords.'),
    'This is a top-100 common password.': _l('This is one of the 100 most used passwords.'),
    'This is a very common password.': _l('This is a very common password.'),
    'This is similar to a commonly used password.': _l('This looks like a much used password.'),
    'A word by itself is easy to guess.': _l('A word on its own is easy to guess.'),
    'Names and surnames by themselves are easy to guess.': _l('Names on their own are easy to guess.'),
    'Common names and surnames are easy to guess.': _l('Common names are easy to guess.'),
    "Capitalization doesn't help very much.": _l('Capital letters do not help much.'),
    'All-uppercase is almost as easy to guess as all-lowercase.':
        _l('Only capital letters is almost as easy to guess as only small letters.'),
    "Reversed words aren't much harder to guess.": _l('Words written backwards are hardly harder to guess.'),
    "Predictable substitutions like '@' instead of 'a' don't help very much.":
        _l("Expected swaps like '@' for 'a' do not help much."),
}

#: what an empty or missing field asks for, by the field's name (else "Fill in this field.")
EMPTY_TEXTS = {'Missing data for required field.', 'Field may not be null.', 'This field may not be empty.'}
ASK = {
    'first_name': _l('Fill in your first name.'),
    'last_name': _l('Fill in your last name.'),
    'email': _l('Fill in the email address.'),
    'password': _l('Fill in your password.'),
    'password_confirm': _l('Fill in your new password again.'),
    'current_password': _l('Fill in the password you use now.'),
    'new_password': _l('Fill in a new password.'),
    'code': _l('Fill in the code.'),
    'text': _l('Write something first.'),
    'title': _l('Fill in a title.'),
    'subject': _l('Fill in a subject.'),
    'name': _l('Fill in the name.'),
    'phone': _l('Fill in the phone number.'),
    'comment': _l('Write what you would like to be different.'),
    'day': _l('Fill in the date.'),
    'start': _l('Fill in the time it starts.'),
    'starts_at': _l('Fill in when it starts.'),
    'role': _l('Choose a group.'),
}

#: marshmallow's messages with numbers or choices in them
PATTERNS = [
    (re.compile(r'^Length must be between (\d+) and (\d+)\.$'),
     lambda m: _l('Use %(min)s to %(max)s characters.', min=m[1], max=m[2])),
    (re.compile(r'^Shorter than minimum length (\d+)\.$'), lambda m: _l('Use at least %(n)s characters.', n=m[1])),
    (re.compile(r'^Longer than maximum length (\d+)\.$'), lambda m: _l('Use at most %(n)s characters.', n=m[1])),
    (re.compile(r'^Length must be (\d+)\.$'), lambda m: _l('Use exactly %(n)s characters.', n=m[1])),
    (re.compile(r'^Must be one of: (.*)\.$'), lambda m: _l('Choose one of: %(choices)s.', choices=m[1])),
    (re.compile(r'^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$'),
     lambda m: _l('Fill in a number from %(min)s to %(max)s.', min=m[1], max=m[2])),
    (re.compile(r'^Must be greater than or equal to (\S+)\.$'),
     lambda m: _l('Fill in %(min)s or more.', min=m[1])),
    (re.compile(r'^Must be less than or equal to (\S+)\.$'), lambda m: _l('Fill in %(max)s or less.', max=m[1])),
    (re.compile(r'^One or more of the choices you made was not in: (.*)\.$'),
     lambda m: _l('Choose only from: %(choices)s.', choices=m[1])),
    (re.compile(r'^".*" cannot be formatted as a .*\.$'), lambda m: _l('This value is not valid.')),
]


def translate(message, field=None) -> str:
    """Return one error text in the person's language (an empty field's says which field it is)."""
    if not isinstance(message, str):  # a lazy string of ours
        return str(message)
    if message in EMPTY_TEXTS and field in ASK:
        return str(ASK[field])
    if message in EXACT:
        return str(EXACT[message])
    for pattern, make in PATTERNS:
        match = pattern.match(message)
        if match:
            return str(make(match))
    return message


def translate_errors(messages, field=None):
    """Return marshmallow's error structure ({field: [texts]}, nested) with every text translated; a field's
    errors are always a list of sentences (a validator's own message comes bare)."""
    if isinstance(messages, dict):
        return {key: translate_errors(value, key if isinstance(key, str) else field)
                for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [translate_errors(value, field) if isinstance(value, dict) else translate(value, field)
                for value in messages]
    return [translate(messages, field)]
