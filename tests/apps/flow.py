"""The steps of the SMART standalone launch, as an app and its user take them through the real routes."""

import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

from authlib.oauth2.rfc7636 import create_s256_code_challenge

FHIR = 'https://carehub.test/fhir/R4'
PUBLIC_REDIRECT = 'nl.dagplanner.app:/callback'
SERVER_REDIRECT = 'https://portaal.example.nl/cb'


def add_app(db, name, redirect_uri, confidential=False):
    """Register an app (as ``carehub app add`` does); returns (client id, secret or None)."""
    from hub.apps.operations import add_app as add
    def added():
        row, secret = add(name, [redirect_uri], confidential)
        return row.client_id, secret
    return db.run(added)


def pkce():
    verifier = secrets.token_urlsafe(48)
    return verifier, create_s256_code_challenge(verifier)


def authorize_url(client_id, redirect_uri, challenge, scope='launch/patient patient/*.rs', **over):
    query = {'response_type': 'code', 'client_id': client_id, 'redirect_uri': redirect_uri, 'scope': scope,
             'state': 'st-123', 'aud': FHIR, 'code_challenge': challenge, 'code_challenge_method': 'S256', **over}
    return '/oauth/authorize?' + urlencode({key: value for key, value in query.items() if value is not None})


def answer(response) -> dict:
    """The query an authorization answer sends back to the app's address."""
    assert response.status_code == 302, (response.status_code, response.get_data(as_text=True)[:400])
    return {key: values[0] for key, values in parse_qs(urlsplit(response.headers['Location']).query).items()}


def consent(member, url, months='3', decision='yes', page=None):
    """The member reads the consent page and answers it; returns the answer's response."""
    shown = member.client.get(url)
    assert shown.status_code == 200, shown.get_data(as_text=True)[:400]
    form = {'csrf_token': member.csrf(), 'decision': decision, 'months': months}
    if page is not None:
        form['page'] = str(page)
    return member.client.post(url, data=form)


def connect(member, client_id, redirect_uri, scope='launch/patient patient/*.rs', secret=None, **over):
    """The whole launch: consent, then the code for tokens; returns the token response's JSON."""
    verifier, challenge = pkce()
    code = answer(consent(member, authorize_url(client_id, redirect_uri, challenge, scope, **over)))['code']
    response = token(member.client.application.test_client(), client_id, secret, grant_type='authorization_code',
                     code=code, redirect_uri=redirect_uri, code_verifier=verifier)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def token(client, client_id, secret=None, **form):
    """POST /oauth/token as the app: a confidential app with HTTP Basic, a public one with its client id."""
    if secret is None:
        return client.post('/oauth/token', data={'client_id': client_id, **form})
    return client.post('/oauth/token', data=form, auth=(client_id, secret))
