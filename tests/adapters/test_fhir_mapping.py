"""The fhir adapter maps real Dutch FHIR R4 examples (Nictiz, MedMij) into valid common records."""

import json
from pathlib import Path

import pytest

from adapters.fhir import FhirAdapter
from adapters.fhir.mapping import MAPPERS, NOT_SHOWN, skip_reason
from hub.careprovider.adapter import SourceRecord
from hub.careprovider.common import KINDS

#: a copy of the Nictiz and MedMij examples (CC0; sources and licenses in its manifest.json and README.md)
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
            assert NOT_SHOWN[record.source_type]  # skipped with a stated reason
            continue
        mapped_records = adapter.map(record)
        if not mapped_records:
            assert skip_reason(resource), f'{path.name}: {record.source_type} gives nothing without a stated reason'
        for mapped in mapped_records:
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


def test_care_team_coverage_condition_soap_report_and_role_map_to_what_they_say():
    def mapped(name):
        [path] = [p for p in FILES if p.name == name]
        [resource] = resources_in(path)
        return FhirAdapter({'bundle': str(path)}).map(SourceRecord(resource['resourceType'], resource['id'], resource))

    team = mapped('nl-core-CareTeam-01.json')
    assert len(team) == 5 and {m.kind for m in team} == {'practitioner'}  # the client and her husband are left out
    assert team[0].data['name'] == 'W. Klaasen' and team[0].data['role'] == 'general_practitioner'
    assert any(m.data['role'] == 'pharmacy' for m in team) and len({m.source_id for m in team}) == 5
    [coverage] = mapped('Coverage-DentalCare-Payer-InsuranceCompany-Jansen.json')
    assert coverage.kind == 'insurance' and coverage.data['insurer'] == 'Menzis Zorgverzekeraar N.V.'
    assert coverage.data['policy_number'] == '01234567' and coverage.data['period_start'] == '2025-01-01'
    [problem] = mapped('hg-ReferralServiceRequest-01-Condition-01.json')
    assert problem.kind == 'condition' and problem.data['description'] == 'Knie symptomen/klachten'
    [soap] = mapped('nl-core-SOAPReport-01.json')
    assert soap.kind == 'report' and 'enalapril' in soap.data['text'] and soap.data['author'] == 'H.A. Janszens'
    assert mapped('hg-ReferralComposition-01.json') == []  # a referral letter is not a report
    [role] = mapped('PractitionerRole-DentalCare-PractitionerRole-De-Koning.json')
    assert role.data['name'] == 'A.B.D.O. de Koning' and 'Tandartsen' in role.data['function']


def _questionnaire(status='completed', questionnaire='https://zorg.example/Questionnaire/tevredenheid', text='Hoe gaat het?'):
    return {'resourceType': 'QuestionnaireResponse', 'id': 'q1', 'status': status, 'questionnaire': questionnaire,
            'subject': {'reference': 'Patient/p1'}, 'authored': '2026-10-01T10:00:00+02:00',
            'item': [{'linkId': '1', 'text': text, 'answer': [{'valueString': 'Goed'}]},
                     {'linkId': '2', 'text': 'Pijn?', 'answer': [{'valueCoding': {'display': 'Nee'}}]}]}


@pytest.mark.parametrize('resource, shown', [
    (_questionnaire(), True),
    (_questionnaire(status='in-progress'), False),
    (_questionnaire(questionnaire='https://zorg.example/Questionnaire/wzd-vrijheidsbeperkende-maatregelen'), False),
    (_questionnaire(text='Is er onvrijwillige zorg toegepast?'), False),
])
def test_questionnaires_are_shown_only_when_complete_and_never_about_restrictive_measures(resource, shown):
    adapter = FhirAdapter({'bundle': '/dev/null'})
    records = adapter.map(SourceRecord('QuestionnaireResponse', 'q1', resource))
    assert bool(records) == shown
    for record in records:
        data = KINDS[record.kind]().load(record.data)
        assert data['title'] == 'tevredenheid' and data['answers'][1] == {'question': 'Pijn?', 'answer': 'Nee'}


def test_a_communication_from_the_provider_is_a_message():
    resource = {'resourceType': 'Communication', 'id': 'c1', 'status': 'completed', 'subject': {'reference': 'Patient/p1'},
                'sent': '2026-10-02T09:30:00Z', 'sender': {'display': 'Team De Linde'},
                'payload': [{'contentString': 'Morgen komt de fysiotherapeut om 10 uur.'}]}
    [message] = FhirAdapter({'bundle': '/dev/null'}).map(SourceRecord('Communication', 'c1', resource))
    assert message.kind == 'message' and KINDS['message']().load(message.data)['sender'] == 'Team De Linde'
    assert FhirAdapter({'bundle': '/dev/null'}).map(SourceRecord('Communication', 'c1', dict(resource, status='not-done'))) == []


def test_names_come_from_contained_resources_too():
    report = {'resourceType': 'Observation', 'id': 'o1', 'status': 'final',
              'contained': [{'resourceType': 'Practitioner', 'id': 'p1',
                             'name': [{'given': ['Linda'], 'family': 'Visser'}]}],
              'code': {'coding': [{'system': 'http://snomed.info/sct', 'code': '11591000146107'}]},
              'subject': {'reference': 'Patient/x'}, 'effectiveDateTime': '2026-10-01T09:00:00+02:00',
              'performer': [{'reference': '#p1'}], 'valueString': 'Rustige nacht.'}
    [mapped] = FhirAdapter({'bundle': '/dev/null'}).map(SourceRecord('Observation', 'o1', report))
    assert mapped.data['author'] == 'Linda Visser'


def test_a_report_names_the_discipline_care_question_and_keyword():
    report = {'resourceType': 'Observation', 'id': 'o2', 'status': 'final',
              'contained': [{'resourceType': 'PractitionerRole', 'id': 'r1', 'practitioner': {'display': 'Linda Visser'},
                             'specialty': [{'coding': [{'system': 'http://fhir.nl/fhir/NamingSystem/uzi-rolcode',
                                                        'code': '30.000', 'display': 'Verpleegkundige'}]}]}],
              'extension': [{'url': 'http://nictiz.nl/fhir/StructureDefinition/ext-SOAPReport.SOAPLineCode',
                             'valueCodeableConcept': {'coding': [{'system': 'http://hl7.org/fhir/sid/icpc-1-nl',
                                                                  'code': 'R05', 'display': 'Hoesten'}]}}],
              'basedOn': [{'reference': 'ServiceRequest/z1', 'display': 'Hulp bij wassen en aankleden'}],
              'code': {'coding': [{'system': 'http://snomed.info/sct', 'code': '11591000146107'}]},
              'subject': {'reference': 'Patient/x'}, 'effectiveDateTime': '2026-10-01T09:00:00+02:00',
              'performer': [{'reference': '#r1'}], 'valueString': 'Hoest minder dan gisteren.'}
    [mapped] = FhirAdapter({'bundle': '/dev/null'}).map(SourceRecord('Observation', 'o2', report))
    data = KINDS['report']().load(mapped.data)
    assert (data['author'], data['discipline']) == ('Linda Visser', 'Verpleegkundige')
    assert (data['care_question'], data['keyword']) == ('Hulp bij wassen en aankleden', 'Hoesten')
    del report['contained'], report['extension'], report['basedOn']
    report['performer'] = [{'display': 'Linda Visser'}]
    [plain] = FhirAdapter({'bundle': '/dev/null'}).map(SourceRecord('Observation', 'o2', report))
    assert plain.data['discipline'] is None and plain.data['keyword'] is None and plain.data['care_question'] is None


def test_an_address_given_only_in_dutch_parts_is_read():
    from adapters.fhir.values import address
    street = 'http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-'
    assert address([{'_line': [{'extension': [{'url': street + 'streetName', 'valueString': 'Dorpsstraat'},
                                              {'url': street + 'houseNumber', 'valueString': '12'},
                                              {'url': street + 'buildingNumberSuffix', 'valueString': 'a'}]}],
                     'postalCode': '1234 AB', 'city': 'Ede'}]) == 'Dorpsstraat 12 a, 1234 AB Ede'


def test_the_dutch_medication_examples_map_to_the_medication_list():
    def mapped(name):
        [path] = [p for p in FILES if p.name == name]
        [resource] = resources_in(path)
        return FhirAdapter({'bundle': str(path)}).map(SourceRecord(resource['resourceType'], resource['id'], resource))

    [use] = mapped('mp-MedUse2-mp9-MBH920mgexample-1-MGB1.json')  # medicatiegebruik (MP9)
    assert use.kind == 'medication' and use.data['source'] == 'use' and use.data['name'] == 'IBUPROFEN TABLET 600MG'
    assert use.data['dose'] == 'Vanaf 11 nov 2022, gedurende 10 dagen, 1 maal per dag 2 stuks, oraal'
    assert use.data['starts_on'] == '2022-11-11' and use.data['prescriber'].startswith('Peter van Pulver')
    [agreement] = mapped('nl-core-MedicationAgreement-01.json')  # medicatieafspraak, definitively stopped
    assert agreement.data['source'] == 'agreement' and agreement.data['name'] == 'LISINOPRIL 10MG TABLET'
    assert agreement.data['stopped'] is True and agreement.data['ends_on'] == '2016-09-18'
    assert agreement.data['prescriber'] == 'D. Bakker' and agreement.data['reason'] == 'Gebrek aan geneesmiddeleffect'
    [dispense] = mapped('nl-core-MedicationDispense-02.json')  # verstrekking by the pharmacy
    assert dispense.data['source'] == 'dispense' and dispense.data['starts_on'] == '2015-09-11'
    assert dispense.data['prescriber'] == 'Apotheek De Gulle Gaper'
    [administration] = mapped('mp-AdmAgr-mp9-MBH920mgexample-1-TA1.json')  # toedieningsafspraak
    assert administration.data['source'] == 'administration_agreement'
    [statement] = mapped('nl-core-MedicationUse2-02.json')
    assert statement.data['dose'].startswith('Vanaf 1 september 2012 gedurende 5 dagen')
    from adapters.fhir.medication import map_medication
    [path] = [p for p in FILES if p.name == 'nl-core-MedicationUse2-02.json']
    bare = {**resources_in(path)[0], 'extension': []}  # without the rendered text: the dose put in words
    assert map_medication(bare)[0].data['dose'] == '1 maal per dag 40 mg om 08:00'


def test_a_dose_that_is_not_a_number_leaves_out_the_amount_not_the_medicine():
    from adapters.fhir.medication import map_medication
    resource = {'resourceType': 'MedicationStatement', 'id': 'm1', 'status': 'active',
                'medicationCodeableConcept': {'text': 'Paracetamol'}, 'subject': {'reference': 'Patient/p'},
                'dosage': [{'timing': {'repeat': {'frequency': 2, 'period': 'een', 'periodUnit': 'd'}},
                            'doseAndRate': [{'doseQuantity': {'value': '1', 'unit': 'stuk'}}]}]}
    [record] = map_medication(resource)
    assert record.data['name'] == 'Paracetamol' and record.data['dose'] == '2 maal per dag'


def test_a_care_team_member_known_by_name_alone_is_shown():
    team = {'resourceType': 'CareTeam', 'id': 'team-1', 'status': 'active', 'name': 'Team Noord',
            'participant': [{'member': {'display': 'Anja de Wit'}, 'role': [{'text': 'Persoonlijk begeleider'}]},
                            {'member': {'display': 'Karel Smit, wijkverpleegkundige'}},
                            {'member': {'reference': 'Patient/p1', 'display': 'Wim Jansen'}},
                            {'member': {'type': 'RelatedPerson', 'display': 'Mieke Jansen'}}]}
    mapped = FhirAdapter({'bundle': 'x.json'}).map(SourceRecord('CareTeam', 'team-1', team))
    assert [(m.data['name'], m.data['function']) for m in mapped] == [
        ('Anja de Wit', 'Persoonlijk begeleider'), ('Karel Smit', 'wijkverpleegkundige')]
    for record in mapped:
        KINDS[record.kind]().load(record.data)
