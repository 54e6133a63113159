"""Who is logged in: the session cookie, the current account, and the login checks."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from flask import current_app, g, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect
from werkzeug import Response

from hub.account import lost_phone
from hub.account.codes import send_code
from hub.account.factors import remembered, require_step_up
from hub.account.models import Account, AuthSession
from hub.account.operations import end_session, find_session, password_age, start_session, terms_outdated
from hub.account.throttle import add_known_browser
from hub.account.throttle import known_browser as lookup
from hub.config import setting
from hub.core.errors import AppError, Forbidden, Unauthenticated
from hub.extensions import limiter
from hub.web import json_body, wants_json


def load_current_account() -> None:
    """Find the account of this request's session cookie (before every request).

    A session still waiting for its second factor is kept apart in ``g.pending_session``.
    """
    found = find_session(session.get('sid'))
    g.pending_session = found if found is not None and found.pending else None
    g.auth_session = found if found is not None and not found.pending else None
    g.account = g.auth_session.account if g.auth_session else None


def log_in(account: Account, second_factor: bool = False, pending: bool = False, keep_age: bool = False) -> None:
    """Start a server-side session for ``account`` and put a fresh token in the cookie.

    The old session, if any (a pending one, or the one before a step-up), ends: the id changes.
    """
    started = None
    for old in (g.get('pending_session'), g.get('auth_session')):
        if old is not None and inspect(old).persistent:  # not when it ended already (password change)
            if keep_age and old.account_id == account.id:
                started = old.created_at  # the 12-hour limit counts from the password, not the step-up
            end_session(old, event='account.session_rotate')
    auth_session, token = start_session(account, second_factor=second_factor, pending=pending, label=device_label())
    if started is not None:
        auth_session.created_at = started
    lang = session.get('lang')
    session.clear()  # a new cookie at login: nothing from before carries over
    session['sid'] = token
    if lang:
        session['lang'] = lang
    session.permanent = False
    if pending:
        g.pending_session, g.auth_session, g.account = auth_session, None, None
    else:
        g.pending_session, g.auth_session, g.account = None, auth_session, account
        mark_known_browser(account.email)


def mark_known_browser(email: str) -> None:
    """Remember, in this response's cookie, that this browser logged in to ``email`` (login throttling)."""
    g.known_browser_email = email


def known_browser_cookie_name() -> str:
    """Return the name of the known-browser cookie (``__Host-`` under HTTPS)."""
    return '__Host-carehub-known' if current_app.config['SESSION_COOKIE_SECURE'] else 'carehub-known'


def login_source() -> str | None:
    """Return where this request comes from, for throttling: the client address (hub.config PROXY_HOPS)."""
    return request.remote_addr


def known_browser(email: str) -> str | None:
    """Return the id of this browser when it logged in to ``email`` before, else None."""
    return lookup(request.cookies.get(known_browser_cookie_name()), email)


def set_known_browser_cookie(response: Response) -> Response:
    """After a login, write the known-browser cookie (after every request; does nothing otherwise)."""
    email = g.get('known_browser_email')
    if email and response.status_code < 400:

        value = add_known_browser(request.cookies.get(known_browser_cookie_name()), email)
        response.set_cookie(known_browser_cookie_name(), value, max_age=setting('KNOWN_BROWSER_MAX_AGE'), path='/',
                            httponly=True, samesite='Lax', secure=current_app.config['SESSION_COOKIE_SECURE'])
    return response


def log_out() -> None:
    """End the current session on the server and empty the cookie (the language the person saw stays)."""
    for current in (g.get('auth_session'), g.get('pending_session')):
        if current is not None and inspect(current).persistent:
            end_session(current)
    lang = str(get_locale())
    session.clear()
    if lang:
        session['lang'] = lang
    g.auth_session = g.pending_session = g.account = None


def device_cookie_name() -> str:
    """Return the name of the remembered-browser cookie (``__Host-`` under HTTPS)."""
    return '__Host-carehub-device' if current_app.config['SESSION_COOKIE_SECURE'] else 'carehub-device'


def set_device_cookie(response: Response, token: str) -> Response:
    """Put a remembered-browser token in its cookie: HttpOnly, Lax, Secure under HTTPS, 90 days."""

    response.set_cookie(device_cookie_name(), token, max_age=setting('REMEMBER_DEVICE_DAYS') * 86400, path='/',
                        httponly=True, samesite='Lax', secure=current_app.config['SESSION_COOKIE_SECURE'])
    return response


def device_label() -> str:
    """Return a short description of the browser, without tracking detail."""
    agent = request.user_agent.string or ''
    for name in ('Edg', 'Firefox', 'Chrome', 'Safari'):
        if name in agent:
            browser = {'Edg': 'Edge'}.get(name, name)
            break
    else:
        browser = 'Browser'
    for system in ('Android', 'iPhone', 'iPad', 'Windows', 'Mac OS', 'Linux'):
        if system in agent:
            return f'{browser}, {system}'
    return browser


def step_up_required(minutes: int | None = None) -> None:
    """Raise unless the current session checked its second factor recently (dossier routes; a sign-off asks more)."""
    require_step_up(current_session(), minutes)


def current_session() -> AuthSession:
    """Return the logged-in session or raise Unauthenticated."""
    current_account()
    return g.auth_session


def current_account() -> Account:
    """Return the logged-in account or raise Unauthenticated."""
    if g.get('account') is None:
        raise Unauthenticated(_l('Please log in first.'))
    return g.account


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send people who are not logged in to the login page, and back here afterwards."""
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if g.get('account') is None:
            target = request.full_path if request.query_string else request.path
            return redirect('/login?' + urlencode({'next': target}), 303)
        return view(*args, **kwargs)
    return wrapper


def account_key() -> str:
    """Return the key that counts a logged-in person's tries wherever they come from (rate limits per account)."""
    account = g.get('account')
    return f'account:{account.id}' if account is not None else f'source:{request.remote_addr}'


def photo_limit() -> str:
    return setting('PHOTO_RATE_LIMIT')


def upload_limit() -> str:
    return setting('UPLOAD_RATE_LIMIT')


def speech_limit() -> str:
    return setting('SPEECH_RATE_LIMIT')


#: what a person may still do before accepting new terms or choosing a new password: that, reading, logging out
ALWAYS_OPEN = {
    'account.change_password_page', 'account_api.change_password', 'account_api.logout', 'account.logout',
    'account_api.me', 'account_api.password_strength', 'csrf_token', 'static', 'set_language', 'healthz',
    'account.terms', 'account.privacy', 'account_api.login', 'account.login', 'account_api.second_factor',
    'account_api.second_factor_send', 'account.second_factor', 'account.accept_terms_page', 'account_api.accept_terms',
    'account.terms_nl', 'account.privacy_nl'}


def require_current_account() -> Response | None:
    """Before every request: new terms of use are accepted first, and an expired password is changed first.

    The API answers 403 ``terms_changed`` or ``password_expired``; pages lead to the page that mends it.
    """
    account = g.get('account')
    if account is None or request.endpoint in ALWAYS_OPEN:
        return None
    if terms_outdated(account):
        if wants_json():
            raise Forbidden(_l('The terms of use have changed. Read them and accept them first.'), code='terms_changed')
        target = request.full_path if request.query_string else request.path
        return redirect('/terms/accept?' + urlencode({'next': target}), 303)
    age = password_age(account)
    if age is None or age['status'] != 'expired':
        return None
    if wants_json():
        raise Forbidden(_l('Your password has expired. Choose a new one first.'), code='password_expired')
    return redirect('/profile/password?' + urlencode({'expired': 1}), 303)


def step_up_redirect(minutes: int | None = None, back: str | None = None) -> str | None:
    """Return where to send a person who must check a second factor before dossier data (or a sign-off), or None."""

    try:
        require_step_up(g.auth_session, minutes)
    except AppError:
        target = back or (request.full_path if request.query_string else request.path)
        endpoint = 'account.step_up' if g.account.second_factors else 'account.second_step'
        return url_for(endpoint) + '?' + urlencode({'next': target})
    return None


def login_limit() -> str:
    """The per-address rate limit of every route that checks a password or a code (LOGIN_RATE_LIMIT)."""
    return setting('LOGIN_RATE_LIMIT')


#: where a logged-in person shows it is them again: its codes have tries of their own (hub.account.factors)
STEP_UP_ENDPOINTS = frozenset({'account_api.step_up_verify', 'account_api.step_up_options', 'account.step_up'})


def _email_tried() -> str | None:
    """The address a login or reset form names (JSON or a form field), if any."""
    body = json_body() if request.is_json else request.form
    email = body.get('email') if hasattr(body, 'get') else None
    return email if isinstance(email, str) and 0 < len(email) <= 254 else None


def login_limit_exempt() -> bool:
    """Whether the per-address limit leaves this request out. A care home shares one address, so the limit counts
    only strangers: not a browser that logged in to the address it tries before (the device-cookie throttle counts
    its failures alone), and not the step-up of a logged-in session."""
    if g.get('account') is not None:
        return request.endpoint in STEP_UP_ENDPOINTS
    pending = g.get('pending_session')
    email = pending.account.email if pending is not None else _email_tried()
    return email is not None and known_browser(email) is not None


def login_limited(**kwargs: Any) -> Callable[..., Any]:
    """Limit a route that checks a password or a code per address (login_limit), less the exempt requests."""
    return limiter.limit(login_limit, exempt_when=login_limit_exempt, **kwargs)


def register_limit() -> str:
    """The rate limit of signing up (REGISTER_RATE_LIMIT)."""
    return setting('REGISTER_RATE_LIMIT')


def start_login(account: Account) -> bool:
    """After a right password: log in, or open a pending session for the second check; True when it is pending.

    With a second factor the check is skipped on a browser remembered for it. Without one, a browser that
    never logged in to this account gets a code by mail first (as mijnCaress's device check does). A lost phone's
    week being over, the second factors go first (hub.account.lost_phone).
    """
    lost_phone.apply_due(account)
    if account.second_factors:
        pending = not remembered(account, request.cookies.get(device_cookie_name()))
    else:
        pending = known_browser(account.email) is None
    log_in(account, pending=pending)
    if pending and not account.second_factors:
        send_code(account, g.pending_session, 'login', 'email', account.email)
    return pending
