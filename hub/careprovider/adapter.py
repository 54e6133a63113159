"""The adapter interface: what a plugin for one kind of provider system must do.

Adapters import only this module. They fetch and parse source records and map them into the
common model; they never touch the database or the request. The sync engine owns the rest.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from marshmallow import Schema

from hub.careprovider.common import KINDS, RecordSchema  # noqa: F401  (re-exported for adapters)
from hub.core.schemas import DutchSchema


class SettingsSchema(DutchSchema):
    """The base of an adapter's settings schema: what is wrong with a setting is said in the person's language."""


class AdapterError(Exception):
    """The provider system could not be reached or answered something unusable."""

    def __init__(self, message, retry_after=None, permanent=False, about_client=False):
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent
        #: the trouble is with this one client (not known there), not with the provider system
        self.about_client = about_client


@dataclass(frozen=True)
class SourceRecord:
    """One record as the provider system has it."""

    #: the system's own type name, e.g. ``Observation``
    source_type: str
    source_id: str
    payload: dict
    #: when the source last changed it, for watermarks and ordering
    updated_at: datetime | None = None
    version: str | None = None
    deleted: bool = False
    #: whose record it is, when the adapter learned it from the record (webhooks and change feeds)
    client_id: str | None = None


@dataclass(frozen=True)
class MappedRecord:
    """One common-model record made from a source record."""

    kind: str
    source_id: str
    data: dict
    #: the moment it is about (for the timeline and series)
    occurred_at: datetime | None = None
    #: the series or code it belongs to, for measurements
    code: str | None = None
    extra: dict = field(default_factory=dict)


class Adapter(ABC):
    """Talks to one kind of provider system."""

    #: the entry-point name in ``carehub.adapters``
    name: ClassVar[str]
    #: validates the provider's settings (``carehub provider add --setting``)
    settings_schema: ClassVar[type[Schema]]

    def __init__(self, settings: dict):
        self.settings = self.settings_schema().load(settings)

    @abstractmethod
    def fetch(self, client_id: str, since: datetime | None) -> Iterator[SourceRecord]:
        """Yield the client's source records changed since ``since`` (all when None)."""

    @abstractmethod
    def map(self, record: SourceRecord) -> list[MappedRecord]:
        """Return the common-model records for one source record (none if it is not shown)."""

    @classmethod
    def valid_client_id(cls, client_id: str) -> bool:
        """Whether ``client_id`` has the form of a client id in this system (it goes into URL paths)."""
        return isinstance(client_id, str) and 0 < len(client_id) <= 200 and client_id.isprintable() \
            and not any(char in client_id for char in '/?#%\\ ')

    def reconciles(self, source_type: str, occurred_at: datetime | None) -> bool:
        """Whether a full fetch gives every record like this one, so that a stored one it lacked was deleted."""
        return True

    def exports(self) -> bool:
        """Whether this provider's settings export every client's changes at once (fetch_all)."""
        return False

    def fetch_all(self, since: datetime | None) -> Iterator[SourceRecord]:
        """Yield every client's source records changed since ``since``, each with its ``client_id``; a deletion
        whose client the source does not say comes with ``client_id`` None (the engine finds it by origin)."""
        raise AdapterError(f'the {self.name} adapter does not export', permanent=True)

    #: the adapter takes signed webhooks (verify_webhook, parse_webhook, fetch_notified)
    webhooks: ClassVar[bool] = False
    #: the adapter reads a provider-wide change feed (poll)
    polls: ClassVar[bool] = False

    def verify_webhook(self, headers, body: bytes) -> bool:
        """Tell whether a webhook request is signed by the provider system."""
        return False

    def parse_webhook(self, body: bytes) -> list[Notification]:
        """Return the changes a verified webhook body announces (raise ValueError when it is not readable)."""
        raise AdapterError(f'the {self.name} adapter does not take webhooks', permanent=True)

    def fetch_notified(self, notification: Notification) -> SourceRecord:
        """Fetch the record a notification is about, as it is now (``deleted`` when the source no longer has it)."""
        raise AdapterError(f'the {self.name} adapter does not take webhooks', permanent=True)

    #: outbound item kinds (their content is checked by OUTBOUND in hub.careprovider.common)
    def outbound(self, kind: str, client_id: str, item_id: str, content: dict) -> dict:
        """Return an item for the provider (a message, a plan approval, a client's note) in the system's own format.

        ``item_id`` is carehub's id of the item; put it in the result so that sending twice does no harm.
        """
        raise AdapterError(f'the {self.name} adapter has no outbound format', permanent=True)

    @property
    def sends(self) -> bool:
        """Whether carehub delivers outbound items to the provider system itself (else it fetches them)."""
        return False

    def send(self, item: dict):
        """Deliver one outbound item (as ``outbound`` made it); raise AdapterError to try again later."""
        raise AdapterError(f'the {self.name} adapter does not send', permanent=True)

    def document(self, data: dict, raw: dict) -> tuple[str, bytes]:
        """Return (content type, bytes) of a document record's file (``data`` as mapped, ``raw`` its source record):
        fetched from the provider system when a member opens it, never linked to directly."""
        raise AdapterError(f'the {self.name} adapter gives no documents', permanent=True)

    def poll(self, since: datetime, clients: set[str]) -> Iterator[SourceRecord]:
        """Yield the records of ``clients`` changed since ``since``, each with its ``client_id``.

        Records of other clients are passed over before anything more is fetched about them.
        """
        raise AdapterError(f'the {self.name} adapter has no change feed', permanent=True)

    def parse_push(self, client_id: str, payload) -> Iterator[SourceRecord | PushError]:
        """Yield the source records a provider pushed for a client, or a PushError per record that is wrong."""
        raise AdapterError(f'the {self.name} adapter does not take pushed records', permanent=True)

    def source_from_raw(self, source_type: str, payload: dict) -> SourceRecord:
        """Rebuild a source record from a stored raw payload (for remapping without fetching)."""
        raise AdapterError(f'the {self.name} adapter cannot remap', permanent=True)


@dataclass(frozen=True)
class Notification:
    """A change a provider system announced (a webhook): which record, and what happened to it."""

    source_type: str
    source_id: str
    #: ``create``, ``update``, ``delete``, or ``custom`` (something about a client changed: sync it)
    action: str
    client_id: str | None = None


@dataclass(frozen=True)
class PushError:
    """One pushed record that was refused, with the reason in plain words."""

    index: int
    message: str
