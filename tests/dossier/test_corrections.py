"""Asking the provider to correct an item of the dossier: the request goes through the outbox as a FHIR Task (HL7's
Patient Request for Corrections) to a real FHIR server, the provider's staff answer on the Task, and the answer
comes back with the next sync."""

import uuid
from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy import select

from tests.careprovider.test_fhir_sync import fhir_load
from tests.circle.test_messages import page_of
from tests.fill import add_member
from tests.reading import text


def _report(patient_id):
    return [{'resourceType': 'Observation', 'id': f'{patient_id}-w', 'status': 'final',
             'code': {'coding': [{'system': 'http://loinc.org', 'code': '29463-7', 'display': 'Lichaamsgewicht'}]},
             'subject': {'reference': f'Patient/{patient_id}'}, 'effectiveDateTime': '2026-11-02T09:00:00+01:00',
             'valueQuantity': {'value': 712, 'unit': 'kg', 'system': 'http://unitsofmeasure.org', 'code': 'kg'}}]


def _tell_answers(app):
    from hub.core.commit import unit_of_work
    from hub.dossier.answers import notify_answers
    with app.test_request_context(), unit_of_work():
        return notify_answers()


def _weight(manager, circle):
    manager.step_up()
    series = manager.get(f"/api/v1/circles/{circle['id']}/measurements").get_json()
    return next(point for s in series['items'] for point in s['points'])


def test_a_correction_goes_to_the_fhir_server_and_its_answer_comes_back(app, fhir_server, provider, coupling_code,
                                                                        register, db, mailbox):
    from hub.cli import cli
    from hub.core.models import AuditRecord, OutboxItem
    from hub.worker import deliver_outbox
    manager, circle, name, patient_id = page_of(fhir_server, provider, coupling_code, register, extra=_report)
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    weight = _weight(manager, circle)
    url = f"/api/v1/circles/{circle['id']}/corrections"

    asked = manager.post(url, {'record_id': weight['id'], 'text': 'Het gewicht is 71,2 kg, niet 712 kg.'})
    assert asked.status_code == 202, asked.get_json()
    request = asked.get_json()
    assert request['status'] == 'sent' and request['record_kind'] == 'measurement' and request['answer'] is None
    assert request['about'] == 'Lichaamsgewicht: 712 kg' and request['requested_by'] == 'Mieke Bos'
    assert request['record_at'].startswith('2026-11-02T08:00:00')
    assert request['provider'] == name
    assert db.count(AuditRecord, AuditRecord.event == 'dossier.correction') == 1

    [item] = db.scalars(select(OutboxItem).where(OutboxItem.channel == 'provider'))
    with app.app_context():
        deliver_outbox()
    task_url = f'{fhir_server.base_url}/Task/carehub-{item.id}'
    task = requests.get(task_url, timeout=10).json()
    assert task['status'] == 'requested' and task['code']['coding'][0]['code'] == 'medRecCxReq'
    assert task['focus'] == {'reference': f'Observation/{patient_id}-w', 'display': 'Lichaamsgewicht: 712 kg (2026-11-02)'}
    assert task['for'] == {'reference': f'Patient/{patient_id}'} and task['requester'] == {'display': 'Mieke Bos'}
    [asked_in] = task['contained']
    assert asked_in['resourceType'] == 'Communication'
    assert asked_in['payload'] == [{'contentString': 'Het gewicht is 71,2 kg, niet 712 kg.'}]
    assert task['input'][0]['valueReference'] == {'reference': '#request'}
    assert manager.get(url).get_json()['items'][0]['status'] == 'received'

    # the Task as it is comes back with a sync: still received, nothing answered
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    [listed] = manager.get(url).get_json()['items']
    assert listed['status'] == 'received' and listed['answer'] is None
    before = len(mailbox.deliver())
    assert _tell_answers(app) == 0  # received: nothing to tell yet

    # the provider's staff accept it and answer
    answered = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    task.update(status='completed', lastModified=answered.isoformat(),
                output=[{'type': {'text': 'Antwoord'}, 'valueString': 'Aangepast naar 71,2 kg. Dank u wel.'}])
    fhir_load(fhir_server.base_url, [task])
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    [listed] = manager.get(url).get_json()['items']
    assert listed['status'] == 'accepted' and listed['answer'] == 'Aangepast naar 71,2 kg. Dank u wel.'
    assert datetime.fromisoformat(listed['answered_at']) == answered
    page = text(manager.get(f"/circles/{circle['id']}/corrections"))
    assert 'Aangepast naar 71,2 kg.' in page and 'Meting van 2 november 2026: Lichaamsgewicht' in page
    # the one who asked hears that there is an answer (once; the mail does not say what it is)
    assert _tell_answers(app) == 1 and _tell_answers(app) == 0
    [mail] = mailbox.deliver()[before:]
    assert mail['To'] == 'm@example.nl' and mail['Subject'] == 'De zorgaanbieder heeft je vraag beantwoord'
    assert f"/circles/{circle['id']}/corrections" in mail.get_content() and '71,2' not in mail.get_content()

    # a second request, declined with a reason
    second = manager.post(url, {'record_id': weight['id'], 'text': 'De datum klopt ook niet.'}).get_json()
    with app.app_context():
        deliver_outbox()
    [other] = [i for i in db.scalars(select(OutboxItem).where(OutboxItem.channel == 'provider')) if i.id != item.id]
    declined = requests.get(f'{fhir_server.base_url}/Task/carehub-{other.id}', timeout=10).json()
    declined.update(status='rejected', statusReason={'text': 'De datum is die van de meting.'})
    fhir_load(fhir_server.base_url, [declined])
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    listed = manager.get(url).get_json()['items']
    assert [(i['id'], i['status'], i['answer']) for i in listed] == [
        (second['id'], 'declined', 'De datum is die van de meting.'),
        (request['id'], 'accepted', 'Aangepast naar 71,2 kg. Dank u wel.')]


def test_who_may_ask_and_bad_requests_change_nothing(app, fhir_server, provider, coupling_code, register, db):
    from hub.cli import cli
    from hub.core.models import OutboxItem
    from hub.dossier.models import CorrectionRequest
    manager, circle, name, _ = page_of(fhir_server, provider, coupling_code, register, extra=_report)
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    weight = _weight(manager, circle)
    url = f"/api/v1/circles/{circle['id']}/corrections"
    for body in ({}, {'record_id': weight['id']}, {'record_id': weight['id'], 'text': ''},
                 {'record_id': weight['id'], 'text': 'x' * 2001}, {'record_id': 'nee', 'text': 'Klopt niet.'},
                 {'record_id': str(uuid.uuid4()), 'text': 'Klopt niet.'},
                 {'record_id': weight['id'], 'text': 'Klopt niet.', 'extra': 1}):
        answer = manager.post(url, body)
        assert answer.status_code == 422, (body, answer.get_json())
        assert set(answer.get_json()['error']) >= {'code', 'message'}
    assert manager.post(url, data='geen json', headers={'Content-Type': 'application/json'}).status_code in (400, 422)
    trust, _ = add_member(register, db, uuid.UUID(circle['id']), 'trust@example.nl', 'trust')
    trust.step_up()
    assert trust.get(url).status_code == 403
    assert trust.post(url, {'record_id': weight['id'], 'text': 'Klopt niet.'}).status_code == 403
    outsider = register('o@example.nl', 'Olga', 'Buiten')
    assert outsider.get(url).status_code in (403, 404)
    assert db.count(CorrectionRequest) == 0 and db.count(OutboxItem, OutboxItem.channel == 'provider') == 0
    page = f"/circles/{circle['id']}/corrections"
    assert trust.get(page).status_code == 403
    # the page: the form names the item, an empty text is a form message, a good one is sent
    form = manager.get(f"{page}?record={weight['id']}").get_data(as_text=True)
    assert 'Lichaamsgewicht' in form
    empty = manager.client.post(page, data={'record_id': weight['id'], 'text': '', 'csrf_token': manager.csrf()})
    assert empty.status_code == 422 and 'Schrijf eerst iets.' in empty.get_data(as_text=True)
    sent = manager.client.post(page, data={'record_id': weight['id'], 'text': 'Het gewicht klopt niet.',
                                           'csrf_token': manager.csrf()})
    assert sent.status_code == 303
    assert 'Het gewicht klopt niet.' in manager.get(page).get_data(as_text=True)
    assert db.count(CorrectionRequest) == 1
