"""What members do with provider records: approving a care plan, asking for a change of the contact persons; what the
care page was told about."""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.account.models import Account
from hub.core.db import CreatedMixin, IdMixin, UTCDateTime
from hub.core.timeutil import utcnow
from hub.extensions import Model


class PlanApproval(IdMixin, Model):
    """The decision on one version of a care plan by the manager of the care page: approved or declined.

    The decision goes to the provider through the outbox; this row says it was given, by whom and when.
    """

    __tablename__ = 'plan_approvals'

    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('records.id', ondelete='CASCADE'), nullable=False)
    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'), nullable=False)
    #: who approved; kept when the account is deleted later (the provider has the approval on file)
    account_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='SET NULL'))
    #: the plan version approved, as the provider numbers it
    version: Mapped[str] = mapped_column(String(64), nullable=False)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    #: the outbox item that carries it to the provider
    outbox_item_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: ``approved``, or ``declined`` with the person's comment (sent to the provider too); one decision a version
    decision: Mapped[str] = mapped_column(String(10), nullable=False, default='approved', server_default='approved')
    comment: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint('record_id', 'version', name='uq_plan_approvals_record_version'),)


class RecordNotice(IdMixin, Model):
    """That a care page was told about this content of a record: a plan waiting for approval, a provider's message.

    Keyed by the content hash: a new version is looked at again, the same one never twice.
    """

    __tablename__ = 'record_notices'

    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('records.id', ondelete='CASCADE'), nullable=False)
    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'), nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    noticed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    #: the constraint keeps the name it had when only plans were noticed
    __table_args__ = (UniqueConstraint('record_id', 'circle_id', 'content_hash', name='uq_plan_notices'),)


class ContactRequest(IdMixin, CreatedMixin, Model):
    """A request to a provider to add a contact person of the client, or to change one's details.

    The provider's dossier stays the source: the request goes through the outbox, its staff decide, and the change
    shows on the care page with the next sync. This row says what was asked, by whom, and whether it arrived.
    """

    __tablename__ = 'contact_requests'

    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'), nullable=False,
                                                 index=True)
    dossier_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('dossiers.id', ondelete='CASCADE'), nullable=False)
    #: ``add`` a contact person, or ``change`` one's details
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    #: the contact person to change (None when adding, or when it is gone from the dossier since)
    record_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('records.id', ondelete='SET NULL'))
    account_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='SET NULL'))
    #: the details asked for: name, relationship, phone, email
    details: Mapped[dict] = mapped_column(JSON, nullable=False)
    outbox_item_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('outbox_items.id', ondelete='SET NULL'))

    outbox_item = relationship('OutboxItem')
    account = relationship('Account')


class CorrectionRequest(IdMixin, CreatedMixin, Model):
    """A request to the provider to correct an item of the dossier, in the words of the manager.

    It goes through the outbox (a FHIR Task after HL7's Patient Request for Corrections, an Ons report); what the
    provider did comes back as a ``request_answer`` record whose code is the outbox item id.
    """

    __tablename__ = 'correction_requests'

    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'), nullable=False,
                                                 index=True)
    dossier_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('dossiers.id', ondelete='CASCADE'), nullable=False)
    #: the item (None when it is gone from the dossier since); its kind and words are kept beside it
    record_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('records.id', ondelete='SET NULL'))
    record_kind: Mapped[str] = mapped_column(String(40), nullable=False)
    about: Mapped[str] = mapped_column(String(300), nullable=False)
    #: the moment the item is about (a report's, a measurement's), if it has one
    record_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    account_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='SET NULL'))
    outbox_item_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, unique=True)

    account = relationship('Account')


class Document(IdMixin, CreatedMixin, Model):
    """A file a member uploaded to a care page: a PDF, JPEG or PNG (``file``), or a FHIR Bundle from another portal
    (``bundle``), whose resources were mapped into the member's uploads dossier. It leaves with its uploader."""

    __tablename__ = 'documents'

    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'), nullable=False,
                                                 index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    #: deferred: only opening the file reads it
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True, deferred_raiseload=True)
    #: for a Bundle: what its mapping stored (created, unchanged, rejected …)
    counts: Mapped[dict | None] = mapped_column(JSON)

    account = relationship('Account')


class Share(IdMixin, CreatedMixin, Model):
    """A part of the dossier the manager shares once with someone without an account (a new GP, a hospital): a link
    and a 6-digit code given separately, for a few days and a set number of opens.

    What is shared is fixed when the share is made: ``content`` holds it encrypted (hub.core.crypto); ``shl_file``
    is the same data as a SMART Health Link file, encrypted with a key that is only in the link given out.
    """

    __tablename__ = 'shares'

    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'), nullable=False,
                                                 index=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='SET NULL'))
    #: keyed hashes of the secret in the link and of the code (never the secrets themselves)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    #: the parts shared (hub.dossier.shares.PARTS)
    parts: Mapped[list] = mapped_column(JSON, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    max_opens: Mapped[int] = mapped_column(Integer, nullable=False)
    opens: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: wrong codes in a row; at 5 the share is locked for good
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    shl_file: Mapped[str] = mapped_column(Text, nullable=False)


class OwnMedication(IdMixin, CreatedMixin, Model):
    """Medication a member put on the care page's list themselves (over the counter, supplements): shown beside
    the provider's, marked as their own."""

    __tablename__ = 'own_medication'

    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'), nullable=False,
                                                 index=True)
    #: a deleted account's entries go with it (what a person wrote is theirs)
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    dose: Mapped[str] = mapped_column(String(500), nullable=False)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    author: Mapped[Account] = relationship()
