"""What the circle routes answer: care pages, members, invitations, threads, notes, the board, help requests, the
calendar, the strain questionnaire. Many dump what a feature's ``*_json`` builds; those say what it holds."""

from marshmallow import fields, validate

from hub.careprovider.schemas import ProviderSchema
from hub.circle.access import access_ended, permissions_of
from hub.circle.dossiers import client_name, providers_of
from hub.circle.permissions import INVITED_ROLES, ROLES
from hub.circle.today import PICTOGRAMS
from hub.core.schemas import AnswerSchema, Day, DutchSchema, moment_text, worked_out


class CircleSchema(AnswerSchema):
    """A care page as one member sees it: the client's name, the member's role and what it may do."""

    id = fields.UUID(attribute='circle_id', required=True)
    name = worked_out(lambda member: client_name(member.circle), fields.String, required=True, allow_none=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    permissions = worked_out(lambda member: sorted(permissions_of(member)), fields.List, fields.String(),
                             required=True)
    ends_on = fields.Date(required=True, allow_none=True)
    ended = worked_out(access_ended, fields.Boolean, required=True)
    providers = worked_out(lambda member: providers_of(member.circle_id), fields.List,
                           fields.Nested(ProviderSchema), required=True)
    client_manages = fields.Boolean(attribute='circle.client_manages', required=True,
                                    metadata={'description': 'The manager is the client: they manage their own page'})


class MemberSchema(AnswerSchema):
    """A member of a care page: who, their role and what they may do, until when, and on what basis."""

    id = fields.UUID(required=True)
    account_id = fields.UUID(required=True)
    first_name = fields.String(attribute='account.first_name', required=True)
    last_name = fields.String(attribute='account.last_name', required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    permissions = worked_out(lambda member: sorted(permissions_of(member)), fields.List, fields.String(),
                             required=True)
    custom = worked_out(lambda member: member.role != 'manager' and member.permissions is not None, fields.Boolean,
                        required=True, metadata={'description': 'The manager chose its permissions one by one'})
    relation = fields.String(required=True, allow_none=True)
    phone = fields.String(required=True, allow_none=True)
    ends_on = fields.Date(required=True, allow_none=True)
    ended = worked_out(access_ended, fields.Boolean, required=True)
    basis = fields.String(required=True, allow_none=True)


class SentInvitationSchema(AnswerSchema):
    """An invitation to a care page, as its manager sees it."""

    id = fields.UUID(required=True)
    circle_id = fields.UUID(required=True)
    email = fields.String(required=True)
    first_name = fields.String(required=True, allow_none=True)
    last_name = fields.String(required=True, allow_none=True)
    role = fields.String(required=True, validate=validate.OneOf(INVITED_ROLES))
    permissions = fields.List(fields.String(), required=True, allow_none=True)
    status = fields.String(required=True)
    basis = fields.String(required=True, allow_none=True)
    ends_on = fields.Date(required=True, allow_none=True)
    expires_at = fields.AwareDateTime(required=True)


class InvitationToMeSchema(SentInvitationSchema):
    """An invitation to me, with the name of the care page."""

    circle_name = worked_out(lambda invitation: client_name(invitation.circle) or '', fields.String, required=True)


class AuthorSchema(AnswerSchema):
    name = fields.String(required=True, allow_none=True)


class MessageAnswerSchema(AnswerSchema):
    """A message of a thread: a member's, or the provider's (``from_provider``)."""

    id = fields.String(required=True)
    text = fields.String(required=True)
    created_at = moment_text(required=True)
    author = fields.Nested(AuthorSchema, required=True)
    from_provider = fields.Boolean(required=True)
    mine = fields.Boolean(required=True)
    photo = fields.Boolean(required=True, metadata={'description': 'A photo goes with it: GET .../photo'})


class ThreadSchema(AnswerSchema):
    """A thread: for whom (``audience``, or chosen ``recipients``: member ids), and how many I have not read."""

    id = fields.String(required=True)
    subject = fields.String(required=True, allow_none=True)
    audience = fields.String(required=True, validate=validate.OneOf(['all', 'trust', 'provider', 'chosen']))
    recipients = fields.List(fields.String(), required=True)
    last_message_at = moment_text(required=True)
    unread = fields.Integer(required=True, validate=validate.Range(min=0))
    provider = fields.Dict(required=True, allow_none=True)
    started_by = fields.String(required=True, allow_none=True)


class ThreadWithMessagesSchema(ThreadSchema):
    messages = fields.List(fields.Nested(MessageAnswerSchema), required=True)


class SharedNoteSchema(AnswerSchema):
    at = moment_text(required=True)
    provider_id = fields.String(required=True)
    received = fields.Boolean(required=True)


class NoteAnswerSchema(AnswerSchema):
    """A note: every member reads it; ``version`` is what a change names; ``shared`` once sent to the provider."""

    id = fields.String(required=True)
    text = fields.String(required=True)
    version = fields.Integer(required=True)
    author = fields.Nested(AuthorSchema, required=True)
    created_at = moment_text(required=True)
    updated_at = moment_text(required=True)
    mine = fields.Boolean(required=True)
    shared = fields.Nested(SharedNoteSchema, required=True, allow_none=True)


class ReactionSchema(AnswerSchema):
    id = fields.String(required=True)
    text = fields.String(required=True)
    created_at = moment_text(required=True)
    author = fields.Nested(AuthorSchema, required=True)
    mine = fields.Boolean(required=True)


class PostSchema(ReactionSchema):
    """A post on the board, with its newest reactions (oldest of them first) and how many it has."""

    photo = fields.Boolean(required=True)
    reactions = fields.List(fields.Nested(ReactionSchema), required=True, validate=validate.Length(max=3))
    reactions_count = fields.Integer(required=True, validate=validate.Range(min=0))


class SignupSchema(AnswerSchema):
    name = fields.String(required=True, allow_none=True)
    mine = fields.Boolean(required=True)


class HelpAnswerSchema(AnswerSchema):
    """A request for help, with who signed up and how many places are open."""

    id = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    starts_at = moment_text(required=True)
    ends_at = moment_text(required=True, allow_none=True)
    places = fields.Integer(required=True)
    description = fields.String(required=True, allow_none=True)
    author = fields.Nested(AuthorSchema, required=True)
    open_places = fields.Integer(required=True, validate=validate.Range(min=0))
    signups = fields.List(fields.Nested(SignupSchema), required=True)


class CalendarEntrySchema(HelpAnswerSchema):
    """A time in the calendar: a helper's appointment (kind own: one occurrence, naming its ``appointment_id``), a
    care appointment from the dossier (kind care) or a request for help (kind help)."""

    kind = fields.String(required=True, validate=validate.OneOf(['own', 'care', 'help']))
    places = fields.Integer()
    description = fields.String(allow_none=True)
    author = fields.Nested(AuthorSchema)
    open_places = fields.Integer(validate=validate.Range(min=0))
    signups = fields.List(fields.Nested(SignupSchema))
    help_kind = fields.String()
    appointment_id = fields.String()
    occurrence = fields.String(allow_none=True)
    all_day = fields.Boolean()
    location = fields.String(allow_none=True)
    visibility = fields.String()
    repeat = fields.String(allow_none=True)
    series_id = fields.String(allow_none=True)
    mine = fields.Boolean()
    status = fields.String(allow_none=True)
    participants = fields.List(fields.Raw())
    provider = fields.Nested(ProviderSchema)
    title = fields.String(required=True, allow_none=True)


class OccurrenceQuerySchema(DutchSchema):
    occurrence = fields.String(metadata={'format': 'date', 'description': 'That time of a series only'})


#: a window of the calendar (``from`` is a keyword in Python: the schema is made from a dict)
WindowQuerySchema = DutchSchema.from_dict({
    'from': fields.String(metadata={'format': 'date-time', 'description': 'With a time zone; default now'}),
    'to': fields.String(metadata={'format': 'date-time', 'description': 'With a time zone; default 60 days on'})},
    name='WindowQuerySchema')


class FeedSchema(AnswerSchema):
    url = fields.String(required=True)


class CheckSchema(AnswerSchema):
    """One filled-in strain questionnaire: the score (0–9), its level, and whether the page points to support."""

    id = fields.String(required=True)
    at = moment_text(required=True)
    answers = fields.List(fields.Integer(), required=True)
    score = fields.Integer(required=True)
    level = fields.String(required=True, validate=validate.OneOf(['low', 'moderate', 'high']))
    support = fields.Boolean(required=True)


class WellbeingAnswerSchema(AnswerSchema):
    questionnaire = fields.Dict(required=True)
    due = fields.Boolean(required=True)
    items = fields.List(fields.Nested(CheckSchema), required=True)
    next = fields.String(required=True, allow_none=True)


class DayQuerySchema(DutchSchema):
    date = Day(metadata={'description': 'The day (YYYY-MM-DD); default today in the care page\'s time zone'})


class WhoComesSchema(AnswerSchema):
    name = fields.String(required=True, allow_none=True)
    photo_url = fields.String(required=True, allow_none=True)


class DayItemSchema(AnswerSchema):
    """Something that happens on the day: a helper's appointment, a care appointment or help that comes; who comes,
    what (a title and the name of its pictogram), when."""

    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True, allow_none=True)
    title = fields.String(required=True, allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf(['appointment', 'care', 'help']))
    all_day = fields.Boolean(required=True)
    pictogram = fields.String(required=True, validate=validate.OneOf(sorted(set(PICTOGRAMS.values()))))
    who = fields.Nested(WhoComesSchema, required=True)


class DaySchema(AnswerSchema):
    date = fields.Date(required=True)
    items = fields.List(fields.Nested(DayItemSchema), required=True)
