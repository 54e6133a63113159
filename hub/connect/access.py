"""Who may redeem a coupling code: a person who has not typed wrong codes too often today."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from hub.account.models import Account
from hub.core.errors import TooManyRequests
from hub.core.models import AuditRecord
from hub.core.timeutil import utcnow
from hub.extensions import db

#: wrong coupling codes one account may type in 24 hours (they are audited as ``invalid_code``)
MAX_FAILURES_A_DAY = 5


def failures_today(account: Account) -> int:
    """Return how many wrong coupling codes the account typed in the last 24 hours (from the audit log)."""
    return db.session.execute(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.event == 'coupling.redeem', AuditRecord.actor_id == account.id,
        AuditRecord.outcome == 'invalid_code', AuditRecord.at > utcnow() - timedelta(days=1))).scalar_one()


def require_tries_left(account: Account) -> None:
    """Raise while the account typed a wrong code too often in the last 24 hours."""
    if failures_today(account) >= MAX_FAILURES_A_DAY:
        raise TooManyRequests(_l('You typed a wrong code too often today. Try again tomorrow, or call your care '
                                 'provider.'), code='too_many_codes')
