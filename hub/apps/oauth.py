"""The authorization server for apps (SMART on FHIR, standalone launch): authorization codes with PKCE (S256
only), refresh tokens with ``offline_access``, revocation (RFC 7009); codes and tokens stored as keyed hashes.

A second authlib server beside the providers' (hub.careprovider.oauth): it reads none of the ``OAUTH2_*``
settings that one uses, so each keeps its own token lifetimes.
"""

import time
from datetime import timedelta

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7636.challenge import compare_s256_code_challenge
from authlib.oidc.core import OpenIDCode, UserInfo
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from hub.apps import access, keys, scopes
from hub.apps.models import App, AppCode, AppGrant, AppToken
from hub.apps.operations import check_secret
from hub.circle.access import is_the_client
from hub.circle.models import Circle, Member
from hub.config import setting
from hub.core.audit import audit
from hub.core.crypto import keyed_hash, random_token
from hub.core.errors import Unauthenticated
from hub.core.timeutil import utcnow
from hub.extensions import db

#: an access token lives an hour; a code a minute (RFC 6749 4.1.2 asks for short)
TOKEN_SECONDS, CODE_SECONDS = 3600, 60
#: the most a token string may be before it is looked up
LONGEST_TOKEN = 200
#: how the token endpoint and revocation let an app say who it is (a public app: none, and PKCE)
AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none']


def fhir_base() -> str:
    """The address of the FHIR API: an app's ``aud`` names it."""
    return setting('BASE_URL').rstrip('/') + '/fhir/R4'


class Client(ClientMixin):
    """authlib's view of an App."""

    def __init__(self, row: App):
        self.row = row

    def get_client_id(self):
        return self.row.client_id

    def get_default_redirect_uri(self):
        return None  # an app always names its redirect address, one registered, compared whole

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.row.redirect_uris

    def get_allowed_scope(self, scope):
        return scopes.allowed(scope)

    def check_client_secret(self, client_secret):
        return check_secret(self.row, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method != 'none' if self.row.confidential else method == 'none'

    def check_response_type(self, response_type):
        return response_type == 'code'

    def check_grant_type(self, grant_type):
        return grant_type in ('authorization_code', 'refresh_token')


class S256Only(CodeChallenge):
    """PKCE for every app, with S256 only: a request without a challenge, or with ``plain``, is refused."""

    DEFAULT_CODE_CHALLENGE_METHOD = 'S256'
    SUPPORTED_CODE_CHALLENGE_METHOD = ['S256']
    CODE_CHALLENGE_METHODS = {'S256': compare_s256_code_challenge}

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get('code_challenge'):
            raise InvalidRequestError("Missing 'code_challenge': use PKCE with S256.")
        if data.get('code_challenge_method') != 'S256':
            raise InvalidRequestError("Use 'code_challenge_method=S256'.")
        super().validate_code_challenge(grant, redirect_uri)


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    AUTHORIZATION_CODE_LENGTH = 48

    def validate_authorization_request(self):
        redirect_uri = super().validate_authorization_request()
        if (self.request.payload.data.get('aud') or '').rstrip('/') != fhir_base():
            raise InvalidRequestError(f"'aud' must be {fhir_base()}.", redirect_uri=redirect_uri,
                                      state=self.request.payload.state)
        return redirect_uri

    def save_authorization_code(self, code, request):
        grant: AppGrant = request.user
        data = request.payload.data
        db.session.add(AppCode(code_hash=keyed_hash(code, 'app-code'), grant_id=grant.id,
                               redirect_uri=request.payload.redirect_uri, scope=grant.scope,
                               code_challenge=data['code_challenge'], code_challenge_method='S256',
                               nonce=data.get('nonce'), auth_time=int(time.time()),
                               expires_at=utcnow() + timedelta(seconds=CODE_SECONDS)))

    def query_authorization_code(self, code, client):
        """The code, used up in one statement (sent twice at once, it works once); a code used before revokes
        the tokens made with it (RFC 6749 4.1.2)."""
        now, code_hash = utcnow(), keyed_hash(code, 'app-code')
        used = db.session.execute(
            update(AppCode).where(AppCode.code_hash == code_hash, AppCode.used_at.is_(None), AppCode.expires_at > now,
                                  AppCode.grant_id.in_(select(AppGrant.id).where(AppGrant.app_id == client.row.id)))
            .values(used_at=now).returning(AppCode.id)).scalar_one_or_none()
        if used is None:
            again = db.session.execute(select(AppCode.id).where(AppCode.code_hash == code_hash,
                                                                AppCode.used_at.is_not(None))).scalar_one_or_none()
            if again is not None:
                db.session.execute(update(AppToken).where(AppToken.code_id == again, AppToken.revoked_at.is_(None))
                                   .values(revoked_at=now))
            return None
        found = db.session.get(AppCode, used)
        return _Code(found)

    def delete_authorization_code(self, authorization_code):
        """Kept, used, until the worker purges it: a second use must be seen."""

    def authenticate_user(self, authorization_code):
        grant = authorization_code.row.grant
        return grant if access.live(grant) else None


class _Code:
    """authlib's view of an AppCode."""

    def __init__(self, row: AppCode):
        self.row = row
        self.code_challenge, self.code_challenge_method = row.code_challenge, row.code_challenge_method

    def get_redirect_uri(self):
        return self.row.redirect_uri

    def get_scope(self):
        return self.row.scope

    def get_nonce(self):
        return self.row.nonce

    def get_auth_time(self):
        return self.row.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return None


class AppOpenID(OpenIDCode):
    """``openid fhirUser``: an ID token (RS256) that names the member: ``sub`` their account, ``fhirUser`` the care
    page's Patient when the member is the client, else them as a RelatedPerson of it."""

    def resolve_client_private_key(self, client):
        return keys.signing_key()

    def get_client_algorithm(self, client):
        return 'RS256'

    def get_encode_header(self, client):
        return {'alg': 'RS256', 'kid': keys.signing_key().kid}

    def get_client_claims(self, client):
        return {'iss': fhir_base(), 'aud': [client.get_client_id()]}

    def exists_nonce(self, nonce, request):
        return db.session.execute(select(AppCode.id).where(AppCode.nonce == nonce).limit(1)).first() is not None

    def generate_user_info(self, user, scope):
        member = user.member
        if 'fhirUser' not in scope.split():
            return UserInfo(sub=str(member.account_id))
        who = (f'Patient/{member.circle_id}' if is_the_client(member)
               else f'RelatedPerson/{member.id}')
        return UserInfo(sub=str(member.account_id), fhirUser=f'{fhir_base()}/{who}', name=member.account.name)


class Refresh(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True  # each refresh token works once; the new one comes with the new access token

    def authenticate_refresh_token(self, refresh_token):
        """The token row, its refresh token used up in one statement; one used before stops every token of its
        consent (a stolen refresh token used by two is seen)."""
        if not isinstance(refresh_token, str) or len(refresh_token) > LONGEST_TOKEN:
            return None
        now, refresh_hash = utcnow(), keyed_hash(refresh_token, 'app-refresh')
        used = db.session.execute(update(AppToken).where(AppToken.refresh_hash == refresh_hash,
                                                         AppToken.revoked_at.is_(None))
                                  .values(revoked_at=now).returning(AppToken.id)).scalar_one_or_none()
        if used is None:
            stolen = db.session.execute(select(AppToken.grant_id).where(AppToken.refresh_hash == refresh_hash)
                                        ).scalar_one_or_none()
            if stolen is not None:
                db.session.execute(update(AppToken).where(AppToken.grant_id == stolen, AppToken.revoked_at.is_(None))
                                   .values(revoked_at=now))
            return None
        return _Token(db.session.get(AppToken, used))

    def authenticate_user(self, refresh_token):
        grant = refresh_token.row.grant
        return grant if access.live(grant) else None

    def revoke_old_credential(self, refresh_token):
        """Done already: ``authenticate_refresh_token`` used it up."""


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = AUTH_METHODS

    def query_token(self, token_string, token_type_hint):
        if not isinstance(token_string, str) or len(token_string) > LONGEST_TOKEN:
            return None
        row = db.session.execute(select(AppToken).where(or_(
            AppToken.access_hash == keyed_hash(token_string, 'app-token'),
            AppToken.refresh_hash == keyed_hash(token_string, 'app-refresh')))).scalar_one_or_none()
        return _Token(row) if row else None

    def revoke_token(self, token, request):
        """The access token and its refresh token stop together."""
        if token.row.revoked_at is None:
            token.row.revoked_at = utcnow()
            audit('app.revoke', 'E', actor=token.row.grant.account_id, circle=token.row.grant.circle_id,
                  target=f'app:{token.row.grant.app.client_id}')


class _Token:
    """authlib's view of an AppToken."""

    def __init__(self, row: AppToken):
        self.row = row

    def check_client(self, client):
        return self.row.grant.app_id == client.row.id

    def get_scope(self):
        return self.row.scope

    def is_expired(self):
        return self.row.expires_at <= utcnow()

    def is_revoked(self):
        return self.row.revoked_at is not None or not access.live(self.row.grant)


class _Generator(BearerTokenGenerator):
    """Tokens of 32 random bytes; a refresh token only with ``offline_access``."""

    def generate(self, grant_type, client, user=None, scope=None, expires_in=None, include_refresh_token=True):
        offline = 'offline_access' in (scope or '').split()
        return super().generate(grant_type, client, user, scope, expires_in, include_refresh_token and offline)


class AppServer(AuthorizationServer):
    def load_config(self, config):
        """Not the ``OAUTH2_*`` settings (the providers' server reads those): an hour for every token."""
        self.register_token_generator('default', _Generator(
            lambda **kwargs: random_token(32), lambda **kwargs: random_token(32), lambda client, grant_type: TOKEN_SECONDS))


def _query_client(client_id):
    if not isinstance(client_id, str) or len(client_id) > 64:
        return None
    row = db.session.execute(select(App).where(App.client_id == client_id)).scalar_one_or_none()
    return Client(row) if row else None


def _save_token(token, request):
    """Keep the tokens as keyed hashes, and tell the app which care page it reads (``patient``)."""
    grant: AppGrant = request.user
    code = getattr(request, 'authorization_code', None)
    db.session.add(AppToken(grant_id=grant.id, code_id=code.row.id if code is not None else None,
                            access_hash=keyed_hash(token['access_token'], 'app-token'),
                            refresh_hash=keyed_hash(token['refresh_token'], 'app-refresh')
                            if token.get('refresh_token') else None,
                            scope=token.get('scope') or grant.scope,
                            expires_at=utcnow() + timedelta(seconds=token['expires_in'])))
    token['patient'] = str(grant.circle_id)
    audit('app.token', 'E', actor=grant.account_id, circle=grant.circle_id, target=f'app:{grant.app.client_id}')


class TokenValidator(BearerTokenValidator):
    def authenticate_token(self, token_string):
        if not token_string or len(token_string) > LONGEST_TOKEN:
            return None
        row = db.session.execute(
            select(AppToken).options(
                joinedload(AppToken.grant).joinedload(AppGrant.member).joinedload(Member.account),
                joinedload(AppToken.grant).joinedload(AppGrant.member).joinedload(Member.circle)
                .undefer(Circle.dossier_client_name),  # the Patient's name
                joinedload(AppToken.grant).joinedload(AppGrant.app))
            .where(AppToken.access_hash == keyed_hash(token_string, 'app-token'))).scalar_one_or_none()
        return _Token(row) if row else None


server = AppServer(query_client=_query_client, save_token=_save_token)
protector = ResourceProtector()
protector.register_token_validator(TokenValidator())


def init_app(app):
    """Bind the apps' server: authorization codes with PKCE, refresh, revocation."""
    server.init_app(app)
    server.register_grant(CodeGrant, [S256Only(required=True), AppOpenID(require_nonce=False)])
    server.register_grant(Refresh)
    server.register_endpoint(Revocation)


def current_grant() -> tuple[AppGrant, str]:
    """The live consent and the scopes of the token this request carries, or raise Unauthenticated (401)."""
    try:
        token = protector.acquire_token()
    except OAuth2Error:
        raise Unauthenticated(_l('Send a valid access token: Authorization: Bearer <token>.'),
                              code='invalid_token') from None
    return token.row.grant, token.row.scope
