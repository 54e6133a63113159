"""Accounts and their server-side sessions."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.core.db import CreatedMixin, IdMixin, UTCDateTime
from hub.core.timeutil import utcnow
from hub.extensions import db


class Account(IdMixin, CreatedMixin, db.Model):
    """A person who can log in."""

    __tablename__ = 'accounts'

    #: lower-cased, trimmed
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    #: argon2id; None until the account is activated
    password_hash: Mapped[str | None] = mapped_column(String(200))
    #: ``pending`` (not activated), ``active`` or ``disabled``
    status: Mapped[str] = mapped_column(String(20), nullable=False, default='pending')
    #: random; changes when the password changes, which voids activation and reset links
    security_stamp: Mapped[str] = mapped_column(String(64), nullable=False)
    terms_version: Mapped[str] = mapped_column(String(20), nullable=False)
    terms_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    language: Mapped[str] = mapped_column(String(5), nullable=False, default='nl')
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default='Europe/Amsterdam')
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sessions: Mapped[list['AuthSession']] = relationship(back_populates='account', cascade='all, delete-orphan',
                                                         passive_deletes=True)

    @property
    def name(self):
        return f'{self.first_name} {self.last_name}'


class AuthSession(IdMixin, CreatedMixin, db.Model):
    """A logged-in browser or app; the cookie holds a token whose keyed hash is stored here."""

    __tablename__ = 'auth_sessions'

    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'),
                                                  nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    #: when the second factor was last checked in this session (step-up)
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account: Mapped[Account] = relationship(back_populates='sessions')
