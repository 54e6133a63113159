"""Register, list and remove apps: plain arguments in, models out; never commits."""

import secrets
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from hub.account.models import Account
from hub.apps import scopes
from hub.apps.access import readable_types, rights_of
from hub.apps.models import App, AppGrant, AppToken
from hub.circle.access import MANAGE, check
from hub.circle.models import Member
from hub.core.audit import audit
from hub.core.crypto import keyed_hash, random_token
from hub.core.errors import Forbidden, InvalidInput, NotFound
from hub.core.timeutil import utcnow, zone
from hub.extensions import db

#: at most this many redirect addresses per app, each at most this long
MAX_REDIRECTS, MAX_URI = 10, 500
#: how long a consent may last: months -> days
PERIODS = {3: 92, 12: 366}
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


def consent(member: Member, app: App, scope: str, months: int) -> AppGrant:
    """The member lets ``app`` read, for ``months`` with ``offline_access`` (else for the hour of one token), never
    past the end of their own access, what ``scope`` names of the care page and they may read themselves; a consent
    given before is replaced and its tokens stop."""
    given = scopes.narrowed(scope, readable_types(member))
    if given is None:
        raise Forbidden(_l('You may not read anything this app asks for on this care page.'))
    now = utcnow()
    if 'offline_access' not in given.split():  # one token of an hour, no refresh: the consent lasts as long
        expires = now + timedelta(hours=1)
    elif months in PERIODS:
        expires = now + timedelta(days=PERIODS[months])
    else:
        raise InvalidInput(_l('Choose for how long.'), fields={'months': [_l('Choose for how long.')]})
    if member.ends_on is not None:  # the consent ends with the member's access, at the end of their last day
        expires = min(expires, datetime.combine(member.ends_on + timedelta(days=1), time(), tzinfo=zone()))
    grant = db.session.execute(select(AppGrant).where(AppGrant.app_id == app.id, AppGrant.member_id == member.id)
                               ).scalar_one_or_none()
    if grant is None:
        grant = AppGrant(app=app, member=member, circle_id=member.circle_id, account_id=member.account_id)
        db.session.add(grant)
    else:
        _stop_tokens(grant, now)
    grant.scope, grant.role, grant.permissions = given, member.role, rights_of(member)
    grant.expires_at, grant.revoked_at, grant.created_at = expires, None, now
    db.session.flush()
    audit('app.consent', 'C', actor=member.account_id, role=member.role, circle=member.circle_id,
          target=f'app:{app.client_id}')
    return grant


def _stop_tokens(grant: AppGrant, now) -> None:
    db.session.execute(update(AppToken).where(AppToken.grant_id == grant.id, AppToken.revoked_at.is_(None))
                       .values(revoked_at=now))


def _live_grants():
    return (select(AppGrant).options(joinedload(AppGrant.app), joinedload(AppGrant.member).joinedload(Member.account))
            .where(AppGrant.revoked_at.is_(None), AppGrant.expires_at > utcnow()).order_by(AppGrant.created_at))


def my_grants(account: Account) -> list[AppGrant]:
    """The apps the account lets read, on every care page, oldest consent first (not those stopped or run out)."""
    return db.session.execute(_live_grants().where(AppGrant.account_id == account.id)).scalars().all()


def stop_mine(account: Account, grant_id) -> AppGrant:
    """Stop an app the account connected: its tokens stop at once. Another's consent: NotFound."""
    grant = db.session.get(AppGrant, grant_id)
    if grant is None or grant.account_id != account.id or grant.revoked_at is not None:
        raise NotFound(_l('There is no such connected app.'))
    return _stop(grant, account.id)


def page_grants(manager: Member) -> list[AppGrant]:
    """The apps members connected to the care page (who, which app, what, since when; never their tokens)."""
    check(manager, MANAGE)
    return db.session.execute(_live_grants().where(AppGrant.circle_id == manager.circle_id)).scalars().all()


def stop_on_page(manager: Member, grant_id) -> AppGrant:
    """The manager stops an app a member connected to the care page."""
    check(manager, MANAGE)
    grant = db.session.get(AppGrant, grant_id)
    if grant is None or grant.circle_id != manager.circle_id or grant.revoked_at is not None:
        raise NotFound(_l('There is no such connected app.'))
    return _stop(grant, manager.account_id)


def _stop(grant: AppGrant, by) -> AppGrant:
    now = utcnow()
    grant.revoked_at = now
    _stop_tokens(grant, now)
    audit('app.stop', 'D', actor=by, circle=grant.circle_id, target=f'app:{grant.app.client_id}')
    return grant
