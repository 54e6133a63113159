"""Mapping medication: what is used, agreed and handed out (MedicationStatement, -Request, -Dispense)."""


from adapters.fhir.common import _extension, _record
from adapters.fhir.values import (
    concept_text,
    display,
    parse_date,
    parse_datetime,
)

RENDERED_DOSAGE = 'http://nictiz.nl/fhir/StructureDefinition/ext-RenderedDosageInstruction'
PERIOD_OF_USE = 'http://nictiz.nl/fhir/StructureDefinition/ext-TimeInterval.Period'
STOP_TYPE = 'http://nictiz.nl/fhir/StructureDefinition/ext-StopType'
USE_PRESCRIBER = 'http://nictiz.nl/fhir/StructureDefinition/ext-MedicationUse2.Prescriber'
#: resource type -> what kind of medication entry it is (a dispense that is an administration agreement: below)
MEDICATION_SOURCES = {'MedicationStatement': 'use', 'MedicationRequest': 'agreement', 'MedicationDispense': 'dispense'}
UNITS = {'d': ('dag', 'dagen'), 'wk': ('week', 'weken'), 'h': ('uur', 'uur'), 'mo': ('maand', 'maanden')}


def _number(value) -> bool:
    """A number as JSON has it (a text "1" or true is not one)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _dose_words(dosage) -> str | None:
    """A dose in words when the source gave none: "2 maal per dag 1 stuk"."""
    if not dosage:
        return None
    first = dosage[0]
    if first.get('text'):
        return first['text']
    repeat = (first.get('timing') or {}).get('repeat') or {}
    parts = []
    if repeat.get('frequency') and repeat.get('periodUnit') in UNITS:
        period = repeat.get('period') if _number(repeat.get('period')) else 1
        unit = UNITS[repeat['periodUnit']][0 if period == 1 else 1]
        parts.append(f"{repeat['frequency']} maal per {unit if period == 1 else f'{period:g} {unit}'}")
    quantity = ((first.get('doseAndRate') or [{}])[0]).get('doseQuantity') or {}
    if _number(quantity.get('value')):
        parts.append(f"{quantity['value']:g} {quantity.get('unit') or ''}".strip())
    if repeat.get('timeOfDay'):
        parts.append('om ' + ', '.join(t[:5] for t in repeat['timeOfDay']))
    return ' '.join(parts) or None


def map_medication(resource):
    """MedicationStatement (medicatiegebruik), MedicationRequest (medicatieafspraak), MedicationDispense (verstrekking
    or toedieningsafspraak): one entry of the medication list with the dose in words, its period and who prescribed
    it; "stopped" when the source says so (a stop type, status stopped) or its period is over (seen when read)."""
    source = MEDICATION_SOURCES[resource['resourceType']]
    category = concept_text(resource.get('category')) if isinstance(resource.get('category'), dict) else \
        concept_text((resource.get('category') or [None])[0])
    if source == 'dispense' and category and 'toediening' in category.lower():
        source = 'administration_agreement'
    name = display(resource.get('medicationReference'), resource) or concept_text(
        resource.get('medicationCodeableConcept'))
    if not name:
        return []
    period = _extension(resource, PERIOD_OF_USE, 'valuePeriod') or resource.get('effectivePeriod') or {}
    start = period.get('start') or resource.get('whenHandedOver') or resource.get('authoredOn')
    prescriber = (display(resource.get('requester'), resource)
                  or display(_extension(resource, USE_PRESCRIBER, 'valueReference'), resource)
                  or display(((resource.get('performer') or [{}])[0]).get('actor'), resource))
    stopped = any(e.get('url') == STOP_TYPE for e in resource.get('modifierExtension') or []) or \
        resource.get('status') in ('stopped', 'completed') and source == 'use'
    when = parse_datetime(start)
    return [_record('medication', resource, {
        'name': name, 'source': source,
        'dose': _extension(resource, RENDERED_DOSAGE, 'valueString') or _dose_words(
            resource.get('dosage') or resource.get('dosageInstruction')),
        'starts_on': parse_date(start).isoformat() if parse_date(start) else None,
        'ends_on': parse_date(period.get('end')).isoformat() if parse_date(period.get('end')) else None,
        'stopped': bool(stopped),
        'prescriber': prescriber.removeprefix('Healthcare professional (role), ').removeprefix(
            'Healthcare provider (organization), ') if prescriber else None,
        'reason': concept_text((resource.get('reasonCode') or [None])[0]),
    }, occurred_at=when)]
