"""The single commit point: a request or a command commits once, or rolls back."""

from contextlib import contextmanager

from flask import Flask

from hub.core.audit import audit
from hub.extensions import db


class CarehubFlask(Flask):
    """Flask with the request wrapper that owns the transaction.

    A view that returns normally is committed, whatever its status (a refused login still records
    its failure); a view that raises is rolled back, so bad input changes nothing.
    """

    def dispatch_request(self):
        try:
            response = self.make_response(super().dispatch_request())
        except BaseException as exc:
            db.session.rollback()
            _audit_refusal(exc)
            raise
        db.session.commit()
        return response


def _audit_refusal(exc):
    """Write the audit record a refusal asked for, in its own small transaction after the rollback."""
    record = getattr(exc, 'audit', None)
    if record:
        audit(**record)
        db.session.commit()


@contextmanager
def unit_of_work():
    """Commit the work of a command or a worker step once, or roll it back on any error."""
    try:
        yield db.session
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


@contextmanager
def undo_on_refusal():
    """Undo everything a refused step changed, for a page that catches the error to show a form.

    Only a view that raises is rolled back by the wrapper; a page that catches an error and answers
    normally would otherwise commit whatever the refused step had already changed.
    """
    try:
        yield
    except BaseException as exc:
        db.session.rollback()
        record = getattr(exc, 'audit', None)
        if record:  # the refusal itself is recorded; the page's answer commits it
            audit(**record)
        raise


def checkpoint():
    """Commit the finished part of a long command that owns its transactions (the sync engine's batches).

    What is committed stays when a later part fails, and the session lets go of it, so memory stays flat.
    """
    db.session.commit()
