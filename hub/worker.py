"""One round of background work: deliver the outbox, run the syncs that are due."""

import logging

from hub.core.commit import unit_of_work
from hub.core.outbox import deliver, due_items

log = logging.getLogger(__name__)


def deliver_outbox(limit=50) -> int:
    """Deliver the due outbox items, each in its own transaction; return how many went out."""
    sent = 0
    while True:
        with unit_of_work():
            items = due_items(limit=1)
            if not items:
                return sent
            sent += deliver(items[0])
        if sent >= limit:
            return sent


def sync_due():
    """Sync the dossiers that are due (interval passed or retry time come), skipping paused providers."""
    from hub.careprovider.sync import dossiers_due, sync_dossier
    from hub.core.commit import checkpoint
    with unit_of_work():
        due = [d.id for d in dossiers_due()]
    from hub.careprovider.models import Dossier
    from hub.extensions import db
    for dossier_id in due:
        try:
            with unit_of_work():
                run = sync_dossier(db.session.get(Dossier, dossier_id), commit=checkpoint)
                status, counts = run.status, dict(run.counts)
        except Exception:  # noqa: BLE001  one dossier's trouble must not stop the others
            log.exception('sync of dossier %s failed', dossier_id)
            continue
        log.info('synced dossier %s: %s %s', dossier_id, status, counts)


def purge():
    """Remove what has expired: dead sessions."""
    from hub.account.operations import purge_sessions
    with unit_of_work():
        purge_sessions()


def run_round():
    """Do one round of background work; one failing part never stops the others or the worker."""
    for step in (deliver_outbox, sync_due, purge):
        try:
            step()
        except Exception:  # noqa: BLE001  logged with its traceback; the next round tries again
            log.exception('worker step %s failed', step.__name__)
