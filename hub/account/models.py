"""Accounts and their server-side sessions."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, LargeBinary, String, Text, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.core.db import CreatedMixin, IdMixin, UTCDateTime
from hub.core.timeutil import utcnow
from hub.extensions import Model


class Account(IdMixin, CreatedMixin, Model):
    """A person who can log in."""

    __tablename__ = 'accounts'

    #: lower-cased, trimmed
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    #: argon2id; None until the account is activated
    password_hash: Mapped[str | None] = mapped_column(String(200))
    #: when the password was last set (for PASSWORD_MAX_AGE_DAYS; None: since activation)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: ``pending`` (not activated), ``active`` or ``disabled``
    status: Mapped[str] = mapped_column(String(20), nullable=False, default='pending')
    #: random; changes when the password changes, which voids activation and reset links
    security_stamp: Mapped[str] = mapped_column(String(64), nullable=False)
    terms_version: Mapped[str] = mapped_column(String(20), nullable=False)
    terms_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    language: Mapped[str] = mapped_column(String(5), nullable=False, default='nl')
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default='Europe/Amsterdam')
    #: pages in easy read: large type, pictograms, short sentences, read aloud (on for a client member)
    easy_read: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    #: a mail when a message comes in on a care page (one, until the messages are read)
    #: how the person hears of each kind of event (hub.account.notifications): immediate, daily or off
    notifications: Mapped[dict | None] = mapped_column(JSON)
    #: when their last daily digest went
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when the person was last asked how they are doing (hub.circle.wellbeing, monthly), and last answered
    wellbeing_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    wellbeing_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the account works from / until these moments (seed 003: "not active yet", "expired")
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: failed logins since the last success (reset after 12 hours)
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the confirmed TOTP seed, Fernet-encrypted
    totp_secret: Mapped[str | None] = mapped_column(Text)
    #: a seed being enrolled, not confirmed yet
    totp_pending: Mapped[str | None] = mapped_column(Text)
    #: the last TOTP time step used: a code works once
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    #: verified mobile number in E.164, for codes by SMS or a call
    phone: Mapped[str | None] = mapped_column(String(20))
    #: a new number waiting for its code
    phone_pending: Mapped[str | None] = mapped_column(String(20))
    #: wrong second-factor codes on the current reset link (at most 5, then the link dies)
    reset_failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: how many passkeys the account has (hub.account.passkeys keeps it), so that its ways need no query
    passkey_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    sessions: Mapped[list['AuthSession']] = relationship(back_populates='account', cascade='all, delete-orphan',
                                                         passive_deletes=True)

    @property
    def second_factors(self) -> list[str]:
        """Return the second factors this account can use."""
        return ((['passkey'] if self.passkey_count else []) + (['totp'] if self.totp_secret else [])
                + (['sms', 'voice'] if self.phone else []))

    @property
    def code_factors(self) -> list[str]:
        """Return the second factors that give a code (a password reset link asks one; a passkey cannot be used
        there, and keeps guarding every login)."""
        return [method for method in self.second_factors if method != 'passkey']

    @property
    def name(self):
        return f'{self.first_name} {self.last_name}'


class AuthSession(IdMixin, CreatedMixin, Model):
    """A logged-in browser or app; the cookie holds a token whose keyed hash is stored here."""

    __tablename__ = 'auth_sessions'

    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'),
                                                  nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    #: when the second factor was last checked in this session (step-up)
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the password was right but the second factor is still to come
    pending: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: wrong second-factor codes in this session (at most 5)
    factor_failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: a short description of the browser, for the profile's list of sessions
    label: Mapped[str | None] = mapped_column(String(100))
    #: the last WebAuthn challenge handed to this session (base64url), what it is for, and when (5 minutes, once)
    passkey_challenge: Mapped[str | None] = mapped_column(String(100))
    passkey_purpose: Mapped[str | None] = mapped_column(String(20))
    passkey_challenge_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account: Mapped[Account] = relationship(back_populates='sessions')


class RememberedDevice(IdMixin, CreatedMixin, Model):
    """A browser the person chose to remember: no second factor at login there for 90 days."""

    __tablename__ = 'remembered_devices'

    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'),
                                                  nullable=False, index=True)
    #: keyed hash of the 256-bit cookie token
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: a short description of the browser, for the profile list
    label: Mapped[str] = mapped_column(String(100), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RecoveryCode(IdMixin, CreatedMixin, Model):
    """One of the ten single-use codes that log in when the phone is lost (shown once, kept as a keyed hash)."""

    __tablename__ = 'recovery_codes'

    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'),
                                                  nullable=False, index=True)
    #: keyed hash of the code as typed without dashes or spaces, in capitals
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Passkey(IdMixin, CreatedMixin, Model):
    """A passkey (WebAuthn credential) on a phone, computer or security key: a second factor of its own."""

    __tablename__ = 'passkeys'

    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'),
                                                  nullable=False, index=True)
    #: the credential id as the browser gives it (base64url)
    credential_id: Mapped[str] = mapped_column(String(1400), unique=True, nullable=False)
    #: the COSE public key
    public_key: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    #: the authenticator's signature counter (0 for most passkeys that sync)
    sign_count: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    #: how the browser can reach it (internal, hybrid, usb, ...), as it said when it was made
    transports: Mapped[list | None] = mapped_column(JSON)
    #: the passkey is synced to other devices (backup state), as its last use said
    backed_up: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: the name the person gave it ("Mijn telefoon")
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SecondStepReset(IdMixin, CreatedMixin, Model):
    """A lost phone: the second factors go after 7 days, unless cancelled from the mail or by the owner."""

    __tablename__ = 'second_step_resets'

    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'),
                                                  nullable=False, index=True)
    #: the moment the second factors are removed (at the next login from then on)
    effective_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: keyed hash of the token in the mail's cancel link
    cancel_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account: Mapped[Account] = relationship()


class PasswordHistory(IdMixin, CreatedMixin, Model):
    """An earlier password hash: a new password may not be one of the last five."""

    __tablename__ = 'password_history'

    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'),
                                                  nullable=False, index=True)
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)


class OneTimeCode(IdMixin, CreatedMixin, Model):
    """A 6-digit code sent by SMS or a call: 10 minutes, once, for one purpose and one session."""

    __tablename__ = 'one_time_codes'

    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'),
                                                  nullable=False, index=True)
    #: login, step_up or phone
    purpose: Mapped[str] = mapped_column(String(20), nullable=False)
    session_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('auth_sessions.id', ondelete='CASCADE'))
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    #: sms or voice
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: wrong tries, carried over to a newer code for the same purpose and session
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AccountPhoto(Model):
    """A profile photo, re-encoded by us (no metadata), shown only to people who share a care page."""

    __tablename__ = 'account_photos'

    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'),
                                                  primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class LoginThrottle(Model):
    """Failed logins counted for one key: an address, a source, or one known browser (OWASP device cookies)."""

    __tablename__ = 'login_throttles'

    #: keyed hash of ``kind:value`` (the address or source itself is not stored)
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: no login is tried for this key before this moment
    wait_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationItem(IdMixin, CreatedMixin, Model):
    """Something to tell a person in their next daily digest: the kind of event, the care page and where to look."""

    __tablename__ = 'notification_items'

    account_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey('accounts.id', ondelete='CASCADE'), nullable=False,
                                                  index=True)
    event: Mapped[str] = mapped_column(String(20), nullable=False)
    circle_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey('circles.id', ondelete='CASCADE'))
    #: the care page's name as the mail shows it, and the path the link leads to
    page: Mapped[str] = mapped_column(String(200), nullable=False, default='')
    path: Mapped[str] = mapped_column(String(500), nullable=False)

    account: Mapped[Account] = relationship()

