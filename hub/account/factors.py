"""Second factors: TOTP enrolment and checks, remembered browsers, step-up."""

import time
from datetime import timedelta
from io import BytesIO

import pyotp
import segno
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from hub.account import passkeys, recovery
from hub.account.codes import check_code
from hub.account.models import Account, AuthSession, RememberedDevice
from hub.account.operations import link, throttled_until
from hub.config import setting
from hub.core.audit import audit
from hub.core.crypto import decrypt, encrypt, keyed_hash, random_token
from hub.core.errors import AppError, Conflict, TooManyRequests, Unauthenticated
from hub.core.outbox import queue_mail
from hub.core.timeutil import utcnow
from hub.extensions import db

ISSUER = 'carehub'
MAX_FAILURES = 5


class WrongCode(AppError):
    status = 400
    code = 'wrong_code'


def start_totp(account: Account) -> dict:
    """Make a new TOTP seed for the account to confirm; returns what the app needs to scan."""
    account.totp_pending = encrypt(pyotp.random_base32())
    return pending_enrolment(account)


def pending_enrolment(account: Account) -> dict:
    """Return the secret and otpauth URI of the seed being enrolled."""
    secret = decrypt(account.totp_pending)
    return {'secret': secret, 'otpauth_uri': pyotp.TOTP(secret).provisioning_uri(name=account.email,
                                                                                   issuer_name=ISSUER)}


def qr_svg(uri: str) -> str:
    """Return the QR code of an otpauth URI as an SVG document."""
    out = BytesIO()
    segno.make(uri, error='m').save(out, kind='svg', scale=5, border=2, xmldecl=False, svgns=True,
                                    title='QR code', dark='#000', light='#fff')
    return out.getvalue().decode()


def _now() -> float:
    """Return the current time in seconds (one place, so tests can move the clock)."""
    return time.time()


def check_totp(secret: str, code, account: Account) -> bool:
    """Check a TOTP code; a time step that was used once is refused after."""
    if not isinstance(code, str) or not code.strip().isdigit() or len(code.strip()) != 6:
        return False
    totp = pyotp.TOTP(secret)
    now = int(_now())
    for offset in (-1, 0, 1):  # one step of clock drift either way
        step = now // totp.interval + offset
        if totp.at(step * totp.interval) == code.strip():
            return _claim_step(account, step)
    return False


def _claim_step(account: Account, step: int) -> bool:
    """Mark a time step used, in one statement: of parallel requests with one code, one wins."""
    result = db.session.execute(
        update(Account).where(Account.id == account.id,
                              or_(Account.totp_last_step.is_(None), Account.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    set_committed_value(account, 'totp_last_step', step)
    return True


def confirm_totp(account: Account, auth_session: AuthSession, code) -> bool:
    """Turn on the TOTP seed being enrolled when ``code`` matches it; False for a wrong code.

    A wrong code is counted, not raised, so that the count is committed with the answer.
    """
    if account.totp_pending is None:
        raise Conflict(_l('Start setting up the authenticator app first.'), code='no_enrolment')
    _count_try(auth_session)
    if not check_totp(decrypt(account.totp_pending), code, account):
        return _failed(auth_session, account, 'account.totp_enrol')
    account.totp_secret, account.totp_pending = account.totp_pending, None
    _succeeded(auth_session, account)
    notify_factor_change(account, 'totp')
    audit('account.totp_enrol', 'U', actor=account)
    return True


def add_passkey(account: Account, auth_session: AuthSession, credential, name: str):
    """Keep a new passkey (the caller asked the step-up, or a fresh password for a first way) and tell the owner.
    Making it proved the person holds it: the session counts as checked now."""
    key = passkeys.add_passkey(account, auth_session, credential, name)
    if key is None:
        return None
    auth_session.second_factor_at = utcnow()
    notify_factor_change(account, 'passkey')
    return key


def remove_passkey(account: Account, passkey_id):
    """Remove a passkey (after the step-up) and tell the owner."""
    passkeys.remove_passkey(account, passkey_id)
    notify_factor_change(account, 'passkey_removed')


def login_methods(account: Account) -> list[str]:
    """Return how a login on a new browser is checked: the account's second factors (and a recovery code when some
    are left), else a code by mail."""
    if not account.second_factors:
        return ['email']
    return account.second_factors + (['recovery'] if recovery.remaining(account) else [])


def verify_factor(account: Account, auth_session: AuthSession, method, code, event) -> bool:
    """Check a second-factor code (for ``passkey`` the assertion) for this session; False for a wrong one (at most
    5 a session).

    At login an account without a second factor is checked with a code by mail (a new browser only).
    """
    allowed = login_methods(account) if auth_session.pending else account.second_factors
    if method not in allowed:
        raise AppError(_l('This way of checking is not set up for your account.'), code='method_not_available')
    _count_try(auth_session)
    if method == 'passkey':
        right = passkeys.check_assertion(account, auth_session, code, 'login' if auth_session.pending else 'step_up')
    elif method == 'totp':
        right = check_totp(decrypt(account.totp_secret), code, account)
    elif method == 'recovery':
        right = recovery.use(account, code)
    else:
        right = check_code(account, auth_session, 'login' if auth_session.pending else 'step_up', code)
    if not right:
        return _failed(auth_session, account, event)
    _succeeded(auth_session, account)
    audit(event, 'E', actor=account)
    return True


def wrong_code_error(method=None) -> AppError:
    """Return the error for a wrong code or passkey (the view answers it; the failure is already counted)."""
    if method == 'passkey':
        return passkeys.invalid_passkey()
    return WrongCode(_l('This code is not right. Check the time on your phone and try the newest code.'),
                     fields={'code': [str(_l('This code is not right. Type the newest code.'))]})


def _count_try(auth_session):
    """Refuse a try after 5 wrong codes in this session, or while the account waits after failures."""
    if auth_session.factor_failures >= MAX_FAILURES or throttled_until(auth_session.account) is not None:
        raise TooManyRequests(_l('Too many wrong codes. Wait a few minutes and log in again.'), code='too_many_codes')


def _failed(auth_session, account, event):
    """Count a wrong code in the session and in the account's login throttle (it outlives the session)."""
    auth_session.factor_failures += 1
    account.failed_logins += 1
    account.last_failed_at = utcnow()
    audit(event, 'E', actor=account, outcome='wrong_code')
    return False


def _succeeded(auth_session, account):
    auth_session.second_factor_at, auth_session.factor_failures = utcnow(), 0
    account.failed_logins, account.last_failed_at = 0, None


def require_recent_login(auth_session: AuthSession):
    """Raise unless the password was typed in the last minutes: adding a first factor needs the owner."""
    fresh = timedelta(minutes=setting('STEP_UP_MINUTES'))
    if utcnow() - auth_session.created_at > fresh:
        raise Unauthenticated(_l('For your safety, log in again before you set this up.'), code='login_again')


def require_factor_change(auth_session: AuthSession):
    """Raise unless this session may change the second factors: a fresh factor check, or for a first factor
    a fresh password (a stolen old session must not lock the owner out with a factor of its own)."""
    if auth_session.account.second_factors:
        require_step_up(auth_session)
    else:
        require_recent_login(auth_session)


def notify_factor_change(account: Account, what: str):
    """Mail the owner that a way of logging in changed (so a change by someone else is noticed)."""
    queue_mail(account.email, 'factor_changed', account.language, account=account, what=what,
               reset_link=link('/password/forgot'))


def require_step_up(auth_session: AuthSession, minutes=None):
    """Raise unless the session checked a second factor in the last minutes (dossier data; fewer for a sign-off)."""
    account = auth_session.account
    if not account.second_factors:  # the same code as the contract says; the words say what to do
        raise Unauthenticated(_l('Choose a second way to log in before you open the dossier.'),
                              code='step_up_required')
    fresh = timedelta(minutes=minutes or setting('STEP_UP_MINUTES'))
    if auth_session.second_factor_at is None or utcnow() - auth_session.second_factor_at > fresh:
        raise Unauthenticated(_l('For your safety, check it is you first: with your passkey or a code.'),
                              code='step_up_required')


def remember_device(account: Account, label: str) -> str:
    """Remember this browser for the second factor; returns the raw cookie token."""
    token = random_token(32)
    db.session.add(RememberedDevice(account_id=account.id, token_hash=keyed_hash(token, 'device'),
                                    label=label[:100] or '?',
                                    expires_at=utcnow() + timedelta(days=setting('REMEMBER_DEVICE_DAYS'))))
    audit('account.device_remember', 'C', actor=account)
    return token


def remembered(account: Account, token) -> RememberedDevice | None:
    """Return the account's live remembered device for a cookie token, if any."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    device = db.session.execute(select(RememberedDevice).where(
        RememberedDevice.token_hash == keyed_hash(token, 'device'),
        RememberedDevice.account_id == account.id)).scalar_one_or_none()
    if device is None or device.expires_at <= utcnow():
        return None
    device.last_used_at = utcnow()
    return device
