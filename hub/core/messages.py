"""Field errors in the person's language, said plainly.

Marshmallow's messages are given to each field as a schema binds it (``dutch_field``, through its
``error_messages`` and its validators' ``error``), as lazy texts of the catalogue; zxcvbn's feedback on passwords is
looked up word for word. ``translate_errors`` is applied wherever field errors leave for a person (the JSON APIs in
hub.web, the form pages): it makes every field's errors a list of sentences.
"""

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

#: marshmallow's messages by field class and key, in the person's language; the schemas give them to each field
#: as they bind it (hub.core.schemas.DutchSchema), so no English text is matched afterwards
FIELD_MESSAGES = {
    fields.Field: {'required': _l('Fill in this field.'), 'null': _l('Fill in this field.'),
                   'validator_failed': _l('This value is not valid.')},
    fields.String: {'invalid': _l('Fill in text here.'), 'invalid_utf8': _l('Fill in text here.')},
    fields.Number: {'invalid': _l('Fill in a number.'), 'too_large': _l('This number is too large.')},
    fields.Integer: {'invalid': _l('Fill in a whole number.')},
    fields.Float: {'special': _l('Fill in a number.')},
    fields.Decimal: {'special': _l('Fill in a number.')},
    fields.Boolean: {'invalid': _l('Fill in true or false.')},
    fields.UUID: {'invalid_uuid': _l('This is not a valid id.')},
    fields.Email: {'invalid': _l('This is not an email address. Type it like naam@voorbeeld.nl.')},
    fields.Url: {'invalid': _l('This is not a web address.')},
    fields.List: {'invalid': _l('Send a list here.')},
    fields.Tuple: {'invalid': _l('Send a list here.')},
    fields.Mapping: {'invalid': _l('Send an object here.')},
    fields.Nested: {'type': _l('This value is of the wrong kind.')},
    fields.DateTime: {'invalid': _l('This is not a date and time. Type it like 2026-12-31T14:30:00+01:00.'),
                      'invalid_awareness': _l('Give a date and time with a time zone, like 2026-12-31T14:30:00+01:00.'),
                      'format': _l('This value is not valid.')},
    fields.Date: {'invalid': _l('This is not a date. Type it like 2026-12-31.')},
}
#: a schema's own messages (a field it does not know; not an object at all)
SCHEMA_MESSAGES = {'unknown': _l('This field is not known here. Leave it out.'),
                   'type': _l('Send a JSON object with the fields of this form.')}


def ask(name):
    """What an empty or missing field asks for: by its name ("Fill in your first name."), else "Fill in this field."."""
    return ASK.get(name) or _l('Fill in this field.')


def dutch_field(field, name=None):
    """Give a field (and the fields inside it, and its validators) their messages in the person's language."""
    messages = {}
    for cls in reversed(type(field).__mro__):
        messages.update(FIELD_MESSAGES.get(cls, {}))
    messages['required'] = messages['null'] = ask(name)
    # a schema's own message (a lazy text) stays; marshmallow's English ones (plain strings) are replaced
    field.error_messages.update({key: message for key, message in messages.items()
                                 if isinstance(field.error_messages.get(key, ''), str)})
    for validator in field.validators:
        error = _validator_message(validator)
        if error is not None and (validator.error is None or isinstance(validator.error, str)):
            validator.error = error
    for inner in (getattr(field, 'inner', None), getattr(field, 'value_field', None),
                  *(getattr(field, 'tuple_fields', None) or ())):
        if inner is not None:
            dutch_field(inner)


def _validator_message(validator):
    """A validator's message in the person's language, with its numbers and choices in it (a lazy text)."""
    if isinstance(validator, validate.Email):  # the one fields.Email adds itself
        return FIELD_MESSAGES[fields.Email]['invalid']
    if isinstance(validator, validate.URL):
        return FIELD_MESSAGES[fields.Url]['invalid']
    if isinstance(validator, validate.Length):
        if validator.equal is not None:
            return _l('Use exactly %(n)s characters.', n=validator.equal)
        if validator.min is not None and validator.max is not None:
            return _l('Use %(min)s to %(max)s characters.', min=validator.min, max=validator.max)
        if validator.min is not None:
            return _l('Use at least %(n)s characters.', n=validator.min)
        return _l('Use at most %(n)s characters.', n=validator.max)
    if isinstance(validator, validate.ContainsOnly):
        return _l('Choose only from: %(choices)s.', choices=validator.choices_text)
    if isinstance(validator, validate.OneOf):
        return _l('Choose one of: %(choices)s.', choices=validator.choices_text)
    if isinstance(validator, validate.Range):
        if validator.min is not None and validator.max is not None:
            return _l('Fill in a number from %(min)s to %(max)s.', min=validator.min, max=validator.max)
        if validator.min is not None:
            return _l('Fill in %(min)s or more.', min=validator.min)
        return _l('Fill in %(max)s or less.', max=validator.max)
    if isinstance(validator, (validate.Regexp, validate.Equal)):
        return _l('This is not written the way it should be.') if isinstance(validator, validate.Regexp) \
            else _l('This value is not valid.')
    return None


#: zxcvbn's feedback on passwords, word for word
ZXCVBN = {
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

def translate(message) -> str:
    """Return one error text in the person's language: ours are lazy texts already; zxcvbn's are looked up."""
    if not isinstance(message, str):  # a lazy text of ours
        return str(message)
    return str(ZXCVBN.get(message, message))


def translate_errors(messages):
    """Return marshmallow's error structure ({field: [texts]}, nested) with every text translated; a field's
    errors are always a list of sentences (a validator's own message comes bare)."""
    if isinstance(messages, dict):
        return {key: translate_errors(value) for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [translate_errors(value) if isinstance(value, dict) else translate(value) for value in messages]
    return [translate(messages)]
