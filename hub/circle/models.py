"""Circles, their members, invitations and messages."""

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    select,
    text,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from hub.account.models import Account
from hub.careprovider.models import Dossier, Record
from hub.core.db import CreatedMixin, IdMixin, UTCDateTime
from hub.core.models import OutboxItem
from hub.extensions import Model


class Circle(IdMixin, CreatedMixin, Model):
    """The care page of one client."""

    __tablename__ = 'circles'

    #: a name the manager chose; without it the client's name from the dossier is shown
    name: Mapped[str | None] = mapped_column(String(200))
    #: the manager is the client: they manage their own care page (then no other member is the client)
    client_manages: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())

    members: Mapped[list['Member']] = relationship(back_populates='circle', cascade='all, delete-orphan',
                                                   passive_deletes=True)
    if TYPE_CHECKING:  # mapped below: its query needs CircleDossier
        dossier_client_name: Mapped[str | None]


class Member(IdMixin, CreatedMixin, Model):
    """An account's membership of a circle, with its role and any capabilities the manager chose."""

    __tablename__ = 'members'

    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'), nullable=False)
    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'),
                                                  nullable=False, index=True)
    #: manager, trust or basic
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    #: the capabilities the manager chose for this member; None: those of the role
    permissions: Mapped[list | None] = mapped_column(JSON)
    #: when this member last opened their messages (a list or a thread): no new mail about messages until then
    messages_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: what came before this counts as read in every thread (the messages were one list until threads came)
    messages_read_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when this member was last mailed about new messages (no new mail until they have read them)
    messages_mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when this member's current visit of the timeline began, and when the one before began: what came into
    #: the dossier after the one before is new to them (dossier.operations.visit_timeline)
    timeline_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timeline_previous_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the member's own profile on this care page, shown to the other members (with ``settings.profile``): how
    #: they are related to the client ("Dochter", "Mentor") and a phone number they choose to share here
    relation: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    #: the last day this member has access (in the care page's time zone); None: no end. The day after, every route
    #: refuses them (hub.circle.access.membership) and they stay listed as ended until renewed or removed
    ends_on: Mapped[date | None] = mapped_column(Date)
    #: why this member has access (hub.circle.permissions.BASES): family, mentor, guardian, ...; None: not given
    basis: Mapped[str | None] = mapped_column(String(30))
    #: the last "your access ends" mail sent, as "<ends_on>:<days before>" (a new end date sends them again)
    end_notice: Mapped[str | None] = mapped_column(String(20))

    circle: Mapped[Circle] = relationship(back_populates='members')
    account: Mapped[Account] = relationship()

    __table_args__ = (
        UniqueConstraint('circle_id', 'account_id', name='uq_members_circle_account'),
        # exactly one manager per circle: the database refuses a second one
        Index('uq_members_one_manager', 'circle_id', unique=True,
              sqlite_where=text("role = 'manager'"), postgresql_where=text("role = 'manager'")),
        # at most one client: the person the care page is about
        Index('uq_members_one_client', 'circle_id', unique=True,
              sqlite_where=text("role = 'client'"), postgresql_where=text("role = 'client'")),
    )


class Invitation(IdMixin, CreatedMixin, Model):
    """The manager's invitation of a helper, answered through a link in a mail."""

    __tablename__ = 'invitations'

    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'), nullable=False,
                                                 index=True)
    inviter_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='SET NULL'))
    #: lower-cased; the invitation is for the account with this address
    email: Mapped[str] = mapped_column(String(254), nullable=False, index=True)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    phone: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    #: chosen capabilities; None: those of the role
    permissions: Mapped[list | None] = mapped_column(JSON)
    #: pending, accepted, declined or revoked
    status: Mapped[str] = mapped_column(String(20), nullable=False, default='pending')
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: what the membership will hold: its last day and its basis (Member.ends_on, Member.basis)
    ends_on: Mapped[date | None] = mapped_column(Date)
    basis: Mapped[str | None] = mapped_column(String(30))

    circle: Mapped[Circle] = relationship()
    inviter: Mapped[Account | None] = relationship()


class MessageThread(IdMixin, CreatedMixin, Model):
    """A conversation on a care page: a subject, its audience (all members, the trust group, the provider and the
    trust group, or chosen members) and its messages in order."""

    __tablename__ = 'message_threads'

    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'), nullable=False)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    #: ``all``, ``trust``, ``provider`` (the provider and the trust group) or ``chosen`` (ThreadRecipient rows)
    audience: Mapped[str] = mapped_column(String(20), nullable=False)
    #: for ``provider``: which provider
    provider_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('providers.id', ondelete='SET NULL'))
    #: who began it (None: the provider did, or the account is gone)
    author_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='SET NULL'))
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    author: Mapped[Account | None] = relationship()
    recipients: Mapped[list['ThreadRecipient']] = relationship(cascade='all, delete-orphan')  # the API lists them

    __table_args__ = (Index('ix_message_threads_circle_last_id', 'circle_id', 'last_message_at', 'id'),)


class ThreadRecipient(Model):
    """A member chosen to read a thread (audience ``chosen``); the one who began it is one of them."""

    __tablename__ = 'thread_recipients'

    thread_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('message_threads.id', ondelete='CASCADE'),
                                                 primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'),
                                                  primary_key=True, index=True)


class ThreadRead(Model):
    """One member's state of a thread: read up to when, and whether they removed it from their own list (it comes
    back when a new message arrives). Nobody else ever sees it."""

    __tablename__ = 'thread_reads'

    thread_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('message_threads.id', ondelete='CASCADE'),
                                                 primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'),
                                                  primary_key=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Message(IdMixin, CreatedMixin, Model):
    """One message of a thread: written by a member, or the provider's (a ``message`` record of the dossier)."""

    __tablename__ = 'messages'

    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'), nullable=False)
    thread_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('message_threads.id', ondelete='CASCADE'),
                                                 nullable=False)
    #: deleting an account deletes what it wrote (deleting is real); None: the provider's message
    author_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'))
    #: the member's text (a provider's message is read from its record)
    text: Mapped[str | None] = mapped_column(Text)
    #: the provider's message this is (it goes when the provider withdraws it)
    record_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('records.id', ondelete='CASCADE'))
    #: for a message to the provider: the outbox item that carries it (the provider's answer names it)
    outbox_item_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('outbox_items.id',
                                                                              ondelete='SET NULL'), index=True)
    #: whether a photo goes with it (MessagePhoto), so a thread need not load the photos
    has_photo: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())

    author: Mapped[Account | None] = relationship()
    thread: Mapped[MessageThread] = relationship()
    record: Mapped[Record | None] = relationship()

    __table_args__ = (Index('ix_messages_thread_created_id', 'thread_id', 'created_at', 'id'),
                      #: a provider's message is filed once per care page
                      UniqueConstraint('circle_id', 'record_id', name='uq_messages_circle_record'))


class CalendarEntry(IdMixin, CreatedMixin, Model):
    """An appointment a member put on the care page's calendar (care appointments come from the dossier): once,
    or repeating by an RFC 5545 rule; a moved occurrence of a series is an entry of its own (``series_id``)."""

    __tablename__ = 'calendar_entries'

    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'), nullable=False)
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    #: for an all-day appointment: the start of its first day and the start of the day after its last, in
    #: Europe/Amsterdam (stored in UTC)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    all_day: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=text('false'))
    location: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    #: ``public`` (members who see helpers' appointments) or ``private`` (the author only)
    visibility: Mapped[str] = mapped_column(String(10), nullable=False)
    #: how it repeats: an RFC 5545 RRULE (``FREQ=WEEKLY;INTERVAL=2;COUNT=10``), expanded in Europe/Amsterdam
    rrule: Mapped[str | None] = mapped_column(String(200))
    #: when its last occurrence starts (None: it repeats without end), so a window finds the series it meets
    repeat_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the days (YYYY-MM-DD, local) of occurrences removed from the series, or moved (see series_id)
    exdates: Mapped[list | None] = mapped_column(JSON)
    #: for a moved occurrence: its series, and the day it had there (RFC 5545 RECURRENCE-ID)
    series_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('calendar_entries.id', ondelete='CASCADE'))
    recurrence_day: Mapped[str | None] = mapped_column(String(10))

    author: Mapped[Account] = relationship()

    __table_args__ = (Index('ix_calendar_entries_circle_starts', 'circle_id', 'starts_at'),)


class CalendarFeed(IdMixin, CreatedMixin, Model):
    """A member's secret iCal address of the care page's calendar (for a phone's calendar); revoked by deleting."""

    __tablename__ = 'calendar_feeds'

    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('members.id', ondelete='CASCADE'), nullable=False,
                                                 unique=True)
    #: a keyed hash of the secret in the address (the secret itself is shown once)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)

    member: Mapped[Member] = relationship()


class Note(IdMixin, CreatedMixin, Model):
    """A note on the care page, for all its members; the manager may also send one to the care provider."""

    __tablename__ = 'notes'

    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'), nullable=False)
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: 1 when written, one more at each change: a change names the version it was made on
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default='1')
    #: when it was sent to a care provider (through the outbox), and to which
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shared_with: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('providers.id', ondelete='SET NULL'))
    #: the outbox item that carries it: the provider has it once the item is delivered or acknowledged
    shared_item_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('outbox_items.id', ondelete='SET NULL'))

    author: Mapped[Account] = relationship()
    shared_item: Mapped[OutboxItem | None] = relationship()

    __table_args__ = (Index('ix_notes_circle_updated_id', 'circle_id', 'updated_at', 'id'),)


class BoardPost(IdMixin, CreatedMixin, Model):
    """A short status post on the care page's board (prikbord); members react below it."""

    __tablename__ = 'board_posts'

    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'), nullable=False)
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)

    #: whether a photo goes with it (BoardPhoto), so a list need not load the photos
    has_photo: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())

    author: Mapped[Account] = relationship()
    reactions: Mapped[list['BoardReaction']] = relationship(order_by='BoardReaction.created_at',
                                                            cascade='all, delete-orphan', passive_deletes=True)

    __table_args__ = (Index('ix_board_posts_circle_created_id', 'circle_id', 'created_at', 'id'),)


class MessagePhoto(Model):
    """The photo a member sends with a message: checked by content and re-encoded as JPEG (no metadata kept)."""

    __tablename__ = 'message_photos'

    message_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('messages.id', ondelete='CASCADE'),
                                                  primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class BoardPhoto(Model):
    """The photo of a board post: checked by content and re-encoded as JPEG (no metadata kept)."""

    __tablename__ = 'board_photos'

    post_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('board_posts.id', ondelete='CASCADE'),
                                               primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class BoardReaction(IdMixin, CreatedMixin, Model):
    """A reaction to a board post."""

    __tablename__ = 'board_reactions'

    post_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('board_posts.id', ondelete='CASCADE'), nullable=False,
                                               index=True)
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)

    author: Mapped[Account] = relationship()


class CircleDossier(CreatedMixin, Model):
    """A dossier shown on a care page; a dossier is on at most one care page."""

    __tablename__ = 'circle_dossiers'

    dossier_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('dossiers.id', ondelete='CASCADE'),
                                                  primary_key=True)
    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'),
                                                 nullable=False, index=True)
    #: when the manager was told that this dossier keeps failing to sync (None: not, or it works again)
    trouble_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    dossier: Mapped[Dossier] = relationship()


#: the client's name from the first dossier that has one (the care page's name when the manager chose none): loaded
#: with the care page where a page shows it (``undefer``), else read when first asked
Circle.dossier_client_name = column_property(
    select(Record.data['name'].as_string())
    .join(CircleDossier, CircleDossier.dossier_id == Record.dossier_id)
    .where(CircleDossier.circle_id == Circle.id, Record.kind == 'demographics', Record.deleted.is_(False))
    .order_by(Record.created_at).limit(1).correlate_except(Record, CircleDossier).scalar_subquery(),
    deferred=True)


class HiddenRecord(CreatedMixin, Model):
    """A record of the dossier the manager hid from one member: for them it is gone from every list and count."""

    __tablename__ = 'hidden_records'

    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('records.id', ondelete='CASCADE'), primary_key=True)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('members.id', ondelete='CASCADE'), primary_key=True,
                                                 index=True)
    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'), nullable=False)
    hidden_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='SET NULL'))


#: what a help request asks for
HELP_KINDS = ('ride', 'visit', 'meal', 'other')


class HelpRequest(IdMixin, CreatedMixin, Model):
    """A member asks the others for help at a time (a ride, a visit, a meal, something else) with a number of places;
    it shows in the calendar and on the care page to the members who see the calendar."""

    __tablename__ = 'help_requests'

    circle_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'), nullable=False)
    #: a deleted account's requests go with it (what a person wrote is theirs)
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    #: ride, visit, meal or other
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    places: Mapped[int] = mapped_column(Integer, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    #: when those signed up were reminded (the day before); None: not yet
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[Account] = relationship()
    signups: Mapped[list['HelpSignup']] = relationship(back_populates='request', cascade='all, delete-orphan',
                                                      order_by='HelpSignup.created_at')

    __table_args__ = (Index('ix_help_requests_circle_starts', 'circle_id', 'starts_at'),)


class HelpSignup(CreatedMixin, Model):
    """A member who will help with a request."""

    __tablename__ = 'help_signups'

    request_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('help_requests.id', ondelete='CASCADE'),
                                                  primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'),
                                                  primary_key=True)

    request: Mapped[HelpRequest] = relationship(back_populates='signups')
    account: Mapped[Account] = relationship()


class WellbeingCheck(IdMixin, CreatedMixin, Model):
    """One filled-in strain questionnaire of a person (EDIZ): theirs alone, never shown on a care page."""

    __tablename__ = 'wellbeing_checks'

    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'), nullable=False)
    #: the answer to each question, 0 (Nee!) to 4 (Ja!)
    answers: Mapped[list] = mapped_column(JSON, nullable=False)
    score: Mapped[int] = mapped_column(Integer, nullable=False)

    __table_args__ = (Index('ix_wellbeing_checks_account_created', 'account_id', 'created_at'),)
