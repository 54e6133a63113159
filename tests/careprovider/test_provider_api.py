"""The provider API: OAuth 2 client credentials, coupling codes, unlinking; a provider reaches only its own."""

from datetime import timedelta

from sqlalchemy import select, update

from hub.cli import cli


def credentials(app, name):
    runner = app.test_cli_runner()
    runner.invoke(cli, ['provider', 'add', name, '--adapter', 'fhir', '--setting', 'base_url=https://x.nl/R4'])
    lines = runner.invoke(cli, ['provider', 'credentials', name]).output.splitlines()
    return lines[0].split()[1], lines[1].split()[1]


def token(client, client_id, secret, scope=None):
    data = {'grant_type': 'client_credentials', **({'scope': scope} if scope else {})}
    response = client.post('/provider/v1/oauth/token', data=data, auth=(client_id, secret))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body['token_type'].lower() == 'bearer' and body['expires_in'] == 3600
    return {'Authorization': f"Bearer {body['access_token']}"}


def test_a_provider_issues_lists_and_revokes_codes(app, register, db):
    from hub.careprovider.models import ProviderClient, ProviderToken
    client = app.test_client()
    client_id, secret = credentials(app, 'Zorg Een')
    [stored] = db.scalars(select(ProviderClient))
    assert secret not in stored.secret_hash
    headers = token(client, client_id, secret)
    response = client.post('/provider/v1/coupling-codes', json={'client_id': 'p-1'}, headers=headers)
    assert response.status_code == 201, response.get_json()
    issued = response.get_json()
    assert issued['state'] == 'issued' and len(issued['code']) == 14
    listed = client.get('/provider/v1/coupling-codes', headers=headers).get_json()['items']
    assert [c['id'] for c in listed] == [issued['id']] and 'code' not in listed[0]

    manager = register('m@example.nl')
    assert manager.post('/api/v1/connections', {'code': issued['code']}).status_code == 201
    assert client.get('/provider/v1/coupling-codes', headers=headers).get_json()['items'][0]['state'] == 'redeemed'
    second = client.post('/provider/v1/coupling-codes', json={'client_id': 'p-2'}, headers=headers).get_json()
    response = client.post(f"/provider/v1/coupling-codes/{second['id']}/revoke", headers=headers)
    assert response.status_code == 200 and response.get_json()['state'] == 'revoked'
    assert manager.post('/api/v1/connections', {'code': second['code']}).status_code == 400

    assert client.delete('/provider/v1/dossiers/p-1/link', headers=headers).status_code == 204
    assert manager.get('/api/v1/circles').get_json()['items'][0]['providers'] == []
    assert client.delete('/provider/v1/dossiers/p-1/link', headers=headers).status_code == 404
    assert db.count(ProviderToken) == 1


def test_a_provider_reaches_only_its_own_codes(app, register):
    client = app.test_client()
    one = token(client, *credentials(app, 'Zorg Een'))
    two = token(client, *credentials(app, 'Zorg Twee'))
    issued = client.post('/provider/v1/coupling-codes', json={'client_id': 'p-1'}, headers=one).get_json()
    assert client.get('/provider/v1/coupling-codes', headers=two).get_json()['items'] == []
    assert client.post(f"/provider/v1/coupling-codes/{issued['id']}/revoke", headers=two).status_code == 404
    register('m@example.nl').post('/api/v1/connections', {'code': issued['code']})
    assert client.delete('/provider/v1/dossiers/p-1/link', headers=two).status_code == 404


def test_bad_credentials_tokens_and_scopes(app, db):
    from hub.careprovider.models import ProviderToken
    from hub.core.timeutil import utcnow
    client = app.test_client()
    client_id, secret = credentials(app, 'Zorg Een')
    response = client.post('/provider/v1/oauth/token', data={'grant_type': 'client_credentials'},
                           auth=(client_id, 'wrong'))
    assert response.status_code == 401 and response.get_json()['error'] == 'invalid_client'
    response = client.post('/provider/v1/oauth/token', data={'grant_type': 'password', 'username': 'x',
                                                            'password': 'y'}, auth=(client_id, secret))
    assert response.status_code == 400
    assert client.post('/provider/v1/coupling-codes', json={'client_id': 'p'}).status_code == 401
    bogus = {'Authorization': 'Bearer not-a-token'}
    response = client.post('/provider/v1/coupling-codes', json={'client_id': 'p'}, headers=bogus)
    assert response.status_code == 401 and response.get_json()['error']['code'] == 'invalid_token'

    records_only = token(client, client_id, secret, scope='records')
    response = client.post('/provider/v1/coupling-codes', json={'client_id': 'p'}, headers=records_only)
    assert response.status_code == 403 and response.get_json()['error']['code'] == 'insufficient_scope'

    headers = token(client, client_id, secret)
    for body in ({}, {'client_id': ''}, {'client_id': 5}, {'client_id': 'p', 'x': 1}, {'client_id': 'p', 'transfer': 'yes'}):
        assert client.post('/provider/v1/coupling-codes', json=body, headers=headers).status_code == 422, body
    db.execute(update(ProviderToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = client.post('/provider/v1/coupling-codes', json={'client_id': 'p'}, headers=headers)
    assert response.status_code == 401


def test_a_provider_pushes_records_to_its_own_linked_dossiers_only(app, register, db):
    from hub.careprovider.models import Record
    client = app.test_client()
    one = token(client, *credentials(app, 'Zorg Een'))
    two = token(client, *credentials(app, 'Zorg Twee'))
    issued = client.post('/provider/v1/coupling-codes', json={'client_id': 'p-1'}, headers=one).get_json()
    manager = register('m@example.nl')
    circle = manager.post('/api/v1/connections', {'code': issued['code']}).get_json()
    subject = {'reference': 'Patient/p-1'}
    report = {'resourceType': 'Observation', 'id': 'r1', 'status': 'final', 'subject': subject,
              'code': {'coding': [{'system': 'http://snomed.info/sct', 'code': '11591000146107'}]},
              'effectiveDateTime': '2026-11-20T10:00:00+01:00', 'valueString': 'Gepusht verslag.'}
    bundle = {'resourceType': 'Bundle', 'type': 'collection', 'entry': [
        {'resource': {'resourceType': 'Patient', 'id': 'p-1', 'name': [{'text': 'Annie Bakker'}]}},
        {'resource': report},
        {'resource': {**report, 'id': 'r2', 'subject': {'reference': 'Patient/someone-else'}}},
        {'resource': {'resourceType': 'Basic', 'id': 'b'}},
        {'resource': {**report, 'id': 'r3', 'valueString': 'x' * 100001}},
        'not a resource']}
    response = client.post('/provider/v1/dossiers/p-1/records', json=bundle, headers=one)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [r['index'] for r in body['refused']] == [2, 3, 4, 5]  # r3 does not fit the common model: index 4
    assert 'common model' in body['refused'][2]['message']
    assert body['counts']['created'] == 2 and body['counts']['rejected'] == 1
    assert manager.get(f"/api/v1/circles/{circle['id']}").get_json()['name'] == 'Annie Bakker'
    again = client.post('/provider/v1/dossiers/p-1/records', json=report, headers=one).get_json()
    assert again['counts'] == {'pushed': 1, 'received': 1, 'unchanged': 1, 'refused': 0}
    refused = client.post('/provider/v1/dossiers/p-1/records', json=report, headers=two)  # another provider's
    assert refused.status_code == 403 and refused.get_json()['error']['code'] == 'not_your_dossier'
    assert client.post('/provider/v1/dossiers/nobody/records', json=report, headers=one).status_code == 403
    codes_only = token(client, *credentials(app, 'Zorg Een'), scope='codes')
    assert client.post('/provider/v1/dossiers/p-1/records', json=report, headers=codes_only).status_code == 403
    response = client.post('/provider/v1/dossiers/p-1/records', json={'resourceType': 'Bundle', 'entry': [5]},
                           headers=one)
    assert response.status_code == 422 and response.get_json()['error']['fields']['records'][0]['index'] == 0
    response = client.post('/provider/v1/dossiers/p-1/records', data='{', content_type='application/json',
                           headers=one)
    assert response.status_code == 422
    assert db.count(Record) == 2


def test_remap_rebuilds_records_from_the_stored_payloads(app, register, db):
    from sqlalchemy import update

    from hub.careprovider.models import Record
    client = app.test_client()
    headers = token(client, *credentials(app, 'Zorg Een'))
    issued = client.post('/provider/v1/coupling-codes', json={'client_id': 'p-1'}, headers=headers).get_json()
    register('m@example.nl').post('/api/v1/connections', {'code': issued['code']})
    client.post('/provider/v1/dossiers/p-1/records', headers=headers, json={
        'resourceType': 'Patient', 'id': 'p-1', 'name': [{'given': ['Annie'], 'family': 'Bakker'}]})
    db.execute(update(Record).values(data={'name': 'stale'}, content_hash='x'))
    result = app.test_cli_runner().invoke(cli, ['remap', '--adapter', 'fhir'])
    assert result.exit_code == 0 and 'updated 1' in result.output, result.output
    [record] = db.scalars(select(Record))
    assert record.data['name'] == 'Annie Bakker'


def test_two_versions_of_one_record_in_one_push_end_in_the_newest(app, register, db):
    from hub.careprovider.models import Record
    client = app.test_client()
    headers = token(client, *credentials(app, 'Zorg Een'))
    issued = client.post('/provider/v1/coupling-codes', json={'client_id': 'p-1'}, headers=headers).get_json()
    register('m@example.nl').post('/api/v1/connections', {'code': issued['code']})
    report = {'resourceType': 'Observation', 'id': 'r1', 'status': 'final', 'subject': {'reference': 'Patient/p-1'},
              'code': {'coding': [{'system': 'http://snomed.info/sct', 'code': '11591000146107'}]},
              'effectiveDateTime': '2026-11-20T10:00:00+01:00'}
    old = {**report, 'meta': {'versionId': '1', 'lastUpdated': '2026-11-20T10:00:00Z'}, 'valueString': 'Eerste versie.'}
    new = {**report, 'meta': {'versionId': '2', 'lastUpdated': '2026-11-20T11:00:00Z'}, 'valueString': 'Tweede versie.'}
    body = client.post('/provider/v1/dossiers/p-1/records', headers=headers, json={
        'resourceType': 'Bundle', 'type': 'collection', 'entry': [{'resource': old}, {'resource': new}]}).get_json()
    assert body['counts']['created'] == 1 and body['counts']['updated'] == 1
    body = client.post('/provider/v1/dossiers/p-1/records', headers=headers, json=old).get_json()
    assert body['counts'] == {'pushed': 1, 'received': 1, 'stale': 1, 'refused': 0}  # late and older: ignored
    [record] = db.scalars(select(Record))
    assert record.data['text'] == 'Tweede versie.' and record.source_version == '2'


def test_a_provider_fetches_its_outbox_and_acknowledges_items_once(app, register, db):
    from hub.core.models import OutboxItem
    from tests.dossier.test_plans import plan_resources
    client = app.test_client()
    runner = app.test_cli_runner()
    for name in ('Zorg Haal', 'Zorg Ander'):  # no server to send to: the provider fetches its items
        runner.invoke(cli, ['provider', 'add', name, '--adapter', 'fhir', '--setting', 'bundle=/dev/null'])
    def creds(name, scope):
        lines = runner.invoke(cli, ['provider', 'credentials', name]).output.splitlines()
        return token(client, lines[0].split()[1], lines[1].split()[1], scope=scope)
    mine, other = creds('Zorg Haal', 'codes records outbox'), creds('Zorg Ander', 'outbox')
    codes_only = creds('Zorg Haal', 'codes')
    issued = client.post('/provider/v1/coupling-codes', json={'client_id': 'p-9'}, headers=mine).get_json()
    manager = register('m@example.nl', 'Gerda', 'Smit')
    circle = manager.post('/api/v1/connections', {'code': issued['code']}).get_json()
    pushed = client.post('/provider/v1/dossiers/p-9/records', headers=mine, json={
        'resourceType': 'Bundle', 'type': 'collection', 'entry': [{'resource': r} for r in plan_resources('p-9')]})
    assert pushed.get_json()['counts']['created'] == 3
    assert client.get('/provider/v1/outbox', headers=mine).get_json() == {'items': [], 'next': None}
    [plan] = manager.get(f"/api/v1/circles/{circle['id']}/plans").get_json()['items']
    answer = manager.post(f"/api/v1/circles/{circle['id']}/plans/{plan['id']}/approve", {'version': plan['version'],
                                                                                         'agree': True})
    assert answer.status_code == 201, answer.get_json()
    with app.app_context():
        from hub.worker import deliver_outbox
        deliver_outbox()  # it waits to be fetched: the worker leaves it alone

    assert client.get('/provider/v1/outbox', headers=codes_only).status_code == 403
    assert client.get('/provider/v1/outbox', headers=other).get_json()['items'] == []
    [item] = client.get('/provider/v1/outbox', headers=mine).get_json()['items']
    assert item['kind'] == 'plan_approval' and item['client_id'] == 'p-9' and item['status'] == 'pending'
    assert item['resource']['resourceType'] == 'Provenance'
    assert item['resource']['target'][0]['reference'].startswith('CarePlan/p-9-cp/_history/')
    assert client.post(f"/provider/v1/outbox/{item['id']}/ack", headers=other).status_code == 404
    acked = client.post(f"/provider/v1/outbox/{item['id']}/ack", headers=mine)
    assert acked.status_code == 200 and acked.get_json()['status'] == 'delivered'
    again = client.post(f"/provider/v1/outbox/{item['id']}/ack", headers=mine)  # at least once: a repeat is harmless
    assert again.status_code == 200 and again.get_json()['status'] == 'delivered'
    import jsonschema_rs
    document = client.get('/provider/v1/openapi.json').get_json()
    documented = document['paths']['/outbox/{item_id}/ack']['post']['responses']['200']['content']['application/json']
    schema = {**documented['schema'], 'components': document['components']}  # where its $refs point
    for answer in (item, acked.get_json(), again.get_json()):  # the document tells the truth, before and after
        jsonschema_rs.validate(schema, answer)
    assert client.get('/provider/v1/outbox', headers=mine).get_json()['items'] == []
    assert client.post('/provider/v1/outbox/not-an-id/ack', headers=mine).status_code == 404
    [stored] = db.scalars(select(OutboxItem).where(OutboxItem.channel == 'provider_api'))
    assert stored.status == 'sent' and stored.payload == {} and stored.attempts == 0  # the worker never sends these


def test_a_pushed_resource_may_name_the_client_by_an_identifier_of_its_patient(app, register, db):
    client = app.test_client()
    headers = token(client, *credentials(app, 'Zorg Een'))
    issued = client.post('/provider/v1/coupling-codes', json={'client_id': 'p-1'}, headers=headers).get_json()
    register('m@example.nl').post('/api/v1/connections', {'code': issued['code']})
    bsn = {'system': 'http://fhir.nl/fhir/NamingSystem/bsn', 'value': '999911120'}
    report = {'resourceType': 'Observation', 'id': 'r1', 'status': 'final', 'subject': {'identifier': bsn},
              'code': {'coding': [{'system': 'http://snomed.info/sct', 'code': '11591000146107'}]},
              'effectiveDateTime': '2026-11-20T10:00:00+01:00', 'valueString': 'Via het BSN.'}
    other = dict(report, id='r2', subject={'identifier': dict(bsn, value='123456782')})
    body = client.post('/provider/v1/dossiers/p-1/records', headers=headers, json={
        'resourceType': 'Bundle', 'type': 'collection', 'entry': [
            {'resource': {'resourceType': 'Patient', 'id': 'p-1', 'identifier': [bsn], 'name': [{'text': 'A B'}]}},
            {'resource': report}, {'resource': other}]}).get_json()
    assert body['counts']['created'] == 2 and [r['index'] for r in body['refused']] == [2]


def test_a_record_with_a_lone_surrogate_is_refused_and_the_rest_stored(app, register):
    import json
    client = app.test_client()
    one = token(client, *credentials(app, 'Zorg Een'))
    issued = client.post('/provider/v1/coupling-codes', json={'client_id': 'p-1'}, headers=one).get_json()
    manager = register('m@example.nl')
    manager.post('/api/v1/connections', {'code': issued['code']})
    report = {'resourceType': 'Observation', 'id': 'r1', 'status': 'final', 'subject': {'reference': 'Patient/p-1'},
              'code': {'coding': [{'system': 'http://snomed.info/sct', 'code': '11591000146107'}]},
              'effectiveDateTime': '2026-11-20T10:00:00+01:00', 'valueString': 'Goed verslag.'}
    body = json.dumps({'resourceType': 'Bundle', 'type': 'collection', 'entry': [
        {'resource': report}, {'resource': {**report, 'id': 'r2', 'valueString': 'SURROGATE'}}]})
    body = body.replace('SURROGATE', 'kapot \\ud800 verslag')
    response = client.post('/provider/v1/dossiers/p-1/records', data=body, content_type='application/json',
                           headers=one)
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()
    assert [r['index'] for r in answer['refused']] == [1] and answer['counts']['created'] == 1


def test_credentials_are_listed_revoked_and_rotated(app):
    runner = app.test_cli_runner()
    client = app.test_client()
    client_id, secret = credentials(app, 'Zorg Een')
    headers = token(client, client_id, secret)
    assert client.get('/provider/v1/outbox', headers=headers).status_code == 200
    listed = runner.invoke(cli, ['provider', 'credentials', 'Zorg Een', '--list'])
    assert listed.exit_code == 0 and client_id in listed.output
    revoked = runner.invoke(cli, ['provider', 'credentials', 'Zorg Een', '--revoke', client_id])
    assert revoked.exit_code == 0, revoked.output
    assert client.get('/provider/v1/outbox', headers=headers).status_code == 401  # its token died at once
    refused = client.post('/provider/v1/oauth/token', data={'grant_type': 'client_credentials'}, auth=(client_id, secret))
    assert refused.status_code in (400, 401) and refused.get_json()['error'] == 'invalid_client'
    listed = runner.invoke(cli, ['provider', 'credentials', 'Zorg Een', '--list']).output
    [line] = [line for line in listed.splitlines() if line.startswith(client_id)]
    assert len(line.split()) > 3  # the revocation time is shown
    unknown = runner.invoke(cli, ['provider', 'credentials', 'Zorg Een', '--revoke', 'ch_nobody'])
    assert unknown.exit_code != 0 and 'no API client with this id' in unknown.output  # English, as the command line

    second = runner.invoke(cli, ['provider', 'credentials', 'Zorg Een']).output.splitlines()
    second_id, second_secret = second[0].split()[1], second[1].split()[1]
    old_headers = token(client, second_id, second_secret)
    rotated = runner.invoke(cli, ['provider', 'credentials', 'Zorg Een', '--rotate', second_id])
    assert rotated.exit_code == 0, rotated.output
    new_id, new_secret = rotated.output.splitlines()[0].split()[1], rotated.output.splitlines()[1].split()[1]
    assert client.get('/provider/v1/outbox', headers=old_headers).status_code == 401
    assert client.get('/provider/v1/outbox', headers=token(client, new_id, new_secret)).status_code == 200
    both = runner.invoke(cli, ['provider', 'credentials', 'Zorg Een', '--list', '--revoke', new_id])
    assert both.exit_code != 0


def test_a_token_endpoint_that_says_wait_answers_as_its_document_says(app):
    import jsonschema_rs
    client = app.test_client()
    client_id, _ = credentials(app, 'Zorg Haast')  # the endpoint's own limit: 30 wrong tries a minute
    answers = [client.post('/provider/v1/oauth/token', data={'grant_type': 'client_credentials'},
                           auth=(client_id, 'wrong')) for _ in range(31)]
    assert [a.status_code for a in answers] == [401] * 30 + [429]
    document = client.get('/provider/v1/openapi.json').get_json()
    documented = document['paths']['/oauth/token']['post']['responses']['429']['content']['application/json']
    schema = {**documented['schema'], 'components': document['components']}  # where its $refs point
    assert jsonschema_rs.validator_for(schema).is_valid(answers[-1].get_json())
    assert answers[-1].headers['Retry-After']
