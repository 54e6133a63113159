"""Background work on Celery, with Redis as the broker, when ``CAREHUB_REDIS_URL`` is set.

Each step of the worker (hub.worker) is a task; Celery beat sends them on a schedule, and ``sync_due`` fans
out one ``sync_dossier`` task per due dossier, so the syncs spread over all workers. Tasks carry ids, never
data: what must happen is in the database (the outbox, the events, the due dossiers), so a task that runs
twice, or is lost with its worker, changes nothing: the next one does the work. Tasks are acknowledged
late (a task of a worker that died is run again) and each is idempotent: a delivered outbox item is marked
in the same transaction, an item or event is taken by one worker only (SKIP LOCKED), a dossier syncs in one
worker at a time (its claim). The steps that must not overlap run under a Redis lock.

Without Redis, ``carehub worker`` runs the same steps in one process, in rounds (the embedded default).
"""

import contextlib
import logging
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import redis
from celery import Celery, Task
from celery.signals import worker_process_init

from hub import worker
from hub.config import setting
from hub.extensions import db

log = logging.getLogger(__name__)

#: task name -> how often beat sends it
SCHEDULE = {
    'carehub.deliver_outbox': timedelta(seconds=5),
    'carehub.handle_events': timedelta(seconds=5),
    'carehub.sync_due': timedelta(minutes=1),
    'carehub.poll_feeds': timedelta(minutes=5),
    'carehub.notify_plans': timedelta(seconds=30),
    'carehub.purge': timedelta(hours=1),
}
#: how long one delivery task keeps sending before it hands over to the next
DELIVERY_SECONDS = 50


def make_celery(app) -> Celery:
    """Return the Celery app of a carehub app (kept in ``app.extensions['celery']``): every task runs in an
    app context, so a task is one or more units of work like a request."""
    if 'celery' in app.extensions:
        return app.extensions['celery']

    class AppTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery('carehub', task_cls=AppTask)
    celery.conf.update(
        broker_url=app.config['CAREHUB']['REDIS_URL'],
        broker_connection_retry_on_startup=True,
        # a task is acknowledged when it is done, and given to another worker when its worker dies
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        # a task taken by a worker that vanished is sent again after this (longer than any task runs)
        broker_transport_options={'visibility_timeout': 3600},
        task_ignore_result=True, task_default_queue='carehub', timezone='UTC', enable_utc=True,
        worker_hijack_root_logger=False,
        beat_schedule={name: {'task': name, 'schedule': every, 'options': {'expires': every.total_seconds() * 2}}
                       for name, every in SCHEDULE.items()},
        beat_schedule_filename=str(Path(app.config['CAREHUB']['INSTANCE_PATH']) / 'celerybeat-schedule'),
    )
    _register(celery)

    @worker_process_init.connect(weak=False)
    def fresh_connections(**kwargs):
        """A forked worker process opens its own database connections (the parent's are not shared)."""
        with app.app_context():
            db.engine.dispose(close=False)

    app.extensions['celery'] = celery
    return celery


@contextmanager
def exclusive(name, seconds):
    """Run the body in one worker at a time (a Redis lock that runs out after ``seconds``); skip it when taken."""
    client = redis.Redis.from_url(setting('REDIS_URL'))
    lock = client.lock(f'carehub:lock:{name}', timeout=seconds, blocking=False)
    if not lock.acquire():
        log.info('%s is running in another worker', name)
        yield False
        return
    try:
        yield True
    finally:
        with contextlib.suppress(redis.exceptions.LockError):  # it ran out; another worker may hold it now
            lock.release()


def _register(celery):
    @celery.task(name='carehub.deliver_outbox')
    def deliver_outbox():
        # on PostgreSQL workers take items with SKIP LOCKED, so they may deliver side by side; SQLite has no
        # row locks, so there one worker delivers at a time
        if db.engine.dialect.name == 'postgresql':
            return worker.deliver_outbox(limit=None, seconds=DELIVERY_SECONDS)
        with exclusive('deliver_outbox', DELIVERY_SECONDS + 30) as mine:
            return worker.deliver_outbox(limit=None, seconds=DELIVERY_SECONDS) if mine else 0

    @celery.task(name='carehub.handle_events')
    def handle_events():
        worker.handle_events()

    @celery.task(name='carehub.sync_due')
    def sync_due():
        providers, alone = worker.due_work()
        for provider_id in providers:
            export_provider.delay(str(provider_id))
        for dossier_id in alone:
            sync_dossier.delay(str(dossier_id))

    @celery.task(name='carehub.export_provider')
    def export_provider(provider_id):
        counts = worker.export_one(uuid.UUID(provider_id))  # None: nothing due, or other workers have them
        if counts is not None:
            log.info('exported provider %s: %s', provider_id, counts)

    @celery.task(name='carehub.sync_dossier')
    def sync_dossier(dossier_id):
        result = worker.sync_one(uuid.UUID(dossier_id))  # None: another worker has it
        if result:
            log.info('synced dossier %s: %s %s', dossier_id, *result[:2])

    @celery.task(name='carehub.poll_feeds')
    def poll_feeds():
        with exclusive('poll_feeds', 3600) as mine:
            if mine:
                worker.poll_feeds()

    @celery.task(name='carehub.notify_plans')
    def notify_plans():
        with exclusive('notify_plans', 600) as mine:
            if mine:
                worker.notify_plans()

    @celery.task(name='carehub.purge')
    def purge():
        with exclusive('purge', 3600) as mine:
            if mine:
                worker.purge()
