"""The ``carehub`` command: one click group with subcommands."""

import functools
import logging
import os
import time
from datetime import timedelta

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import force_locale
from sqlalchemy import func, select

from hub import create_app
from hub.account.operations import account_by_email, end_all_sessions
from hub.careprovider.models import Dossier, Provider
from hub.careprovider.oauth import clients_of, new_credentials, revoke_credentials
from hub.careprovider.operations import add_provider, provider_by_name
from hub.careprovider.registry import adapter_class
from hub.careprovider.remap import remap as remap_all
from hub.careprovider.schedule import dossiers_to_sync
from hub.config import setting
from hub.connect.operations import code_state, codes_of, issue_code, revoke_code
from hub.core.audit import audit
from hub.core.audit import purge as purge_audit_records
from hub.core.commit import checkpoint, unit_of_work
from hub.core.errors import AppError
from hub.core.models import AuditRecord
from hub.core.timeutil import utcnow
from hub.demo import run_demo
from hub.extensions import db
from hub.tasks import make_celery
from hub.worker import run_round, sync_waiting


def in_english(command):
    """Run an operator's command in the app, in English like the rest of the command line (refusals of the operations
    are in the default language otherwise)."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        with force_locale('en'):
            return command(*args, **kwargs)
    return with_appcontext(run)


def refusal(exc: AppError) -> click.ClickException:
    """An operation's refusal as the command line says it: the message, then each field's problems on a line."""
    lines = [str(exc.message)]
    for field, problems in (exc.fields or {}).items():
        for problem in problems if isinstance(problems, list) else [problems]:
            lines.append(f'  {field}: {problem}')
    return click.ClickException('\n'.join(lines))


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
    from flask.cli import routes_command, shell_command
    from flask_migrate.cli import db
    cli.add_command(db)
    cli.add_command(shell_command)
    cli.add_command(routes_command)


_add_default_commands()


@cli.group()
def provider():
    """Register care providers and issue coupling codes."""


@provider.command('add')
@click.argument('name')
@click.option('--adapter', required=True, help='The adapter name, e.g. fhir.')
@click.option('--setting', 'settings', multiple=True, metavar='KEY=VALUE', help='An adapter setting; repeatable.')
@click.option('--sync-every', 'sync_every', type=click.IntRange(5, 7 * 24 * 60), metavar='MINUTES',
              help='Minutes between scheduled syncs (default: the SYNC_INTERVAL_MINUTES setting).')
@in_english
def provider_add(name, adapter, settings, sync_every):
    """Register a care provider."""
    parsed = {}
    for item in settings:
        key, sep, value = item.partition('=')
        if not sep or not key:
            raise click.BadParameter(f'{item!r} is not KEY=VALUE', param_hint='--setting')
        parsed[key] = value
    try:
        with unit_of_work():
            provider = add_provider(name, adapter, parsed, sync_interval_minutes=sync_every)
    except AppError as exc:
        raise refusal(exc) from None
    click.echo(f'Added care provider {provider.name!r} (adapter {provider.adapter}), id {provider.id}.')
    if adapter_class(adapter).webhooks:
        click.echo(f"Webhook URL for the provider system: {setting('BASE_URL')}/provider/v1/webhooks/{provider.id}")


@provider.command('list')
@in_english
def provider_list():
    """List the providers with their adapter, linked dossiers and sync health."""
    with unit_of_work():
        rows = db.session.execute(select(Provider, func.count(Dossier.id)).outerjoin(Dossier)
                                  .group_by(Provider.id).order_by(Provider.name)).all()
        for found, linked in rows:
            health = (f'PAUSED until {_local(found.paused_until)} after {found.failures} failed syncs'
                      if found.paused_until else f'{found.failures} failed syncs in a row' if found.failures else 'ok')
            click.echo(f'{found.name:30} {found.adapter:8} {linked:5} dossiers  {health}  id {found.id}')


@provider.command('credentials')
@click.argument('name')
@click.option('--list', 'show', is_flag=True, help='List the API clients of this provider instead.')
@click.option('--revoke', metavar='CLIENT_ID', help='Revoke this client: its secret and tokens stop working at once.')
@click.option('--rotate', metavar='CLIENT_ID', help='Print new credentials and revoke this client in one step.')
@in_english
def provider_credentials(name, show, revoke, rotate):
    """Print a new client id and secret for the provider API (the secret is shown only now).

    To change a secret without a gap: make new credentials, put them in the provider system, then
    --revoke the old client; --rotate does both at once.
    """
    if sum(bool(option) for option in (show, revoke, rotate)) > 1:
        raise click.UsageError('Use one of --list, --revoke and --rotate.')
    try:
        with unit_of_work():
            provider = provider_by_name(name)
            if show:
                rows = [(row.client_id, _local(row.created_at), _local(row.revoked_at) if row.revoked_at else '')
                        for row in clients_of(provider)]
            elif revoke:
                revoke_credentials(provider, revoke)
            else:
                if rotate:
                    revoke_credentials(provider, rotate)
                client_id, secret = new_credentials(provider)
    except AppError as exc:
        raise refusal(exc) from None
    if show:
        click.echo(f'{"client_id":<30} {"created":<20} revoked')
        for client_id, created, revoked in rows:
            click.echo(f'{client_id:<30} {created:<20} {revoked}')
        return
    if revoke:
        click.echo(f'revoked {revoke}: its tokens no longer work')
        return
    click.echo(f'client_id     {client_id}')
    click.echo(f'client_secret {secret}')
    if rotate:
        click.echo(f'revoked       {rotate}', err=True)
    click.echo(f'token URL     {setting("BASE_URL")}/provider/v1/oauth/token (grant client_credentials; '
               'scopes codes records outbox)', err=True)


@provider.command('code')
@click.argument('name')
@click.argument('client_id')
@click.option('--transfer', is_flag=True, help='A transfer code: moves management of a linked dossier.')
@click.option('--letter', type=click.Path(dir_okay=False, writable=True), help='Also write the coupling letter here.')
@click.option('--client-name', help="The client's name, for the letter.")
@in_english
def provider_code(name, client_id, transfer, letter, client_name):
    """Issue a coupling code for a client and print it."""
    try:
        with unit_of_work():
            provider = provider_by_name(name)
            coupling, code = issue_code(provider, client_id, transfer=transfer)
            expires_at, provider_name = coupling.expires_at, provider.name
    except AppError as exc:
        raise refusal(exc) from None
    click.echo(code)
    click.echo(f'valid until {_local(expires_at)}', err=True)
    if letter:
        from flask import render_template
        from flask_babel import force_locale
        with force_locale(setting('DEFAULT_LANGUAGE')):
            html = render_template('connect/letter.html', code=code, client_name=client_name,
                                   provider_name=provider_name, expires_at=_local(expires_at, '%d-%m-%Y'),
                                   site=setting('BASE_URL'))
        with open(letter, 'w', encoding='utf-8') as handle:
            handle.write(html)
        click.echo(f'letter written to {letter}', err=True)


def _local(moment, pattern='%Y-%m-%d %H:%M %Z'):
    from zoneinfo import ZoneInfo
    return f'{moment.astimezone(ZoneInfo(setting("DEFAULT_TIMEZONE"))):{pattern}}'


@provider.command('codes')
@click.argument('name')
@in_english
def provider_codes(name):
    """List a provider's coupling codes with their state (the codes themselves are not stored)."""
    try:
        with unit_of_work():
            rows = [(str(c.id), c.client_id, code_state(c), c) for c in codes_of(provider_by_name(name))]
    except AppError as exc:
        raise refusal(exc) from None
    for ident, client_id, state, coupling in rows:
        detail = {'issued': f'valid until {_local(coupling.expires_at)}',
                  'redeemed': f'redeemed {_local(coupling.redeemed_at)}' if coupling.redeemed_at else '',
                  'revoked': f'revoked {_local(coupling.revoked_at)}' if coupling.revoked_at else '',
                  'expired': f'expired {_local(coupling.expires_at)}'}[state]
        click.echo(f'{ident}  {client_id:20}  {state:9}  {detail}{"  (transfer)" if coupling.transfer else ""}')


@provider.command('revoke')
@click.argument('name')
@click.argument('code_id')
@in_english
def provider_revoke(name, code_id):
    """Revoke a coupling code that is still valid (by the id that `codes` shows)."""
    import uuid

    try:
        with unit_of_work():
            revoke_code(provider_by_name(name), uuid.UUID(code_id))
    except ValueError:
        raise click.BadParameter('not a code id', param_hint='CODE_ID') from None
    except AppError as exc:
        raise refusal(exc) from None
    click.echo('revoked')


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
    from zoneinfo import ZoneInfo
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
    from collections import Counter
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
