"""What the dossier routes take in (what they answer: hub/dossier/answer_schemas.py)."""

from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, fields, validate, validates_schema

from hub.core.schemas import (
    Day,
    DutchSchema,
    Email,
    Invalid,
    Phone,
    StrictBoolean,
    StrictSchema,
    Text,
    WholeNumber,
)
from hub.dossier.shares import PARTS


class ApproveSchema(DutchSchema):
    class Meta:
        unknown = RAISE

    #: the version the person read and approves; a newer one on file answers 409
    version = fields.String(required=True, validate=validate.Length(min=1, max=64))
    #: "I have read the plan and agree with it": nothing is approved without it
    agree = StrictBoolean(required=True, validate=validate.Equal(
        True, error=_l('Tick that you have read the plan and agree with it.')))


class DeclineSchema(DutchSchema):
    class Meta:
        unknown = RAISE

    version = fields.String(required=True, validate=validate.Length(min=1, max=64))
    #: what the person does not agree with: it goes to the provider
    comment = Text(required=True, min_length=1, max_length=2000, multiline=True)


class ContactPersonSchema(StrictSchema):
    """A contact person to add, as the provider should have them (a change takes the same fields, each optional)."""
    #: the dossier (so the provider) that should add them; may be left out when the care page has one
    dossier_id = fields.UUID(load_default=None, allow_none=True)
    name = Text(required=True, max_length=300)
    relationship = Text(max_length=200, allow_none=True)
    phone = Phone(allow_none=True)
    email = Email(allow_none=True, validate=validate.Length(max=254))


class ContactChangeSchema(ContactPersonSchema):
    """The details of a contact person to change; what is left out stays as it is."""

    class Meta:
        exclude = ('dossier_id',)

    name = Text(max_length=300)


class OutsiderShareSchema(StrictSchema):
    """A one-time share with someone outside the care page: the parts, how many days (at most 7), how many opens."""
    parts = fields.List(fields.String(validate=validate.OneOf(tuple(PARTS))),
                        required=True, validate=validate.Length(min=1, max=4))
    expires_in_days = WholeNumber(load_default=7, validate=validate.Range(min=1, max=7))
    max_opens = WholeNumber(load_default=3, validate=validate.Range(min=1, max=20))


class MedicationSchema(StrictSchema):
    """Medication a member adds to the list: its name, the dose in their words, and when (optional)."""
    name = Text(required=True, max_length=200)
    dose = Text(required=True, max_length=500)
    starts_on = Day(load_default=None, allow_none=True)
    ends_on = Day(load_default=None, allow_none=True)

    @validates_schema
    def _period(self, data, **kwargs):
        if data.get('starts_on') and data.get('ends_on') and data['ends_on'] < data['starts_on']:
            raise Invalid(_l('The end comes after the start.'), field_name='ends_on')


class GoalSaySchema(StrictSchema):
    """What the client says about one of their goals: ``want`` ("Dit wil ik") or ``change`` ("Dit wil ik anders"),
    with a few words of their own if they like."""
    choice = fields.String(required=True, validate=validate.OneOf(('want', 'change')))
    text = Text(load_default=None, allow_none=True, max_length=500, multiline=True)


class CorrectionSchema(StrictSchema):
    """A request to correct an item of the dossier: which item, and what is wrong with it."""
    record_id = fields.UUID(required=True)
    text = Text(required=True, min_length=1, max_length=2000, multiline=True)


class DocumentSchema(StrictSchema):
    """The form beside an uploaded file: its title (optional: the file's name is taken then)."""
    title = Text(load_default=None, allow_none=True, max_length=300)
