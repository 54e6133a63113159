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
