"""Account logic: plain arguments in, models out; never commits, never reads the request."""

import secrets
import uuid
from datetime import timedelta
from functools import partial
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, inspect, select
from sqlalchemy.orm import joinedload

from hub.account import throttle
from hub.account.hashing import hash_password, needs_rehash, verify_password
from hub.account.models import Account, AuthSession
from hub.account.password_rules import check_password
from hub.config import setting
from hub.core.audit import audit, last_step
from hub.core.crypto import keyed_hash, random_token
from hub.core.dates import day
from hub.core.errors import AppError, Conflict
from hub.core.outbox import queue_mail
from hub.core.timeutil import utcnow
from hub.core.tokens import InvalidToken, make_token, read_token
from hub.extensions import db


def normalize_email(email: str) -> str:
    """Return the address as stored: trimmed and lower-cased."""
    return email.strip().lower()


def account_by_email(email: str) -> Account | None:
    """Return the account with this address, if any."""
    return db.session.execute(select(Account).where(Account.email == normalize_email(email))).scalar_one_or_none()


def link(path: str, **params) -> str:
    """Return an absolute link built from CAREHUB_BASE_URL, never from the request's Host."""
    query = f'?{urlencode(params)}' if params else ''
    return f"{setting('BASE_URL')}{path}{query}"


def activation_token(account: Account) -> str:
    """Return an activation token bound to the account's current security stamp."""
    return make_token('activate', {'a': str(account.id), 's': account.security_stamp})


def register(data: dict, next_path: str | None = None) -> Account | None:
    """Create a pending account and mail its activation link; for a known address mail that instead.

    Returns the new account, or None when the address already had one. The caller answers the
    same either way, so nobody learns which addresses have an account.
    """
    existing = account_by_email(data['email'])
    language = data.get('language') or setting('DEFAULT_LANGUAGE')
    if existing is not None and existing.status == 'pending':
        # never activated: a new link, so nobody can block an address by registering it first
        params = {'token': activation_token(existing)}
        if next_path:
            params['next'] = next_path
        queue_mail(existing.email, 'activate', existing.language, account=existing,
                   activate_link=link('/activate', **params), hours=setting('ACTIVATION_MAX_AGE') // 3600)
        return None
    if existing is not None:
        queue_mail(existing.email, 'already_registered', existing.language, account=existing,
                   login_link=link('/login'))
        return None
    account = Account(email=normalize_email(data['email']), first_name=data['first_name'],
                      last_name=data['last_name'], security_stamp=secrets.token_hex(16),
                      terms_version=setting('TERMS_VERSION'), terms_accepted_at=utcnow(), language=language)
    db.session.add(account)
    db.session.flush()
    params = {'token': activation_token(account)}
    if next_path:
        params['next'] = next_path
    queue_mail(account.email, 'activate', language, account=account, activate_link=link('/activate', **params),
               hours=setting('ACTIVATION_MAX_AGE') // 3600)
    audit('account.register', 'C', actor=account, target=f'account:{account.id}')
    return account


def account_for_activation(token: str) -> Account:
    """Return the pending account an activation token is for, or raise InvalidToken."""
    payload = read_token('activate', token)
    account = db.session.get(Account, uuid_in_link(payload.get('a')))
    if account is None or account.status != 'pending' or not secrets.compare_digest(
            str(payload.get('s', '')), account.security_stamp):
        raise InvalidToken(_l('This link has already been used or is not valid. You can log in, or ask for a new link.'),
                           code='token_used')
    return account


def activate(token: str, password: str) -> Account:
    """Set the first password of a pending account and activate it."""
    account = account_for_activation(token)
    check_password(password, [account.email, account.first_name, account.last_name])
    account.password_hash = hash_password(password)
    account.security_stamp = secrets.token_hex(16)
    account.status = 'active'
    account.activated_at = account.password_changed_at = utcnow()
    audit('account.activate', 'U', actor=account, target=f'account:{account.id}')
    return account


#: wrong second-factor codes that cost nothing; after them each try waits, doubling from 1 to 15 minutes
FREE_FAILURES = 5
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(minutes=15)
#: a failure count this old starts again from zero
FAILURES_FORGOTTEN = timedelta(hours=12)


def throttled_until(account: Account, now=None):
    """Return until when the account's second-factor codes wait after wrong ones, or None."""
    now = now or utcnow()
    if account.last_failed_at is None or now - account.last_failed_at > FAILURES_FORGOTTEN:
        return None
    extra = account.failed_logins - FREE_FAILURES
    if extra < 0:
        return None
    until = account.last_failed_at + min(FIRST_WAIT * 2 ** min(extra, 10), LONGEST_WAIT)
    return until if until > now else None


class AccountUnavailable(AppError):
    status = 403
    code = 'account_unavailable'


def check_available(account: Account, now=None):
    """Raise with a plain message when the account is disabled, not active yet, or expired (seed 003)."""
    now = now or utcnow()
    if account.status == 'disabled':
        raise AccountUnavailable(_l('Your account is blocked. Please contact your care provider.'),
                                 code='account_disabled').audited('account.login', 'E', actor=account.id)
    if account.valid_from and account.valid_from > now:
        raise AccountUnavailable(_l('Your account is not active yet. You can log in from %(date)s.',
                                    date=day(account.valid_from)),
                                 code='account_not_yet_valid').audited('account.login', 'E', actor=account.id)
    if account.valid_until and account.valid_until <= now:
        raise AccountUnavailable(_l('Your account has expired. Please contact your care provider if you still need '
                                    'it.'), code='account_expired').audited('account.login', 'E', actor=account.id)


#: the answer to a wrong address or password (the API and the login page)
WRONG_CREDENTIALS = _l('The email address or password is not right. Check them and try again, or choose a new '
                       'password.')


def authenticate(email: str, password: str, source: str | None = None, browser: str | None = None) -> Account | None:
    """Return the active account for these credentials, or None; counts and audits failures.

    ``source`` is where the request comes from and ``browser`` the id of a browser that logged in to
    this address before (hub.account.throttle). While a try must wait, Throttled is raised without
    looking at the password. A wrong password and an unknown address give None after the same work.
    """
    keys = throttle.keys_for(email[:254], source, browser)
    account = account_by_email(email) if len(email) <= 254 else None
    now = utcnow()
    try:
        throttle.take(keys, now)  # counted as a failure until the password proves right
    except throttle.Throttled as exc:
        raise exc.audited('account.login', 'E', actor=account.id if account else None) from None
    valid = verify_password(None if account is None else account.password_hash, password)
    if account is not None and valid and account.status != 'pending':
        check_available(account, now)  # with the right password, say plainly why the account cannot log in
    if account is None or not valid or account.status != 'active':
        audit('account.login', 'E', actor=account, outcome='failed')
        return None
    throttle.clear(keys)
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    account.last_login_at = now
    audit('account.login', 'E', actor=account)
    return account


def terms_outdated(account: Account) -> bool:
    """Tell whether the account accepted an older version of the terms than TERMS_VERSION."""
    return account.terms_version != setting('TERMS_VERSION')


def accept_terms(account: Account, version: str) -> Account:
    """Record that the account accepts the terms of ``version``, which must be the current one."""
    if version != setting('TERMS_VERSION'):
        raise Conflict(_l('These are not the current terms. Reload the page and read the new ones.'),
                       code='terms_changed')
    account.terms_version, account.terms_accepted_at = version, utcnow()
    audit('account.terms_accept', 'U', actor=account, target=f'terms:{version}')
    return account


#: days before a password expires that the login warns
PASSWORD_WARN_DAYS = 14


def password_age(account: Account, now=None) -> dict | None:
    """Say where the password stands when PASSWORD_MAX_AGE_DAYS is set: ``ok``, ``expiring`` or ``expired``.

    Returns None when passwords do not expire (the default), else {status, expires_at, days_left}.
    """
    max_days = setting('PASSWORD_MAX_AGE_DAYS')
    if not max_days or account.password_hash is None:
        return None
    now = now or utcnow()
    since = account.password_changed_at or account.activated_at or account.created_at
    expires_at = since + timedelta(days=max_days)
    days_left = max(0, (expires_at - now).days)
    status = 'expired' if expires_at <= now else 'expiring' if expires_at - now <= timedelta(
        days=PASSWORD_WARN_DAYS) else 'ok'
    return {'status': status, 'expires_at': expires_at, 'days_left': days_left}


def start_session(account: Account, second_factor=False, pending=False, label=None) -> tuple[AuthSession, str]:
    """Open a server-side session; returns it with the raw token for the cookie.

    A pending session has passed the password and waits for the second factor.
    """
    token = random_token()
    auth_session = AuthSession(account=account, token_hash=keyed_hash(token, 'session'), pending=pending,
                               second_factor_at=utcnow() if second_factor else None, label=label)
    db.session.add(auth_session)
    db.session.flush()
    return auth_session, token


def read_session(token_hash: str) -> AuthSession | None:
    """The session with this token hash, with its account: every request needs both."""
    return db.session.execute(select(AuthSession).options(joinedload(AuthSession.account))
                              .where(AuthSession.token_hash == token_hash)).scalar_one_or_none()


#: how a request reads its session: ``read_session``, or a read of an upper layer that loads in the same statement
#: what every page needs with it (the app sets hub.circle.access.session_with_memberships: the account's care pages)
SESSION_READ = {'read': read_session}


def find_session(token: str | None) -> AuthSession | None:
    """Return the live session for a cookie token; an idle or too old one is ended."""
    if not token or not isinstance(token, str):
        return None
    auth_session = SESSION_READ['read'](keyed_hash(token, 'session'))
    if auth_session is None:
        return None
    now = utcnow()
    idle = timedelta(minutes=setting('SESSION_IDLE_MINUTES'))
    too_old = timedelta(hours=setting('SESSION_MAX_HOURS'))
    account = auth_session.account
    if (now - auth_session.last_seen_at > idle or now - auth_session.created_at > too_old
            or account.status != 'active' or (account.valid_until and account.valid_until <= now)
            or (account.valid_from and account.valid_from > now)):
        return None  # dead; the worker removes dead sessions (a refused request commits nothing)
    if now - auth_session.last_seen_at > timedelta(seconds=60):
        last_step(partial(_seen, auth_session, now))  # at the end of the request: a read keeps writing last
    return auth_session


def _seen(auth_session: AuthSession, now) -> None:
    if inspect(auth_session).persistent:  # not when the request ended the session (a logout, a new login)
        auth_session.last_seen_at = now


def end_session(auth_session: AuthSession, event='account.logout'):
    """End a session on the server: its cookie no longer works."""
    audit(event, 'E', actor=auth_session.account_id)
    db.session.delete(auth_session)


def end_all_sessions(account: Account):
    """End every session of ``account``."""
    db.session.execute(delete(AuthSession).where(AuthSession.account_id == account.id))


def uuid_in_link(value):
    """The id a signed link carries, or raise InvalidToken (a link signed with an odd id says nothing more)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InvalidToken(_l('This link is not valid.')) from None


def purge_sessions() -> int:
    """Delete sessions that are idle or too old; returns how many."""
    now = utcnow()
    idle = timedelta(minutes=setting('SESSION_IDLE_MINUTES'))
    too_old = timedelta(hours=setting('SESSION_MAX_HOURS'))
    result = db.session.execute(delete(AuthSession).where(
        (AuthSession.last_seen_at < now - idle) | (AuthSession.created_at < now - too_old)))
    return result.rowcount
