"""Write audit records: every read of dossier data and every security event."""

from flask import has_request_context, request

from hub.core.models import AuditRecord
from hub.extensions import db


def audit(event, action='R', *, actor=None, role=None, circle=None, dossier=None, target=None,
          outcome='success'):
    """Add an audit record to the current transaction and return it."""
    record = AuditRecord(
        event=event, action=action, outcome=outcome,
        actor_id=getattr(actor, 'id', actor), actor_role=role,
        circle_id=getattr(circle, 'id', circle), dossier_id=getattr(dossier, 'id', dossier),
        target=target,
        source=request.remote_addr if has_request_context() else 'cli',
    )
    db.session.add(record)
    return record
