"""Documents: members upload a PDF or photo (checked by content, at most 20 MB) or a FHIR Bundle from another portal
(mapped into the care page, marked as uploaded and by whom); providers' DocumentReferences are listed beside them and
opened through carehub from a real FHIR server, audited, behind the dossier capability."""

import base64
import io
import json
import uuid
from pathlib import Path

from sqlalchemy import select

from tests.circle.test_messages import page_of
from tests.fill import add_member
from tests.reading import text

EXAMPLES = Path(__file__).resolve().parents[1] / 'data' / 'fhir-nl'
PDF = b'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'
PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 64
JPEG = b'\xff\xd8\xff\xe0' + b'\x00' * 64


def _send(client, url, content, filename, title=None, mimetype='application/octet-stream'):
    data = {'file': (io.BytesIO(content), filename, mimetype)}
    if title is not None:
        data['title'] = title
    return client.client.post(url, data=data, content_type='multipart/form-data',
                              headers={'X-CSRF-Token': client.token or client.csrf()})


def _bundle(*names, patient='other-portal-1'):
    entries = [{'resource': {'resourceType': 'Patient', 'id': patient, 'name': [{'family': 'Bos'}]}}]
    for name in names:
        resource = json.loads((EXAMPLES / name).read_text())
        for key in ('subject', 'patient'):
            if key in resource:
                resource[key] = {'reference': f'Patient/{patient}'}
        entries.append({'fullUrl': f"urn:uuid:{uuid.uuid4()}", 'resource': resource})
    return json.dumps({'resourceType': 'Bundle', 'type': 'collection', 'entry': entries}).encode()


def test_files_are_checked_by_content_kept_and_opened(care_page, register, db):
    from hub.core.models import AuditRecord
    from hub.dossier.models import Document
    manager, circle_id, _, _ = care_page
    manager.step_up()
    url = f'/api/v1/circles/{circle_id}/documents'
    refused = [
        (PNG, 'brief.pdf', 422, 'content_mismatch'), (b'MZ\x90\x00', 'virus.exe', 415, 'unsupported_type'),
        (b'hallo', 'notitie.txt', 415, 'unsupported_type'), (b'', 'leeg.pdf', 422, 'empty_file'),
        (PDF, 'scan.png', 422, 'content_mismatch'), (b'<html><script>', 'pagina.jpg', 422, 'content_mismatch'),
        (b'%PDF-' + b'0' * (20 * 1024 * 1024), 'groot.pdf', 413, 'too_large')]
    for content, name, status, code in refused:
        answer = _send(manager, url, content, name)
        assert answer.status_code == status, (name, answer.get_json())
        assert answer.get_json()['error']['code'] == code and 'file' in answer.get_json()['error']['fields']
    no_file = manager.client.post(url, data={'title': 'Brief'}, content_type='multipart/form-data',
                                  headers={'X-CSRF-Token': manager.token})
    assert no_file.status_code == 422 and no_file.get_json()['error']['code'] == 'no_file'
    assert _send(manager, url, PDF, 'brief.pdf', title='x' * 301).status_code == 422
    assert db.count(Document) == 0

    letter = _send(manager, url, PDF, 'Brief van de huisarts.pdf')
    assert letter.status_code == 201, letter.get_json()
    assert letter.get_json()['title'] == 'Brief van de huisarts' and letter.get_json()['source'] == 'member'
    photo = _send(manager, url, PNG, 'wond.png', title='Foto van de wond').get_json()
    assert _send(manager, url, JPEG, 'IMG_001.JPG').status_code == 201
    listed = manager.get(url).get_json()['items']
    assert {item['title'] for item in listed} == {'Brief van de huisarts', 'Foto van de wond', 'IMG_001'}
    assert all(item['added_by'] == {'name': 'Mieke Jansen'} for item in listed)

    opened = manager.get(f"{url}/{photo['id']}")
    assert opened.status_code == 200 and opened.data == PNG and opened.headers['Content-Type'] == 'image/png'
    assert opened.headers['X-Content-Type-Options'] == 'nosniff' and 'sandbox' in opened.headers[
        'Content-Security-Policy']
    assert opened.headers['Content-Disposition'] == 'inline; filename="Foto-van-de-wond.png"'
    assert db.count(AuditRecord, AuditRecord.event == 'dossier.document') >= 1
    assert manager.get(f'{url}/{uuid.uuid4()}').status_code == 404
    assert manager.get(f'{url}/nee').status_code == 404

    # who may: the trust group reads and adds; the basic group and strangers do not
    trust, _ = add_member(register, db, circle_id, 'trust@example.nl', 'trust', first_name='Tom')
    basic, _ = add_member(register, db, circle_id, 'basic@example.nl', 'basic')
    trust.step_up()
    basic.step_up()
    assert trust.get(f"{url}/{photo['id']}").data == PNG
    mine = _send(trust, url, PDF, 'verslag.pdf').get_json()
    assert basic.get(url).status_code == 403 and basic.get(f"{url}/{photo['id']}").status_code == 403
    assert _send(basic, url, PDF, 'b.pdf').status_code == 403
    stranger = register('s@example.nl', 'Sanne', 'Vreemd')
    assert stranger.get(f"{url}/{photo['id']}").status_code in (403, 404)
    # removing: one's own, or the manager; not another's
    assert trust.delete(f"{url}/{photo['id']}").status_code == 404
    assert manager.delete(f"{url}/{mine['id']}").status_code == 204
    assert trust.delete(f"{url}/{photo['id']}").status_code == 404
    assert db.count(Document) == 3


def test_a_fhir_bundle_from_another_portal_joins_the_care_page(care_page, db):
    from hub.careprovider.models import Dossier
    from hub.dossier.models import Document
    manager, circle_id, _, _ = care_page
    manager.step_up()
    url = f'/api/v1/circles/{circle_id}/documents'
    for content, code in ((b'{"resourceType": "Patient", "id": "x"}', 'not_fhir'), (b'geen json', 'not_fhir'),
                          (b'[]', 'not_fhir'), (b'{"resourceType": "Bundle", "entry": {}}', 'not_fhir'),
                          (b'[' * 100000, 'not_fhir'), (b'\xff\xfe{', 'not_fhir'),
                          (b'{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Condition", '
                           b'"id": "c", "code": {"text": "\\ud800"}}}]}', 'nothing_to_show'),
                          (json.dumps({'resourceType': 'Bundle', 'entry': [
                              {'resource': {'resourceType': 'Flag', 'id': 'f1', 'status': 'active'}}]}).encode(),
                           'nothing_to_show')):
        answer = _send(manager, url, content, 'download.json')
        assert answer.status_code == 422 and answer.get_json()['error']['code'] == code, content
    assert db.count(Document) == 0

    bundle = _bundle('observation-vitals/nl-core-BodyWeight-01.json', 'condition/nl-core-Problem-01.json',
                     'composition/nl-core-SOAPReport-01.json')
    answer = _send(manager, url, bundle, 'medmij-download.json', title='Download van mijn huisarts')
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()['kind'] == 'bundle' and answer.get_json()['counts']['created'] >= 2
    measurements = manager.get(f'/api/v1/circles/{circle_id}/measurements').get_json()['items']
    assert [s['series'] for s in measurements] == ['body_weight']
    timeline = manager.get(f'/api/v1/circles/{circle_id}/timeline?kind=report').get_json()['items']
    uploaded = [item for item in timeline if item.get('uploaded_by')]
    assert uploaded and uploaded[0]['uploaded_by'] == {'name': 'Mieke Jansen'} and uploaded[0]['provider'] is None
    export = manager.get(f'/api/v1/circles/{circle_id}/export').get_json()
    kinds = {entry['resource']['resourceType'] for entry in export['entry']}
    assert {'Observation', 'Condition', 'Composition'} <= kinds
    page = manager.get(f'/circles/{circle_id}/timeline').get_data(as_text=True)
    assert 'Mieke Jansen (zelf toegevoegd)' in page
    # it is not a provider: no sync, no messages to it, no correction
    from hub.careprovider.schedule import dossiers_due, dossiers_to_sync
    assert db.run(lambda: [d.uploaded_by for d in dossiers_due() + dossiers_to_sync() if d.uploaded_by]) == []
    corrected = manager.post(f'/api/v1/circles/{circle_id}/corrections',
                             {'record_id': uploaded[0]['id'], 'text': 'Klopt niet.'})
    assert corrected.status_code == 422

    # only health data comes in: no provider messages, plans, contact persons or files under a provider's name
    posing = json.loads(_bundle('observation-vitals/nl-core-BodyHeight-01.json'))
    posing['entry'] += [{'resource': r} for r in (
        {'resourceType': 'Communication', 'id': 'm1', 'status': 'completed', 'sent': '2026-11-01T10:00:00Z',
         'sender': {'display': 'Dr. Huisarts'}, 'payload': [{'contentString': 'Bel mij meteen.'}]},
        {'resourceType': 'CarePlan', 'id': 'p1', 'status': 'active', 'intent': 'plan', 'title': 'Nep'},
        {'resourceType': 'RelatedPerson', 'id': 'r1', 'name': [{'text': 'Nep'}]},
        {'resourceType': 'DocumentReference', 'id': 'd1', 'status': 'current', 'content': [
            {'attachment': {'contentType': 'application/pdf', 'data': 'PGh0bWw+', 'title': 'Nep'}}]},
        {'resourceType': 'Condition', 'id': 'c-meta', 'meta': 'x', 'code': {'text': 'Suikerziekte'},
         'clinicalStatus': {'coding': [{'code': 'active'}]}})]
    more = _send(manager, url, json.dumps(posing).encode(), 'nep.json')
    assert more.status_code == 201, more.get_json()
    assert manager.get(f'/api/v1/circles/{circle_id}/messages').get_json()['items'] == []
    assert {d['title'] for d in manager.get(url).get_json()['items']} == {'Download van mijn huisarts', 'nep'}
    assert 'Nep' not in json.dumps(manager.get(f'/api/v1/circles/{circle_id}/plans').get_json())
    too_many = json.dumps({'resourceType': 'Bundle', 'entry': [
        {'resource': {'resourceType': 'Condition', 'id': f'c{n}', 'code': {'text': 'x'}}} for n in range(2001)]})
    answer_too_many = _send(manager, url, too_many.encode(), 'veel.json')
    assert answer_too_many.status_code == 422 and answer_too_many.get_json()['error']['code'] == 'too_many'
    odd_name = _send(manager, url, PDF, 'brief\u202egpj.\x00pdf.pdf')
    assert odd_name.status_code == 201 and odd_name.get_json()['title'] == 'briefgpj.pdf'
    [uploads] = [d.id for d in db.scalars(select(Dossier)) if d.uploaded_by]
    assert manager.delete(f'/api/v1/circles/{circle_id}/dossiers/{uploads}').status_code == 404  # not a link

    assert manager.delete(f"{url}/{answer.get_json()['id']}").status_code == 204
    assert not [i for i in manager.get(f'/api/v1/circles/{circle_id}/timeline?kind=report').get_json()['items']
                if i.get('uploaded_by')]
    series = manager.get(f'/api/v1/circles/{circle_id}/measurements').get_json()['items']
    assert [s['series'] for s in series] == ['body_height']  # the weight went with its Bundle; the other stays


def test_uploads_leave_with_their_uploader(care_page, register, db):
    from hub.careprovider.models import Dossier, Record
    from hub.circle.models import WellbeingCheck
    from hub.dossier.models import Document
    from tests.conftest import PASSWORD
    manager, circle_id, _, _ = care_page
    trust, _ = add_member(register, db, circle_id, 'trust@example.nl', 'trust', first_name='Tom')
    trust.step_up()
    url = f'/api/v1/circles/{circle_id}/documents'
    assert _send(trust, url, PDF, 'brief.pdf').status_code == 201
    assert _send(trust, url, _bundle('observation-vitals/nl-core-BodyWeight-01.json'), 'a.json').status_code == 201
    assert trust.post('/api/v1/me/wellbeing', {'answers': [1] * 9}).status_code == 201
    assert db.count(Dossier, Dossier.uploaded_by.is_not(None)) == 1 and db.count(Record) >= 1
    assert trust.delete('/api/v1/me', json={'password': PASSWORD}).status_code == 204
    assert db.count(Document) == 0 and db.count(WellbeingCheck) == 0
    assert db.count(Dossier, Dossier.uploaded_by.is_not(None)) == 0
    manager.step_up()
    assert manager.get(f'/api/v1/circles/{circle_id}/measurements').get_json()['items'] == []


def test_provider_documents_are_opened_through_carehub(app, fhir_server, provider, coupling_code, register, db):
    from hub.cli import cli
    from hub.core.models import AuditRecord

    def documents(patient_id):
        subject = {'reference': f'Patient/{patient_id}'}
        return [
            {'resourceType': 'Binary', 'id': f'{patient_id}-bin', 'contentType': 'application/pdf',
             'data': base64.b64encode(PDF).decode()},
            {'resourceType': 'DocumentReference', 'id': f'{patient_id}-letter', 'status': 'current',
             'subject': subject, 'date': '2026-11-02T09:00:00+01:00', 'type': {'text': 'Ontslagbrief'},
             'author': [{'display': 'Dr. A. Smit'}],
             'content': [{'attachment': {'contentType': 'application/pdf', 'url': f'Binary/{patient_id}-bin',
                                         'title': 'Ontslagbrief ziekenhuis', 'size': len(PDF)}}]},
            {'resourceType': 'DocumentReference', 'id': f'{patient_id}-photo', 'status': 'current',
             'subject': subject, 'date': '2026-11-03T09:00:00+01:00',
             'content': [{'attachment': {'contentType': 'image/png', 'data': base64.b64encode(PNG).decode(),
                                         'title': 'Foto'}}]},
            {'resourceType': 'DocumentReference', 'id': f'{patient_id}-elsewhere', 'status': 'current',
             'subject': subject, 'date': '2026-11-04T09:00:00+01:00',
             'content': [{'attachment': {'contentType': 'application/pdf', 'url': 'https://elders.example/brief.pdf',
                                         'title': 'Elders'}}]},
            {'resourceType': 'DocumentReference', 'id': f'{patient_id}-old', 'status': 'superseded',
             'subject': subject, 'content': [{'attachment': {'url': f'Binary/{patient_id}-bin', 'title': 'Oud'}}]},
        ]

    manager, circle, name, patient_id = page_of(fhir_server, provider, coupling_code, register, extra=documents)
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    manager.step_up()
    url = f"/api/v1/circles/{circle['id']}/documents"
    items = {item['title']: item for item in manager.get(url).get_json()['items']}
    assert set(items) == {'Ontslagbrief ziekenhuis', 'Foto', 'Elders'}
    letter = items['Ontslagbrief ziekenhuis']
    assert letter['source'] == 'provider' and letter['provider']['name'] == name
    assert letter['category'] == 'Ontslagbrief' and letter['author'] == 'Dr. A. Smit'
    opened = manager.get(f"{url}/{letter['id']}")
    assert opened.status_code == 200 and opened.data == PDF and opened.headers['Content-Type'] == 'application/pdf'
    assert manager.get(f"{url}/{items['Foto']['id']}").data == PNG
    elsewhere = manager.get(f"{url}/{items['Elders']['id']}")  # never fetched from another host
    assert elsewhere.status_code == 502 and elsewhere.get_json()['error']['code'] == 'provider_unreachable'
    reads = db.scalars(select(AuditRecord.target).where(AuditRecord.event == 'dossier.document'))
    assert f"document:{letter['id']}" in reads
    page = text(manager.get(f"/circles/{circle['id']}/documents"))
    assert 'Ontslagbrief ziekenhuis' in page and f"/circles/{circle['id']}/documents/{letter['id']}" in page
    assert manager.get(f"/circles/{circle['id']}/documents/{letter['id']}").data == PDF

    # the manager hides the letter from a helper, from the documents page
    trust, trust_id = add_member(register, db, uuid.UUID(circle['id']), 'trust@example.nl', 'trust', first_name='Tom')
    trust.step_up()
    assert 'Verberg dit voor iemand' in manager.get(f"/circles/{circle['id']}/documents").get_data(as_text=True)
    hidden = manager.client.post(f"/circles/{circle['id']}/records/{letter['id']}/hidden",
                                 data={'csrf_token': manager.csrf(), 'member': str(trust_id), 'back': 'documents'})
    assert hidden.status_code == 303 and hidden.headers['Location'].endswith('/documents?hidden=1')
    assert {item['title'] for item in trust.get(url).get_json()['items']} == {'Foto', 'Elders'}
    assert trust.get(f"{url}/{letter['id']}").status_code == 404
    assert manager.get(f"{url}/{letter['id']}").data == PDF


def test_the_documents_page(care_page, db):
    manager, circle_id, _, _ = care_page
    manager.step_up()
    page = f'/circles/{circle_id}/documents'
    token = manager.csrf()
    bad = manager.client.post(page, data={'csrf_token': token, 'file': (io.BytesIO(PNG), 'brief.pdf')},
                              content_type='multipart/form-data')
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'Dit bestand is geen echte PDF.' in html and 'href="#file"' in html
    none = manager.client.post(page, data={'csrf_token': token, 'title': 'Brief'}, content_type='multipart/form-data')
    assert none.status_code == 422 and 'Kies een bestand.' in none.get_data(as_text=True)
    good = manager.client.post(page, data={'csrf_token': token, 'title': 'Brief',
                                           'file': (io.BytesIO(PDF), 'brief.pdf')}, content_type='multipart/form-data')
    assert good.status_code == 303
    listed = manager.get(good.headers['Location']).get_data(as_text=True)
    assert 'Het document staat op de zorgpagina.' in listed and 'Brief' in listed


def test_a_huge_bundle_is_refused_while_it_is_read(care_page, db):
    """A 15 MB Bundle of 250,000 entries is refused before it is parsed whole: the upload costs bounded memory."""
    import tracemalloc

    from hub.dossier.models import Document
    manager, circle_id, _, _ = care_page
    manager.step_up()
    entry = '{"resource":{"resourceType":"Observation","id":"o%d","status":"final"}}'
    huge = ('{"resourceType":"Bundle","type":"collection","entry":['
            + ','.join(entry % n for n in range(250_000)) + ']}').encode()
    assert len(huge) > 15_000_000
    tracemalloc.start()
    try:
        answer = _send(manager, f'/api/v1/circles/{circle_id}/documents', huge, 'groot.json')
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer.status_code == 422 and answer.get_json()['error']['code'] == 'too_many'
    assert peak < 3 * len(huge), f'{peak / 1e6:.0f} MB for a {len(huge) / 1e6:.0f} MB file'  # the file and its copies
    assert db.count(Document) == 0
