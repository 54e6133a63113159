"""The operator's commands: carehub provider add / code."""

import re
import uuid

from sqlalchemy import select

from hub.cli import cli


def test_provider_add_and_code(app, db):
    from hub.careprovider.models import Provider
    from hub.careprovider.operations import provider_settings
    from hub.connect.models import CouplingCode
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ['provider', 'add', 'Zorggroep Test', '--adapter', 'fhir',
                                 '--setting', 'base_url=https://fhir.example.nl/R4', '--setting', 'token=s3cret'])
    assert result.exit_code == 0, result.output
    [provider] = db.scalars(select(Provider))
    assert 's3cret' not in provider.settings_encrypted  # credentials are encrypted at rest
    with app.app_context():
        assert provider_settings(provider)['token'] == 's3cret'
    result = runner.invoke(cli, ['provider', 'code', 'Zorggroep Test', 'patient-1'])
    assert result.exit_code == 0
    code, valid = result.output.splitlines()  # the code alone on its line (stdout), then how long it works (stderr)
    assert result.stdout == code + '\n' and valid.startswith('valid until ')
    assert re.fullmatch(r'[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}', code)
    [stored] = db.scalars(select(CouplingCode))
    assert code.replace('-', '') not in stored.code_hash and stored.client_id == 'patient-1'


def test_provider_add_refuses_bad_input(app, db):
    from hub.careprovider.models import Provider
    runner = app.test_cli_runner()
    cases = [
        ['provider', 'add', 'X', '--adapter', 'nope', '--setting', 'base_url=https://x.nl'],
        ['provider', 'add', 'X', '--adapter', 'fhir'],
        ['provider', 'add', 'X', '--adapter', 'fhir', '--setting', 'base_url=not a url'],
        ['provider', 'add', 'X', '--adapter', 'fhir', '--setting', 'no-equals-sign'],
        ['provider', 'add', 'X', '--adapter', 'fhir', '--setting', 'base_url=https://x.nl', '--setting', 'bundle=/x'],
    ]
    for args in cases:
        result = runner.invoke(cli, args)
        assert result.exit_code != 0, args
        assert isinstance(result.exception, SystemExit), (args, result.exception)  # said plainly, no traceback
    for adapter in ('nope', 'fhir_upload'):  # carehub's own adapter of uploads is not offered to operators
        result = runner.invoke(cli, ['provider', 'add', 'X', '--adapter', adapter])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
        assert 'Choose one of: fhir, ons.' in result.output and 'fhir_upload' not in result.output.replace(adapter, '')
    assert runner.invoke(cli, ['provider', 'add', 'X', '--adapter', 'fhir',
                               '--setting', 'base_url=https://x.nl']).exit_code == 0
    again = runner.invoke(cli, ['provider', 'add', 'X', '--adapter', 'fhir', '--setting', 'base_url=https://x.nl'])
    assert again.exit_code == 1 and 'A care provider with this name already exists.' in again.output  # English
    assert runner.invoke(cli, ['provider', 'code', 'Unknown', 'p']).exit_code == 1
    assert db.count(Provider) == 1


def test_worker_delivers_the_outbox_over_smtp_and_retries_failures(app, db, smtp_sink):
    from hub.core.models import OutboxItem
    from hub.core.outbox import queue_mail
    db.run(lambda: queue_mail('x@example.nl', 'activate', 'nl', account=type('A', (), {'first_name': 'X'}),
                              activate_link='https://carehub.test/activate?token=t', hours=24))
    result = app.test_cli_runner().invoke(cli, ['worker', '--once'])
    assert result.exit_code == 0, result.output
    [mail] = [m for m in smtp_sink.messages if m['To'] == 'x@example.nl']
    assert 'https://carehub.test/activate?token=t' in mail.get_content()
    [item] = db.scalars(select(OutboxItem))
    assert item.status == 'sent' and item.attempts == 1

    app.config['CAREHUB']['SMTP_URL'] = 'smtp://127.0.0.1:9'  # nobody listens there
    try:
        db.run(lambda: queue_mail('y@example.nl', 'activate', 'nl', account=type('A', (), {'first_name': 'Y'}),
                                  activate_link='https://carehub.test/a', hours=24))
        assert app.test_cli_runner().invoke(cli, ['worker', '--once']).exit_code == 0
    finally:
        app.config['CAREHUB']['SMTP_URL'] = smtp_sink.url
    [failed] = db.scalars(select(OutboxItem).where(OutboxItem.status == 'pending'))
    assert failed.attempts == 1 and failed.last_error and failed.next_attempt_at > failed.created_at


def test_codes_are_listed_with_their_state_revoked_and_printed_as_a_letter(app, db, tmp_path, register):
    runner = app.test_cli_runner()
    runner.invoke(cli, ['provider', 'add', 'Zorg', '--adapter', 'fhir', '--setting', 'base_url=https://x.nl/R4'])
    letter = tmp_path / 'brief.html'
    result = runner.invoke(cli, ['provider', 'code', 'Zorg', 'client-1', '--letter', str(letter),
                                 '--client-name', 'Annie Bakker'])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    html = letter.read_text()
    assert first in html and 'Annie Bakker' in html and 'https://carehub.test' in html and '@page' in html
    second = runner.invoke(cli, ['provider', 'code', 'Zorg', 'client-2']).output.splitlines()[0]
    register('m@example.nl').post('/api/v1/connections', {'code': first})
    listing = runner.invoke(cli, ['provider', 'codes', 'Zorg']).output.splitlines()
    states = {line.split()[1]: line.split()[2] for line in listing if line.strip()}
    assert states == {'client-1': 'redeemed', 'client-2': 'issued'}
    assert first not in '\n'.join(listing) and second not in '\n'.join(listing)  # never shown again
    code_id = next(line.split()[0] for line in listing if 'client-2' in line)
    assert runner.invoke(cli, ['provider', 'revoke', 'Zorg', code_id]).exit_code == 0
    assert 'revoked' in runner.invoke(cli, ['provider', 'codes', 'Zorg']).output
    again = runner.invoke(cli, ['provider', 'revoke', 'Zorg', code_id])
    assert again.exit_code == 1
    assert runner.invoke(cli, ['provider', 'revoke', 'Zorg', 'nonsense']).exit_code == 2


def test_help_without_a_secret_key_prints_no_traceback(tmp_path):
    import os
    import subprocess
    import sys
    env = {key: value for key, value in os.environ.items() if not key.startswith('CAREHUB_')}
    env['CAREHUB_INSTANCE_PATH'] = str(tmp_path)
    carehub = os.path.join(os.path.dirname(sys.executable), 'carehub')
    helped = subprocess.run([carehub, '--help'], env=env, capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0 and 'Traceback' not in helped.stderr + helped.stdout
    assert 'provider' in helped.stdout and 'demo' in helped.stdout
    refused = subprocess.run([carehub, 'provider', 'list'], env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and 'Traceback' not in refused.stderr
    assert 'CAREHUB_SECRET_KEY' in refused.stderr and len(refused.stderr.strip().splitlines()) == 1


def test_sync_waits_for_the_sync_another_worker_runs_and_reports_it(app, db, care_page):
    """A redeemed code asks a sync at once, so a script that syncs after linking meets the worker's sync: the command
    waits for it (up to --wait seconds) and reports its result, instead of failing at random."""
    import threading
    import time
    from datetime import timedelta

    from sqlalchemy import update

    from hub.careprovider.models import Dossier, Provider, SyncRun
    from hub.core.timeutil import utcnow
    _, _, [dossier_id, _], _ = care_page
    [provider] = db.scalars(select(Provider.name).join(Dossier).where(Dossier.id == dossier_id))
    hold = update(Dossier).where(Dossier.id == dossier_id)
    db.execute(hold.values(sync_claimed_until=utcnow() + timedelta(minutes=5)))  # the worker is syncing it

    runner = app.test_cli_runner()
    short = runner.invoke(cli, ['sync', provider, '--wait', '1'])
    assert short.exit_code == 1 and 'another worker was still syncing it after 1 s' in short.output

    results = []
    waiting = threading.Thread(target=lambda: results.append(runner.invoke(cli, ['sync', provider, '--wait', '60'])))
    waiting.start()
    time.sleep(1.5)
    db.execute(SyncRun.__table__.insert().values(id=uuid.uuid4(), dossier_id=dossier_id, started_at=utcnow(),
                                                 finished_at=utcnow(), status='ok', counts={'created': 3}))
    db.execute(hold.values(sync_claimed_until=None))  # the worker's sync ended
    waiting.join(timeout=60)
    [result] = results
    assert result.exit_code == 0, result.output
    assert "ok {'created': 3}" in result.output and 'Synced 1 of 1 dossiers: created 3' in result.output
    assert db.count(SyncRun, SyncRun.dossier_id == dossier_id) == 1  # its result, not a second sync
