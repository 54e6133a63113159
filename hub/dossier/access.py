"""Approving a care plan: the manager, after a fresh second factor. Reading checks are in hub/circle/access.py."""

from hub.account.access import step_up_required
from hub.circle.access import MANAGE, READ_DOSSIER, refused, require
from hub.config import setting
from hub.core.errors import AppError


def sign_off(account, circle_id):
    """Check that ``account`` may approve a care plan for a circle: the manager, after a fresh second factor."""
    try:
        member = require(account, circle_id, MANAGE)
        require(account, circle_id, READ_DOSSIER)
        step_up_required(setting('SIGN_OFF_MINUTES'))
    except AppError as exc:
        raise refused(exc, account, circle_id, 'dossier.plan_approve', 'U', 'plan') from None
    return member
