"""OAuth 2 client credentials for provider systems (authlib), with secrets and tokens stored hashed."""

import secrets
from datetime import timedelta

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from hub.careprovider.models import Provider, ProviderClient, ProviderToken
from hub.core.audit import audit
from hub.core.crypto import keyed_hash
from hub.core.errors import Forbidden, NotFound, Unauthenticated
from hub.core.timeutil import utcnow
from hub.extensions import db

#: what a provider system may do: issue coupling codes, push records, read its outbox
SCOPES = ('codes', 'records', 'outbox')
TOKEN_SECONDS = 3600


class Client(ClientMixin):
    """authlib's view of a ProviderClient."""

    def __init__(self, row: ProviderClient):
        self.row = row

    def get_client_id(self):
        return self.row.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        allowed = set(self.row.scopes.split())
        asked = set((scope or '').split()) or allowed
        return ' '.join(sorted(asked & allowed))

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(keyed_hash(client_secret, 'provider-client'), self.row.secret_hash)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ('client_secret_basic', 'client_secret_post')

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return grant_type == 'client_credentials'


class ClientCredentials(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post']


def _query_client(client_id):
    if not isinstance(client_id, str) or len(client_id) > 64:
        return None
    row = db.session.execute(select(ProviderClient).where(ProviderClient.client_id == client_id,
                                                          ProviderClient.revoked_at.is_(None))).scalar_one_or_none()
    return Client(row) if row else None


def _save_token(token, request):
    client = request.client.row
    db.session.add(ProviderToken(client_id=client.id, token_hash=keyed_hash(token['access_token'], 'provider-token'),
                                 scopes=token.get('scope', ''),
                                 expires_at=utcnow() + timedelta(seconds=token['expires_in'])))
    audit('provider.token', 'E', target=f'provider:{client.provider_id}')


class TokenValidator(BearerTokenValidator):
    def authenticate_token(self, token_string):
        if not token_string or len(token_string) > 200:
            return None
        row = db.session.execute(select(ProviderToken).where(
            ProviderToken.token_hash == keyed_hash(token_string, 'provider-token'))).scalar_one_or_none()
        return _Token(row) if row else None


class _Token:
    def __init__(self, row):
        self.row = row

    def is_expired(self):
        return self.row.expires_at <= utcnow()

    def is_revoked(self):
        return self.row.revoked_at is not None or self.row.client.revoked_at is not None

    def get_scope(self):
        return self.row.scopes


server = AuthorizationServer(query_client=_query_client, save_token=_save_token)
protector = ResourceProtector()
protector.register_token_validator(TokenValidator())


def init_app(app):
    """Bind the OAuth server to the app: client credentials only, tokens for an hour."""
    app.config.setdefault('OAUTH2_TOKEN_EXPIRES_IN', {'client_credentials': TOKEN_SECONDS})
    server.init_app(app)
    server.register_grant(ClientCredentials)


def current_provider(scope) -> Provider:
    """Return the provider whose valid token with ``scope`` this request carries, or raise."""
    try:
        token = protector.acquire_token([scope])
    except OAuth2Error as exc:
        if exc.error == 'insufficient_scope':
            raise Forbidden(_l('This token does not allow this.'), code='insufficient_scope') from None
        raise Unauthenticated(_l('Send a valid access token: Authorization: Bearer <token>.'),
                              code='invalid_token') from None
    return token.row.client.provider


def new_credentials(provider: Provider) -> tuple[str, str]:
    """Make client credentials for ``provider``; returns (client id, secret), the secret shown once."""
    client_id, secret = 'ch_' + secrets.token_urlsafe(18), secrets.token_urlsafe(32)
    db.session.add(ProviderClient(provider_id=provider.id, client_id=client_id,
                                  secret_hash=keyed_hash(secret, 'provider-client'), scopes=' '.join(SCOPES)))
    db.session.flush()
    audit('provider.credentials', 'C', target=f'provider:{provider.id}')
    return client_id, secret


def clients_of(provider: Provider) -> list[ProviderClient]:
    """Return the provider's API clients, the newest first, revoked ones too."""
    return db.session.execute(select(ProviderClient).where(ProviderClient.provider_id == provider.id)
                              .order_by(ProviderClient.created_at.desc())).scalars().all()


def revoke_credentials(provider: Provider, client_id: str) -> ProviderClient:
    """Revoke one of the provider's API clients: its secret and every token it was given stop working at once."""
    row = db.session.execute(select(ProviderClient).where(ProviderClient.provider_id == provider.id,
                                                          ProviderClient.client_id == client_id)).scalar_one_or_none()
    if row is None:
        raise NotFound(_l('This care provider has no API client with this id.'))
    now = utcnow()
    if row.revoked_at is None:
        row.revoked_at = now
        db.session.execute(update(ProviderToken).where(ProviderToken.client_id == row.id,
                                                       ProviderToken.revoked_at.is_(None)).values(revoked_at=now))
        audit('provider.credentials', 'D', target=f'provider:{provider.id}')
    return row
