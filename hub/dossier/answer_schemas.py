"""What the dossier routes answer: the timeline, reading by category, plans and decisions, medication, documents,
shares, the client's data, requests to the provider, the access log, measurements. Items of the dossier carry the
common model's ``data`` (docs/DESIGN.md); lists built from several sources say what each item holds."""

from marshmallow import fields, validate

from hub.careprovider.schemas import ProviderSchema
from hub.core.schemas import (
    AnswerSchema,
    CursorSchema,
    DutchSchema,
    NameSchema,
    day_text,
    moment_text,
    worked_out,
)
from hub.dossier.contacts import status as contact_status
from hub.dossier.shares import PARTS
from hub.dossier.shares import status as share_status


class RecordSchema(AnswerSchema):
    """An item of the dossier: a report, a plan's event, a questionnaire, a note sent to the provider, ... Its
    ``data`` is the common model's (docs/DESIGN.md); ``provider`` is null for what a member uploaded."""

    id = fields.String(required=True)
    kind = fields.String(required=True)
    occurred_at = moment_text(required=True, allow_none=True)
    provider = fields.Nested(ProviderSchema, required=True, allow_none=True)
    uploaded_by = fields.Nested(NameSchema)
    data = fields.Dict(required=True)


class TimelineQuerySchema(CursorSchema):
    kind = fields.String(metadata={'enum': ['report', 'plan', 'questionnaire']})


class TimelineItemSchema(RecordSchema):
    new = fields.Boolean(required=True, metadata={'description': 'It came after the previous visit'})


class TimelineSchema(AnswerSchema):
    items = fields.List(fields.Nested(TimelineItemSchema), required=True)
    next = fields.String(required=True, allow_none=True)
    last_visit = moment_text(required=True, allow_none=True)
    new_count = fields.Integer(required=True, validate=validate.Range(0, 100))


class QuestionnairesSchema(AnswerSchema):
    title = fields.String(required=True, allow_none=True)
    count = fields.Integer(required=True)
    latest = fields.Nested(RecordSchema, required=True)


class ReadSchema(AnswerSchema):
    """The dossier by category ('Lezen')."""

    goals = fields.List(fields.Nested(RecordSchema), required=True)
    notes = fields.List(fields.Nested(RecordSchema), required=True)
    questionnaires = fields.List(fields.Nested(QuestionnairesSchema), required=True)
    agreements = fields.List(fields.Dict(), required=True, metadata={
        'description': "A current plan's actions, each with its plan_id and plan_title"})
    conditions = fields.List(fields.Nested(RecordSchema), required=True)


class ReportSchema(RecordSchema):
    previous = fields.String(required=True, allow_none=True, metadata={'description': 'The report before (older)'})
    next = fields.String(required=True, allow_none=True, metadata={'description': 'The report after (newer)'})


class MedicationEntrySchema(AnswerSchema):
    """An entry of the medication list: the provider's (source provider) or a member's own (source member)."""

    id = fields.String(required=True)
    source = fields.String(required=True, validate=validate.OneOf(['provider', 'member']))
    name = fields.String(required=True)
    dose = fields.String(required=True, allow_none=True)
    starts_on = day_text(required=True, allow_none=True)
    ends_on = day_text(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(['current', 'stopped']))
    kind = fields.String(allow_none=True)
    prescriber = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    provider = fields.Nested(ProviderSchema, allow_none=True)
    uploaded_by = fields.Nested(NameSchema)
    added_by = fields.Nested(NameSchema)
    author_id = fields.String()


class DocumentEntrySchema(AnswerSchema):
    """A document: a provider's (fetched when opened) or what a member uploaded (a file, or a FHIR Bundle whose
    records were mapped: their ``counts``)."""

    id = fields.String(required=True)
    source = fields.String(required=True, validate=validate.OneOf(['provider', 'member']))
    title = fields.String(required=True)
    kind = fields.String(required=True)
    content_type = fields.String(required=True, allow_none=True)
    size = fields.Integer(required=True, allow_none=True)
    at = moment_text(required=True, allow_none=True)
    category = fields.String(allow_none=True)
    author = fields.String(allow_none=True)
    added_by = fields.Nested(NameSchema, required=True, allow_none=True)
    counts = fields.Dict(allow_none=True)
    provider = fields.Nested(ProviderSchema, required=True, allow_none=True)
    author_id = fields.String()


class DossierShareSchema(AnswerSchema):
    """A share of parts of the dossier with someone outside the care page."""

    id = fields.UUID(required=True)
    parts = fields.List(fields.String(validate=validate.OneOf(PARTS)), required=True)
    expires_at = fields.AwareDateTime(required=True)
    max_opens = fields.Integer(required=True)
    opens = fields.Integer(required=True)
    status = worked_out(share_status, fields.String, required=True,
                        validate=validate.OneOf(['active', 'revoked', 'expired', 'used', 'locked']))
    created_at = fields.AwareDateTime(required=True)
    last_opened_at = fields.AwareDateTime(required=True, allow_none=True)


class NewDossierShareSchema(DossierShareSchema):
    """A share just made: the link and the code (to be given separately) and a SMART Health Link, shown this once."""

    url = fields.String(required=True)
    code = fields.String(required=True)
    shlink = fields.String(required=True)


class PlanVersionSchema(AnswerSchema):
    version = fields.String(required=True)
    at = moment_text(required=True)


class DecisionSchema(AnswerSchema):
    """This care page's decision on a version of a plan."""

    version = fields.String(required=True)
    at = moment_text(required=True)
    comment = fields.String()


class PlanSchema(RecordSchema):
    """A care plan with its version, the versions on file and this care page's decision on it (with its goals and
    actions when one plan is read)."""

    plan_type = fields.String(required=True, validate=validate.OneOf(['client', 'work']))
    discipline = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, allow_none=True)
    version = fields.String(required=True)
    versions = fields.List(fields.Nested(PlanVersionSchema), required=True)
    approval = fields.String(required=True)
    approved = fields.Nested(DecisionSchema, required=True, allow_none=True)
    declined = fields.Nested(DecisionSchema, required=True, allow_none=True)
    goals = fields.List(fields.Dict())
    shown_version = fields.String(metadata={'description': 'The version shown (`version` asked an older one)'})


class PlanQuerySchema(DutchSchema):
    version = fields.String(validate=validate.Length(min=1, max=64))


class GoalSchema(AnswerSchema):
    """A goal of a current care plan as the client reads it, with what is done for it (the plans' actions)."""
    id = fields.String(required=True)
    description = fields.String(required=True)
    area = fields.String(allow_none=True)
    status = fields.String(allow_none=True, metadata={'description': 'FHIR Goal.lifecycleStatus'})
    due = fields.String(allow_none=True, metadata={'description': 'To be reached by (YYYY-MM-DD)'})
    achievement = fields.String(allow_none=True)
    actions = fields.List(fields.String(), required=True)
    provider = fields.Nested(ProviderSchema, required=True, allow_none=True)


class GoalSaidSchema(AnswerSchema):
    thread_id = fields.String(required=True, metadata={'description': 'The thread for the trust group and the client'})
    to_provider = fields.Boolean(required=True, metadata={'description': 'A note went to the care provider too'})


class ApprovalSchema(AnswerSchema):
    id = fields.UUID(required=True)
    plan_id = fields.UUID(required=True)
    version = fields.String(required=True)
    approved_at = fields.AwareDateTime(required=True)
    approved_by = fields.String(required=True)


class DeclinationSchema(AnswerSchema):
    id = fields.UUID(required=True)
    plan_id = fields.UUID(required=True)
    version = fields.String(required=True)
    declined_at = fields.AwareDateTime(required=True)
    declined_by = fields.String(required=True)
    comment = fields.String(required=True)


class DataSchema(AnswerSchema):
    """The client's data, in the sections this member may see; each item is the common model's, with its id and
    provider."""

    sections = fields.Dict(keys=fields.String(validate=validate.OneOf(
        ['client', 'gp_pharmacy', 'insurances', 'contact_persons', 'care_team'])), values=fields.List(fields.Dict()),
        required=True)


class ContactRequestSchema(AnswerSchema):
    """A request to the provider to add a contact person or change one's details."""

    id = fields.UUID(required=True)
    created_at = fields.AwareDateTime(required=True)
    dossier_id = fields.UUID(required=True)
    record_id = fields.UUID(required=True, allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf(['add', 'change']))
    details = fields.Dict(required=True)
    status = worked_out(contact_status, fields.String, required=True,
                        validate=validate.OneOf(['sent', 'received', 'accepted', 'declined']))
    answer = worked_out(lambda request: request.answer.data.get('answer') if getattr(request, 'answer', None) else None,
                        fields.String, required=True, allow_none=True)
    requested_by = worked_out(lambda request: request.account.name if request.account else None, fields.String,
                              required=True, allow_none=True)


class CorrectionRequestSchema(AnswerSchema):
    """A request to the provider to correct an item of the dossier, with its status and the provider's answer."""

    id = fields.String(required=True)
    created_at = moment_text(required=True)
    dossier_id = fields.String(required=True)
    provider = fields.String(required=True)
    record_id = fields.String(required=True, allow_none=True)
    record_kind = fields.String(required=True, allow_none=True)
    about = fields.String(required=True)
    record_at = moment_text(required=True, allow_none=True)
    text = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(
        ['sent', 'received', 'accepted', 'declined', 'failed']))
    answer = fields.String(required=True, allow_none=True)
    answered_at = moment_text(required=True, allow_none=True)
    requested_by = fields.String(required=True, allow_none=True)


class AccessDossierSchema(AnswerSchema):
    id = fields.UUID(required=True)
    provider = fields.String(required=True, allow_none=True)


class AccessSchema(AnswerSchema):
    """One read or change of the dossier data (NEN 7513): when, what, by whom, on whose behalf, from where."""

    id = fields.UUID(required=True)
    at = fields.AwareDateTime(required=True)
    event = fields.String(required=True)
    action = fields.String(required=True)
    outcome = fields.String(required=True, allow_none=True)
    role = fields.String(required=True, allow_none=True)
    who = fields.String(required=True, allow_none=True)
    on_behalf_of = fields.String(required=True, allow_none=True)
    dossier = fields.Nested(AccessDossierSchema, required=True, allow_none=True)
    source = fields.String(data_key='from', required=True, allow_none=True)


class MeasurementsQuerySchema(DutchSchema):
    days = fields.String(metadata={'description': 'How many days back (1 to 3650; default 365)',
                                   'pattern': '^[0-9]{1,4}$'})


class SeriesSchema(AnswerSchema):
    """A measurement series: its points oldest first, each with ``value`` or one number per component
    (``systolic``, ``diastolic``, ``pulse``)."""

    series = fields.String(required=True)
    unit = fields.String(required=True, allow_none=True)
    code = fields.String(required=True, allow_none=True)
    points = fields.List(fields.Dict(), required=True)


#: a download's months and format (``from`` is a keyword in Python: the schema is made from a dict)
ExportQuerySchema = DutchSchema.from_dict({
    'from': fields.String(metadata={'description': 'The first month, YYYY-MM', 'pattern': '^[0-9]{4}-[0-9]{2}$'}),
    'to': fields.String(metadata={'description': 'The last month, YYYY-MM', 'pattern': '^[0-9]{4}-[0-9]{2}$'}),
    'format': fields.String(metadata={'enum': ['fhir', 'html']})}, name='ExportQuerySchema')
