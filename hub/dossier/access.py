"""Reading dossier data: the capability check and the audit record go together."""

from hub.account.access import step_up_required
from hub.circle.access import MANAGE, require
from hub.config import setting
from hub.core.audit import audit
from hub.core.errors import AppError

#: capability needed to read medical data (plans, reports)
READ_DOSSIER = 'dossier'


def read_dossier(account, circle_id, what, detail=None):
    """Check that ``account`` may read the dossier data of a circle and audit the read, or the refusal.

    ``detail`` says more of what was read (a record id, the months of a download) in the audit record.
    """
    target = f'{what}:{detail}' if detail else what
    try:
        member = require(account, circle_id, READ_DOSSIER)
        step_up_required()
    except AppError as exc:
        raise refused(exc, account, circle_id, f'dossier.{what}', 'R', target) from None
    audit(f'dossier.{what}', 'R', actor=account, role=member.role, circle=member.circle_id, target=target)
    return member


def refused(exc, account, circle_id, event, action, target):
    """The refusal, audited with the care page it was about (the manager's access log leaves out strangers)."""
    return exc.audited(event, action, actor=account.id, circle=_uuid_or_none(circle_id), target=target)


def _uuid_or_none(value):
    import uuid
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def sign_off(account, circle_id):
    """Check that ``account`` may approve a care plan for a circle: the manager, after a fresh second factor."""
    try:
        member = require(account, circle_id, MANAGE)
        require(account, circle_id, READ_DOSSIER)
        step_up_required(setting('SIGN_OFF_MINUTES'))
    except AppError as exc:
        raise refused(exc, account, circle_id, 'dossier.plan_approve', 'U', 'plan') from None
    return member
