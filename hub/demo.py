"""``carehub demo``: an instance with a demo provider, clients, accounts, and a server."""

import json
import logging
import secrets
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import click
import pyotp
from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.serving import run_simple

from hub import create_app
from hub.account.hashing import hash_password
from hub.account.models import Account
from hub.account.operations import account_by_email
from hub.careprovider.models import Provider
from hub.careprovider.operations import add_provider, get_or_create_dossier, provider_by_name
from hub.careprovider.sync import sync_dossier
from hub.circle import board, calendar, messages, notes
from hub.circle import help as helping
from hub.circle.access import membership
from hub.circle.models import CircleDossier, Member
from hub.circle.operations import create_circle
from hub.config import load_config, setting
from hub.connect.operations import issue_code
from hub.core.commit import unit_of_work
from hub.core.crypto import decrypt, encrypt
from hub.core.timeutil import utcnow, zone
from hub.demo_data import MAIN_CLIENT, SECOND_CLIENT, demo_bundle
from hub.extensions import db
from hub.worker import deliver_outbox, notify_plans, sync_due

PROVIDER = 'Zorggroep Demo'
#: demo logins: (email, first name, last name, role on the main care page)
ACCOUNTS = [
    ('mieke@demo.carehub.nl', 'Mieke', 'Jansen', 'manager'),
    ('ahmed@demo.carehub.nl', 'Ahmed', 'Yilmaz', 'trust'),
    ('sanne@demo.carehub.nl', 'Sanne', 'de Groot', 'basic'),
    ('wim@demo.carehub.nl', 'Wim', 'Jansen', 'client'),  # the client himself, reading in easy read
]
PASSWORD = 'tulpen in de vensterbank 2026'  # noqa: S105  the demo's, printed for whoever runs it


def _ensure_instance(instance: Path, base_url: str):
    """Write the demo's instance file: a secret key (once), and the address it serves on, so that other
    ``carehub`` commands on this instance print links that work."""
    config_file = instance / 'carehub.cfg'
    instance.mkdir(parents=True, exist_ok=True)
    lines = config_file.read_text().splitlines() if config_file.exists() else []
    if not any(line.startswith('SECRET_KEY') for line in lines):
        lines.append(f'SECRET_KEY = {secrets.token_urlsafe(48)!r}')
    if not any(line.startswith('DIGEST_HOUR') for line in lines):  # the daily mail shows in the demo's first round
        lines.append('DIGEST_HOUR = 0')
    lines = [line for line in lines if not line.startswith('BASE_URL')] + [f'BASE_URL = {base_url!r}']
    config_file.write_text('\n'.join(lines) + '\n')
    config_file.chmod(0o600)


def _account(email, first, last):

    account = account_by_email(email)
    if account is None:
        account = Account(email=email, first_name=first, last_name=last, security_stamp=secrets.token_hex(16),
                          terms_version=setting('TERMS_VERSION'), terms_accepted_at=utcnow(), status='active',
                          password_hash=hash_password(PASSWORD), activated_at=utcnow(),
                          totp_secret=encrypt(pyotp.random_base32()))
        db.session.add(account)
        db.session.flush()
    return account


def demo_code(email):
    """Return the current authenticator code of a demo account (demo accounts only)."""

    account = account_by_email(email)
    if account is None or not account.email.endswith('@demo.carehub.nl') or not account.totp_secret:
        raise click.ClickException(f'{email} is not a demo account.')
    return pyotp.TOTP(decrypt(account.totp_secret)).now()


def set_up(bundle_path: Path):
    """Create (or refresh) the demo provider, accounts, care page and data; return a fresh code."""

    bundle_path.parent.mkdir(parents=True, exist_ok=True)
    bundle_path.write_text(json.dumps(demo_bundle()))
    with unit_of_work():
        if db.session.execute(select(Provider).where(Provider.name == PROVIDER)).scalar_one_or_none() is None:
            add_provider(PROVIDER, 'fhir', {'bundle': str(bundle_path)})
        provider = provider_by_name(PROVIDER)
        accounts = {role: _account(email, first, last) for email, first, last, role in ACCOUNTS}
        dossier = get_or_create_dossier(provider, MAIN_CLIENT)
        if db.session.get(CircleDossier, dossier.id) is None:
            circle = create_circle(accounts['manager'])
            db.session.add(CircleDossier(dossier_id=dossier.id, circle_id=circle.id))
            for role in ('trust', 'basic', 'client'):  # permissions None: those of the role
                db.session.add(Member(circle_id=circle.id, account_id=accounts[role].id, role=role, permissions=None))
            accounts['client'].easy_read = True
            db.session.flush()
            _page_content(circle.id, accounts)
    with unit_of_work():
        run = sync_dossier(get_or_create_dossier(provider_by_name(PROVIDER), MAIN_CLIENT))
    counts = dict(run.counts)
    with unit_of_work():
        _, code = issue_code(provider_by_name(PROVIDER), SECOND_CLIENT)
    return counts, code


def _page_content(circle_id, accounts):
    """What helpers wrote on the demo care page: messages, notes, the board and the calendar."""

    members = {role: membership(account, circle_id) for role, account in accounts.items()}
    visit, _ = messages.start_thread(members['manager'], accounts['manager'],
                                     'Zondag komt de hele familie op bezoek. Wie neemt er taart mee?',
                                     subject='Bezoek zondag', audience='all')
    messages.reply(members['basic'], accounts['basic'], visit.id, 'Ik neem appeltaart mee!')
    messages.start_thread(members['trust'], accounts['trust'],
                          'Ik heb met de arts gesproken over de nieuwe medicijnen. Bel me gerust.',
                          subject='Nieuwe medicijnen', audience='trust')
    notes.write_note(members['trust'], accounts['trust'], 'De reservebril ligt in de bovenste la van het nachtkastje.')
    post = board.add_post(members['basic'], accounts['basic'], 'Vandaag samen gewandeld in het park. Mooi weer!')
    board.react(members['manager'], accounts['manager'], post.id, 'Wat fijn, dank je wel!')
    soon = (utcnow() + timedelta(days=3)).replace(hour=13, minute=0, second=0, microsecond=0)
    calendar.add_entry(members['basic'], accounts['basic'], {
        'title': 'Samen naar de markt', 'starts_at': soon, 'ends_at': soon + timedelta(hours=2),
        'location': 'Markt in het centrum'})
    ride = helping.ask(members['basic'], accounts['basic'], {
        'title': 'Rit naar de kapper', 'kind': 'ride', 'places': 1, 'starts_at': soon + timedelta(days=1, hours=1),
        'ends_at': soon + timedelta(days=1, hours=2), 'description': 'Ophalen bij de voordeur.'})
    helping.ask(members['trust'], accounts['trust'], {
        'title': 'Samen koken en eten', 'kind': 'meal', 'places': 2, 'starts_at': soon + timedelta(days=2, hours=4)})
    helping.sign_up(members['trust'], accounts['trust'], ride.id)
    # today at 15:00: something on Wim's "Vandaag"
    coffee = datetime.combine(utcnow().astimezone(zone()).date(), datetime.min.time(), zone()).replace(hour=15)
    calendar.add_entry(members['trust'], accounts['trust'], {
        'title': 'Koffie drinken', 'starts_at': coffee, 'ends_at': coffee + timedelta(hours=1)})
    tuesday = soon + timedelta(days=(1 - soon.weekday()) % 7)
    calendar.add_entry(members['trust'], accounts['trust'], {
        'title': 'Wandelen met mama', 'starts_at': tuesday.replace(hour=9), 'ends_at': tuesday.replace(hour=10),
        'repeat': {'freq': 'weekly', 'interval': 1, 'count': 10}})


def demo_round(app):
    """Do what the worker does, for the demo server: due syncs (a dossier just linked), notices, mail."""
    with app.app_context():
        sync_due()
        notify_plans()
        deliver_outbox()


def _work_in_background(app, stop):
    while not stop.is_set():
        try:
            demo_round(app)
        except Exception:  # noqa: BLE001  the demo server goes on; the next round tries again
            logging.getLogger(__name__).exception('demo background round failed')
        stop.wait(2)


def run_demo(host='localhost', port=5000, serve=True, code_for=None):
    """Set everything up, print the logins, and serve until stopped."""

    instance = Path(load_config()['INSTANCE_PATH'])
    if code_for:
        if not (instance / 'demo').is_dir():
            raise click.ClickException(f'No demo in {instance}: run this in the folder where you ran `make demo`.')
        app = create_app()
        with app.app_context():
            click.echo(demo_code(code_for))
        return
    _ensure_instance(instance, f'http://{host}:{port}')
    app = create_app()
    with app.app_context():
        upgrade(x_arg=['quiet=1'])  # the logins below, not a page of migrations
        counts, code = set_up(instance / 'demo' / 'bundle.json')
    click.echo(f'\nDemo data loaded: {counts}')
    click.echo(f'\n  Open http://{host}:{port} and log in with one of these (password: {PASSWORD}):')
    for email, first, last, role in ACCOUNTS:
        click.echo(f'    {email:28} {first} {last}, {role}')
    click.echo('\n  The dossier asks for a code from an authenticator app. For a demo account, get the current')
    click.echo('  code with:  .venv/bin/carehub demo --code mieke@demo.carehub.nl')
    click.echo(f'\n  A fresh coupling code to try (client Annie Bakker): {code}')
    click.echo(f'  Mails are written to {instance / "mail"}\n')
    if not serve:
        return
    stop = threading.Event()
    threading.Thread(target=_work_in_background, args=(app, stop), daemon=True).start()
    try:
        run_simple(host, port, app, use_reloader=False, threaded=True)
    finally:
        stop.set()
        time.sleep(0.1)
