"""Marshmallow pieces shared by the schemas of every package."""

from functools import cache

from flask_babel import lazy_gettext as _l
from marshmallow import INCLUDE, RAISE, Schema, ValidationError, fields, missing, post_load, pre_dump

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


class ErrorDetailSchema(Schema):
    class Meta:
        unknown = INCLUDE  # some refusals say more: the current version of a note, when to try again

    code = fields.String(required=True, metadata={'description': 'What went wrong, for a program: not_found, ...'})
    message = fields.String(required=True, metadata={'description': 'What went wrong, in plain words'})
    field_errors = fields.Dict(data_key='fields', metadata={'description': 'Per field, what is wrong with it'})


class ErrorSchema(Schema):
    """Every refusal of both APIs: ``{"error": {"code", "message", "fields"?}}``."""

    error = fields.Nested(ErrorDetailSchema, required=True)


class AnswerSchema(DutchSchema):
    """What an API answers, written from an object by its fields (and documented from them). A dict given to it
    holds no key the schema leaves out: an answer never loses what its builder put in it."""

    @pre_dump
    def _keys_known(self, obj, **kwargs):
        if isinstance(obj, dict):
            unknown = obj.keys() - self._known_keys()
            if unknown:
                raise TypeError(f'{type(self).__name__} does not say what it answers for {sorted(unknown)}')
        return obj

    def _known_keys(self):
        return {field.attribute or name for name, field in self.dump_fields.items()}


@cache
def _worked_out_class(base):
    class WorkedOut(base):
        def __init__(self, function, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.function = function

        def get_value(self, obj, attr, accessor=None, default=missing):
            return self.function(obj)

    WorkedOut.__name__ = WorkedOut.__qualname__ = f'WorkedOut{base.__name__}'
    return WorkedOut


def worked_out(function, base, *args, **kwargs):
    """A field of class ``base`` whose value is ``function(obj)``, not an attribute of the object: written and
    documented as ``base`` would be (a ``Nested`` its schema, a ``List`` its items)."""
    return _worked_out_class(base)(function, *args, **kwargs)


@cache
def page_of(item_schema):
    """The schema of one page of a list: ``{"items": [...], "next": null}`` (``next`` is the cursor of the next
    page, where a list has pages)."""
    name = item_schema.__name__.removesuffix('Schema')
    return type(f'{name}PageSchema', (AnswerSchema,), {
        'items': fields.List(fields.Nested(item_schema), required=True),
        'next': fields.String(required=True, allow_none=True, dump_default=None)})


class CursorSchema(DutchSchema):
    """Where a page of a list begins: the ``next`` of the page before it (none: the first page)."""

    cursor = fields.String(metadata={'description': 'The `next` of the page before'})


def moment_text(**kwargs):
    """A moment already written out as ISO 8601 text (so documented as a date-time)."""
    return fields.String(metadata={'format': 'date-time'}, **kwargs)


def day_text(**kwargs):
    """A day already written out as ISO 8601 text (so documented as a date)."""
    return fields.String(metadata={'format': 'date'}, **kwargs)


class NameSchema(AnswerSchema):
    """Who did something, by name only."""

    name = fields.String(required=True, allow_none=True)


class CsrfSchema(AnswerSchema):
    csrf_token = fields.String(required=True)
