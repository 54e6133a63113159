"""The fhir adapter maps real Dutch FHIR R4 examples (Nictiz, MedMij) into valid common records."""

import json
from pathlib import Path

import pytest

from adapters.fhir import FhirAdapter
from adapters.fhir.mapping import MAPPERS
from hub.careprovider.adapter import SourceRecord
from hub.careprovider.common import KINDS

#: a copy of ../shared/reference/fhir-nl (CC0; sources and licenses in its manifest.json and README.md)
REFERENCE = Path(__file__).resolve().parents[1] / 'data' / 'fhir-nl'
FILES = sorted(p for p in REFERENCE.rglob('*.json') if p.name != 'manifest.json')


def resources_in(path):
    resource = json.loads(path.read_text())
    if resource.get('resourceType') == 'Bundle':
        return [entry['resource'] for entry in resource.get('entry', []) if 'resource' in entry]
    return [resource]


def test_the_reference_examples_are_there():
    assert len(FILES) >= 60, REFERENCE


@pytest.mark.parametrize('path', FILES, ids=lambda p: p.name)
def test_every_example_maps_to_valid_records_or_is_not_shown(path):
    adapter = FhirAdapter({'bundle': str(path)})
    for resource in resources_in(path):
        record = SourceRecord(source_type=resource['resourceType'], source_id=resource.get('id', 'x'),
                              payload=resource)
        if record.source_type not in MAPPERS:
            # Condition, Encounter, Flag, AllergyIntolerance, Coverage, CareTeam, Composition,
            # PractitionerRole: not in the skeleton's common model yet ([providers] adds them)
            continue
        for mapped in adapter.map(record):
            schema = KINDS[mapped.kind]()
            schema.load(mapped.data)


def test_known_examples_map_to_what_they_say():
    def mapped(name):
        [path] = [p for p in FILES if p.name == name]
        [resource] = resources_in(path)
        record = SourceRecord(resource['resourceType'], resource['id'], resource)
        return FhirAdapter({'bundle': str(path)}).map(record)

    [weight] = mapped('nl-core-BodyWeight-01.json')
    assert weight.kind == 'measurement' and weight.data['series'] == 'body_weight' and weight.data['value'] > 0
    [pressure] = mapped('nl-core-BloodPressure-01.json')
    assert {c['code']['code'] for c in pressure.data['components']} >= {'8480-6', '8462-4'}
    [patient] = mapped('nl-core-Patient-01.json')
    assert patient.kind == 'demographics' and patient.data['name'] and patient.data['birth_date']
