"""Write audit records: every read of dossier data and every security event."""

import uuid
from typing import cast

from flask import has_request_context, request
from sqlalchemy import CursorResult, delete, event, insert, text
from sqlalchemy.orm import Session, SessionTransaction

from hub.core.models import AuditRecord
from hub.core.timeutil import utcnow
from hub.extensions import db

#: where a transaction keeps the audit records it has not written yet (Session.info)
PENDING = 'carehub.audit'
#: where a transaction keeps its small last writes (``last_step``)
LAST = 'carehub.last'


def purge(before) -> int:
    """Remove the audit records older than ``before`` (the retention, NEN 7513); return how many.

    On PostgreSQL a trigger refuses UPDATE and DELETE on the audit table unless the transaction says it is this
    purge (``carehub.audit_purge``), so nothing else in the application can change the record of who read what.
    """
    if db.engine.dialect.name == 'postgresql':
        db.session.execute(text("SELECT set_config('carehub.audit_purge', 'on', true)"))
    result = cast(CursorResult, db.session.execute(delete(AuditRecord).where(AuditRecord.at < before)))
    removed = result.rowcount
    audit('audit.purge', 'D', target=f'before:{before.date().isoformat()} count:{removed}')
    return removed


def audit(event, action='R', *, actor=None, role=None, circle=None, dossier=None, target=None,
          outcome='success', basis=None) -> dict:
    """Add an audit record to the current transaction and return its values.

    The records of a transaction are written together in one INSERT as its last step, just before the commit
    (``write_pending``): on SQLite that INSERT takes the write lock, so a read that is audited holds the lock only
    for that moment, not while the page is made. A transaction that rolls back writes none of them.
    """
    record = {'id': uuid.uuid4(), 'at': utcnow(), 'event': event, 'action': action, 'outcome': outcome,
              'actor_id': getattr(actor, 'id', actor), 'actor_role': role, 'actor_basis': basis,
              'circle_id': getattr(circle, 'id', circle), 'dossier_id': getattr(dossier, 'id', dossier),
              'target': target, 'source': request.remote_addr if has_request_context() else 'cli'}
    session = db.session()
    if not session.in_transaction():  # so that a rollback before any statement drops the record as well
        session.begin()
    session.info.setdefault(PENDING, []).append(record)
    return record


def last_step(step) -> None:
    """Run ``step`` (a small change to a model, such as when a member last looked) just before the commit, with the
    audit records: a read that also notes something holds SQLite's write lock only at its end, not while it reads.
    What the request reads after it does not see the change; a rollback drops it."""
    session = db.session()
    if not session.in_transaction():
        session.begin()
    session.info.setdefault(LAST, []).append(step)


def write_pending(session: Session) -> None:
    """Make the transaction's last changes and write its audit records in one INSERT (before_commit: the same
    transaction)."""
    for step in session.info.pop(LAST, []):
        step()
    pending = session.info.pop(PENDING, None)
    if pending:
        session.execute(insert(AuditRecord).execution_options(render_nulls=True), pending)  # one statement


def _forget_pending(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that ended without its commit (a rollback) leaves no audit records behind for the next."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)
        session.info.pop(LAST, None)


def install_audit_writer() -> None:
    """Write every transaction's audit records at its commit, and drop them at its rollback."""
    if not event.contains(Session, 'before_commit', write_pending):
        event.listen(Session, 'before_commit', write_pending)
        event.listen(Session, 'after_transaction_end', _forget_pending)
