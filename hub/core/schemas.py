"""Marshmallow pieces shared by the schemas of every package."""

from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, Schema, ValidationError, fields, post_load

from hub.core.messages import SCHEMA_MESSAGES, ask, dutch_field
from hub.core.phone import parse_phone
from hub.core.text import bad_characters
from hub.core.timeutil import FIRST_YEAR, LAST_YEAR


class Invalid(ValidationError):
    """A refusal of a field in the person's language. Marshmallow takes a lazy text for a list of letters (it is
    no ``str``), so the message is always handed over as a list of one sentence."""

    def __init__(self, message, *args, **kwargs):
        super().__init__(message if isinstance(message, (list, dict)) else [message], *args, **kwargs)


class DutchSchema(Schema):
    """A schema whose fields say what is wrong in the person's language (hub.core.messages.dutch_field)."""

    error_messages = SCHEMA_MESSAGES

    def on_bind_field(self, field_name, field_obj):
        dutch_field(field_obj, field_name)


class StrictSchema(DutchSchema):
    """A schema that refuses unknown fields and strips surrounding spaces from the strings it took.

    The spaces go after the fields are checked, so a field is judged as it was sent: as long as it is, as the API
    documents say it (hub.openapi)."""

    class Meta:
        unknown = RAISE

    @post_load
    def _strip(self, data, **kwargs):
        return {key: value.strip() if isinstance(value, str) and key not in self.keep_spaces else value
                for key, value in data.items()}

    #: fields whose spaces matter (passwords)
    keep_spaces = ('password', 'password_confirm', 'current_password')


class StrictBoolean(fields.Boolean):
    """A boolean that accepts only true and false, not 1, "yes" or "on"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value is True or value is False:
            return value
        raise Invalid(_l('Fill in true or false.'))


class Text(fields.String):
    """A string of bounded length without control characters (``multiline``: line breaks allowed); only spaces
    count as empty."""

    def __init__(self, *, max_length=200, min_length=1, multiline=False, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length
        self.min_length = min_length
        self.multiline = multiline

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if len(value.strip()) < self.min_length:
            raise Invalid(ask(self.name) if self.min_length == 1
                          else _l('Use at least %(n)s characters.', n=self.min_length))
        if len(value) > self.max_length:
            raise Invalid(_l('Use at most %(n)s characters.', n=self.max_length))
        if bad_characters(value, multiline=self.multiline):
            raise Invalid(_l('This holds characters that are not allowed, such as invisible ones. Type it again.'))
        return value


class Email(fields.Email):
    """An email address (spaces around it, as people type them, do not count); a blank one is an empty field (so its
    error says to fill in the address)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = value.strip()
            if not value:
                raise Invalid(ask(self.name))
        return super()._deserialize(value, attr, data, **kwargs)


#: the years a date may have (hub.core.timeutil FIRST_YEAR, LAST_YEAR), as the documents say it
YEARS = r'^(19[0-9]{2}|2[01][0-9]{2}|2200)-'


class Day(fields.Date):
    """A day (YYYY-MM-DD) between 1900 and 2200."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise Invalid(_l('Give a date between 1900 and 2200.'))
        return day


class WholeNumber(fields.Integer):
    """A whole number as JSON has it (3 and 3.0 alike, as JSON Schema's integer), never true, false or text."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error('invalid', input=value)
        if isinstance(value, float) and value.is_integer() and abs(value) <= 2 ** 53:
            value = int(value)
        return super()._validated(value)


class Moment(fields.AwareDateTime):
    """A date and time with a time zone, between 1900 and 2200 (so adding a window to it never overflows)."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:  # the year as written (its offset), as the documents say
            raise Invalid(_l('Give a date between 1900 and 2200.'))
        return moment


class Phone(fields.String):
    """A phone number as people type it, stored in E.164 (hub.core.phone: the one parser)."""

    def __init__(self, *, mobile=False, **kwargs):
        super().__init__(**kwargs)
        self.mobile = mobile

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        parsed = parse_phone(value, mobile=self.mobile)
        if parsed is None:
            raise Invalid(_l('Type a phone number like 06 12345678 or +31 6 12345678.'))
        return parsed
