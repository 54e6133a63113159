"""The profile: names and language, sessions, remembered browsers, deleting the account."""


from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from hub.account.codes import check_code, normalize_phone, send_code
from hub.account.factors import notify_factor_change, require_factor_change
from hub.account.hashing import verify_password
from hub.account.models import Account, AuthSession, RememberedDevice
from hub.account.notifications import change_settings
from hub.core.audit import audit
from hub.core.errors import AppError, NotFound
from hub.core.timeutil import utcnow
from hub.extensions import db


def update_profile(account: Account, data: dict, auth_session=None) -> Account:
    """Change the account's names, language or time zone; a new phone number gets a code first."""
    data = dict(data)
    if 'phone' in data:
        change_phone(account, auth_session, data.pop('phone'))
    if 'notify_messages' in data:  # the one switch of old: messages at once, or not
        change_settings(account, {'message': 'immediate' if data.pop('notify_messages') else 'off'})
    for key, value in data.items():
        setattr(account, key, value)
    audit('account.profile', 'U', actor=account)
    return account


def change_phone(account: Account, auth_session, number):
    """Start using a new mobile number (a code goes to it), or stop using one (None)."""
    require_factor_change(auth_session)
    if number is None or number == '':
        account.phone = account.phone_pending = None
        notify_factor_change(account, 'phone_removed')
        audit('account.phone_remove', 'U', actor=account)
        return
    account.phone_pending = normalize_phone(number)
    send_code(account, auth_session, 'phone', 'sms', account.phone_pending)


def confirm_phone(account: Account, auth_session, code) -> bool:
    """Take the new number into use when the code sent to it is right; False for a wrong code."""
    if account.phone_pending is None or not check_code(account, auth_session, 'phone', code):
        return False
    account.phone, account.phone_pending = account.phone_pending, None
    if auth_session is not None:
        auth_session.second_factor_at = utcnow()
    notify_factor_change(account, 'phone')
    audit('account.phone_verify', 'U', actor=account)
    return True


def sessions_of(account: Account) -> list[AuthSession]:
    """Return the account's logged-in sessions, most recently used first."""
    return db.session.execute(select(AuthSession).where(AuthSession.account_id == account.id,
                                                        AuthSession.pending.is_(False))
                              .order_by(AuthSession.last_seen_at.desc())).scalars().all()


def _own(model, ident, account: Account, message):
    """Return the row of ``model`` with this id if it belongs to ``account``, else raise NotFound."""
    found = db.session.get(model, ident)
    if found is None or found.account_id != account.id:
        raise NotFound(message)
    return found


def end_session_of(account: Account, session_id) -> None:
    """End one of the account's sessions (log out that browser)."""
    found = _own(AuthSession, session_id, account, _l('This session does not exist.'))
    audit('account.session_end', 'E', actor=account)
    db.session.delete(found)


def end_every_session(account: Account, but=None) -> None:
    """Log out everywhere: every session of the account ends (but ``but``, which the caller ends itself)."""
    audit('account.logout_everywhere', 'E', actor=account)
    query = delete(AuthSession).where(AuthSession.account_id == account.id)
    if but is not None:
        query = query.where(AuthSession.id != but.id)
    db.session.execute(query)


def devices_of(account: Account) -> list[RememberedDevice]:
    """Return the account's remembered browsers that are still valid."""
    return db.session.execute(select(RememberedDevice).where(
        RememberedDevice.account_id == account.id, RememberedDevice.expires_at > utcnow())
        .order_by(RememberedDevice.created_at.desc())).scalars().all()


def forget_device(account: Account, device_id) -> None:
    """Forget a remembered browser: it asks for the second factor again."""
    device = _own(RememberedDevice, device_id, account, _l('This browser is not remembered.'))
    audit('account.device_forget', 'D', actor=account)
    db.session.delete(device)


def erase_account(account: Account, password: str) -> None:
    """Erase the account and its personal data; the audit log keeps only its id.

    The caller makes sure it manages no care page any more (hand it over or delete it first).
    """
    if not verify_password(account.password_hash, password):
        raise AppError(_l('Your password is not right.'), code='wrong_password', status=400,
                       fields={'password': [str(_l('Your password is not right.'))]})
    audit('account.delete', 'D', actor=account.id)
    db.session.delete(account)
