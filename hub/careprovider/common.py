"""The common record model: one marshmallow schema per kind, aligned with FHIR R4 and the zibs.

Every record an adapter maps is loaded by the schema of its kind before it is stored; a record
that does not fit is rejected and counted, never stored half.
"""

from marshmallow import RAISE, fields, validate

from hub.core.schemas import DutchSchema


class RecordSchema(DutchSchema):
    class Meta:
        unknown = RAISE


def _text(max_length=10000, **kwargs):
    kwargs.setdefault('allow_none', True)
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


class Coding(RecordSchema):
    system = _text(500)
    code = _text(200)
    display = _text(500)


class Demographics(RecordSchema):
    """FHIR Patient: the client."""
    name = _text(300, required=True, allow_none=False)
    given = _text(200)
    family = _text(200)
    birth_date = fields.Date(allow_none=True)
    gender = fields.String(validate=validate.OneOf(['male', 'female', 'other', 'unknown']), allow_none=True)
    address = _text(500)
    phone = _text(50)


class ContactPerson(RecordSchema):
    """FHIR RelatedPerson."""
    name = _text(300, required=True, allow_none=False)
    relationship = _text(200)
    phone = _text(50)
    email = _text(254)


class Practitioner(RecordSchema):
    """FHIR Practitioner or Organization in a role for the client: GP, pharmacy, care team."""
    name = _text(300, required=True, allow_none=False)
    role = fields.String(validate=validate.OneOf(['general_practitioner', 'pharmacy', 'care_team', 'other']),
                         required=True)
    #: what they do for the client, e.g. "Huisarts" or "Persoonlijk begeleider"
    function = _text(300)
    organization = _text(300)
    phone = _text(50)
    address = _text(500)


class Report(RecordSchema):
    """A note written by care staff (Observation 11591000146107 or Composition)."""
    text = _text(100000, required=True, allow_none=False)
    title = _text(300)
    author = _text(300)
    category = _text(200)
    occurred_at = fields.AwareDateTime(required=True, default_timezone=None)
    #: the writer's discipline ("Persoonlijk begeleider", "Fysiotherapie"), the care question (zorgvraag) the report
    #: is about, and its keyword (kernwoord), where the source has them
    discipline = _text(200)
    care_question = _text(1000)
    keyword = _text(200)


class Appointment(RecordSchema):
    """FHIR Appointment: a care appointment."""
    start = fields.AwareDateTime(required=True)
    end = fields.AwareDateTime(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(
        ['proposed', 'pending', 'booked', 'arrived', 'fulfilled', 'cancelled', 'noshow', 'entered-in-error',
         'checked-in', 'waitlist']))
    description = _text(1000)
    location = _text(300)
    participants = fields.List(fields.String(validate=validate.Length(max=300)), load_default=list)


class PlanActivity(RecordSchema):
    description = _text(2000, required=True, allow_none=False)
    status = _text(40)
    goal_ids = fields.List(fields.String(), load_default=list)
    #: who does it (a discipline, e.g. "Fysiotherapie") and the problem it is for
    discipline = _text(200)
    problem = _text(1000)


class Plan(RecordSchema):
    """FHIR CarePlan with its activities; goals are records of their own."""
    title = _text(300, required=True, allow_none=False)
    status = fields.String(required=True, validate=validate.OneOf(
        ['draft', 'active', 'on-hold', 'revoked', 'completed', 'entered-in-error', 'unknown']))
    description = _text(5000)
    version = _text(40)
    period_start = fields.AwareDateTime(allow_none=True)
    period_end = fields.AwareDateTime(allow_none=True)
    #: ``awaiting_signature`` while the client has not approved this version
    approval = fields.String(validate=validate.OneOf(['awaiting_signature', 'approved', 'none']), load_default='none')
    goal_ids = fields.List(fields.String(), load_default=list)
    activities = fields.List(fields.Nested(PlanActivity), load_default=list)
    #: ``client``: the client's own plan (zorgleefplan); ``work``: a discipline's work plan (werkplan)
    plan_type = fields.String(validate=validate.OneOf(['client', 'work']), load_default='client')
    discipline = _text(200)
    #: when the plan was last evaluated with the client, and when next
    evaluated_on = fields.Date(allow_none=True)
    next_evaluation_on = fields.Date(allow_none=True)


class Goal(RecordSchema):
    """FHIR Goal."""
    description = _text(2000, required=True, allow_none=False)
    lifecycle_status = _text(40)
    achievement = _text(100)
    start = fields.Date(allow_none=True)
    due = fields.Date(allow_none=True)
    #: the life area (levensgebied, e.g. "Wonen"), the focus point, the problem, and how the client sees it
    area = _text(200)
    focus = _text(1000)
    problem = _text(1000)
    client_status = _text(200)


class Component(RecordSchema):
    code = fields.Nested(Coding, required=True)
    value = fields.Float(allow_nan=False, required=True)
    unit = _text(40)


class Measurement(RecordSchema):
    """FHIR Observation with a LOINC or SNOMED code: weight, blood pressure, temperature, pulse, ..."""
    code = fields.Nested(Coding, required=True)
    #: our short name for the series, e.g. ``body_weight``
    series = fields.String(required=True, validate=validate.Length(max=40))
    value = fields.Float(allow_nan=False, allow_none=True)
    unit = _text(40)
    components = fields.List(fields.Nested(Component), load_default=list)
    occurred_at = fields.AwareDateTime(required=True)
    #: the normal or target range the source gives (Observation.referenceRange)
    range_low = fields.Float(allow_nan=False, allow_none=True)
    range_high = fields.Float(allow_nan=False, allow_none=True)


class Insurance(RecordSchema):
    """FHIR Coverage (zib Betaler): who pays for the client's care."""
    insurer = _text(300, required=True, allow_none=False)
    kind = _text(200)
    policy_number = _text(100)
    status = _text(40)
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)


class Condition(RecordSchema):
    """FHIR Condition (zib Probleem): a health problem or diagnosis."""
    description = _text(2000, required=True, allow_none=False)
    code = fields.Nested(Coding, allow_none=True)
    clinical_status = _text(40)
    category = _text(200)
    onset = fields.Date(allow_none=True)


class Answer(RecordSchema):
    question = _text(2000, required=True, allow_none=False)
    answer = _text(10000)


class Questionnaire(RecordSchema):
    """FHIR QuestionnaireResponse: a completed list (never a restrictive-measure one, never an incomplete one)."""
    title = _text(300, required=True, allow_none=False)
    status = fields.String(required=True, validate=validate.OneOf(['completed', 'amended']))
    author = _text(300)
    answers = fields.List(fields.Nested(Answer), load_default=list)
    occurred_at = fields.AwareDateTime(required=True)


class Message(RecordSchema):
    """FHIR Communication: a message from the provider to the client's care page."""
    text = _text(20000, required=True, allow_none=False)
    sender = _text(300)
    topic = _text(300)
    occurred_at = fields.AwareDateTime(required=True)
    #: the message it answers, as the source names it (``Communication/carehub-<item id>`` for one from carehub)
    in_response_to = _text(300)


class Medication(RecordSchema):
    """An entry of the medication list: FHIR MedicationStatement (use), MedicationRequest (agreement),
    MedicationDispense (dispense, administration agreement); Ons medication where its API has it."""
    name = _text(500, required=True, allow_none=False)
    source = fields.String(required=True, validate=validate.OneOf(
        ['use', 'agreement', 'administration_agreement', 'dispense']))
    #: the dose in words, as the source renders it ("2 maal per dag 1 stuk, oraal")
    dose = _text(1000)
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    #: the source says it was stopped (a stop type, status stopped); an end date passed is seen when read
    stopped = fields.Boolean(load_default=False)
    prescriber = _text(300)
    reason = _text(500)


class Document(RecordSchema):
    """FHIR DocumentReference: a letter, a report or a picture the provider keeps about the client. The file itself
    stays at the provider: carehub fetches it when a member opens it (``url``), or takes it from the source record
    (``inline``)."""
    title = _text(300, required=True, allow_none=False)
    content_type = _text(100)
    #: where the provider serves the file (a FHIR Binary, or a URL on its server); None when it is inline
    url = _text(2000)
    inline = fields.Boolean(load_default=False)
    size = fields.Integer(allow_none=True, validate=validate.Range(min=0))
    category = _text(300)
    author = _text(300)
    occurred_at = fields.AwareDateTime(allow_none=True)


class RequestAnswer(RecordSchema):
    """What the provider did with a request carehub sent (a correction): FHIR Task status, or pushed by its system.

    The record's ``code`` is carehub's outbox item id of the request, so the request finds its answer."""
    status = fields.String(required=True, validate=validate.OneOf(['received', 'accepted', 'declined']))
    #: the provider's words to the person who asked
    answer = _text(5000)
    answered_at = fields.AwareDateTime(allow_none=True)


#: kind -> schema class
KINDS = {
    'demographics': Demographics,
    'contact_person': ContactPerson,
    'practitioner': Practitioner,
    'report': Report,
    'appointment': Appointment,
    'plan': Plan,
    'goal': Goal,
    'measurement': Measurement,
    'insurance': Insurance,
    'condition': Condition,
    'questionnaire': Questionnaire,
    'message': Message,
    'medication': Medication,
    'document': Document,
    'request_answer': RequestAnswer,
}


class OutboundMessage(RecordSchema):
    """A message from the care page to the provider (audience ``provider``), or a note the client wrote."""
    text = _text(20000, required=True, allow_none=False)
    author = _text(300, required=True, allow_none=False)
    #: the author's place on the care page: manager, trust or basic
    author_role = _text(40)
    written_at = fields.AwareDateTime(required=True)
    topic = _text(300)
    #: the provider's message this answers (its record's source id), in a conversation the provider began
    in_response_to = _text(300)


class OutboundApproval(RecordSchema):
    """The client's (or representative's) sign-off of one version of a care plan."""
    #: the plan as the source knows it, e.g. ``CarePlan/123`` or ``care_plan/77``
    plan = _text(200, required=True, allow_none=False)
    version = _text(64, required=True, allow_none=False)
    approved_by = _text(300, required=True, allow_none=False)
    approved_at = fields.AwareDateTime(required=True)
    #: carehub's seal over plan, version, who and when (HMAC-SHA256, base64): shows it was not changed
    seal = _text(200, required=True, allow_none=False)


class OutboundDeclination(RecordSchema):
    """The client's (or representative's) "no" to one version of a care plan, with what they do not agree with."""
    plan = _text(200, required=True, allow_none=False)
    version = _text(64, required=True, allow_none=False)
    declined_by = _text(300, required=True, allow_none=False)
    declined_at = fields.AwareDateTime(required=True)
    comment = _text(2000, required=True, allow_none=False)


class OutboundContactPerson(RecordSchema):
    """A request from the care page to add a contact person of the client, or to change one's details.

    The provider's staff decide; the change shows on the care page with the next sync."""
    #: the contact person as the source knows it (``RelatedPerson/12``, ``client_contact_relation/77``); none: a new one
    contact = _text(200)
    name = _text(300, required=True, allow_none=False)
    relationship = _text(200)
    phone = _text(50)
    email = _text(254)
    requested_by = _text(300, required=True, allow_none=False)
    requested_at = fields.AwareDateTime(required=True)


class OutboundCorrection(RecordSchema):
    """A request to correct an item of the dossier: what is wrong, in the words of the client or representative."""
    #: the item as the source knows it (``Composition/12``, ``report/77``)
    record = _text(270, required=True, allow_none=False)
    #: what the item is, in words (its title, name or first line), for staff reading the request
    about = _text(300, required=True, allow_none=False)
    text = _text(2000, required=True, allow_none=False)
    requested_by = _text(300, required=True, allow_none=False)
    requested_at = fields.AwareDateTime(required=True)


#: outbound kind -> schema class
OUTBOUND = {
    'message': OutboundMessage,
    'note': OutboundMessage,
    'plan_approval': OutboundApproval,
    'plan_declination': OutboundDeclination,
    'contact_person_add': OutboundContactPerson,
    'contact_person_change': OutboundContactPerson,
    'correction': OutboundCorrection,
}
