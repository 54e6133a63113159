"""What a manager's fine-tuning of a member's capabilities changes: downloads, provider messages, the calendar."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from hub.cli import cli
from tests.careprovider.test_fhir_sync import client_records, fhir_load
from tests.circle.test_api import _join


def test_a_trimmed_trust_member_downloads_and_writes_only_what_is_left(
        app, fhir_server, provider, coupling_code, register, db):
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    coverage = {'resourceType': 'Coverage', 'id': f'{patient_id}-cov', 'status': 'active',
                'beneficiary': {'reference': f'Patient/{patient_id}'}, 'payor': [{'display': 'Zilveren Kruis'}]}
    fhir_load(fhir_server.base_url, client_records(patient_id, reports=2) + [coverage])
    name = provider('Zorggroep Fijn', base_url=fhir_server.base_url)
    manager = register('m@example.nl')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    trust, member = _join(manager, circle, register, 'trust@example.nl', 'trust')
    export = f"/api/v1/circles/{circle['id']}/export"
    types = {e['resource']['resourceType'] for e in trust.get(export).get_json()['entry']}
    assert {'Coverage', 'Appointment', 'Observation', 'Patient'} <= types
    changed = manager.patch(f"/api/v1/circles/{circle['id']}/members/{member['id']}",
                            {'permissions': ['messages', 'dossier', 'appointments.own', 'appointments.add']})
    assert changed.status_code == 200, changed.get_json()
    types = {e['resource']['resourceType'] for e in trust.get(export).get_json()['entry']}
    assert 'Observation' in types and not types & {'Coverage', 'Appointment', 'Patient'}
    refused = trust.post(f"/api/v1/circles/{circle['id']}/messages", {'text': 'Aan de zorg', 'audience': 'provider'})
    assert refused.status_code == 403  # no messages.provider any more
    assert trust.post(f"/api/v1/circles/{circle['id']}/messages", {'text': 'Voor ons', 'audience': 'trust'}
                      ).status_code == 201  # still in the trust group


def test_a_stranger_is_not_on_the_access_log_and_a_note_goes_out_once(
        app, fhir_server, provider, coupling_code, register, db):
    from hub.core.models import AuditRecord
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    fhir_load(fhir_server.base_url, client_records(patient_id, reports=1))
    name = provider('Zorggroep Vreemd', base_url=fhir_server.base_url)
    manager = register('m@example.nl')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    stranger = register('x@example.nl')
    assert stranger.get(f"/api/v1/circles/{circle['id']}/timeline").status_code == 404
    assert stranger.get(f"/circles/{circle['id']}/timeline").status_code == 404
    log = manager.get(f"/api/v1/circles/{circle['id']}/access-log").get_json()['items']
    assert log == []
    refusals = db.scalars(select(AuditRecord).where(AuditRecord.event == 'dossier.timeline'))
    assert len(refusals) == 2 and all(str(r.circle_id) == circle['id'] and r.outcome == 'not_found'
                                      for r in refusals)  # the auditor sees them; the manager's log does not

    url = f"/api/v1/circles/{circle['id']}/notes"
    note = manager.post(url, {'text': 'Graag geen bezoek na acht uur.'}).get_json()
    assert manager.post(f"{url}/{note['id']}/share", {}).status_code == 200
    again = manager.post(f"{url}/{note['id']}/share", {})
    assert again.status_code == 409 and again.get_json()['error']['code'] == 'already_sent'
    changed = manager.patch(f"{url}/{note['id']}", {'text': 'Graag geen bezoek na negen uur.', 'version': 1})
    assert changed.status_code == 200
    assert manager.post(f"{url}/{note['id']}/share", {}).status_code == 200  # changed: it may go again


def test_a_removed_members_private_appointments_go_with_them(app, fhir_server, provider, coupling_code, register, db):
    from hub.circle.models import CalendarEntry
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    fhir_load(fhir_server.base_url, client_records(patient_id, reports=1))
    name = provider('Zorggroep Weg', base_url=fhir_server.base_url)
    manager = register('m@example.nl')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    basic, member = _join(manager, circle, register, 'basic@example.nl', 'basic')
    url = f"/api/v1/circles/{circle['id']}/appointments"
    when = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    basic.post(url, {'title': 'Eigen afspraak', 'starts_at': when, 'visibility': 'private'})
    basic.post(url, {'title': 'Voor iedereen', 'starts_at': when})
    assert manager.delete(f"/api/v1/circles/{circle['id']}/members/{member['id']}").status_code == 204
    assert [e.title for e in db.scalars(select(CalendarEntry))] == ['Voor iedereen']
