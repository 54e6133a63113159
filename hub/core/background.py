"""Ask the workers for work as soon as a transaction commits, when carehub runs on Celery.

The work itself is always in the database (an outbox item, a dossier marked ``sync_requested``), so a task
that is never sent, or lost, only waits for the schedule: the worker's next round (or Celery beat) finds the
same work. Sending right after the commit (never before it: a worker would not see the rows yet, and a
rollback sends nothing) makes a mail or a first sync start in a second rather than at the next tick.
"""

import logging

from flask import current_app, has_app_context
from sqlalchemy import event

from hub.extensions import db

log = logging.getLogger(__name__)

_KEY = 'carehub.soon'


def soon(task_name, *args):
    """Send the task ``task_name`` with ``args`` to the workers after the current transaction commits."""
    if has_app_context() and 'celery' in current_app.extensions:
        pending = db.session.info.setdefault(_KEY, {})
        pending[(task_name, tuple(str(arg) for arg in args))] = None  # once per commit, in order


def _send(session):
    pending = session.info.pop(_KEY, None)
    if not pending or not has_app_context():
        return
    celery = current_app.extensions.get('celery')
    for name, args in pending:
        try:
            celery.send_task(name, args=list(args))
        except Exception as exc:  # noqa: BLE001  Redis away: the schedule finds the work in the database
            log.warning('could not send task %s: %s', name, type(exc).__name__)
            return


def _forget(session, previous_transaction=None):
    session.info.pop(_KEY, None)


def init_app(app):
    """Send the tasks asked for after each commit of the app's sessions (create_app calls this)."""
    if not event.contains(db.session, 'after_commit', _send):
        event.listen(db.session, 'after_commit', _send)
        event.listen(db.session, 'after_soft_rollback', _forget)
