"""Phone numbers: one parser (phonenumbers) for every phone field; Dutch numbers may be typed the Dutch way."""

import phonenumbers

_MOBILE = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def parse_phone(number, mobile: bool = True) -> str | None:
    """Return the number in E.164 (+31612345678), or None when it is not a valid (mobile) number.

    Spaces, dashes, dots and brackets are allowed, as people type them: "06 12 34 56 78", "(020) 123-4567".
    """
    if not isinstance(number, str) or not 8 <= len(number) <= 25:
        return None
    try:
        parsed = phonenumbers.parse(number, 'NL')
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed) or (mobile and phonenumbers.number_type(parsed) not in _MOBILE):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
