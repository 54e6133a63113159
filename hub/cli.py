"""The ``carehub`` command: one click group with subcommands."""

import logging
import time

import click
from flask.cli import FlaskGroup, with_appcontext

from hub.config import setting
from hub.core.commit import unit_of_work


def _create_app():
    from hub import create_app
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
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
@with_appcontext
def provider_add(name, adapter, settings):
    """Register a care provider."""
    from hub.careprovider.operations import add_provider
    from hub.core.errors import AppError
    parsed = {}
    for item in settings:
        key, sep, value = item.partition('=')
        if not sep or not key:
            raise click.BadParameter(f'{item!r} is not KEY=VALUE', param_hint='--setting')
        parsed[key] = value
    try:
        with unit_of_work():
            provider = add_provider(name, adapter, parsed)
    except AppError as exc:
        raise click.ClickException(f'{exc.message} {exc.fields or ""}'.strip()) from None
    click.echo(f'Added care provider {provider.name!r} (adapter {provider.adapter}).')


@provider.command('code')
@click.argument('name')
@click.argument('client_id')
@click.option('--transfer', is_flag=True, help='A transfer code: moves management of a linked dossier.')
@with_appcontext
def provider_code(name, client_id, transfer):
    """Issue a coupling code for a client and print it."""
    from zoneinfo import ZoneInfo

    from hub.careprovider.operations import provider_by_name
    from hub.connect.operations import issue_code
    from hub.core.errors import AppError
    try:
        with unit_of_work():
            coupling, code = issue_code(provider_by_name(name), client_id, transfer=transfer)
    except AppError as exc:
        raise click.ClickException(str(exc.message)) from None
    click.echo(code)
    until = coupling.expires_at.astimezone(ZoneInfo(setting('DEFAULT_TIMEZONE')))
    click.echo(f'valid until {until:%Y-%m-%d %H:%M %Z}', err=True)


@cli.command()
@click.argument('name', required=False)
@with_appcontext
def sync(name):
    """Sync the linked dossiers now, of one provider or of all."""
    from hub.careprovider.sync import dossiers_to_sync, sync_dossier
    with unit_of_work():
        dossiers = dossiers_to_sync(name)
    if not dossiers:
        click.echo('Nothing to sync: no linked dossiers.')
        return
    failed = 0
    with click.progressbar(length=len(dossiers), label='Syncing dossiers', show_pos=True) as bar:
        for dossier in dossiers:
            with unit_of_work():
                run = sync_dossier(dossier)
            failed += run.status != 'ok'
            bar.update(1)
            click.echo(f"\n{dossier.provider.name} / {dossier.id}: {run.status} {run.counts}"
                       + (f' ({run.error})' if run.error else ''))
    if failed:
        raise click.ClickException(f'{failed} of {len(dossiers)} dossiers failed to sync.')


@cli.command()
@click.option('--once', is_flag=True, help='Deliver what is due and stop.')
@click.option('--interval', default=5.0, show_default=True, help='Seconds between rounds.')
@with_appcontext
def worker(once, interval):
    """Deliver the outbox and run scheduled syncs until stopped."""
    from hub.worker import run_round
    logging.basicConfig(level=logging.INFO, format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    while True:
        run_round()
        if once:
            return
        time.sleep(interval)


@cli.command(with_appcontext=False)
@click.option('--port', default=5000, show_default=True)
@click.option('--host', default='127.0.0.1', show_default=True)
@click.option('--no-serve', is_flag=True, help='Set up the demo data, print the logins and stop.')
@click.option('--code', 'code_for', metavar='EMAIL', help="Print a demo account's current authenticator code.")
def demo(port, host, no_serve, code_for):
    """Set up an instance with a demo provider and client, print how to log in, and serve."""
    from hub.demo import run_demo
    run_demo(host=host, port=port, serve=not no_serve, code_for=code_for)
