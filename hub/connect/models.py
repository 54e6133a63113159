"""Coupling codes: one-time codes a provider hands a client to link a dossier."""

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.careprovider.models import Provider
from hub.core.db import CreatedMixin, IdMixin, UTCDateTime
from hub.extensions import Model


class CouplingCode(IdMixin, CreatedMixin, Model):
    """A one-time code a provider hands a client to link their dossier; stored only as a keyed hash."""

    __tablename__ = 'coupling_codes'

    provider_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('providers.id', ondelete='CASCADE'),
                                                   nullable=False, index=True)
    client_id: Mapped[str] = mapped_column(String(200), nullable=False)
    #: HMAC-SHA256 of the normalised code under a server key
    code_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: a transfer code moves management of an already linked dossier
    transfer: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    redeemed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='SET NULL'))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    provider: Mapped[Provider] = relationship()
