"""Login throttling after OWASP's device-cookie scheme.

Failures are counted per address and per source for browsers that are not known, and per known
browser for a browser that logged in to this account before. So an attacker's guesses from
elsewhere never lock the owner out of a browser they used before, and a stolen known-browser cookie
locks only itself. After the free failures each failure makes the next try wait, doubling from one
minute to fifteen; a throttled try is refused without looking at the password, so a right password
is never answered as wrong, and the refusal says how long to wait.
"""

from datetime import timedelta

from flask_babel import lazy_ngettext
from sqlalchemy import case, delete, or_, select, update

from hub.account.models import LoginThrottle
from hub.core.crypto import keyed_hash, random_token
from hub.core.db import upsert
from hub.core.errors import TooManyRequests
from hub.core.timeutil import utcnow
from hub.core.tokens import InvalidToken, make_token, read_token
from hub.extensions import db

#: failures that cost nothing, per kind of key: a source may serve a whole care home
FREE = {'address': 5, 'source': 20, 'browser': 5}
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(minutes=15)
#: a count this old starts again from zero
FORGOTTEN = timedelta(hours=12)
#: at most this many accounts are remembered in one browser (a family computer)
KNOWN_PER_BROWSER = 5


class Throttled(TooManyRequests):
    code = 'too_many_tries'

    def __init__(self, wait: timedelta):
        minutes = max(1, -(-int(wait.total_seconds()) // 60))
        super().__init__(lazy_ngettext(
            'There were too many wrong tries to log in with this address. Wait %(num)s minute and try again, or '
            'choose a new password with "Forgot your password?".',
            'There were too many wrong tries to log in with this address. Wait %(num)s minutes and try again, or '
            'choose a new password with "Forgot your password?".', minutes))
        self.retry_after = max(1, int(wait.total_seconds() + 0.999))


def _hash(kind: str, value: str) -> str:
    return keyed_hash(f'{kind}:{value}', 'login-throttle')


def keys_for(email: str, source: str | None, browser: str | None) -> list[tuple[str, str]]:
    """Return the keys a login counts against: the known browser alone, else the address and the source."""
    if browser:
        return [('browser', browser)]
    keys = [('address', email.strip().lower())]
    if source:
        keys.append(('source', source))
    return keys


def _rows(keys):
    hashes = {_hash(kind, value): kind for kind, value in keys}
    rows = db.session.execute(select(LoginThrottle).where(LoginThrottle.key_hash.in_(hashes))).scalars().all()
    return {row.key_hash: row for row in rows}, hashes


def check(keys, now=None):
    """Raise Throttled while any of ``keys`` waits after failures."""
    now = now or utcnow()
    rows, _ = _rows(keys)
    waits = [row.wait_until - now for row in rows.values() if row.wait_until and row.wait_until > now]
    if waits:
        raise Throttled(max(waits))


def take(keys, now=None):
    """Count this try against every key before the password is looked at, or raise Throttled while one waits; a
    right password takes the count back (clear). Past the free tries, the next try waits longer each time.

    Each key is counted by one conditional upsert, so parallel tries are counted one by one and none passes a wait
    that another has just set: SQLite lets writers take turns, PostgreSQL locks the row until the request ends."""
    now = now or utcnow()
    check(keys, now)  # the plain answer while a key waits, without writing
    table = LoginThrottle.__table__
    for key_hash, kind in {_hash(kind, value): kind for kind, value in keys}.items():
        counted = upsert(table).values(key_hash=key_hash, failures=1, last_failed_at=now, wait_until=None)
        failures = db.session.execute(counted.on_conflict_do_update(
            index_elements=[table.c.key_hash],
            set_={'failures': case((table.c.last_failed_at < now - FORGOTTEN, 1), else_=table.c.failures + 1),
                  'last_failed_at': now},
            where=or_(table.c.wait_until.is_(None), table.c.wait_until <= now)).returning(table.c.failures)
        ).scalar_one_or_none()
        if failures is None:  # a parallel try set a wait meanwhile
            check(keys, now)
            raise Throttled(FIRST_WAIT)
        extra = failures - FREE[kind]
        if extra >= 0:
            wait = now + min(FIRST_WAIT * 2 ** min(extra, 10), LONGEST_WAIT)
            db.session.execute(update(LoginThrottle).where(LoginThrottle.key_hash == key_hash)
                               .values(wait_until=wait).execution_options(synchronize_session=False))


def clear(keys):
    """Forget the failures of ``keys`` (a right password there, or a new password for the address)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key_hash.in_(
        [_hash(kind, value) for kind, value in keys])))


def purge(now=None) -> int:
    """Delete counts that are forgotten anyway; returns how many."""
    now = now or utcnow()
    return db.session.execute(delete(LoginThrottle).where(LoginThrottle.last_failed_at < now - FORGOTTEN)).rowcount


def _email_hash(email: str) -> str:
    return keyed_hash(email.strip().lower(), 'known-browser')


def known_browser(cookie, email: str) -> str | None:
    """Return the id of this browser for ``email`` when it logged in to that address before, else None."""
    for entry_email, browser in _entries(cookie):
        if entry_email == _email_hash(email):
            return browser
    return None


def add_known_browser(cookie, email: str) -> str:
    """Return the cookie value that also knows ``email`` (newest first, a few accounts at most)."""
    mine = _email_hash(email)
    entries = [entry for entry in _entries(cookie) if entry[0] != mine]
    browser = known_browser(cookie, email) or random_token(18)
    return make_token('known_browser', {'k': [[mine, browser], *entries][:KNOWN_PER_BROWSER]})


def _entries(cookie):
    if not cookie:
        return []
    try:
        payload = read_token('known_browser', cookie)
    except InvalidToken:
        return []
    entries = payload.get('k')
    if not isinstance(entries, list):
        return []
    return [tuple(entry) for entry in entries
            if isinstance(entry, list) and len(entry) == 2 and all(isinstance(part, str) for part in entry)]
