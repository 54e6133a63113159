"""The apps the operator registered (SMART on FHIR clients)."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.circle.models import Member
from hub.core.db import CreatedMixin, IdMixin, UTCDateTime
from hub.extensions import Model


class App(IdMixin, CreatedMixin, Model):
    """An app members may connect: public (a phone or browser app, PKCE with S256 only) or confidential (a server
    with a secret, stored only as a keyed hash)."""

    __tablename__ = 'apps'

    #: the name the consent page and the access log show
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    #: public, random
    client_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: keyed hash of the secret of a confidential app (shown once); None: a public app
    secret_hash: Mapped[str | None] = mapped_column(String(64))
    #: the exact addresses an answer may be sent to (compared whole, never by prefix)
    redirect_uris: Mapped[list] = mapped_column(JSON, nullable=False)

    @property
    def confidential(self) -> bool:
        return self.secret_hash is not None


class AppGrant(IdMixin, CreatedMixin, Model):
    """A member's consent: this app may read, for this member, what the scopes name of this care page, until
    ``expires_at`` (never past the end of the member's access), unless stopped. It ends with the app, the member
    and the care page (their rows cascade), and its tokens stop when the member's role or rights shrink."""

    __tablename__ = 'app_grants'
    __table_args__ = (UniqueConstraint('app_id', 'member_id'),)

    app_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('apps.id', ondelete='CASCADE'), nullable=False)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('members.id', ondelete='CASCADE'), nullable=False)
    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'), nullable=False,
                                                 index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'),
                                                  nullable=False, index=True)
    #: the scopes given, space-separated (narrowed to what the member may read)
    scope: Mapped[str] = mapped_column(String(1000), nullable=False)
    #: the member's role and rights when they consented: less of either stops the tokens
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    permissions: Mapped[list] = mapped_column(JSON, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    app: Mapped[App] = relationship()
    member: Mapped[Member] = relationship()


class AppCode(IdMixin, CreatedMixin, Model):
    """An authorization code: kept as a keyed hash, good once, for 60 seconds, with its PKCE challenge."""

    __tablename__ = 'app_codes'

    code_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    grant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('app_grants.id', ondelete='CASCADE'),
                                                nullable=False, index=True)
    redirect_uri: Mapped[str] = mapped_column(String(500), nullable=False)
    scope: Mapped[str] = mapped_column(String(1000), nullable=False)
    code_challenge: Mapped[str] = mapped_column(String(128), nullable=False)
    code_challenge_method: Mapped[str] = mapped_column(String(10), nullable=False)
    nonce: Mapped[str | None] = mapped_column(String(255))
    auth_time: Mapped[int] = mapped_column(Integer, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    grant: Mapped[AppGrant] = relationship()


class AppToken(IdMixin, CreatedMixin, Model):
    """An access token (an hour) and, with ``offline_access``, its refresh token (as long as the consent): both kept
    only as keyed hashes."""

    __tablename__ = 'app_tokens'

    grant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('app_grants.id', ondelete='CASCADE'),
                                                nullable=False, index=True)
    #: the code it was made from (a code used twice revokes its tokens); no key: codes are purged
    code_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    access_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    refresh_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(1000), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    grant: Mapped[AppGrant] = relationship()
