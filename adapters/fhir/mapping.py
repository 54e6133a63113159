"""Map FHIR R4 resources into common-model records: which mapper takes which resource type, and why a resource
gives no record."""


from adapters.fhir.clinical import (
    map_appointment,
    map_care_plan,
    map_communication,
    map_composition,
    map_condition,
    map_document_reference,
    map_goal,
    map_observation,
    map_questionnaire_response,
)
from adapters.fhir.medication import map_medication
from adapters.fhir.people import (
    map_care_team,
    map_coverage,
    map_organization,
    map_patient,
    map_practitioner,
    map_practitioner_role,
    map_related_person,
)
from adapters.fhir.tasks import map_task


def skip_reason(resource) -> str | None:
    """Say why a resource of a type we map gives no record (for the examples test and for operators), or None."""
    kind = resource.get('resourceType')
    if kind in NOT_SHOWN:
        return NOT_SHOWN[kind]
    status = resource.get('status')
    if status in ('entered-in-error', 'cancelled', 'not-done', 'preparation', 'draft'):
        return f'its status is {status}'
    profiles = ' '.join((resource.get('meta') or {}).get('profile') or [])
    if kind == 'Observation':
        if 'SOAPReport.SOAPLine' in profiles:
            return 'a line of a SOAP report: shown within the report (its Composition)'
        if 'FluidBalance' in profiles:
            return 'a fluid balance: not one of the measurements the portal shows'
        if 'Regularity' in profiles or 'Rhythm' in profiles:
            return 'a regularity or rhythm finding, not a value to chart'
        if resource.get('hasMember') and not resource.get('valueQuantity') and not resource.get('component'):
            return 'a panel that only groups other observations (they are mapped themselves)'
        return 'a code the portal does not show as a report or measurement'
    if kind == 'Composition':
        return 'a document other than a care report (e.g. a referral letter)'
    if kind == 'QuestionnaireResponse':
        return 'incomplete, or about restrictive measures (never shown)'
    if kind == 'Task':
        return 'a task that is not a request carehub sent (those give their answer)'
    if kind == 'DocumentReference':
        return 'not current, or without a file to open'
    return None


#: FHIR resource type -> why it is not shown (the common model has no place for it)
NOT_SHOWN = {
    'Encounter': 'contacts are shown through the reports written about them',
    'Flag': 'alerts are for care staff',
    'AllergyIntolerance': 'not part of what the care portal shows',
    'Location': 'a place is shown as the location of an appointment, not on its own',
    'Medication': 'a product: its name is shown with the medication entry that names it',
    'MedicationAdministration': 'each dose given is for care staff; the list shows what is used and agreed',
}

#: FHIR resource type -> mapping function
MAPPERS = {
    'Patient': map_patient,
    'RelatedPerson': map_related_person,
    'Practitioner': map_practitioner,
    'Organization': map_organization,
    'Observation': map_observation,
    'Appointment': map_appointment,
    'CarePlan': map_care_plan,
    'Goal': map_goal,
    'PractitionerRole': map_practitioner_role,
    'CareTeam': map_care_team,
    'Coverage': map_coverage,
    'Condition': map_condition,
    'QuestionnaireResponse': map_questionnaire_response,
    'Communication': map_communication,
    'Composition': map_composition,
    'MedicationStatement': map_medication,
    'MedicationRequest': map_medication,
    'MedicationDispense': map_medication,
    'Task': map_task,
    'DocumentReference': map_document_reference,
}
