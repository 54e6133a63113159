"""Edges of the sync engine found in review: lost pages, pushed records, new versions, bad ids, failing events."""

import uuid
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import undefer

from hub.cli import cli
from tests.careprovider.test_fhir_resume import last_run, link, sync
from tests.careprovider.test_fhir_sync import client_records, fhir_load
from tests.careprovider.test_provider_api import credentials, token
from tests.servers import Proxy


def test_a_lost_page_fails_the_sync_and_deletes_nothing(app, fhir_server, provider, coupling_code, register, db):
    from hub.careprovider.models import Dossier, Record
    from hub.core.timeutil import utcnow
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    fhir_load(fhir_server.base_url, client_records(patient_id, reports=30))
    gone = {'on': False}
    proxy = Proxy(fhir_server.base_url,
                  fail=lambda method, path: 410 if gone['on'] and '_offset=10' in path else None).start()
    try:
        name = provider('Zorggroep Paging', base_url=proxy.base_url, count='10')
        link(register, coupling_code, name, patient_id)
        assert sync(app).exit_code == 0
        gone['on'] = True  # the server forgot its paging state, as HAPI does after a while
        db.execute(update(Dossier).values(reconciled_at=utcnow() - timedelta(days=2)))
        assert sync(app).exit_code == 1
    finally:
        proxy.stop()
    run = last_run(db)
    assert run.status == 'failed' and '410' in run.error
    assert not any(r.deleted for r in db.scalars(select(Record)))


def test_pushed_records_survive_the_reconciliation_of_a_pull(app, fhir_server, register, db):
    from hub.careprovider.models import Dossier, Record
    from hub.core.timeutil import utcnow
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    fhir_load(fhir_server.base_url, client_records(patient_id, reports=2))
    client = app.test_client()
    runner = app.test_cli_runner()
    runner.invoke(cli, ['provider', 'add', 'Zorg Beide', '--adapter', 'fhir', '--setting',
                        f'base_url={fhir_server.base_url}'])
    lines = runner.invoke(cli, ['provider', 'credentials', 'Zorg Beide']).output.splitlines()
    headers = token(client, lines[0].split()[1], lines[1].split()[1])
    code = client.post('/provider/v1/coupling-codes', json={'client_id': patient_id}, headers=headers).get_json()
    register('m@example.nl').post('/api/v1/connections', {'code': code['code']})
    role = {'resourceType': 'PractitionerRole', 'id': f'{patient_id}-role', 'practitioner': {'display': 'Dr. Bakker'},
            'specialty': [{'text': 'Specialist ouderengeneeskunde'}]}
    assert client.post(f'/provider/v1/dossiers/{patient_id}/records', json=role, headers=headers).status_code == 200
    assert runner.invoke(cli, ['sync', 'Zorg Beide', '--full']).exit_code == 0
    [pushed] = db.scalars(select(Record).where(Record.source_type == 'PractitionerRole'))
    assert pushed.via == 'push' and not pushed.deleted  # the pull never brings it; it was pushed, so it stays
    assert db.scalars(select(Dossier))[0].reconciled_at > utcnow() - timedelta(minutes=1)


def test_a_new_version_with_the_same_content_keeps_its_payload_without_counting_as_a_change(
        app, fhir_server, provider, coupling_code, register, db):
    from hub.careprovider.models import Record
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    resources = client_records(patient_id, reports=1)
    fhir_load(fhir_server.base_url, resources)
    name = provider('Zorggroep Versie', base_url=fhir_server.base_url)
    link(register, coupling_code, name, patient_id)
    assert sync(app).exit_code == 0
    [before] = db.scalars(select(Record).where(Record.source_id == f'Observation/{patient_id}-r0'))
    fhir_load(fhir_server.base_url, [resources[1]])  # the same content again: the server makes a new version
    assert sync(app).exit_code == 0
    assert set(last_run(db).counts) <= {'fetched', 'unchanged'}
    [after] = db.scalars(select(Record).options(undefer(Record.raw)).where(Record.source_id == f'Observation/{patient_id}-r0'))
    assert after.source_version != before.source_version and after.raw['meta']['versionId'] == after.source_version
    assert after.content_hash == before.content_hash


def test_client_ids_must_fit_the_system_and_one_unknown_client_does_not_pause_the_provider(
        app, fhir_server, provider, coupling_code, register, db):
    from hub.careprovider.models import Provider
    client = app.test_client()
    headers = token(client, *credentials(app, 'Zorg Een'))
    for bad in ('../Patient/x', 'a b', 'x' * 65, 'p?x=1'):
        answer = client.post('/provider/v1/coupling-codes', json={'client_id': bad}, headers=headers)
        assert answer.status_code == 422, bad
    result = app.test_cli_runner().invoke(cli, ['provider', 'code', 'Zorg Een', 'Patient/1'])
    assert result.exit_code != 0
    name = provider('Zorggroep Leeg', base_url=fhir_server.base_url)
    link(register, coupling_code, name, 'nobody-here')
    for _ in range(6):
        sync(app)
    assert db.scalars(select(Provider).where(Provider.name == name))[0].paused_until is None


def test_a_push_to_a_system_that_does_not_push_is_refused_in_plain_words(app, register, db):
    from hub.careprovider.operations import add_provider
    client = app.test_client()
    db.run(lambda: add_provider('Ons Zorg', 'ons', {'base_url': 'http://127.0.0.1:9'}))
    lines = app.test_cli_runner().invoke(cli, ['provider', 'credentials', 'Ons Zorg']).output.splitlines()
    headers = token(client, lines[0].split()[1], lines[1].split()[1])
    code = client.post('/provider/v1/coupling-codes', json={'client_id': '123'}, headers=headers).get_json()
    assert client.post('/provider/v1/coupling-codes', json={'client_id': 'abc'}, headers=headers).status_code == 422
    register('m@example.nl').post('/api/v1/connections', {'code': code['code']})
    answer = client.post('/provider/v1/dossiers/123/records', json={'id': 1}, headers=headers)
    assert answer.status_code == 400 and answer.get_json()['error']['code'] == 'push_not_supported'


def test_a_failing_event_waits_longer_each_time(app, register, db):
    import hashlib
    import hmac

    from hub.careprovider.models import ProviderEvent
    from hub.careprovider.operations import add_provider
    from hub.worker import handle_events
    secret = 'a-webhook-secret-from-the-dashboard'
    provider_id = db.run(lambda: str(add_provider('Ons Weg', 'ons', {'base_url': 'http://127.0.0.1:9',
                                                                      'webhook_secret': secret}).id))
    body = b'{"customerCode": "TE1002", "eventType": "UPDATE", "modelType": "report", "id": 5, ' \
           b'"timestamp": "2026-11-23T10:00:00.000+01:00", "amountOfRetries": 0}'
    signature = hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()
    client = app.test_client()
    assert client.post(f'/provider/v1/webhooks/{provider_id}', data=body,
                       headers={'X-Signature-SHA512': signature}).status_code == 200
    with app.app_context():
        handle_events()
        handle_events()  # not due again yet
    [event] = db.scalars(select(ProviderEvent))
    assert event.attempts == 1 and event.handled_at is None and 'not reachable' in event.error
    assert event.retry_at is not None
    db.execute(update(ProviderEvent).values(retry_at=event.received_at))
    with app.app_context():
        handle_events()
    [event] = db.scalars(select(ProviderEvent))
    assert event.attempts == 2 and (event.retry_at - event.received_at) > timedelta(minutes=1, seconds=30)


def test_wrong_signatures_are_limited_per_address(app, db):
    from hub.careprovider.operations import add_provider
    provider_id = db.run(lambda: str(add_provider('Ons Limiet', 'ons', {'base_url': 'http://127.0.0.1:9',
                                                                         'webhook_secret': 'x' * 32}).id))
    client = app.test_client()
    answers = [client.post(f'/provider/v1/webhooks/{provider_id}', data=b'{}',
                           headers={'X-Signature-SHA512': 'ab' * 64}).status_code for _ in range(31)]
    assert answers[:30] == [401] * 30 and answers[30] == 429
