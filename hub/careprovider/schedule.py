"""When dossiers sync: the interval, retries with backoff after a failure, and the circuit breaker per provider."""

import logging
from datetime import timedelta
from email.utils import parsedate_to_datetime

from sqlalchemy import or_, select, update

from hub.careprovider.models import Dossier, Provider
from hub.config import setting
from hub.core.backoff import backoff
from hub.core.timeutil import utcnow
from hub.extensions import db

log = logging.getLogger(__name__)


#: failed syncs in a row after which a provider is paused (the circuit breaker opens)
BREAKER_FAILURES = 5
BREAKER_PAUSE = timedelta(minutes=30)
LONGEST_RETRY = timedelta(hours=6)


def schedule_retry(dossier: Dossier, exc: Exception):
    """Plan the next try after a failure: exponential backoff with jitter, or what Retry-After asks.

    A refusal that will not change by trying again (a 4xx other than 429) waits for the normal interval.
    A provider that keeps failing is paused, and the manager and the operator see it.
    """
    now = utcnow()
    dossier.failures += 1
    provider = dossier.provider
    if not getattr(exc, 'about_client', False):  # one unknown client must not pause the whole provider
        provider.failures += 1
    if getattr(exc, 'permanent', False):
        wait = timedelta(minutes=setting('SYNC_INTERVAL_MINUTES'))
    elif getattr(exc, 'retry_after', None):
        wait = _retry_after(exc.retry_after)
    else:
        wait = backoff(dossier.failures, longest=LONGEST_RETRY)
    dossier.retry_at = now + min(wait, LONGEST_RETRY)
    trip_breaker(provider, now)


def trip_breaker(provider: Provider, now=None):
    """Pause a provider that keeps failing (the circuit breaker opens); longer each time it fails again."""
    if provider.failures >= BREAKER_FAILURES:
        now = now or utcnow()
        provider.paused_until = now + backoff(provider.failures - BREAKER_FAILURES + 1, first=BREAKER_PAUSE,
                                              longest=LONGEST_RETRY, jitter=0)
        log.warning('provider %s paused until %s after %d failures', provider.id, provider.paused_until,
                    provider.failures)


def _retry_after(value) -> timedelta:
    """Read a Retry-After header: seconds, or an HTTP date."""
    try:
        return timedelta(seconds=max(0, int(value)))
    except (TypeError, ValueError):
        try:
            return max(parsedate_to_datetime(value) - utcnow(), timedelta(0))
        except (TypeError, ValueError):
            return timedelta(minutes=1)


def sync_interval(provider) -> timedelta:
    """Return the time between scheduled syncs of a provider's dossiers."""
    return timedelta(minutes=provider.sync_interval_minutes or setting('SYNC_INTERVAL_MINUTES'))


def dossiers_due(now=None):
    """Return the dossiers a scheduled sync should run now, skipping paused providers.

    Due: never synced, asked for by a webhook or push, a retry whose time has come, or the provider's
    interval passed since the last sync.
    """
    now = now or utcnow()
    candidates = db.session.execute(select(Dossier).join(Provider).where(
        Dossier.uploaded_by.is_(None), (Dossier.retry_at.is_(None)) | (Dossier.retry_at <= now),
        (Provider.paused_until.is_(None)) | (Provider.paused_until <= now))).scalars()
    return [dossier for dossier in candidates
            if dossier.last_synced_at is None or dossier.sync_requested or dossier.retry_at is not None
            or dossier.last_synced_at <= now - sync_interval(dossier.provider)]


def dossiers_to_sync(provider_name=None):
    """Return the dossiers to sync, of one provider or of all."""
    query = select(Dossier).join(Provider).where(Dossier.uploaded_by.is_(None)).order_by(Provider.name,
                                                                                         Dossier.created_at)
    if provider_name:
        query = query.where(Provider.name == provider_name)
    return db.session.execute(query).scalars().all()


#: how long a claim on a dossier holds without being renewed (a worker that died lets go after this)
CLAIM = timedelta(minutes=10)


def _chunks(dossier_ids, size=500):
    ids = list(dossier_ids)
    return [ids[start:start + size] for start in range(0, len(ids), size)]


def claim(dossier_ids, length=CLAIM) -> list:
    """Claim the dossiers no other worker holds for this worker's sync; return the ids claimed.

    A conditional UPDATE, so of two workers at once exactly one wins each dossier, on SQLite and PostgreSQL
    alike; the claim outlives the commits a long sync makes along the way (a transaction lock would not), and
    a worker that dies lets go when its claim runs out. The caller commits it before the sync starts.
    """
    now, claimed = utcnow(), []
    for chunk in _chunks(dossier_ids):
        claimed += db.session.execute(update(Dossier).where(
            Dossier.id.in_(chunk), or_(Dossier.sync_claimed_until.is_(None), Dossier.sync_claimed_until < now))
            .values(sync_claimed_until=now + length).returning(Dossier.id)
            .execution_options(synchronize_session=False)).scalars().all()
    return claimed


def renew(dossier_ids, length=CLAIM):
    """Hold claims a while longer (while a long sync runs)."""
    for chunk in _chunks(dossier_ids):
        db.session.execute(update(Dossier).where(Dossier.id.in_(chunk)).values(sync_claimed_until=utcnow() + length)
                           .execution_options(synchronize_session=False))


def release(dossier_ids):
    """Let go of dossiers after their sync."""
    for chunk in _chunks(dossier_ids):
        db.session.execute(update(Dossier).where(Dossier.id.in_(chunk)).values(sync_claimed_until=None)
                           .execution_options(synchronize_session=False))
