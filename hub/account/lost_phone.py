"""A lost phone without recovery codes: the second factors are removed after 7 days, unless cancelled.

Asked at login, after the right password. A mail to the account's address says when it happens and carries a link
that stops it; the profile shows it (and can stop it), and so do the members pages of the account's care pages for
their managers. A stolen mailbox with the password alone thus cannot take the dossier at once: for a week the owner,
and the people who manage a care page with them, can see it coming. When the week is over, the next login removes
the factors and goes on with a code by mail, and the person chooses a new second step.
"""

from datetime import timedelta

from sqlalchemy import delete, select, update

from hub.account.factors import notify_factor_change
from hub.account.models import Account, Passkey, RecoveryCode, SecondStepReset
from hub.account.operations import link
from hub.core.audit import audit
from hub.core.crypto import keyed_hash, random_token
from hub.core.outbox import queue_mail
from hub.core.timeutil import utcnow
from hub.extensions import db

WAIT = timedelta(days=7)


def _open():
    return SecondStepReset.cancelled_at.is_(None), SecondStepReset.done_at.is_(None)


def pending_reset(account: Account) -> SecondStepReset | None:
    """Return the account's reset that is waiting, if any."""
    return db.session.execute(select(SecondStepReset).where(SecondStepReset.account_id == account.id, *_open())
                              .order_by(SecondStepReset.created_at.desc()).limit(1)).scalar_one_or_none()


def pending_for(account_ids) -> dict:
    """Return ``{account_id: effective_at}`` of the waiting resets of these accounts (a members page)."""
    if not account_ids:
        return {}
    return dict(db.session.execute(select(SecondStepReset.account_id, SecondStepReset.effective_at).where(
        SecondStepReset.account_id.in_(list(account_ids)), *_open())).all())


def request_reset(account: Account) -> SecondStepReset:
    """Start the week after which the account's second factors go (the password was right); a mail says so.
    Asked again while one waits, the same one stands and its mail goes again."""
    reset = pending_reset(account)
    token = random_token(32)
    if reset is None:
        reset = SecondStepReset(account_id=account.id, effective_at=utcnow() + WAIT,
                                cancel_hash=keyed_hash(token, 'second-step-reset'))
        db.session.add(reset)
        audit('account.second_step_reset', 'C', actor=account)
    else:
        reset.cancel_hash = keyed_hash(token, 'second-step-reset')  # the newest mail's link works
    queue_mail(account.email, 'second_step_reset', account.language, account=account, when=reset.effective_at,
               cancel_link=link('/lost-phone/cancel', token=token))
    return reset


def reset_for_token(token) -> SecondStepReset | None:
    """Return the waiting reset a mail's cancel link names, if it still waits."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    return db.session.execute(select(SecondStepReset).where(
        SecondStepReset.cancel_hash == keyed_hash(token, 'second-step-reset'), *_open())).scalar_one_or_none()


def cancel_reset(reset: SecondStepReset | None, account: Account) -> bool:
    """Stop a waiting reset (from the mail's link, or by its owner logged in); False when none waits."""
    if reset is None or reset.account_id != account.id:
        return False
    stopped = db.session.execute(update(SecondStepReset).where(SecondStepReset.id == reset.id, *_open())
                                 .values(cancelled_at=utcnow()).execution_options(synchronize_session=False))
    audit('account.second_step_reset_cancel', 'U', actor=account)
    return stopped.rowcount == 1


def apply_due(account: Account) -> bool:
    """At a login with the right password: when the account's week is over, remove its second factors."""
    due = db.session.execute(update(SecondStepReset).where(
        SecondStepReset.account_id == account.id, SecondStepReset.effective_at <= utcnow(), *_open())
        .values(done_at=utcnow()).returning(SecondStepReset.id).execution_options(synchronize_session=False)).first()
    if due is None:
        return False
    account.totp_secret = account.totp_pending = account.phone = account.phone_pending = None
    account.passkey_count = 0
    db.session.execute(delete(Passkey).where(Passkey.account_id == account.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account.id))
    notify_factor_change(account, 'reset_done')
    audit('account.second_step_reset_done', 'U', actor=account)
    return True
