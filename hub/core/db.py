"""Column types and mixins shared by the models."""

import sqlite3
import uuid
from datetime import datetime

from flask import g, has_request_context
from sqlalchemy import DateTime, TypeDecorator, Uuid, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from hub.core.timeutil import as_utc, utcnow
from hub.extensions import db


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC that always comes back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return as_utc(value)

    def process_result_value(self, value, dialect):
        return as_utc(value)


def upsert(table):
    """An INSERT into ``table`` (a model or a Table) that can say what a conflict does instead
    (``on_conflict_do_update``, ``on_conflict_do_nothing``): one atomic statement on SQLite and on PostgreSQL."""
    insert = postgresql.insert if db.session.get_bind().dialect.name == 'postgresql' else sqlite.insert
    return insert(table)


def new_id() -> uuid.UUID:
    """Return a fresh random id (ids in URLs are never sequential)."""
    return uuid.uuid4()


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)


class CreatedMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


def _sqlite_pragmas(dbapi_connection, connection_record):
    """Turn on foreign keys (for ON DELETE CASCADE), wait for locks instead of failing, and write ahead.

    WAL lets the app's workers read while one writes (a dossier read writes its audit record);
    synchronous=NORMAL is safe with WAL (a crash may lose the last commits, never corrupt the file).
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute('PRAGMA foreign_keys=ON')
        cursor.execute('PRAGMA busy_timeout=10000')
        cursor.execute('PRAGMA journal_mode=WAL')
        cursor.execute('PRAGMA synchronous=NORMAL')
        cursor.close()


def install_sqlite_pragmas():
    """Apply _sqlite_pragmas to every new SQLite connection."""
    if not event.contains(Engine, 'connect', _sqlite_pragmas):
        event.listen(Engine, 'connect', _sqlite_pragmas)


def count_statements(app, engine):
    """Answer every request with the number of SQL statements it ran (X-SQL-Statements; the web benchmark)."""

    @event.listens_for(engine, 'before_cursor_execute')
    def _count(*args, **kwargs):
        if has_request_context():
            g.sql_statements = g.get('sql_statements', 0) + 1

    @app.after_request
    def _header(response):
        response.headers['X-SQL-Statements'] = str(g.get('sql_statements', 0))
        return response
