"""Register, list and remove apps: plain arguments in, models out; never commits."""

import secrets
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hub.apps.models import App
from hub.core.audit import audit
from hub.core.crypto import keyed_hash, random_token
from hub.core.errors import InvalidInput, NotFound
from hub.extensions import db

#: at most this many redirect addresses per app, each at most this long
MAX_REDIRECTS, MAX_URI = 10, 500
#: the loopback hosts a native app may listen on with plain http (RFC 8252, 7.3)
LOOPBACK = ('localhost', '127.0.0.1', '[::1]', '::1')


def redirect_problem(uri: str) -> str | None:
    """Why an address cannot be an app's redirect address, or None: https, http on the loopback (RFC 8252 7.3),
    or an app's private scheme in reverse domain order (``nl.example.app:/callback``, RFC 8252 7.1); never with a
    fragment, never longer than MAX_URI."""
    if len(uri) > MAX_URI:
        return str(_l('At most %(num)d characters.', num=MAX_URI))
    parts = urlsplit(uri)
    if parts.fragment or '#' in uri:
        return str(_l('A redirect address has no fragment (#).'))
    if parts.scheme == 'https' and parts.hostname:
        return None
    if parts.scheme == 'http' and parts.hostname in LOOPBACK:
        return None
    if '.' in parts.scheme and parts.scheme not in ('http', 'https') and not parts.netloc and parts.path:
        return None
    return str(_l('Use https, http on localhost, or the app\'s own scheme such as nl.example.app:/callback.'))


def add_app(name: str, redirect_uris: list[str], confidential: bool = False) -> tuple[App, str | None]:
    """Register an app; return it and, for a confidential app, its secret (shown only now)."""
    name = (name or '').strip()
    problems: dict[str, list[str]] = {}
    if not 1 <= len(name) <= 100:
        problems['name'] = [str(_l('Give a name of 1 to 100 characters.'))]
    uris = list(dict.fromkeys(uri.strip() for uri in redirect_uris))
    if not uris or len(uris) > MAX_REDIRECTS:
        problems['redirect_uri'] = [str(_l('Give 1 to %(num)d redirect addresses.', num=MAX_REDIRECTS))]
    else:
        found = [f'{uri}: {problem}' for uri in uris if (problem := redirect_problem(uri))]
        if found:
            problems['redirect_uri'] = found
    if problems:
        raise InvalidInput(_l('The app was not added.'), fields=problems)
    secret = random_token(32) if confidential else None
    app = App(name=name, client_id=secrets.token_urlsafe(24), redirect_uris=uris,
              secret_hash=keyed_hash(secret, 'app-client') if secret else None)
    db.session.add(app)
    db.session.flush()
    audit('app.add', 'C', target=f'app:{app.client_id}')
    return app, secret


def check_secret(app: App, secret: str) -> bool:
    """Whether ``secret`` is the secret of this confidential app (in constant time)."""
    return app.secret_hash is not None and secrets.compare_digest(keyed_hash(secret, 'app-client'), app.secret_hash)


def apps() -> list[App]:
    """The registered apps, oldest first."""
    return db.session.execute(select(App).order_by(App.created_at)).scalars().all()


def app_by_client_id(client_id: str) -> App:
    """The app with this client id, or raise NotFound."""
    found = db.session.execute(select(App).where(App.client_id == client_id)).scalar_one_or_none()
    if found is None:
        raise NotFound(_l('There is no app with this client id.'))
    return found


def remove_app(client_id: str) -> App:
    """Remove an app: whatever members gave it ends with it."""
    found = app_by_client_id(client_id)
    db.session.delete(found)
    audit('app.remove', 'D', target=f'app:{found.client_id}')
    return found
