"""Who is logged in: the session cookie, the current account, and the login checks."""

from functools import wraps
from urllib.parse import urlencode

from flask import g, redirect, request, session
from flask_babel import lazy_gettext as _l

from hub.account.operations import end_session, find_session, start_session
from hub.core.errors import Unauthenticated


def load_current_account():
    """Find the account of this request's session cookie (before every request)."""
    g.auth_session = find_session(session.get('sid'))
    g.account = g.auth_session.account if g.auth_session else None


def log_in(account, second_factor=False):
    """Start a server-side session for ``account`` and put a fresh token in the cookie."""
    auth_session, token = start_session(account, second_factor=second_factor)
    lang = session.get('lang')
    session.clear()  # a new cookie at login: nothing from before carries over
    session['sid'] = token
    if lang:
        session['lang'] = lang
    session.permanent = False
    g.auth_session, g.account = auth_session, account


def log_out():
    """End the current session on the server and empty the cookie."""
    if g.get('auth_session') is not None:
        end_session(g.auth_session)
    lang = session.get('lang')
    session.clear()
    if lang:
        session['lang'] = lang
    g.auth_session = g.account = None


def current_account():
    """Return the logged-in account or raise Unauthenticated."""
    if g.get('account') is None:
        raise Unauthenticated(_l('Please log in first.'))
    return g.account


def login_required(view):
    """Send people who are not logged in to the login page, and back here afterwards."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get('account') is None:
            target = request.full_path if request.query_string else request.path
            return redirect('/login?' + urlencode({'next': target}), 303)
        return view(*args, **kwargs)
    return wrapper
