"""An app connects with SMART on FHIR (standalone launch): consent, a code with PKCE, tokens, refresh, revocation,
and every wrong request refused as RFC 6749 and SMART say, never sent to an address the app did not register."""

from urllib.parse import urlsplit

from sqlalchemy import select

from tests.apps.flow import (
    PUBLIC_REDIRECT,
    SERVER_REDIRECT,
    add_app,
    answer,
    authorize_url,
    connect,
    consent,
    pkce,
    token,
)


def test_discovery_names_the_endpoints_and_s256_only(app):
    body = app.test_client().get('/fhir/R4/.well-known/smart-configuration').get_json()
    assert body['authorization_endpoint'] == 'https://carehub.test/oauth/authorize'
    assert body['token_endpoint'] == 'https://carehub.test/oauth/token'
    assert body['revocation_endpoint'] == 'https://carehub.test/oauth/revoke'
    assert body['code_challenge_methods_supported'] == ['S256']
    assert {'launch-standalone', 'client-public', 'client-confidential-symmetric', 'context-standalone-patient',
            'permission-patient', 'permission-v2'} <= set(body['capabilities'])
    assert 'patient/Observation.rs' in body['scopes_supported']


def test_a_public_app_with_pkce_gets_a_token_for_the_care_page(app, care_page, db):
    from hub.apps.models import AppCode, AppGrant, AppToken
    manager, circle_id, _, _ = care_page
    client_id, _ = add_app(db, 'Dagplanner', PUBLIC_REDIRECT)
    verifier, challenge = pkce()
    url = authorize_url(client_id, PUBLIC_REDIRECT, challenge, 'launch/patient patient/Observation.rs openid')
    page = manager.client.get(url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'Dagplanner' in text
    assert "form-action 'self' nl.dagplanner.app:" in page.headers['Content-Security-Policy']
    sent = answer(consent(manager, url))
    assert urlsplit(consent(manager, url).headers['Location']).path == '/callback'
    assert sent['state'] == 'st-123' and len(sent['code']) >= 40
    fresh = app.test_client()
    response = token(fresh, client_id, grant_type='authorization_code', code=sent['code'],
                     redirect_uri=PUBLIC_REDIRECT, code_verifier=verifier)
    body = response.get_json()
    assert response.status_code == 200, body
    assert body['token_type'] == 'Bearer' and body['expires_in'] == 3600 and body['patient'] == str(circle_id)
    assert body['scope'] == 'launch/patient patient/Observation.rs openid' and 'refresh_token' not in body
    assert response.headers['Cache-Control'] == 'no-store'
    again = token(fresh, client_id, grant_type='authorization_code', code=sent['code'], redirect_uri=PUBLIC_REDIRECT,
                  code_verifier=verifier)
    assert again.status_code == 400 and again.get_json()['error'] == 'invalid_grant'  # a code works once
    [row] = db.scalars(select(AppToken))
    assert row.revoked_at is not None  # and a code used twice stops what it gave
    assert body['access_token'] not in row.access_hash and len(row.access_hash) == 64
    [grant] = db.scalars(select(AppGrant))
    assert grant.circle_id == circle_id and grant.role == 'manager'
    assert all(code.code_hash != sent['code'] for code in db.scalars(select(AppCode)))


def test_a_confidential_app_refreshes_with_offline_access_and_revokes(app, care_page, db):
    from hub.core.models import AuditRecord
    manager, circle_id, _, _ = care_page
    client_id, secret = add_app(db, 'Huisartsportaal', SERVER_REDIRECT, confidential=True)
    body = connect(manager, client_id, SERVER_REDIRECT, 'launch/patient patient/*.read offline_access', secret=secret)
    assert body['scope'] == 'launch/patient patient/*.read offline_access' and body['refresh_token']
    fresh = app.test_client()
    assert token(fresh, client_id, 'wrong', grant_type='refresh_token',
                 refresh_token=body['refresh_token']).status_code == 401  # the secret is checked
    refreshed = token(fresh, client_id, secret, grant_type='refresh_token', refresh_token=body['refresh_token'])
    new = refreshed.get_json()
    assert refreshed.status_code == 200, new
    assert new['refresh_token'] != body['refresh_token'] and new['patient'] == str(circle_id)
    # the old refresh token was used: sent again (stolen?), it fails and stops every token of the consent
    reused = token(fresh, client_id, secret, grant_type='refresh_token', refresh_token=body['refresh_token'])
    assert reused.status_code == 400 and reused.get_json()['error'] == 'invalid_grant'
    assert token(fresh, client_id, secret, grant_type='refresh_token',
                 refresh_token=new['refresh_token']).status_code == 400
    # a new consent, then revocation (RFC 7009): 200, known or not
    body = connect(manager, client_id, SERVER_REDIRECT, 'launch/patient patient/*.rs offline_access', secret=secret)
    revoked = fresh.post('/oauth/revoke', data={'token': body['refresh_token']}, auth=(client_id, secret))
    assert revoked.status_code == 200 and revoked.get_json() == {}
    assert token(fresh, client_id, secret, grant_type='refresh_token',
                 refresh_token=body['refresh_token']).status_code == 400
    assert fresh.post('/oauth/revoke', data={'token': 'unknown'}, auth=(client_id, secret)).status_code == 200
    events = {row.event for row in db.scalars(select(AuditRecord).where(AuditRecord.event.like('app.%')))}
    assert {'app.consent', 'app.token', 'app.revoke'} <= events


def test_what_cannot_go_back_safely_gets_a_page_never_a_redirect(app, care_page, db):
    manager, _, _, _ = care_page
    client_id, _ = add_app(db, 'Dagplanner', PUBLIC_REDIRECT)
    _, challenge = pkce()
    for url in (authorize_url('unknown-app', PUBLIC_REDIRECT, challenge),
                authorize_url(client_id, 'https://evil.example/cb', challenge),
                authorize_url(client_id, PUBLIC_REDIRECT + '/more', challenge),  # compared whole
                authorize_url(client_id, None, challenge)):
        response = manager.client.get(url)
        assert response.status_code == 400 and 'Location' not in response.headers, url
        assert 'cannot connect' in response.get_data(as_text=True) or 'kan niet' in response.get_data(as_text=True)


def test_wrong_requests_go_back_to_the_registered_address_with_their_error(app, care_page, db):
    manager, _, _, _ = care_page
    client_id, _ = add_app(db, 'Dagplanner', PUBLIC_REDIRECT)
    verifier, challenge = pkce()
    cases = {
        'invalid_request': [authorize_url(client_id, PUBLIC_REDIRECT, challenge, aud='https://other.example/fhir'),
                            authorize_url(client_id, PUBLIC_REDIRECT, challenge, aud=None),
                            authorize_url(client_id, PUBLIC_REDIRECT, None, code_challenge_method=None),
                            authorize_url(client_id, PUBLIC_REDIRECT, verifier, code_challenge_method='plain')],
        'invalid_scope': [authorize_url(client_id, PUBLIC_REDIRECT, challenge, 'patient/Observation.cud'),
                          authorize_url(client_id, PUBLIC_REDIRECT, challenge, 'user/*.rs launch/patient')],
        'unsupported_response_type': [authorize_url(client_id, PUBLIC_REDIRECT, challenge, response_type='token')],
    }
    for error, urls in cases.items():
        for url in urls:
            response = manager.client.get(url)
            assert response.status_code == 302, (url, response.get_data(as_text=True)[:300])
            assert response.headers['Location'].startswith(PUBLIC_REDIRECT + '?'), url
            sent = answer(response)
            assert sent['error'] == error and sent['state'] == 'st-123', (url, sent)
    refused = answer(consent(manager, authorize_url(client_id, PUBLIC_REDIRECT, challenge), decision='no'))
    assert refused['error'] == 'access_denied' and refused['state'] == 'st-123' and 'code' not in refused
    # the code with a wrong verifier, or without one
    for verifier_sent in ('x' * 50, None):
        sent = answer(consent(manager, authorize_url(client_id, PUBLIC_REDIRECT, challenge)))
        form = {'grant_type': 'authorization_code', 'code': sent['code'], 'redirect_uri': PUBLIC_REDIRECT}
        if verifier_sent:
            form['code_verifier'] = verifier_sent
        response = token(app.test_client(), client_id, **form)
        assert response.status_code == 400 and response.get_json()['error'] in ('invalid_grant', 'invalid_request')
    sent = answer(consent(manager, authorize_url(client_id, PUBLIC_REDIRECT, challenge)))
    response = token(app.test_client(), client_id, grant_type='authorization_code', code=sent['code'],
                     redirect_uri='http://127.0.0.1:9/other', code_verifier=verifier)
    assert response.status_code == 400 and response.get_json()['error'] == 'invalid_grant'


def test_a_code_lives_a_minute(app, care_page, db, monkeypatch):
    from datetime import timedelta

    from hub.apps import oauth
    from hub.core.timeutil import utcnow
    manager, _, _, _ = care_page
    client_id, _ = add_app(db, 'Dagplanner', PUBLIC_REDIRECT)
    verifier, challenge = pkce()
    sent = answer(consent(manager, authorize_url(client_id, PUBLIC_REDIRECT, challenge)))
    later = utcnow() + timedelta(seconds=61)
    monkeypatch.setattr(oauth, 'utcnow', lambda: later)
    response = token(app.test_client(), client_id, grant_type='authorization_code', code=sent['code'],
                     redirect_uri=PUBLIC_REDIRECT, code_verifier=verifier)
    assert response.status_code == 400 and response.get_json()['error'] == 'invalid_grant'


def test_the_person_logs_in_and_takes_the_second_step_first(app, care_page, db, new_api):
    manager, _, _, _ = care_page
    client_id, _ = add_app(db, 'Dagplanner', PUBLIC_REDIRECT)
    _, challenge = pkce()
    url = authorize_url(client_id, PUBLIC_REDIRECT, challenge)
    stranger = new_api().client.get(url)
    assert stranger.status_code == 303 and stranger.headers['Location'].startswith('/login?next=%2Foauth%2Fauthorize')
    assert 'aud%3D' in stranger.headers['Location']  # the whole request comes back after the login


def test_the_member_sees_and_stops_their_apps(app, care_page, db):
    manager, _, _, _ = care_page
    client_id, secret = add_app(db, 'Huisartsportaal', SERVER_REDIRECT, confidential=True)
    body = connect(manager, client_id, SERVER_REDIRECT, 'launch/patient patient/Observation.rs offline_access',
                   secret=secret)
    page = manager.client.get('/profile/apps')
    assert page.status_code == 200 and 'Huisartsportaal' in page.get_data(as_text=True)
    from hub.apps.models import AppGrant
    [grant] = db.scalars(select(AppGrant))
    stopped = manager.client.post(f'/profile/apps/{grant.id}/stop', data={'csrf_token': manager.csrf()})
    assert stopped.status_code == 303
    assert 'Huisartsportaal' not in manager.client.get('/profile/apps').get_data(as_text=True).split('<main')[1]
    response = token(app.test_client(), client_id, secret, grant_type='refresh_token',
                     refresh_token=body['refresh_token'])
    assert response.status_code == 400  # its tokens stopped with it


def test_openid_fhiruser_gives_an_id_token_naming_the_member(app, care_page, db):
    from joserfc import jwt
    from joserfc.jwk import KeySet
    manager, circle_id, _, manager_id = care_page
    client_id, _ = add_app(db, 'Dagplanner', PUBLIC_REDIRECT)
    body = connect(manager, client_id, PUBLIC_REDIRECT, 'launch/patient openid fhirUser patient/*.rs', nonce='n-1')
    client = app.test_client()
    config = client.get('/fhir/R4/.well-known/openid-configuration').get_json()
    assert config['issuer'] == 'https://carehub.test/fhir/R4' and config['id_token_signing_alg_values_supported'] == [
        'RS256']
    key_set = KeySet.import_key_set(client.get(config['jwks_uri'].removeprefix('https://carehub.test')).get_json())
    assert all('d' not in key for key in client.get('/fhir/R4/.well-known/jwks.json').get_json()['keys'])
    token = jwt.decode(body['id_token'], key_set, algorithms=['RS256'])
    claims = token.claims
    assert claims['iss'] == 'https://carehub.test/fhir/R4' and claims['aud'] == [client_id]
    assert claims['sub'] == str(manager_id) and claims['nonce'] == 'n-1' and claims['name'] == 'Mieke Jansen'
    assert claims['fhirUser'].startswith('https://carehub.test/fhir/R4/RelatedPerson/')
    assert 'sso-openid-connect' in client.get('/fhir/R4/.well-known/smart-configuration').get_json()['capabilities']


def test_a_code_sent_many_times_at_once_gives_one_token(app, care_page, db):
    """A code is used up by one conditional UPDATE: sent 20 times at the same moment, exactly one token."""
    from hub.apps.models import AppToken
    from tests.parallel import AT_ONCE, at_once
    manager, _, _, _ = care_page
    client_id, _ = add_app(db, 'Dagplanner', PUBLIC_REDIRECT)
    verifier, challenge = pkce()
    sent = answer(consent(manager, authorize_url(client_id, PUBLIC_REDIRECT, challenge)))
    form = {'grant_type': 'authorization_code', 'code': sent['code'], 'redirect_uri': PUBLIC_REDIRECT,
            'code_verifier': verifier}
    statuses = [response.status_code for response in at_once(
        *[lambda: token(app.test_client(), client_id, **form) for _ in range(AT_ONCE)])]
    assert statuses.count(200) == 1 and set(statuses) <= {200, 400}, statuses
    assert db.count(AppToken) <= 1  # the one, unless a late try saw the code used and stopped it
