"""`carehub provider ...`: the care providers, their API clients and the coupling codes an operator issues."""


import uuid
from zoneinfo import ZoneInfo

import click
from flask import render_template
from flask_babel import force_locale
from sqlalchemy import func, select

from hub.careprovider.models import Dossier, Provider
from hub.careprovider.oauth import clients_of, new_credentials, revoke_credentials
from hub.careprovider.operations import add_provider, provider_by_name
from hub.careprovider.registry import adapter_class
from hub.cli_words import in_english, refusal
from hub.config import setting
from hub.connect.operations import code_state, codes_of, issue_code, revoke_code
from hub.core.commit import unit_of_work
from hub.core.errors import AppError
from hub.extensions import db


@click.group()
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
        with force_locale(setting('DEFAULT_LANGUAGE')):
            html = render_template('connect/letter.html', code=code, client_name=client_name,
                                   provider_name=provider_name, expires_at=_local(expires_at, '%d-%m-%Y'),
                                   site=setting('BASE_URL'))
        with open(letter, 'w', encoding='utf-8') as handle:
            handle.write(html)
        click.echo(f'letter written to {letter}', err=True)


def _local(moment, pattern='%Y-%m-%d %H:%M %Z'):
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

    try:
        with unit_of_work():
            revoke_code(provider_by_name(name), uuid.UUID(code_id))
    except ValueError:
        raise click.BadParameter('not a code id', param_hint='CODE_ID') from None
    except AppError as exc:
        raise refusal(exc) from None
    click.echo('revoked')
