"""The operator registers the apps members may connect (SMART on FHIR): carehub app add / list / remove."""

from sqlalchemy import select

from hub.cli import cli


def test_the_operator_adds_lists_and_removes_apps(app, db):
    from hub.apps.models import App
    from hub.apps.operations import app_by_client_id, check_secret
    from hub.core.models import AuditRecord
    runner = app.test_cli_runner()
    public = runner.invoke(cli, ['app', 'add', 'Dagplanner', '--redirect-uri', 'nl.dagplanner.app:/callback',
                                 '--redirect-uri', 'http://127.0.0.1:8765/callback'])
    assert public.exit_code == 0, public.output
    [line] = public.stdout.splitlines()  # only the client id on standard output: a public app has no secret
    public_id = line.split()[1]
    assert 'PKCE' in public.stderr
    server = runner.invoke(cli, ['app', 'add', 'Huisartsportaal', '--redirect-uri', 'https://portaal.example.nl/cb',
                                 '--confidential'])
    assert server.exit_code == 0, server.output
    lines = dict(line.split() for line in server.stdout.splitlines())
    server_id, secret = lines['client_id'], lines['client_secret']
    rows = {row.client_id: row for row in db.scalars(select(App))}
    assert rows[public_id].secret_hash is None and rows[public_id].redirect_uris == [
        'nl.dagplanner.app:/callback', 'http://127.0.0.1:8765/callback']
    assert secret not in rows[server_id].secret_hash  # kept as a keyed hash only
    with app.app_context():
        assert check_secret(app_by_client_id(server_id), secret)
        assert not check_secret(app_by_client_id(server_id), secret + 'x')
        assert not check_secret(app_by_client_id(public_id), secret)
    listed = runner.invoke(cli, ['app', 'list'])
    assert listed.exit_code == 0 and 'Dagplanner' in listed.output and 'confidential' in listed.output
    assert secret not in listed.output
    removed = runner.invoke(cli, ['app', 'remove', public_id])
    assert removed.exit_code == 0 and 'Dagplanner' in removed.output
    assert [row.client_id for row in db.scalars(select(App))] == [server_id]
    again = runner.invoke(cli, ['app', 'remove', public_id])
    assert again.exit_code != 0 and 'no app with this client id' in again.output
    events = [row.event for row in db.scalars(select(AuditRecord).where(AuditRecord.event.like('app.%')))]
    assert sorted(events) == ['app.add', 'app.add', 'app.remove']


def test_an_app_needs_a_name_and_exact_safe_redirect_addresses(app, db):
    from hub.apps.models import App
    runner = app.test_cli_runner()
    cases = [
        (['app', 'add', 'X'], 'redirect-uri'),  # none given
        (['app', 'add', '', '--redirect-uri', 'https://x.example.nl/cb'], 'name'),
        (['app', 'add', 'X', '--redirect-uri', 'http://x.example.nl/cb'], 'localhost'),  # plain http elsewhere
        (['app', 'add', 'X', '--redirect-uri', 'https://x.example.nl/cb#frag'], 'fragment'),
        (['app', 'add', 'X', '--redirect-uri', 'javascript:alert(1)'], 'https'),
        (['app', 'add', 'X', '--redirect-uri', 'https:///nohost'], 'https'),
        (['app', 'add', 'X', '--redirect-uri', 'https://x.example.nl/' + 'a' * 500], '500'),
        (['app', 'add', 'X'] + [arg for n in range(11) for arg in ('--redirect-uri', f'https://x.example.nl/{n}')],
         '10'),
    ]
    for args, said in cases:
        result = runner.invoke(cli, args)
        assert result.exit_code != 0 and said in result.output, (args, result.output)
    assert list(db.scalars(select(App))) == []  # nothing was added
