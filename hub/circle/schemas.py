"""What the circle routes take (what they answer: hub/circle/answer_schemas.py)."""

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate, validates, validates_schema

from hub.circle.access import today
from hub.circle.models import HELP_KINDS
from hub.circle.permissions import BASES, GRANTABLE, HELPER_ROLES, INVITED_ROLES
from hub.core.schemas import (
    Day,
    Email,
    Invalid,
    Moment,
    Phone,
    StrictBoolean,
    StrictSchema,
    Text,
    WholeNumber,
)


class InvitationSchema(StrictSchema):
    email = Email(required=True, validate=validate.Length(max=254))
    first_name = Text(required=True, max_length=100)
    last_name = Text(required=True, max_length=100)
    phone = Phone(load_default=None, allow_none=True)
    role = fields.String(required=True, validate=validate.OneOf(INVITED_ROLES))
    permissions = fields.List(fields.String(metadata={'enum': sorted(GRANTABLE)}), load_default=None, allow_none=True)
    #: why this person gets access (BASES), and their last day (None: no end)
    basis = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(BASES))
    ends_on = Day(load_default=None, allow_none=True, validate=lambda day: not_past(day),
                  metadata={'description': 'Today or later (Europe/Amsterdam).'})

    @validates('permissions')
    def _permissions(self, value, **kwargs):
        check_permissions(value)


def not_past(day):
    """Refuse an end date before today (today itself is the last day)."""
    if day is not None and day < today():
        raise Invalid(_l('Choose today or a day after today.'))
    return True


def check_permissions(chosen):
    """Refuse capabilities that do not exist or that only the manager has."""
    if chosen is not None:
        unknown = set(chosen) - GRANTABLE
        if unknown:
            raise Invalid(_l('These cannot be given: %(names)s.', names=', '.join(sorted(unknown))))


class MemberChangeSchema(StrictSchema):
    """The manager changes a helper's role or capabilities; a member their own profile on the care page."""
    role = fields.String(validate=validate.OneOf(HELPER_ROLES))
    #: a list of capabilities, or null to go back to those of the role
    permissions = fields.List(fields.String(metadata={'enum': sorted(GRANTABLE)}), allow_none=True)
    #: how the member is related to the client ("Dochter"); null removes it
    relation = Text(max_length=100, allow_none=True)
    #: a phone number the member shares with the others on this care page; null removes it
    phone = Phone(allow_none=True)
    #: the manager: the helper's last day with access (today or later), or null for no end; renewing is a new date
    ends_on = Day(allow_none=True, validate=lambda day: not_past(day),
                  metadata={'description': 'Today or later (Europe/Amsterdam).'})
    #: the manager: why this member has access (BASES), or null
    basis = fields.String(allow_none=True, validate=validate.OneOf(BASES))

    @validates('permissions')
    def _permissions(self, value, **kwargs):
        check_permissions(value)

    json_rules = {'minProperties': 1}

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise Invalid(_l('Choose what to change.'))


class RespondSchema(StrictSchema):
    token = fields.String(validate=validate.Length(min=1, max=2000))


class MessageSchema(StrictSchema):
    """A new thread: its first message (lines allowed), a subject (else the start of the text), and for whom: an
    ``audience`` (for ``provider`` which one, when there are several) or chosen ``recipients`` (member ids)."""
    subject = Text(load_default=None, allow_none=True, max_length=200)
    text = Text(required=True, max_length=5000, multiline=True)
    audience = fields.String(validate=validate.OneOf(('all', 'trust', 'provider')))
    recipients = fields.List(fields.UUID(), validate=validate.Length(
        min=1, max=200, error=_l('Choose at least one person (at most 200).')))
    provider_id = fields.UUID(load_default=None, allow_none=True)

    #: for whom: an audience or chosen recipients, never both
    json_rules = {'oneOf': [{'required': ['audience']}, {'required': ['recipients']}]}

    @validates_schema
    def _for_whom(self, data, **kwargs):
        if ('audience' in data) == ('recipients' in data):
            raise Invalid(_l('Choose a group or people to write to.'), field_name='audience')


class CircleChangeSchema(StrictSchema):
    """The manager says whether they are the client: whether they manage their own care page."""
    client_manages = StrictBoolean(required=True)


class ReplySchema(StrictSchema):
    text = Text(required=True, max_length=5000, multiline=True)


class PhotoReplySchema(StrictSchema):
    """The words beside a photo sent in a thread: none is fine (the photo says it)."""
    text = Text(load_default='', allow_none=True, min_length=0, max_length=5000, multiline=True)


class RepeatSchema(StrictSchema):
    """How an appointment repeats: every ``interval`` days, weeks or months, until a day or ``count`` times."""
    freq = fields.String(required=True, validate=validate.OneOf(('daily', 'weekly', 'monthly')))
    interval = WholeNumber(load_default=1, validate=validate.Range(min=1, max=99))
    until = Day(load_default=None, allow_none=True)
    count = WholeNumber(load_default=None, allow_none=True, validate=validate.Range(min=1, max=500))

    #: an end day or a number of times, not both
    json_rules = {'not': {'required': ['until', 'count'],
                          'properties': {'until': {'type': 'string'}, 'count': {'type': 'integer'}}}}

    @validates_schema
    def _one_end(self, data, **kwargs):
        if data.get('until') and data.get('count'):
            raise Invalid(_l('Choose an end day or a number of times, not both.'), field_name='until')


class AppointmentSchema(StrictSchema):
    """An appointment a member adds: what, when (moments with a time zone, or ``all_day`` with a ``date``), where,
    what more, who sees it, and how it repeats."""
    title = Text(required=True, max_length=200)
    starts_at = Moment()
    ends_at = Moment(load_default=None, allow_none=True)
    all_day = StrictBoolean(load_default=False)
    date = Day()
    location = Text(load_default=None, allow_none=True, max_length=200)
    description = Text(load_default=None, allow_none=True, max_length=2000, multiline=True)
    visibility = fields.String(load_default='public', validate=validate.OneOf(('public', 'private')))
    repeat = fields.Nested(RepeatSchema, load_default=None, allow_none=True)

    #: all day with a date and no times, or a start time and no date
    json_rules = {'oneOf': [
        {'required': ['all_day', 'date'], 'properties': {'all_day': {'enum': [True]}, 'ends_at': {'type': 'null'}},
         'not': {'required': ['starts_at']}},
        {'required': ['starts_at'], 'properties': {'all_day': {'enum': [False]}}, 'not': {'required': ['date']}}]}

    @validates_schema
    def _when(self, data, **kwargs):
        if data.get('all_day'):
            if 'date' not in data:
                raise Invalid(_l('Choose the day.'), field_name='date')
            if data.get('starts_at') or data.get('ends_at'):
                raise Invalid(_l('An appointment all day has a day, not times.'), field_name='starts_at')
        elif 'starts_at' not in data:
            raise Invalid(_l('Choose a day and a start time.'), field_name='starts_at')
        elif 'date' in data:
            raise Invalid(_l('A day alone is for an appointment all day.'), field_name='date')


class AppointmentChangeSchema(StrictSchema):
    """What to change of an appointment; what is left out stays as it is (``repeat: null`` stops the repeating)."""
    title = Text(max_length=200)
    starts_at = Moment()
    ends_at = Moment(allow_none=True)
    all_day = StrictBoolean()
    date = Day()
    location = Text(allow_none=True, max_length=200)
    description = Text(allow_none=True, max_length=2000, multiline=True)
    visibility = fields.String(validate=validate.OneOf(('public', 'private')))
    repeat = fields.Nested(RepeatSchema, allow_none=True)

    json_rules = {'minProperties': 1}

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise Invalid(_l('Choose what to change.'))


class NoteSchema(StrictSchema):
    text = Text(required=True, max_length=10000, multiline=True)


class NoteChangeSchema(NoteSchema):
    #: the version the change was made on (a stale one is refused, so no text is lost)
    version = WholeNumber(required=True, validate=validate.Range(min=1, max=2 ** 31 - 1))


class ShareSchema(StrictSchema):
    provider_id = fields.UUID(load_default=None, allow_none=True)


class BoardSchema(StrictSchema):
    """A board post or a reaction: short."""
    text = Text(required=True, max_length=1000, multiline=True)


#: what a member changes of their own profile on a care page (the rest of MemberChangeSchema is the manager's)
PROFILE_FIELDS = ('relation', 'phone')


class HelpRequestSchema(StrictSchema):
    """A request for help: what, which kind, when, how many people are needed, what more."""
    title = Text(required=True, max_length=200)
    kind = fields.String(required=True, validate=validate.OneOf(HELP_KINDS))
    starts_at = Moment(required=True)
    ends_at = Moment(load_default=None, allow_none=True)
    places = WholeNumber(load_default=1, validate=validate.Range(min=1, max=50))
    description = Text(load_default=None, allow_none=True, max_length=2000, multiline=True)


class WellbeingSchema(StrictSchema):
    """The answers to the nine statements of the EDIZ, each 0 (Nee!) to 4 (Ja!), in their order."""
    answers = fields.List(WholeNumber(validate=validate.Range(min=0, max=4)), required=True,
                          validate=validate.Length(equal=9, error=_l('Answer all nine questions.')))
