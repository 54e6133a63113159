"""Fixtures: the app on SQLite and on PostgreSQL, a real SMTP sink, API clients with CSRF, factories."""

import re
import secrets
import uuid

import pytest
from sqlalchemy import text

from tests.servers import FhirServer, PostgresServer, SmtpSink

#: a password zxcvbn scores 4, for tests that are not about passwords
PASSWORD = 'blauwe fietsen op de dijk 1987'


@pytest.fixture(scope='session')
def smtp_sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope='session')
def postgres():
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope='session')
def fhir_server():
    server = FhirServer().start()
    yield server
    server.stop()


def app_settings(database_url, instance_path, smtp_url):
    """Return the settings of a test app: cheap argon2, a real SMTP sink, a fixed base URL."""
    return {'SECRET_KEY': secrets.token_urlsafe(32), 'DATABASE_URL': database_url, 'INSTANCE_PATH': str(instance_path),
            'SMTP_URL': smtp_url, 'BASE_URL': 'https://carehub.test', 'TESTING': True,
            'ARGON2_TIME_COST': 1, 'ARGON2_MEMORY_COST': 1024, 'ARGON2_PARALLELISM': 1,
            # tests register many accounts from one address; test_limits checks the real limit
            'REGISTER_RATE_LIMIT': '1000 per minute', 'LOGIN_RATE_LIMIT': '1000 per minute',
            'PHOTO_RATE_LIMIT': '1000 per minute', 'UPLOAD_RATE_LIMIT': '1000 per minute'}


@pytest.fixture(scope='session', params=['sqlite', 'postgresql'])
def session_app(request, tmp_path_factory, smtp_sink):
    from flask_migrate import upgrade

    from hub import create_app
    instance = tmp_path_factory.mktemp(f'instance-{request.param}')
    if request.param == 'sqlite':
        url = f"sqlite:///{instance / 'test.sqlite'}"
    else:
        url = request.getfixturevalue('postgres').create_database('carehub_test')
    app = create_app(app_settings(url, instance, smtp_sink.url))
    with app.app_context():
        upgrade()
    return app


def empty_tables(app):
    from hub.extensions import db
    with app.app_context():
        tables = [table.name for table in reversed(db.metadata.sorted_tables)]
        if db.engine.dialect.name == 'postgresql':
            db.session.execute(text(f'TRUNCATE {", ".join(tables)} CASCADE'))
        else:
            for table in tables:
                db.session.execute(text(f'DELETE FROM {table}'))
        db.session.commit()


@pytest.fixture
def app(session_app, smtp_sink):
    """The app with empty tables. No app context is pushed: each request gets its own, as in production."""
    from hub.extensions import limiter
    with smtp_sink.lock:
        smtp_sink.messages.clear()
    with session_app.app_context():
        limiter.reset()
    yield session_app
    empty_tables(session_app)


class Database:
    """Looks into the database from a test, each time in a fresh app context."""

    def __init__(self, app):
        self.app = app

    def scalars(self, query):
        from hub.extensions import db
        with self.app.app_context():
            result = db.session.execute(query).scalars().all()
            db.session.expunge_all()
            return result

    def count(self, model, *where):
        from sqlalchemy import func, select

        from hub.extensions import db
        with self.app.app_context():
            return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()

    def execute(self, statement):
        """Execute one statement and commit."""
        from hub.extensions import db
        return self.run(lambda: db.session.execute(statement))

    def run(self, func, *args, **kwargs):
        """Run ``func`` in an app context inside one unit of work (commits)."""
        from hub.core.commit import unit_of_work
        with self.app.app_context(), unit_of_work():
            return func(*args, **kwargs)


@pytest.fixture
def db(app):
    return Database(app)


class Clock:
    """The time the app's TOTP checks see: each code a test asks for is of a new 30-second step."""

    now = None

    @classmethod
    def tick(cls):
        cls.now += 30
        return cls.now


@pytest.fixture(autouse=True)
def morning_for_digests(monkeypatch):
    """The worker's notify step sends the daily digests whose hour (18:00 in Amsterdam) has come: a test run in
    the evening would find a digest among the mails it reads. The digest step sees a morning, unless a test gives
    it the time (``send_digests(evening)``)."""
    from hub.account import notifications
    from hub.core.timeutil import utcnow
    morning = utcnow().replace(hour=4, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(notifications, 'utcnow', lambda: morning)


@pytest.fixture(autouse=True)
def totp_clock(monkeypatch):
    import time

    from hub.account import factors
    Clock.now = time.time()
    monkeypatch.setattr(factors, '_now', lambda: Clock.now)


class Api:
    """A JSON API client with a real session cookie that sends the CSRF header on unsafe calls."""

    def __init__(self, app):
        self.client = app.test_client()
        self.token = None
        self.totp = None

    def code(self):
        """Move the test clock to the next 30-second step and return the code of that step."""
        return self.totp.at(Clock.tick())

    def enrol_totp(self):
        """Set up an authenticator app for this account (which also counts as a fresh check)."""
        import pyotp
        response = self.post('/api/v1/me/totp')
        assert response.status_code == 201, response.get_json()
        self.totp = pyotp.TOTP(response.get_json()['secret'])
        response = self.post('/api/v1/me/totp/verify', {'code': self.code()})
        assert response.status_code == 200, response.get_json()
        return response

    def step_up(self):
        response = self.post('/api/v1/step-up/verify', {'method': 'totp', 'code': self.code()})
        assert response.status_code == 200, response.get_json()
        return response

    def csrf(self):
        self.token = self.client.get('/api/v1/csrf').get_json()['csrf_token']
        return self.token

    def login(self, email, password, mailbox=None):
        """Log in; on a new browser an account without a second factor types the code from its mail."""
        self.csrf()
        response = self.post('/api/v1/session', {'email': email, 'password': password})
        body = response.get_json()
        if response.status_code == 200 and body.get('second_factor') == ['email'] and mailbox is not None:
            response = self.post('/api/v1/session/second-factor', {'method': 'email', 'code': mailbox.code(email)})
        return response

    def _send(self, method, path, json=None, csrf=True, **kwargs):
        headers = kwargs.pop('headers', {})
        if csrf:
            headers.setdefault('X-CSRF-Token', self.token or self.csrf())
        response = self.client.open(path, method=method, json=json, headers=headers, **kwargs)
        body = response.get_json(silent=True)
        if isinstance(body, dict) and 'csrf_token' in body:  # the token changes at login
            self.token = body['csrf_token']
        return response

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self._send('POST', path, json, **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self._send('PATCH', path, json, **kwargs)

    def put(self, path, json=None, **kwargs):
        return self._send('PUT', path, json, **kwargs)

    def delete(self, path, **kwargs):
        return self._send('DELETE', path, **kwargs)


class Mailbox:
    """Delivers the outbox through the worker code to the SMTP sink and reads what arrived."""

    def __init__(self, app, sink):
        self.app = app
        self.sink = sink

    def deliver(self):
        from hub.worker import deliver_outbox
        with self.app.app_context():
            deliver_outbox()
        return list(self.sink.messages)

    def to(self, address):
        return [m for m in self.deliver() if m['To'] == address]

    def last_to(self, address):
        messages = self.to(address)
        assert messages, f'no mail to {address}'
        return messages[-1]

    def code(self, address):
        """Return the code in the last mail to ``address`` (the login code on a new browser)."""
        match = re.search(r'^\s+(\d{6})\s*$', self.last_to(address).get_content(), re.M)
        assert match, f'no code in the last mail to {address}'
        return match.group(1)

    def link(self, address, path):
        body = self.last_to(address).get_content()
        match = re.search(rf'https://carehub\.test({re.escape(path)}[^\s]*)', body)
        assert match, f'no link to {path} in mail to {address}:\n{body}'
        return match.group(1)


@pytest.fixture
def api(app):
    return Api(app)


@pytest.fixture
def new_api(app):
    """Make another API client: another person, another browser."""
    return lambda: Api(app)


@pytest.fixture
def mailbox(app, smtp_sink):
    return Mailbox(app, smtp_sink)


@pytest.fixture
def register(app, mailbox, new_api):
    """Register and activate an account through the API; return a logged-in client."""
    def make(email, first_name='Test', last_name='Persoon', password=PASSWORD, totp=True):
        client = new_api()
        response = client.post('/api/v1/accounts', {'email': email, 'first_name': first_name,
                                                    'last_name': last_name, 'accept_terms': True})
        assert response.status_code == 202, response.get_json()
        token = mailbox.link(email, '/activate').split('token=')[1].split('&')[0]
        response = client.post('/api/v1/accounts/activate', {'token': token, 'password': password})
        assert response.status_code == 200, response.get_json()
        response = client.post('/api/v1/session', {'email': email, 'password': password})
        assert response.status_code == 200, response.get_json()
        client.email = email
        if totp:
            client.enrol_totp()
        return client
    return make


@pytest.fixture
def provider(db):
    """Register a care provider (as ``carehub provider add`` does); returns its name."""
    from hub.careprovider.operations import add_provider

    def make(name='Zorggroep Test', **settings):
        db.run(add_provider, name, 'fhir', settings or {'base_url': 'http://127.0.0.1:9/fhir/R4'})
        return name
    return make


@pytest.fixture
def coupling_code(db):
    """Issue a coupling code for a client at a provider, by provider name."""
    from hub.careprovider.operations import provider_by_name
    from hub.connect.operations import issue_code

    def make(provider_name, client_id, **kwargs):
        return db.run(lambda: issue_code(provider_by_name(provider_name), client_id, **kwargs)[1])
    return make


@pytest.fixture
def care_page(app, register, provider, coupling_code, db):
    """A manager (second factor done) of a care page linked to dossiers at two providers."""
    from sqlalchemy import select

    from hub.account.models import Account
    from hub.careprovider.models import Dossier
    manager = register('manager@example.nl', 'Mieke', 'Jansen')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(provider(), 'client-1')}).get_json()
    other = provider('Zorggroep Twee')
    response = manager.post('/api/v1/connections', {'code': coupling_code(other, 'client-2'), 'circle_id': circle['id']})
    assert response.status_code in (200, 201), response.get_json()
    dossier_ids = [dossier.id for dossier in db.scalars(select(Dossier))]
    assert len(dossier_ids) == 2
    [manager_id] = [account.id for account in db.scalars(select(Account))]
    return manager, uuid.UUID(circle['id']), dossier_ids, manager_id
