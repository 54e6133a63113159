"""The operator's commands for apps: carehub app add / list / remove."""

import click

from hub.apps.operations import add_app, apps, remove_app
from hub.cli_words import in_english, refusal
from hub.core.commit import unit_of_work
from hub.core.errors import AppError


@click.group('app')
def app_group():
    """Register the apps members may connect to their care page (SMART on FHIR)."""


@app_group.command('add')
@click.argument('name')
@click.option('--redirect-uri', 'redirect_uris', multiple=True, required=True, metavar='URI',
              help='An exact address the app gets its answer at; repeatable.')
@click.option('--confidential', is_flag=True, help='A server that keeps a secret (else a public app, with PKCE).')
@in_english
def app_add(name, redirect_uris, confidential):
    """Register an app and print its client id (and, for a confidential app, its secret: shown only now)."""
    try:
        with unit_of_work():
            app, secret = add_app(name, list(redirect_uris), confidential=confidential)
            client_id = app.client_id
    except AppError as exc:
        raise refusal(exc) from None
    click.echo(f'client_id     {client_id}')
    if secret:
        click.echo(f'client_secret {secret}')
    else:
        click.echo('a public app: it must use PKCE (S256)', err=True)


@app_group.command('list')
@in_english
def app_list():
    """List the registered apps."""
    with unit_of_work():
        rows = [(app.client_id, 'confidential' if app.confidential else 'public', app.name, ' '.join(app.redirect_uris))
                for app in apps()]
    click.echo(f'{"client_id":<34} {"kind":<13} {"name":<24} redirect URIs')
    for client_id, kind, name, uris in rows:
        click.echo(f'{client_id:<34} {kind:<13} {name:<24} {uris}')


@app_group.command('remove')
@click.argument('client_id')
@in_english
def app_remove(client_id):
    """Remove an app: it can no longer be connected, and what members gave it ends."""
    try:
        with unit_of_work():
            name = remove_app(client_id).name
    except AppError as exc:
        raise refusal(exc) from None
    click.echo(f'removed {name!r} ({client_id})')
