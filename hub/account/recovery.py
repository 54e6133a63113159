"""Recovery codes: ten single-use codes, shown once, that log in when the phone with the codes is lost.

Each is 10 characters of Crockford's alphabet (no I, L, O or U to misread), about 50 random bits, kept as a keyed
hash. A code is used by one conditional UPDATE, so it logs in once, even when sent twice at the same moment.
"""

import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from hub.account.models import Account, RecoveryCode
from hub.core.audit import audit
from hub.core.crypto import keyed_hash
from hub.core.errors import Conflict
from hub.core.timeutil import utcnow
from hub.extensions import db

COUNT = 10
ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
LENGTH = 10
#: what people may type for a character that is not in the alphabet (Crockford)
READS_AS = str.maketrans({'O': '0', 'I': '1', 'L': '1'})
#: fewer left than this: the profile says to make new ones
FEW = 3


def _normalized(code) -> str | None:
    if not isinstance(code, str):
        return None
    typed = ''.join(code.split()).replace('-', '').upper().translate(READS_AS)
    return typed if len(typed) == LENGTH and set(typed) <= set(ALPHABET) else None


def _hash(code: str) -> str:
    return keyed_hash(code, 'recovery-code')


def new_codes(account: Account) -> list[str]:
    """Make a new set of ten codes in place of any earlier one; return them as shown once ("ABCDE-FGHJK").
    The caller asked the step-up and tells the owner (hub.account.factors)."""
    if not account.second_factors:
        raise Conflict(_l('Set up a second way to log in first. The recovery codes are for when you lose it.'),
                       code='no_second_factor')
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account.id))
    codes = [''.join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(COUNT)]
    db.session.add_all([RecoveryCode(account_id=account.id, code_hash=_hash(code)) for code in codes])
    audit('account.recovery_codes', 'C', actor=account)
    return [f'{code[:5]}-{code[5:]}' for code in codes]


def remaining(account: Account) -> int:
    """How many of the account's codes are still unused."""
    return db.session.execute(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.account_id == account.id, RecoveryCode.used_at.is_(None))).scalar_one()


def use(account: Account, code) -> bool:
    """Use one of the account's codes: True once for each unused code, False for anything else."""
    typed = _normalized(code)
    if typed is None:
        return False
    used = db.session.execute(update(RecoveryCode).where(
        RecoveryCode.account_id == account.id, RecoveryCode.code_hash == _hash(typed), RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).returning(RecoveryCode.id).execution_options(synchronize_session=False)).first()
    return used is not None
