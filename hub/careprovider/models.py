"""Providers, the dossiers mirrored from them, their records and sync runs."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.core.db import CreatedMixin, IdMixin, UTCDateTime
from hub.core.timeutil import utcnow
from hub.extensions import Model

#: the adapter of what members upload themselves (adapters.fhir.UploadedFhir); its dossiers are known by
#: ``Dossier.uploaded_by`` (never synced, no provider to write to)
UPLOADS = 'fhir_upload'


class Provider(IdMixin, CreatedMixin, Model):
    """A care organisation with an electronic client dossier (ECD)."""

    __tablename__ = 'providers'

    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    #: the entry-point name of its adapter
    adapter: Mapped[str] = mapped_column(String(50), nullable=False)
    #: the adapter settings as JSON, encrypted with Fernet (they may hold credentials)
    settings_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    #: failed syncs in a row, over all its dossiers (the circuit breaker counts these)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: while set and in the future, no syncs are tried (the provider keeps failing)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: minutes between scheduled syncs of its dossiers; None: the SYNC_INTERVAL_MINUTES setting
    sync_interval_minutes: Mapped[int | None] = mapped_column(Integer)
    #: how far the provider-wide change feed (e.g. Ons xstream) has been read
    watermark: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Dossier(IdMixin, CreatedMixin, Model):
    """One client's record at one provider, as mirrored in the hub."""

    __tablename__ = 'dossiers'

    provider_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('providers.id', ondelete='CASCADE'),
                                                   nullable=False)
    #: the provider system's own id of the client (for FHIR the Patient's logical id)
    client_id: Mapped[str] = mapped_column(String(200), nullable=False)
    #: the newest source update time seen, for incremental fetching
    watermark: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: failed syncs of this dossier in a row, and when to try again
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when the last full fetch compared everything stored with the source (deletions are found then)
    reconciled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: a webhook or push asked for a sync as soon as the worker can
    sync_requested: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: a worker syncing this dossier holds it until then (renewed while it runs): no two workers sync it at once
    sync_claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: what one member uploaded to one care page (a FHIR Bundle from another portal): no provider's, never synced
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'))

    provider: Mapped[Provider] = relationship()
    uploader = relationship('Account')

    __table_args__ = (UniqueConstraint('provider_id', 'client_id', name='uq_dossiers_provider_client'),)


class Record(IdMixin, CreatedMixin, Model):
    """One common-model record of a dossier, with the raw source payload beside it."""

    __tablename__ = 'records'

    dossier_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('dossiers.id', ondelete='CASCADE'),
                                                  nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    source_id: Mapped[str] = mapped_column(String(200), nullable=False)
    source_type: Mapped[str] = mapped_column(String(60), nullable=False)
    #: the source record it was mapped from, ``<source type>/<source id>``: one source may give several
    origin: Mapped[str] = mapped_column(String(270), nullable=False)
    source_version: Mapped[str | None] = mapped_column(String(64))
    source_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: SHA-256 of the mapped content: an unchanged record is not written again
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    data: Mapped[dict] = mapped_column(JSON, nullable=False)
    #: deferred: only the download and the remap read it (a read without undefer raises, it never lazy-loads)
    raw: Mapped[dict] = mapped_column(JSON, nullable=False, deferred=True, deferred_raiseload=True)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    code: Mapped[str | None] = mapped_column(String(64))
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    #: how it last came: ``pull`` (a sync or a webhook's fetch) or ``push`` (the provider API); the reconciliation
    #: of a pull only retires what a pull brought
    via: Mapped[str] = mapped_column(String(10), nullable=False, default='pull', server_default='pull')

    __table_args__ = (
        UniqueConstraint('dossier_id', 'kind', 'source_id', name='uq_records_dossier_kind_source'),
        #: one kind in time order (a timeline of one kind, measurements, appointments), ties by id
        Index('ix_records_dossier_kind_occurred_id', 'dossier_id', 'kind', 'occurred_at', 'id'),
        Index('ix_records_dossier_code_occurred', 'dossier_id', 'code', 'occurred_at'),
        Index('ix_records_dossier_origin', 'dossier_id', 'origin'),
        #: the timeline's order (newest first, then id) for any mix of kinds: read from the index, not sorted
        Index('ix_records_dossier_occurred_id', 'dossier_id', 'occurred_at', 'id'),
        #: what came in since a member's last visit (the timeline's new items)
        Index('ix_records_dossier_created', 'dossier_id', 'created_at'),
    )


class RecordVersion(IdMixin, Model):
    """One version of a record whose history people read (a care plan): its content as it came in.

    The sync engine writes a row whenever such a record is created or its content changes (not on a remap,
    which maps the same source again); the record itself always holds the newest version.
    """

    __tablename__ = 'record_versions'

    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('records.id', ondelete='CASCADE'), nullable=False)
    dossier_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('dossiers.id', ondelete='CASCADE'), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    #: the version as the provider numbers it (or the start of the content hash when it does not)
    version: Mapped[str] = mapped_column(String(64), nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    data: Mapped[dict] = mapped_column(JSON, nullable=False)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    #: what this version says happened (sync.version_event): plan_created, plan_status, plan_evaluated,
    #: plan_changed, goal_created, goal_evaluated, goal_changed; the timeline shows some as cards
    event: Mapped[str] = mapped_column(String(20), nullable=False)
    #: when it happened, as near as the source tells: a new plan's own date, else when the source changed it
    event_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (Index('ix_record_versions_record_stored', 'record_id', 'stored_at'),
                      #: the events of one dossier in time order (the timeline), ties by id
                      Index('ix_record_versions_dossier_event', 'dossier_id', 'event_at', 'id'))


class SyncRun(IdMixin, Model):
    """One sync of one dossier: when, what it counted, how it ended."""

    __tablename__ = 'sync_runs'

    dossier_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('dossiers.id', ondelete='CASCADE'),
                                                  nullable=False, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: ``running``, ``ok`` or ``failed``
    status: Mapped[str] = mapped_column(String(20), nullable=False, default='running')
    counts: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    #: the class and message of the error, without personal data
    error: Mapped[str | None] = mapped_column(Text)


class ProviderClient(IdMixin, CreatedMixin, Model):
    """OAuth 2 client credentials of a provider system for the provider API."""

    __tablename__ = 'provider_clients'

    provider_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('providers.id', ondelete='CASCADE'),
                                                   nullable=False, index=True)
    #: public, random
    client_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: keyed hash of the secret; the secret itself is shown once
    secret_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    #: space-separated scopes this client may ask for
    scopes: Mapped[str] = mapped_column(String(200), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    provider: Mapped[Provider] = relationship()


class ProviderToken(IdMixin, CreatedMixin, Model):
    """An access token issued to a provider client; stored only as a keyed hash."""

    __tablename__ = 'provider_tokens'

    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('provider_clients.id', ondelete='CASCADE'),
                                                 nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    scopes: Mapped[str] = mapped_column(String(200), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    client: Mapped[ProviderClient] = relationship()


class ProviderEvent(IdMixin, Model):
    """A change notification a provider system sent (a signed webhook), kept until the worker handled it.

    Events carry ids only; the worker fetches the record itself. A replayed event (same body) is stored once.
    """

    __tablename__ = 'provider_events'

    provider_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('providers.id', ondelete='CASCADE'),
                                                   nullable=False)
    #: SHA-256 of the body as received: the same notification sent again is the same event
    digest: Mapped[str] = mapped_column(String(64), nullable=False)
    source_type: Mapped[str] = mapped_column(String(60), nullable=False)
    source_id: Mapped[str] = mapped_column(String(200), nullable=False)
    #: ``create``, ``update``, ``delete`` or ``custom``
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    client_id: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: after a failure: not before then
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the class of the last error, without personal data
    error: Mapped[str | None] = mapped_column(String(200))

    provider: Mapped[Provider] = relationship()

    __table_args__ = (
        UniqueConstraint('provider_id', 'digest', name='uq_provider_events_digest'),
        Index('ix_provider_events_pending', 'handled_at', 'received_at'),
    )
