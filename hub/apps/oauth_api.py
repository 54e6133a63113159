"""The token and revocation endpoints for apps, and SMART discovery (JSON for apps, not for people).

An app in a browser calls them from its own origin: the answers allow any origin (they carry no cookie and
read none; an app says who it is by its client id, its secret or PKCE)."""

from authlib.oauth2.rfc6749.errors import InsecureTransportError
from flask import Blueprint, jsonify, request

from hub.apps import keys, scopes
from hub.apps.oauth import fhir_base, server
from hub.config import setting
from hub.extensions import csrf, limiter
from hub.web import error_response

bp = Blueprint('apps_oauth', __name__)
csrf.exempt(bp)  # apps authenticate with their client id and PKCE or a secret, never with a cookie

#: what carehub can do for a SMART app (SMART App Launch 2.0, "capabilities")
CAPABILITIES = ['launch-standalone', 'client-public', 'client-confidential-symmetric', 'context-standalone-patient',
                'permission-patient', 'permission-v1', 'permission-v2', 'permission-offline', 'sso-openid-connect']


@bp.after_request
def _any_origin(response):
    response.headers['Access-Control-Allow-Origin'] = '*'
    response.headers['Access-Control-Allow-Methods'] = 'GET, POST'
    response.headers['Access-Control-Allow-Headers'] = 'Authorization, Content-Type'
    response.headers['Cache-Control'] = 'no-store'
    return response


@bp.route('/oauth/token', methods=['POST', 'OPTIONS'])
@limiter.limit('30 per minute')
def token():
    """A code (with its PKCE verifier) or a refresh token for an access token, as RFC 6749 and SMART say."""
    if request.method == 'OPTIONS':
        return '', 204
    try:
        return server.create_token_response()
    except InsecureTransportError:
        return error_response('https_required', 'Ask for tokens over HTTPS. Behind a proxy, set CAREHUB_PROXY_HOPS.',
                              400)


@bp.route('/oauth/revoke', methods=['POST', 'OPTIONS'])
@limiter.limit('30 per minute')
def revoke():
    """Stop an access or refresh token (RFC 7009): 200 whether or not it was known."""
    if request.method == 'OPTIONS':
        return '', 204
    try:
        return server.create_endpoint_response('revocation')
    except InsecureTransportError:
        return error_response('https_required', 'Revoke tokens over HTTPS.', 400)


@bp.get('/fhir/R4/.well-known/smart-configuration')
def smart_configuration():
    """Where an app asks for consent and tokens, and what carehub supports (SMART App Launch 2.0)."""
    base = setting('BASE_URL').rstrip('/')
    return jsonify({
        'issuer': fhir_base(),
        'authorization_endpoint': f'{base}/oauth/authorize',
        'token_endpoint': f'{base}/oauth/token',
        'revocation_endpoint': f'{base}/oauth/revoke',
        'grant_types_supported': ['authorization_code', 'refresh_token'],
        'response_types_supported': ['code'],
        'token_endpoint_auth_methods_supported': ['client_secret_basic', 'client_secret_post', 'none'],
        'code_challenge_methods_supported': ['S256'],
        'jwks_uri': f'{fhir_base()}/.well-known/jwks.json',
        'scopes_supported': ['launch/patient', 'openid', 'fhirUser', 'offline_access', 'online_access']
        + [f'patient/{kind}.rs' for kind in ('*', *scopes.TYPES)],
        'capabilities': CAPABILITIES,
    })


@bp.get('/fhir/R4/.well-known/openid-configuration')
def openid_configuration():
    """OpenID Connect discovery for the ID tokens of ``openid fhirUser``."""
    base = setting('BASE_URL').rstrip('/')
    return jsonify({'issuer': fhir_base(), 'jwks_uri': f'{fhir_base()}/.well-known/jwks.json',
                    'authorization_endpoint': f'{base}/oauth/authorize', 'token_endpoint': f'{base}/oauth/token',
                    'response_types_supported': ['code'], 'subject_types_supported': ['public'],
                    'id_token_signing_alg_values_supported': ['RS256'],
                    'scopes_supported': ['openid', 'fhirUser', 'launch/patient', 'offline_access'],
                    'claims_supported': ['sub', 'fhirUser', 'name', 'iss', 'aud', 'exp', 'iat', 'nonce']})


@bp.get('/fhir/R4/.well-known/jwks.json')
def jwks():
    """The public key the ID tokens are signed with."""
    return jsonify(keys.jwks())
