"""Read the configuration: the one place that looks at the environment."""

import os
from pathlib import Path

from flask import current_app

#: Every setting with its default. An instance file (``carehub.cfg`` in the instance folder,
#: Python syntax) overrides these, and ``CAREHUB_<NAME>`` environment variables override both.
DEFAULTS = {
    'SECRET_KEY': None,
    'DATABASE_URL': None,  # None: SQLite file in the instance folder
    #: connections each app process keeps open to PostgreSQL (the threads a worker serves at once; gunicorn's sync
    #: workers need 1): the server sees processes x (pool + DATABASE_POOL_OVERFLOW) at most
    'DATABASE_POOL_SIZE': 2,
    'DATABASE_POOL_OVERFLOW': 4,
    'BASE_URL': 'http://localhost:5000',
    'SMTP_URL': None,  # None: mails become .eml files in <instance>/mail
    'MAIL_FROM': 'carehub <noreply@carehub.localhost>',
    #: where people write with a question (the "Contact" link at the bottom of every page)
    'CONTACT_EMAIL': 'help@carehub.localhost',
    'SMS_URL': None,
    'REDIS_URL': None,
    'INSTANCE_PATH': 'instance',
    'ENCRYPTION_KEYS': None,  # comma separated Fernet keys, newest first; None: derived from SECRET_KEY
    'TERMS_VERSION': '2026-11',
    'ARGON2_TIME_COST': 3,
    'ARGON2_MEMORY_COST': 65536,
    'ARGON2_PARALLELISM': 4,
    'ACTIVATION_MAX_AGE': 24 * 3600,
    'RESET_MAX_AGE': 30 * 60,
    'INVITATION_MAX_AGE': 7 * 24 * 3600,
    'COUPLING_CODE_DAYS': 42,
    'SESSION_IDLE_MINUTES': 30,
    'STEP_UP_MINUTES': 15,
    #: approving a care plan asks for a second-factor code checked this recently
    'SIGN_OFF_MINUTES': 5,
    #: how long the link in the mail about a plan waiting for approval works
    'SIGN_OFF_LINK_MAX_AGE': 7 * 24 * 3600,
    #: how long the unsubscribe link in a mail works (a year: mails are read late)
    'UNSUBSCRIBE_MAX_AGE': 365 * 24 * 3600,
    #: the hour (in the person's time zone) the daily digest of notifications is sent
    'DIGEST_HOUR': 18,
    'REMEMBER_DEVICE_DAYS': 90,
    #: days a password may be used before a new one is asked (0: never, as NIST SP 800-63B advises)
    'PASSWORD_MAX_AGE_DAYS': 0,
    #: a browser that logged in to an address is not throttled by failures elsewhere for this long
    'KNOWN_BROWSER_MAX_AGE': 365 * 24 * 3600,
    #: tries of passwords and codes per address (a care home shares one): strangers only (access.login_limit_exempt)
    'LOGIN_RATE_LIMIT': '60 per minute;600 per hour',
    'REGISTER_RATE_LIMIT': '5 per minute;30 per hour',
    #: profile photos one account may upload (each is decoded, which costs memory and time)
    'PHOTO_RATE_LIMIT': '5 per minute;20 per day',
    #: documents one account may upload (each up to 20 MB, a FHIR Bundle is mapped record by record)
    'UPLOAD_RATE_LIMIT': '10 per minute;100 per day',
    #: texts one account may have read aloud by the server (espeak-ng; a text heard before comes from the cache)
    'SPEECH_RATE_LIMIT': '30 per minute;600 per day',
    #: how many spoken texts the server keeps (the oldest go first)
    'SPEECH_CACHE_SIZE': 500,
    #: how many proxies in front of carehub set X-Forwarded-For/-Proto (0: trust none)
    'PROXY_HOPS': 0,
    'SESSION_MAX_HOURS': 12,
    'OUTBOX_MAX_ATTEMPTS': 8,
    'DEFAULT_LANGUAGE': 'nl',
    'DEFAULT_TIMEZONE': 'Europe/Amsterdam',
    'SYNC_INTERVAL_MINUTES': 60,
    #: hours between full fetches that compare everything stored with the source (finds deletions)
    'RECONCILE_HOURS': 24,
    #: days the audit log is kept (NEN 7513 asks at least 5 years); `carehub audit purge` removes older records
    'AUDIT_RETENTION_DAYS': 5 * 365 + 2,
    'TESTING': False,
    #: answer each request with the number of SQL statements it ran, in X-SQL-Statements (make bench-web)
    'COUNT_STATEMENTS': False,
}

_INT_KEYS = {key for key, value in DEFAULTS.items() if isinstance(value, int) and not isinstance(value, bool)}
_BOOL_KEYS = {key for key, value in DEFAULTS.items() if isinstance(value, bool)}


def _coerce(key, value):
    if key in _INT_KEYS:
        return int(value)
    if key in _BOOL_KEYS:
        return str(value).lower() in {'1', 'true', 'yes', 'on'}
    return value


def load_config(overrides=None, environ=None):
    """Return the settings: defaults, then the instance file, then the environment, then overrides."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    values = dict(DEFAULTS)
    instance = Path(overrides.get('INSTANCE_PATH') or environ.get('CAREHUB_INSTANCE_PATH') or values['INSTANCE_PATH'])
    instance_file = instance / 'carehub.cfg'
    if instance_file.exists():
        scope = {}
        exec(compile(instance_file.read_text(), str(instance_file), 'exec'), scope)  # noqa: S102  the operator's own file
        values.update({key: value for key, value in scope.items() if key in DEFAULTS})
    for key in DEFAULTS:
        if f'CAREHUB_{key}' in environ:
            values[key] = environ[f'CAREHUB_{key}']
    values.update({key: value for key, value in overrides.items() if key in DEFAULTS})
    values = {key: _coerce(key, value) if value is not None else None for key, value in values.items()}
    values['INSTANCE_PATH'] = str(instance.resolve())
    if not values['DATABASE_URL']:
        values['DATABASE_URL'] = f"sqlite:///{instance.resolve() / 'carehub.sqlite'}"
    values['BASE_URL'] = values['BASE_URL'].rstrip('/')
    return values


def _engine_options(values):
    """The database engine's options: a pool sized to the process on a server database."""
    # hide_parameters: an error in the log never carries the values (names, addresses)
    options = {'pool_pre_ping': True, 'hide_parameters': True}
    if not values['DATABASE_URL'].startswith('sqlite'):
        options.update(pool_size=values['DATABASE_POOL_SIZE'], max_overflow=values['DATABASE_POOL_OVERFLOW'])
    return options


def flask_settings(values):
    """Translate carehub settings into the names Flask and its extensions read."""
    secure = values['BASE_URL'].startswith('https://')
    return {
        'SECRET_KEY': values['SECRET_KEY'],
        'SQLALCHEMY_DATABASE_URI': values['DATABASE_URL'],
        'SQLALCHEMY_ENGINE_OPTIONS': _engine_options(values),
        'TESTING': values['TESTING'],
        'SESSION_COOKIE_NAME': '__Host-carehub' if secure else 'carehub',
        'SESSION_COOKIE_HTTPONLY': True,
        'SESSION_COOKIE_SECURE': secure,
        'SESSION_COOKIE_SAMESITE': 'Lax',
        'WTF_CSRF_TIME_LIMIT': None,
        'WTF_CSRF_HEADERS': ['X-CSRF-Token'],
        'WTF_CSRF_SSL_STRICT': False,
        'BABEL_DEFAULT_LOCALE': values['DEFAULT_LANGUAGE'],
        'BABEL_DEFAULT_TIMEZONE': values['DEFAULT_TIMEZONE'],
        'MAX_CONTENT_LENGTH': 8 * 1024 * 1024,
        'JSON_SORT_KEYS': False,
        # without Redis the limits are counted in the database, so every process keeps them (hub/core/ratelimit.py)
        'RATELIMIT_STORAGE_URI': values['REDIS_URL'] or 'carehub+db://',
        'RATELIMIT_STRATEGY': 'moving-window',
    }


def setting(key):
    """Return one carehub setting of the running app."""

    return current_app.config['CAREHUB'][key]
