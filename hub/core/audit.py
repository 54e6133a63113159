"""Write audit records: every read of dossier data and every security event."""

from typing import cast

from flask import has_request_context, request
from sqlalchemy import CursorResult, delete, text

from hub.core.models import AuditRecord
from hub.extensions import db


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
          outcome='success', basis=None):
    """Add an audit record to the current transaction and return it."""
    record = AuditRecord(
        event=event, action=action, outcome=outcome,
        actor_id=getattr(actor, 'id', actor), actor_role=role, actor_basis=basis,
        circle_id=getattr(circle, 'id', circle), dossier_id=getattr(dossier, 'id', dossier),
        target=target,
        source=request.remote_addr if has_request_context() else 'cli',
    )
    db.session.add(record)
    return record
