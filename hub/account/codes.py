"""Codes by SMS, a spoken call or mail: send through the outbox, check once, at most 5 tries, 3 sends in 15 minutes
(per purpose and channel)."""

import secrets
from datetime import timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from hub.account.models import Account, AuthSession, OneTimeCode
from hub.core import ratelimit
from hub.core.audit import audit
from hub.core.crypto import keyed_hash
from hub.core.errors import InvalidInput, TooManyRequests
from hub.core.outbox import queue, queue_mail
from hub.core.phone import parse_phone
from hub.core.timeutil import utcnow
from hub.extensions import db

VALID = timedelta(minutes=10)
MAX_TRIES = 5
MAX_SENDS = 3
SEND_WINDOW = timedelta(minutes=15)
#: email: the code at login on a new browser for an account without a second factor (seed: mijnCaress)
CHANNELS = ('sms', 'voice', 'email')


def normalize_phone(number) -> str:
    """Return a mobile number in E.164 (Dutch numbers may be typed the Dutch way), or raise InvalidInput."""
    message = _l('This is not a mobile number we can send a code to. Type it like 0612345678 or +31612345678.')
    parsed = parse_phone(number, mobile=True)
    if parsed is None:
        raise InvalidInput(message, fields={'phone': [str(message)]})
    return parsed


def _latest(account, purpose, auth_session):
    return db.session.execute(select(OneTimeCode).where(
        OneTimeCode.account_id == account.id, OneTimeCode.purpose == purpose,
        OneTimeCode.session_id == (auth_session.id if auth_session else None))
        .order_by(OneTimeCode.created_at.desc()).limit(1)).scalar_one_or_none()


def send_code(account: Account, auth_session: AuthSession | None, purpose: str, channel: str, to: str):
    """Make a new code and queue it for ``to``; refused after 3 sends in 15 minutes."""
    if channel not in CHANNELS:
        raise InvalidInput(_l('Choose sms, voice or email.'))
    # per purpose and channel (mailed login codes never block adding a phone), counted by one atomic statement
    if not ratelimit.take(f'code-send:{account.id}:{purpose}:{channel}', MAX_SENDS, int(SEND_WINDOW.total_seconds())):
        raise TooManyRequests(_l('We sent you 3 codes already. Wait a quarter of an hour before you ask again.'),
                              code='too_many_sends')
    previous = _latest(account, purpose, auth_session)
    code = f'{secrets.randbelow(10 ** 6):06d}'
    db.session.add(OneTimeCode(account_id=account.id, purpose=purpose, channel=channel,
                               session_id=auth_session.id if auth_session else None,
                               code_hash=keyed_hash(code, 'one-time-code'), expires_at=utcnow() + VALID,
                               attempts=previous.attempts if previous else 0))  # a new code does not reset tries
    if previous is not None and previous.used_at is None:
        previous.used_at = utcnow()  # only the newest code works
    if channel == 'email':
        queue_mail(account.email, 'login_code', account.language, account=account, code=code,
                   minutes=int(VALID.total_seconds() // 60))
    else:
        with force_locale(account.language):
            spoken = ' '.join(code) if channel == 'voice' else code
            text = str(_l('Your carehub code is %(code)s. It works for 10 minutes. Never give it to anyone.',
                          code=spoken))
        queue('sms', {'to': to, 'channel': channel, 'message': text})
    audit('account.code_send', 'E', actor=account, target=f'{purpose}:{channel}')


def check_code(account: Account, auth_session: AuthSession | None, purpose: str, code) -> bool:
    """Check the newest code for this purpose and session; a wrong one is counted (False), 5 end the tries."""
    current = _latest(account, purpose, auth_session)
    if current is None or current.used_at is not None or current.expires_at <= utcnow():
        return False
    if current.attempts >= MAX_TRIES:
        raise TooManyRequests(_l('Too many wrong codes. Ask for a new code in a quarter of an hour.'),
                              code='too_many_codes')
    right = isinstance(code, str) and secrets.compare_digest(keyed_hash(code.strip(), 'one-time-code'),
                                                             current.code_hash)
    # one statement each, so parallel tries cannot use a code twice or lose a count
    live = (OneTimeCode.id == current.id, OneTimeCode.used_at.is_(None), OneTimeCode.attempts < MAX_TRIES)
    if right:
        done = db.session.execute(update(OneTimeCode).where(*live).values(used_at=utcnow())
                                  .execution_options(synchronize_session=False)).rowcount == 1
    else:
        db.session.execute(update(OneTimeCode).where(*live).values(attempts=OneTimeCode.attempts + 1)
                           .execution_options(synchronize_session=False))
        done = False
    db.session.expire(current)
    return done
