"""What one transaction reads more than once, read once.

A page asks for the same thing from several places (the care page's dossiers for its panels and for the audit
record, the account's care pages for the member and for the menu). ``once`` keeps the answer in the session until
the transaction writes anything (a flush or a statement that is not a SELECT) or ends: nothing stale after a
change, and nothing shared between requests or members.
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session

from hub.extensions import db

MEMO = 'carehub.memo'


def once(key: tuple, load: Callable[[], Any]) -> Any:
    """Return what ``load`` returns, loaded once per transaction for ``key`` (until the transaction writes)."""
    session = db.session()
    if session.new or session.deleted or session.dirty:  # a change not yet flushed counts as a write too
        session.info.pop(MEMO, None)
    memo = session.info.setdefault(MEMO, {})
    if key not in memo:
        memo[key] = load()
    return memo[key]


def known(key: tuple) -> bool:
    """Whether the transaction has an answer for ``key`` (and has changed nothing since)."""
    session = db.session()
    return key in session.info.get(MEMO, {}) and not (session.new or session.deleted or session.dirty)


def keep(key: tuple, value: Any) -> None:
    """Keep an answer read for ``key`` elsewhere (several reads run as one statement)."""
    db.session().info.setdefault(MEMO, {})[key] = value


def scalar(key: tuple, query) -> Any:
    """The one value ``query`` selects (a count, an EXISTS), read once per transaction under ``key``."""
    return once(key, lambda: db.session.execute(query).scalar())


def scalars_together(reads) -> None:
    """Read several single values, ``(key, query)`` each, in one statement (each query a scalar subquery of one
    SELECT) and keep each under its key: ``scalar`` then finds it, as if each had run alone."""
    reads = [(key, query) for key, query in reads if not known(key)]
    if len(reads) < 2:
        return
    row = db.session.execute(select(*[query.scalar_subquery() for _, query in reads])).one()
    for (key, _), value in zip(reads, row, strict=True):
        keep(key, value)


def _forget(session: Session, *args) -> None:
    session.info.pop(MEMO, None)


def _forget_on_write(state: ORMExecuteState) -> None:
    if not state.is_select:
        state.session.info.pop(MEMO, None)


def install_memo() -> None:
    """Forget every transaction's memo when it writes or ends."""
    if not event.contains(Session, 'do_orm_execute', _forget_on_write):
        event.listen(Session, 'do_orm_execute', _forget_on_write)
        event.listen(Session, 'after_flush', _forget)
        event.listen(Session, 'after_transaction_end', _forget)
