"""Rate limits every process shares where no Redis is set: a storage of the ``limits`` library in the database.

Flask-Limiter keeps its counts in memory unless told otherwise, so with ``gunicorn -w 2`` each worker let its own
limit through. Here each counted request is a row (its key hashed: keys hold addresses and account ids), and taking
one is a single guarded INSERT ... SELECT: SQLite runs writers one at a time, and PostgreSQL first takes a
transaction-scoped advisory lock on the key, so parallel requests never pass a limit.

The counts live on a connection of their own and commit at once: a refused try still counts when its request rolls
back. On SQLite they are kept in a file beside the database (``ratelimits.sqlite`` in the instance folder), so that a
count never waits for the write lock of a request or a sync in progress. The worker's purge step removes old rows.
"""

import threading
import time
from pathlib import Path

from flask import current_app
from limits.storage import MovingWindowSupport, Storage
from sqlalchemy import create_engine, delete, func, insert, literal, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.schema import CreateIndex, CreateTable

from hub.config import setting
from hub.core.crypto import keyed_hash
from hub.core.models import RateLimitHit

#: the Flask-Limiter storage address of this storage (hub/config.py sets it when no Redis is set)
STORAGE_URI = 'carehub+db://'

_lock = threading.Lock()
TABLE = RateLimitHit.__table__


def engine():
    """The engine the counts of the running app are kept with (made once per app)."""
    app = current_app._get_current_object()
    found = app.extensions.get('carehub.ratelimit')
    if found is not None:
        return found
    with _lock:
        found = app.extensions.get('carehub.ratelimit')
        if found is None:
            url = setting('DATABASE_URL')
            if url.startswith('sqlite'):
                found = create_engine(f"sqlite:///{Path(setting('INSTANCE_PATH')) / 'ratelimits.sqlite'}",
                                      hide_parameters=True)
                with found.begin() as connection:  # its own file: no migrations, made when first used
                    connection.execute(CreateTable(TABLE, if_not_exists=True))
                    for index in TABLE.indexes:
                        connection.execute(CreateIndex(index, if_not_exists=True))
            else:  # the table of the migrations, on connections of its own
                found = create_engine(url, pool_size=2, max_overflow=8, pool_pre_ping=True, hide_parameters=True)
            app.extensions['carehub.ratelimit'] = found
    return found


def _key(key: str) -> str:
    return keyed_hash(key, 'rate-limit')


def _serialize(connection, key_hash):
    """On PostgreSQL, wait for the other requests counting on this key (until this transaction ends)."""
    if connection.dialect.name == 'postgresql':
        connection.execute(text('SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))'), {'key': key_hash})


def take(key: str, limit: int, seconds: int, amount: int = 1) -> bool:
    """Count ``amount`` against ``key`` if the last ``seconds`` hold at most ``limit`` with it; True if counted."""
    if amount > limit:
        return False
    key_hash, now = _key(key), time.time()
    used = (select(func.coalesce(func.sum(RateLimitHit.amount), 0))
            .where(RateLimitHit.key_hash == key_hash, RateLimitHit.at > now - seconds).scalar_subquery())
    row = select(literal(key_hash), literal(now), literal(now + seconds), literal(amount)).where(
        used + amount <= limit)
    with engine().begin() as connection:
        _serialize(connection, key_hash)
        added = connection.execute(insert(RateLimitHit).from_select(['key_hash', 'at', 'expires_at', 'amount'], row)
                                   .returning(RateLimitHit.id)).first()
    return added is not None


def purge(now=None) -> int:
    """Remove the counts no limit looks at any more; returns how many."""
    now = now or time.time()
    with engine().begin() as connection:
        return connection.execute(delete(RateLimitHit).where(RateLimitHit.expires_at < now)).rowcount


class DatabaseStorage(Storage, MovingWindowSupport):
    """Flask-Limiter's storage in the database (moving window, and the fixed window's counter)."""

    STORAGE_SCHEME = ['carehub+db']

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def acquire_entry(self, key, limit, expiry, amount=1) -> bool:
        return take(key, limit, expiry, amount)

    def get_moving_window(self, key, limit, expiry) -> tuple[float, int]:
        now = time.time()
        with engine().connect() as connection:
            oldest, count = connection.execute(
                select(func.min(RateLimitHit.at), func.coalesce(func.sum(RateLimitHit.amount), 0))
                .where(RateLimitHit.key_hash == _key(key), RateLimitHit.at > now - expiry)).one()
        return (oldest if oldest is not None else now), int(count)

    def incr(self, key, expiry, amount=1) -> int:
        key_hash, now = _key(key), time.time()
        with engine().begin() as connection:
            _serialize(connection, key_hash)
            connection.execute(delete(RateLimitHit).where(RateLimitHit.key_hash == key_hash,
                                                          RateLimitHit.expires_at <= now))
            ends = connection.execute(select(func.min(RateLimitHit.expires_at))
                                      .where(RateLimitHit.key_hash == key_hash)).scalar()
            connection.execute(insert(RateLimitHit).values(key_hash=key_hash, at=now, amount=amount,
                                                           expires_at=ends or now + expiry))
            return int(connection.execute(select(func.sum(RateLimitHit.amount))
                                          .where(RateLimitHit.key_hash == key_hash)).scalar())

    def get(self, key) -> int:
        with engine().connect() as connection:
            return int(connection.execute(select(func.coalesce(func.sum(RateLimitHit.amount), 0)).where(
                RateLimitHit.key_hash == _key(key), RateLimitHit.expires_at > time.time())).scalar())

    def get_expiry(self, key) -> float:
        now = time.time()
        with engine().connect() as connection:
            ends = connection.execute(select(func.min(RateLimitHit.expires_at)).where(
                RateLimitHit.key_hash == _key(key), RateLimitHit.expires_at > now)).scalar()
        return ends or now

    def check(self) -> bool:
        try:
            with engine().connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with engine().begin() as connection:
            return connection.execute(delete(RateLimitHit)).rowcount

    def clear(self, key) -> None:
        with engine().begin() as connection:
            connection.execute(delete(RateLimitHit).where(RateLimitHit.key_hash == _key(key)))
