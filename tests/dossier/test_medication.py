"""The shared medication list: the Dutch medication examples (MP9, nl-core) through a real FHIR server and a sync,
beside what members add themselves; current and stopped; behind the dossier capability."""

import json
import uuid
from datetime import timedelta
from pathlib import Path

from hub.core.timeutil import utcnow
from tests.circle.test_messages import page_of
from tests.fill import add_member

EXAMPLES = Path(__file__).resolve().parents[1] / 'data' / 'fhir-nl' / 'medication'


def _examples(patient_id):
    found = []
    for name in ('mp-MedUse2-mp9-MBH920mgexample-1-MGB1.json', 'nl-core-MedicationAgreement-01.json',
                 'nl-core-MedicationDispense-02.json', 'mp-AdmAgr-mp9-MBH920mgexample-1-TA1.json'):
        resource = json.loads((EXAMPLES / name).read_text())
        resource['subject'] = {'reference': f'Patient/{patient_id}'}
        found.append(resource)
    return found


def test_the_medication_list_from_the_provider_and_the_members(app, fhir_server, provider, coupling_code, register,
                                                               db):
    from hub.cli import cli
    manager, circle, name, _ = page_of(fhir_server, provider, coupling_code, register, extra=_examples)
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    manager.step_up()
    url = f"/api/v1/circles/{circle['id']}/medication"
    items = manager.get(url).get_json()['items']
    by_name = {(item['name'], item['kind']): item for item in items}
    assert {item['source'] for item in items} == {'provider'} and len(items) == 4
    lisinopril = by_name[('LISINOPRIL 10MG TABLET', 'agreement')]
    assert lisinopril['status'] == 'stopped' and lisinopril['prescriber'] == 'D. Bakker'
    use = by_name[('IBUPROFEN TABLET 600MG', 'use')]
    assert use['dose'].startswith('Vanaf 11 nov 2022') and use['provider']['name'] == name
    assert by_name[('PANTOPRAZOL 40MG INJPDR', 'dispense')]['prescriber'] == 'Apotheek De Gulle Gaper'

    mine = manager.post(url, {'name': 'Paracetamol 500 mg', 'dose': '1 tablet bij pijn',
                              'starts_on': (utcnow() - timedelta(days=3)).date().isoformat()})
    assert mine.status_code == 201, mine.get_json()
    item = mine.get_json()
    assert item['source'] == 'member' and item['status'] == 'current' and item['added_by'] == {'name': 'Mieke Bos'}
    listed = manager.get(url).get_json()['items']
    assert listed[0]['status'] == 'current' and listed[-1]['status'] == 'stopped'  # current ones first
    for body in ({'name': '', 'dose': '1'}, {'name': 'X'}, {'name': 'X', 'dose': '1', 'starts_on': 'gisteren'},
                 {'name': 'X', 'dose': '1', 'starts_on': '2026-05-01', 'ends_on': '2026-04-01'},
                 {'name': 'X', 'dose': '1', 'starts_on': '0001-01-01'}):
        assert manager.post(url, body).status_code == 422, body
    assert len(manager.get(url).get_json()['items']) == 5
    page = manager.get(f"/circles/{circle['id']}/medication").get_data(as_text=True)
    assert 'Nu in gebruik' in page and 'Toegevoegd door Mieke Bos' in page and 'LISINOPRIL' in page

    basic, _ = add_member(register, db, uuid.UUID(circle['id']), 'basic@example.nl', 'basic')
    assert basic.get(url).status_code == 403  # no dossier capability: no medication either
    assert basic.post(url, {'name': 'X', 'dose': '1'}).status_code == 403
    trust, _ = add_member(register, db, uuid.UUID(circle['id']), 'trust@example.nl', 'trust')
    trust.step_up()
    own = trust.post(url, {'name': 'Vitamine D', 'dose': '1 tablet per dag'}).get_json()
    assert trust.delete(f"{url}/{item['id']}").status_code == 403  # not theirs
    assert trust.delete(f"{url}/{[i for i in listed if i['source'] == 'provider'][0]['id']}").status_code == 404
    assert trust.delete(f"{url}/{own['id']}").status_code == 204
    assert manager.delete(f"{url}/{item['id']}").status_code == 204
    assert {i['source'] for i in manager.get(url).get_json()['items']} == {'provider'}
    log = manager.get(f"/api/v1/circles/{circle['id']}/access-log").get_json()['items']
    assert any(entry['event'] == 'dossier.medication' for entry in log)


def test_the_medication_list_is_shared_and_downloaded(app, fhir_server, provider, coupling_code, register, db):
    from hub.cli import cli
    from tests.dossier.test_shares import _open, _path
    manager, circle, name, _ = page_of(fhir_server, provider, coupling_code, register, extra=_examples)
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    manager.step_up()
    download = manager.get(f"/circles/{circle['id']}/export?download=1&format=html&from=&to=").get_data(as_text=True)
    assert 'LISINOPRIL 10MG TABLET' in download and 'Voorgeschreven door D. Bakker' in download
    fhir = manager.get(f"/api/v1/circles/{circle['id']}/export").get_json()
    assert {'MedicationRequest', 'MedicationStatement', 'MedicationDispense'} <= {
        entry['resource']['resourceType'] for entry in fhir['entry']}
    assert manager.post(f"/api/v1/circles/{circle['id']}/medication",
                        {'name': 'Vitamine D', 'dose': '1 tablet per dag'}).status_code == 201
    share = manager.post(f"/api/v1/circles/{circle['id']}/shares", {'parts': ['medication']}).get_json()
    outsider, page = _open(app, _path(share['url']), share['code'])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'IBUPROFEN TABLET 600MG' in html and 'Medicijnen' in html
    assert 'Vitamine D' in html and 'Mieke Bos (zelf toegevoegd)' in html  # what members added, marked as theirs
    statements = [entry['resource'] for entry in outsider.get(f"{_path(share['url'])}/bundle").get_json()['entry']
                  if entry['resource']['id'].startswith('carehub-own-')]
    assert [(s['medicationCodeableConcept']['text'], s['informationSource']['display']) for s in statements] == [
        ('Vitamine D', 'Mieke Bos (zelf toegevoegd)')]
