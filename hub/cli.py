"""The ``carehub`` command: one click group with subcommands."""

import logging
import os
import time
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import click
import flask_migrate.cli
from flask import current_app
from flask.cli import FlaskGroup, routes_command, shell_command, with_appcontext
from sqlalchemy import func, select

from hub import create_app
from hub.account.operations import account_by_email, end_all_sessions
from hub.app_commands import app_group
from hub.careprovider.remap import remap as remap_all
from hub.careprovider.schedule import dossiers_to_sync
from hub.cli_words import in_english
from hub.config import setting
from hub.core.audit import audit
from hub.core.audit import purge as purge_audit_records
from hub.core.commit import checkpoint, unit_of_work
from hub.core.models import AuditRecord
from hub.core.timeutil import utcnow
from hub.demo import run_demo
from hub.extensions import db
from hub.provider_commands import provider
from hub.tasks import make_celery
from hub.worker import run_round, sync_waiting


def _create_app():
    try:
        return create_app()
    except RuntimeError as exc:  # a missing secret key: say so in one line, no traceback
        raise click.ClickException(str(exc)) from None


class CarehubGroup(FlaskGroup):
    """Flask's group, but listing and finding commands needs no app: every command is registered here.

    (Flask's own group loads the app to look for more commands, and prints a traceback when it cannot,
    e.g. before a secret key is set; commands that need the app still say plainly what is missing.)
    """

    def list_commands(self, ctx):
        return click.Group.list_commands(self, ctx)

    def get_command(self, ctx, name):
        return click.Group.get_command(self, ctx, name)


@click.group(cls=CarehubGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
def cli():
    """carehub: a federated account hub for long-term care."""


def _add_default_commands():
    cli.add_command(flask_migrate.cli.db)
    cli.add_command(shell_command)
    cli.add_command(routes_command)


_add_default_commands()


cli.add_command(provider)
cli.add_command(app_group)


@cli.group()
def audit_log():
    """The audit log: who read or did what (NEN 7513)."""


@audit_log.command('purge')
@click.option('--dry-run', is_flag=True, help='Only say how many records are older than the retention.')
@in_english
def audit_purge(dry_run):
    """Remove audit records older than CAREHUB_AUDIT_RETENTION_DAYS (default 5 years): the only way to remove any."""
    before = utcnow() - timedelta(days=setting('AUDIT_RETENTION_DAYS'))
    if dry_run:
        with unit_of_work():
            count = db.session.execute(select(func.count()).select_from(AuditRecord)
                                       .where(AuditRecord.at < before)).scalar_one()
        click.echo(f'{count} audit records are older than {before:%Y-%m-%d}.')
        return
    with unit_of_work():
        removed = purge_audit_records(before)
    click.echo(f'Removed {removed} audit records older than {before:%Y-%m-%d}.')


cli.add_command(audit_log, 'audit')


@cli.group()
def account():
    """Block or unblock an account, and set when it may be used."""


@account.command('disable')
@click.argument('email')
@in_english
def account_disable(email):
    """Block an account: its sessions end at once."""
    _set_account(email, status='disabled')


@account.command('enable')
@click.argument('email')
@in_english
def account_enable(email):
    """Unblock an account."""
    _set_account(email, status='active')


@account.command('valid')
@click.argument('email')
@click.option('--from', 'valid_from', type=click.DateTime(['%Y-%m-%d']), help='First day it may be used.')
@click.option('--until', 'valid_until', type=click.DateTime(['%Y-%m-%d']), help='First day it may no longer be used.')
@in_english
def account_valid(email, valid_from, valid_until):
    """Set from and until when an account may be used (dates in the Netherlands)."""
    zone = ZoneInfo(setting('DEFAULT_TIMEZONE'))
    _set_account(email, valid_from=valid_from.replace(tzinfo=zone) if valid_from else None,
                 valid_until=valid_until.replace(tzinfo=zone) if valid_until else None)


def _set_account(email, **values):
    with unit_of_work():
        found = account_by_email(email)
        if found is None or found.status == 'pending':
            raise click.ClickException(f'no active account {email}')
        for key, value in values.items():
            setattr(found, key, value)
        if values.get('status') == 'disabled':
            end_all_sessions(found)
        audit('account.admin', 'U', actor=None, target=f'account:{found.id}')
    click.echo('done')


@cli.command()
@click.argument('name', required=False)
@click.option('--full', is_flag=True, help='Fetch everything and compare, finding what the source deleted.')
@click.option('--wait', default=600, show_default=True, type=click.IntRange(0, 24 * 3600), metavar='SECONDS',
              help='How long to wait for a sync another worker is running of the same dossier.')
@with_appcontext
def sync(name, full, wait):
    """Sync the linked dossiers now, of one provider or of all."""
    with unit_of_work():
        dossiers = dossiers_to_sync(name)
    if not dossiers:
        click.echo('Nothing to sync: no linked dossiers.')
        return
    failed, totals = 0, Counter()
    with click.progressbar(length=len(dossiers), label='Syncing dossiers', show_pos=True) as bar:
        for dossier in dossiers:
            result = sync_waiting(dossier.id, full=full or None, timeout=wait)
            bar.update(1)
            if result is None:
                failed += 1
                click.echo(f'\n{dossier.provider.name} / {dossier.id}: another worker was still syncing it after '
                           f'{wait} s')
                continue
            status, counts, error = result
            failed += status != 'ok'
            totals.update(counts)
            click.echo(f"\n{dossier.provider.name} / {dossier.id}: {status} {counts}" + (f' ({error})' if error else ''))
    click.echo(f"Synced {len(dossiers) - failed} of {len(dossiers)} dossiers: "
               + (', '.join(f'{key} {value}' for key, value in sorted(totals.items())) or 'nothing fetched'))
    if failed:
        raise click.ClickException(f'{failed} of {len(dossiers)} dossiers failed to sync.')


@cli.command()
@click.option('--adapter', 'adapter_name', help='Only the providers of this adapter.')
@with_appcontext
def remap(adapter_name):
    """Rebuild the common records from the stored raw payloads (after an adapter changed); fetches nothing."""
    with unit_of_work():
        counts = remap_all(adapter_name, commit=checkpoint)
    click.echo(', '.join(f'{key} {value}' for key, value in sorted(counts.items()) if value) or 'nothing stored')


@cli.command()
@click.option('--once', is_flag=True, help='Do one round of what is due in this process and stop.')
@click.option('--interval', default=5.0, show_default=True, help='Seconds between rounds (without Redis).')
@click.option('--beat', is_flag=True, help='With Redis: also send the scheduled tasks (in one worker only).')
@click.option('--concurrency', type=click.IntRange(1, 64), help='With Redis: worker processes (default: the CPUs).')
@with_appcontext
def worker(once, interval, beat, concurrency):
    """Deliver the outbox and run scheduled syncs until stopped.

    With CAREHUB_REDIS_URL set this starts a Celery worker (Redis is the broker; run as many as needed, and
    one with --beat); without it, one process does all the work in rounds.
    """
    logging.basicConfig(level=logging.INFO, format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    if setting('REDIS_URL') and not once:
        argv = ['worker', '--loglevel=INFO', '--queues=carehub', '--without-gossip', '--without-mingle',
                f'--hostname=carehub-{os.getpid()}@%h']
        if beat:
            argv.append('--beat')
        if concurrency:
            argv.append(f'--concurrency={concurrency}')
        make_celery(current_app._get_current_object()).worker_main(argv)
        return
    if beat or concurrency:
        click.echo('Without CAREHUB_REDIS_URL one process does all the work: --beat and --concurrency are not used.',
                   err=True)
    while True:
        run_round()
        if once:
            return
        time.sleep(interval)


@cli.command(with_appcontext=False)
@click.option('--port', default=5000, show_default=True)
@click.option('--host', default='localhost', show_default=True,
              help='A name, not an IP address: passkeys need one (WebAuthn).')
@click.option('--no-serve', is_flag=True, help='Set up the demo data, print the logins and stop.')
@click.option('--code', 'code_for', metavar='EMAIL', help="Print a demo account's current authenticator code.")
def demo(port, host, no_serve, code_for):
    """Set up an instance with a demo provider and client, print how to log in, and serve."""
    run_demo(host=host, port=port, serve=not no_serve, code_for=code_for)
