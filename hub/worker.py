"""One round of background work: deliver the outbox, handle provider events, run the syncs that are due."""

import logging
import time
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import select

from hub.account import throttle
from hub.account.notifications import send_digests
from hub.account.operations import purge_sessions
from hub.careprovider.bulk import exported, sync_provider
from hub.careprovider.events import handle_pending, poll, purge_handled
from hub.careprovider.models import Dossier, Provider, SyncRun
from hub.careprovider.operations import adapter_for
from hub.careprovider.registry import adapter_class
from hub.careprovider.schedule import CLAIM, claim, dossiers_due, release, renew, sync_interval, trip_breaker
from hub.careprovider.sync import sync_dossier
from hub.circle import help as help_requests
from hub.circle import wellbeing
from hub.circle.dossiers import page_names
from hub.circle.operations import remind_access_ends
from hub.core import ratelimit
from hub.core.commit import checkpoint, unit_of_work
from hub.core.outbox import deliver, due_items
from hub.core.timeutil import utcnow
from hub.dossier.answers import notify_answers
from hub.dossier.notices import (
    notify_new_reports,
    notify_plans_awaiting_approval,
    notify_provider_messages,
    notify_sync_trouble,
)
from hub.extensions import db

log = logging.getLogger(__name__)

#: how long an export holds its dossiers without renewing (an export of many clients takes a while)
EXPORT_CLAIM = timedelta(minutes=30)


def deliver_outbox(limit=50, seconds=None) -> int:
    """Deliver the due outbox items, each in its own transaction; return how many went out.

    It stops when nothing is due, after ``limit`` items, or after ``seconds`` (None: no such bound).
    """
    sent = 0
    until = time.monotonic() + seconds if seconds else None
    while True:
        with unit_of_work():
            items = due_items(limit=1)
            if not items:
                return sent
            sent += deliver(items[0])
        if (limit is not None and sent >= limit) or (until is not None and time.monotonic() > until):
            return sent


@contextmanager
def claimed(dossier_ids, length=CLAIM):
    """Claim dossiers for a sync (careprovider.schedule.claim); yield (the ids claimed, a commit for the sync's
    batches that also renews the claims, at most once a minute); let go of them after, however it ended."""
    with unit_of_work():
        ids = claim(dossier_ids, length)
    renewed = time.monotonic()

    def commit():
        nonlocal renewed
        if time.monotonic() - renewed > 60:
            renew(ids, length)
            renewed = time.monotonic()
        checkpoint()
    try:
        yield ids, commit
    finally:
        if ids:
            with unit_of_work():
                release(ids)


def sync_one(dossier_id, full=None):
    """Sync one dossier unless another worker is syncing it; return (status, counts, error), or None when busy."""
    with claimed([dossier_id]) as (ids, commit):
        if not ids:
            log.info('dossier %s is being synced by another worker', dossier_id)
            return None
        with unit_of_work():
            run = sync_dossier(db.session.get(Dossier, dossier_id), commit=commit, full=full)
            return run.status, dict(run.counts), run.error


def sync_waiting(dossier_id, full=None, timeout=600, pause=1.0):
    """Sync one dossier now. When another worker is syncing it (a code just redeemed asks one at once), wait for that
    sync to end, at most ``timeout`` seconds, and return its result (a full sync asked for runs after it); return
    (status, counts, error), or None when it was still running at the timeout."""
    asked, deadline = utcnow(), time.monotonic() + timeout
    while True:
        result = sync_one(dossier_id, full=full)
        if result is not None:
            return result
        while _claimed(dossier_id):
            if time.monotonic() > deadline:
                return None
            time.sleep(pause)
        if not full:
            with unit_of_work():
                run = db.session.execute(select(SyncRun).where(
                    SyncRun.dossier_id == dossier_id, SyncRun.finished_at >= asked)
                    .order_by(SyncRun.finished_at.desc()).limit(1)).scalar_one_or_none()
                if run is not None:
                    return run.status, dict(run.counts), run.error
        # the other worker died (its claim ran out) or a full sync was asked: sync here


def _claimed(dossier_id) -> bool:
    with unit_of_work():
        until = db.session.execute(select(Dossier.sync_claimed_until).where(Dossier.id == dossier_id)).scalar()
    return until is not None and until > utcnow()


def due_work():
    """What is due: (ids of providers to export, ids of dossiers to sync alone).

    A dossier of a provider that exports (FHIR Bulk Data) waits for its provider's export, unless it is new,
    asked for, retrying or due for its reconciliation (bulk.exported).
    """
    providers, alone, adapters = set(), [], {}
    with unit_of_work():
        for dossier in dossiers_due():
            adapter = adapters.get(dossier.provider_id) or adapters.setdefault(
                dossier.provider_id, adapter_for(dossier.provider))
            if exported(dossier, adapter):
                providers.add(dossier.provider_id)
            else:
                alone.append(dossier.id)
    return sorted(providers, key=str), alone


def export_one(provider_id):
    """Sync the due dossiers of one exporting provider from one export; return the counts (None: nothing to do)."""
    with unit_of_work():
        adapter = adapter_for(db.session.get(Provider, provider_id))
        due = [d.id for d in dossiers_due() if d.provider_id == provider_id and exported(d, adapter)]
    with claimed(due, EXPORT_CLAIM) as (ids, commit):
        if not ids:
            return None
        with unit_of_work():
            return dict(sync_provider(db.session.get(Provider, provider_id), ids, adapter=adapter, commit=commit))


def sync_due():
    """Sync what is due (interval passed or retry time come), skipping paused providers: one export per
    exporting provider, the other dossiers one by one."""
    providers, alone = due_work()
    for provider_id in providers:
        try:
            counts = export_one(provider_id)
        except Exception:  # noqa: BLE001  one provider's trouble must not stop the others
            log.exception('export of provider %s failed', provider_id)
            continue
        if counts is not None:
            log.info('exported provider %s: %s', provider_id, counts)
    for dossier_id in alone:
        try:
            result = sync_one(dossier_id)
        except Exception:  # noqa: BLE001  one dossier's trouble must not stop the others
            log.exception('sync of dossier %s failed', dossier_id)
            continue
        if result:
            log.info('synced dossier %s: %s %s', dossier_id, *result[:2])


def handle_events():
    """Fetch and store what the providers' webhooks announced."""
    with unit_of_work():
        counts = handle_pending()
    if counts:
        log.info('provider events: %s', dict(counts))


def poll_feeds(now=None):
    """Read the change feeds of providers whose adapter has one, once per sync interval (missed webhooks)."""

    now = now or utcnow()
    with unit_of_work():
        due = [p.id for p in db.session.execute(select(Provider).where(
            Provider.id.in_(select(Dossier.provider_id)))).scalars()
            if adapter_class(p.adapter).polls and (p.paused_until is None or p.paused_until <= now)
            and (p.watermark is None or p.watermark <= now - sync_interval(p))]
    for provider_id in due:
        try:
            with unit_of_work():
                counts = poll(db.session.get(Provider, provider_id), commit=checkpoint)
        except Exception as exc:  # noqa: BLE001  one provider's trouble must not stop the others
            log.warning('change feed of provider %s failed: %s', provider_id, type(exc).__name__)
            with unit_of_work():  # counted like failed syncs: a provider that keeps failing is paused
                provider = db.session.get(Provider, provider_id)
                provider.failures += 1
                trip_breaker(provider, now)
            continue
        log.info('change feed of provider %s: %s', provider_id, dict(counts))


def notify_plans():
    """Tell people what came in, as each chose (after syncs, pushes and events): managers about care plans that came
    to wait for their approval and dossiers that keep failing, readers about the provider's messages and new
    reports, helpers (and their manager) whose access ends in 14 days or tomorrow, those who help tomorrow, carers
    asked monthly how they are doing, those whose request the provider answered; and send
    the daily digests whose hour has come."""
    with unit_of_work():
        notify_plans_awaiting_approval()
        notify_provider_messages()
        notify_new_reports()
        notify_sync_trouble()
        remind_access_ends()
        help_requests.remind()
        wellbeing.remind()
        notify_answers()
        send_digests(page_names=page_names)


def purge():
    """Remove what has expired: dead sessions, forgotten login failures, events handled a week ago."""

    with unit_of_work():
        purge_sessions()
        throttle.purge()
        purge_handled(utcnow() - timedelta(days=7))
        ratelimit.purge()


def run_round():
    """Do one round of background work; one failing part never stops the others or the worker."""
    for step in (handle_events, sync_due, poll_feeds, notify_plans, deliver_outbox, purge):
        try:
            step()
        except Exception:  # noqa: BLE001  logged with its traceback; the next round tries again
            log.exception('worker step %s failed', step.__name__)
