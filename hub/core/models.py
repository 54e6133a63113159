"""The audit log and the outbox: tables every domain package writes to."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Double, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from hub.core.db import CreatedMixin, IdMixin, UTCDateTime
from hub.core.timeutil import utcnow
from hub.extensions import Model


class AuditRecord(IdMixin, Model):
    """One event, with the NEN 7513 fields; keeps ids, never contents."""

    __tablename__ = 'audit_records'

    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    #: what happened, e.g. ``dossier.timeline`` or ``account.login``
    event: Mapped[str] = mapped_column(String(80), nullable=False)
    #: C(reate), R(ead), U(pdate), D(elete) or E(xecute)
    action: Mapped[str] = mapped_column(String(1), nullable=False)
    #: ``success`` or the error code
    outcome: Mapped[str] = mapped_column(String(40), nullable=False, default='success')
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_role: Mapped[str | None] = mapped_column(String(20))
    #: why the actor has access to the care page (family, mentor, guardian, ...; ``outsider`` for a share)
    actor_basis: Mapped[str | None] = mapped_column(String(30))
    #: the client on whose behalf the actor acts (the circle)
    circle_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    dossier_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: what was touched: a kind and ids, never the content
    target: Mapped[str | None] = mapped_column(String(200))
    #: from where: the client address of the request
    source: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index('ix_audit_records_circle_at_id', 'circle_id', 'at', 'id'),
        Index('ix_audit_records_actor_at', 'actor_id', 'at'),
    )


class OutboxItem(IdMixin, CreatedMixin, Model):
    """A mail, SMS or provider item written in the same transaction as its cause."""

    __tablename__ = 'outbox_items'

    #: ``mail``, ``sms``, ``provider`` (carehub sends it to the provider system) or ``provider_api`` (the
    #: provider system fetches it from /provider/v1/outbox and acknowledges it)
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    #: for provider items: the provider it is for (the provider API lists a provider's own items only)
    provider_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)
    #: ``pending``, ``sent`` or ``failed`` (gave up after the last retry)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default='pending')
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the class of the last delivery error, without personal data
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index('ix_outbox_items_due', 'status', 'next_attempt_at'),
                      Index('ix_outbox_items_provider', 'provider_id', 'status', 'created_at'))


class RateLimitHit(Model):
    """One counted request of a rate limit, where no Redis is set: every process of the embedded default counts
    in one place (hub/core/ratelimit.py). Times are seconds since the epoch, as the ``limits`` library counts."""

    __tablename__ = 'rate_limit_hits'

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, 'sqlite'), primary_key=True,
                                    autoincrement=True)
    #: the keyed hash of the limit's key (it holds an address or an account id)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[float] = mapped_column(Double, nullable=False)
    expires_at: Mapped[float] = mapped_column(Double, nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __table_args__ = (Index('ix_rate_limit_hits_key_at', 'key_hash', 'at'),
                      Index('ix_rate_limit_hits_expires_at', 'expires_at'))
