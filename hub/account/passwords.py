"""Choosing a new password: reset by a mailed link, change when logged in, and what ends when it changes."""

import secrets
import uuid

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from hub.account.codes import check_code, send_code
from hub.account.factors import check_totp
from hub.account.hashing import hash_password, verify_password
from hub.account.models import Account, PasswordHistory, RememberedDevice
from hub.account.operations import account_by_email, end_all_sessions, link
from hub.account.password_rules import check_password
from hub.account.throttle import clear
from hub.config import setting
from hub.core import ratelimit
from hub.core.audit import audit
from hub.core.crypto import decrypt
from hub.core.errors import AppError, InvalidInput
from hub.core.outbox import queue, queue_mail, transport
from hub.core.timeutil import utcnow
from hub.core.tokens import InvalidToken, make_token, read_token
from hub.extensions import db

#: a new password may not be one of this many earlier ones (the current one included)
HISTORY = 5
MAX_RESET_CODE_FAILURES = 5
#: at most this many reset mails to one account in this many seconds: a flood of requests fills no inbox
RESET_MAILS, RESET_MAILS_SECONDS = 3, 3600


def request_reset(email: str):
    """Queue a request for a reset link; the worker mails it if the address has an active account.

    The request does the same work for any address (one outbox row), so neither the answer nor its
    timing tells whether an address has an account.
    """
    if isinstance(email, str) and 0 < len(email) <= 254:
        queue('reset_request', {'email': email})


@transport('reset_request')
def send_reset_link(payload):
    """Mail a reset link to an active account with this address; do nothing visible otherwise (the worker)."""
    account = account_by_email(payload['email'])
    if account is None or account.status != 'active':
        audit('account.reset_request', 'E', outcome='unknown')
        return
    if not ratelimit.take(f'reset-mail:{account.id}', RESET_MAILS, RESET_MAILS_SECONDS):
        audit('account.reset_request', 'E', actor=account, outcome='too_many')
        return  # the last link sent still works
    # only the newest link works, and it gets its own five tries for the second factor
    account.security_stamp, account.reset_failures = secrets.token_hex(16), 0
    token = make_token('reset', {'a': str(account.id), 's': account.security_stamp})
    queue_mail(account.email, 'reset', account.language, account=account, reset_link=link('/password/reset', token=token),
               minutes=setting('RESET_MAX_AGE') // 60)
    audit('account.reset_request', 'E', actor=account)


def account_for_reset(token) -> Account:
    """Return the account a reset token is for, or raise InvalidToken (used, expired, forged)."""
    payload = read_token('reset', token)
    try:
        account = db.session.get(Account, uuid.UUID(str(payload.get('a'))))
    except ValueError:
        account = None
    if account is None or account.status != 'active' or not secrets.compare_digest(
            str(payload.get('s', '')), account.security_stamp):
        raise InvalidToken(_l('This link has already been used or is no longer valid. Ask for a new one.'),
                           code='token_used')
    return account


def check_reset_code(account: Account, method, code) -> bool:
    """Check the second factor on a reset link; False for a wrong code (counted, 5 kill the link)."""
    if not account.code_factors:
        return True
    if account.reset_failures >= MAX_RESET_CODE_FAILURES:
        raise InvalidToken(_l('Too many wrong codes. Ask for a new link.'), code='token_used')
    if method not in account.code_factors:
        method = None
    if method == 'totp' and check_totp(decrypt(account.totp_secret), code, account):
        return True
    if method in ('sms', 'voice') and check_code(account, None, 'reset', code):
        return True
    account.reset_failures += 1
    if account.reset_failures >= MAX_RESET_CODE_FAILURES:
        account.security_stamp = secrets.token_hex(16)  # the link dies
    audit('account.reset', 'U', actor=account, outcome='wrong_code')
    return False


def _recent_hashes(account):
    older = db.session.execute(select(PasswordHistory.password_hash).where(PasswordHistory.account_id == account.id)
                               .order_by(PasswordHistory.created_at.desc()).limit(HISTORY - 1)).scalars().all()
    return [account.password_hash, *older] if account.password_hash else older


def set_password(account: Account, password: str, expected_stamp: str, event: str):
    """Set a new password if the account's stamp is still ``expected_stamp`` (one of parallel tries wins).

    Every session and remembered browser of the account ends, and a mail tells the owner.
    """
    check_password(password, [account.email, account.first_name, account.last_name])
    if any(verify_password(old, password) for old in _recent_hashes(account)):
        raise InvalidInput(_l('Choose a password you did not use recently.'), code='password_reused',
                           fields={'password': [str(_l('Choose a password you did not use recently.'))]})
    new_hash, new_stamp = hash_password(password), secrets.token_hex(16)
    result = db.session.execute(update(Account).where(Account.id == account.id,
                                                       Account.security_stamp == expected_stamp)
                                .values(password_hash=new_hash, security_stamp=new_stamp, reset_failures=0,
                                        failed_logins=0, last_failed_at=None, password_changed_at=utcnow())
                                .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise InvalidToken(_l('This link has already been used or is no longer valid. Ask for a new one.'),
                           code='token_used')
    if account.password_hash:
        db.session.add(PasswordHistory(account_id=account.id, password_hash=account.password_hash))
    db.session.refresh(account)
    clear([('address', account.email)])  # the guesses at the old password no longer matter
    end_all_sessions(account)
    db.session.execute(delete(RememberedDevice).where(RememberedDevice.account_id == account.id))
    queue_mail(account.email, 'password_changed', account.language, account=account, when=utcnow(),
               reset_link=link('/password/forgot'))
    audit(event, 'U', actor=account)
    return account


def reset_password(token, password, method=None, code=None):
    """Set a new password through a reset link (with the second factor when the account has one)."""
    account = account_for_reset(token)
    stamp = account.security_stamp
    if not check_reset_code(account, method, code):
        return None
    return set_password(account, password, stamp, 'account.reset')


def change_password(account: Account, current: str, password: str):
    """Change the password of a logged-in account, which must give its current one."""
    if not verify_password(account.password_hash, current):
        raise AppError(_l('Your current password is not right.'), code='wrong_password', status=400,
                       fields={'current_password': [str(_l('Your current password is not right.'))]})
    return set_password(account, password, account.security_stamp, 'account.password_change')


def send_reset_code(token, channel):
    """Send the second-factor code for a reset link by SMS or a call (accounts with a phone number)."""
    account = account_for_reset(token)
    if channel not in account.second_factors or channel not in ('sms', 'voice'):
        raise AppError(_l('This way of checking is not set up for your account.'), code='method_not_available')
    send_code(account, None, 'reset', channel, account.phone)
