"""Passkeys (WebAuthn): a fingerprint, face or PIN on the person's phone or computer as their second factor.

The checks are py_webauthn's (Duo Labs): the relying party id is the host of BASE_URL and the origin is BASE_URL's;
user verification is preferred, not required (a security key without a PIN still proves possession). A challenge
belongs to one session and one purpose, lives 5 minutes and is taken by one conditional UPDATE, so an assertion
works once: a replayed or foreign one is refused and counts as a wrong code (hub.account.factors).
"""

from datetime import timedelta
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, options_to_json_dict
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from hub.account.models import Account, AuthSession, Passkey
from hub.config import setting
from hub.core.audit import audit
from hub.core.errors import AppError, Conflict, NotFound
from hub.core.timeutil import utcnow
from hub.extensions import db

#: a challenge works this long (WebAuthn's timeout says the same to the browser)
CHALLENGE_LIFE = timedelta(minutes=5)
#: passkeys per account
MAX = 20
RP_NAME = 'carehub'


class InvalidPasskey(AppError):
    status = 400
    code = 'invalid_passkey'


def invalid_passkey() -> InvalidPasskey:
    """The answer to a passkey that did not check out (the failure is already counted)."""
    return InvalidPasskey(_l('This passkey did not work. Try again, or choose another way.'))


def relying_party() -> tuple[str, str]:
    """Return the relying party id (BASE_URL's host) and the origin the browser must report (BASE_URL's)."""
    parts = urlsplit(setting('BASE_URL'))
    return parts.hostname, f'{parts.scheme}://{parts.netloc}'


def _descriptors(account: Account) -> list[PublicKeyCredentialDescriptor]:
    transports = {item.value for item in AuthenticatorTransport}
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id),
                                          transports=[AuthenticatorTransport(t) for t in key.transports or []
                                                      if t in transports] or None)
            for key in passkeys_of(account)]


def _hand_out(auth_session: AuthSession, challenge: bytes, purpose: str):
    auth_session.passkey_challenge = bytes_to_base64url(challenge)
    auth_session.passkey_purpose = purpose
    auth_session.passkey_challenge_at = utcnow()


def _take_challenge(auth_session: AuthSession, purpose: str) -> bytes | None:
    """Take the session's challenge for ``purpose`` if it is younger than 5 minutes: once, even in parallel."""
    challenge = auth_session.passkey_challenge
    if challenge is None or auth_session.passkey_purpose != purpose:
        return None
    taken = db.session.execute(
        update(AuthSession).where(AuthSession.id == auth_session.id, AuthSession.passkey_challenge == challenge,
                                  AuthSession.passkey_challenge_at > utcnow() - CHALLENGE_LIFE)
        .values(passkey_challenge=None, passkey_purpose=None, passkey_challenge_at=None)
        .execution_options(synchronize_session=False))
    for name in ('passkey_challenge', 'passkey_purpose', 'passkey_challenge_at'):
        set_committed_value(auth_session, name, None)
    return base64url_to_bytes(challenge) if taken.rowcount == 1 else None


def registration_options(account: Account, auth_session: AuthSession) -> dict:
    """Return the creation options for a new passkey (``{publicKey: ...}``, WebAuthn's JSON form).
    The caller asked the step-up (or a fresh password for a first way)."""
    if account.passkey_count >= MAX:
        raise Conflict(_l('You have %(count)s passkeys. Remove one you no longer use first.', count=MAX),
                       code='too_many_passkeys')
    rp_id, _ = relying_party()
    options = generate_registration_options(
        rp_id=rp_id, rp_name=RP_NAME, user_id=account.id.bytes, user_name=account.email,
        user_display_name=account.name, timeout=int(CHALLENGE_LIFE.total_seconds() * 1000),
        exclude_credentials=_descriptors(account),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED, user_verification=UserVerificationRequirement.PREFERRED))
    _hand_out(auth_session, options.challenge, 'register')
    return {'publicKey': options_to_json_dict(options)}


def add_passkey(account: Account, auth_session: AuthSession, credential, name: str) -> Passkey | None:
    """Keep the passkey the browser made for the challenge of this session; None when it does not check out (not
    raised: the challenge is used up either way, and that must be committed). The caller tells the owner."""
    challenge = _take_challenge(auth_session, 'register')
    if challenge is None or not isinstance(credential, dict):
        return None
    rp_id, origin = relying_party()
    try:
        verified = verify_registration_response(credential=credential, expected_challenge=challenge,
                                                expected_rp_id=rp_id, expected_origin=origin)
    except (WebAuthnException, ValueError, TypeError, KeyError):
        return None
    credential_id = bytes_to_base64url(verified.credential_id)
    if db.session.execute(select(Passkey.id).where(Passkey.credential_id == credential_id)).first():
        raise Conflict(_l('This passkey is already in use.'), code='passkey_exists')
    transports = (credential.get('response') or {}).get('transports')
    key = Passkey(account_id=account.id, credential_id=credential_id, public_key=verified.credential_public_key,
                  sign_count=verified.sign_count, backed_up=verified.credential_backed_up, name=name,
                  transports=[str(t)[:20] for t in transports][:10] if isinstance(transports, list) else None)
    db.session.add(key)
    _count(account, +1)
    audit('account.passkey_add', 'C', actor=account)
    return key


def _count(account: Account, step: int):
    db.session.execute(update(Account).where(Account.id == account.id)
                       .values(passkey_count=Account.passkey_count + step).execution_options(synchronize_session=False))
    db.session.flush()
    db.session.refresh(account, ['passkey_count'])


def passkeys_of(account: Account) -> list[Passkey]:
    """Return the account's passkeys, the newest first."""
    if not account.passkey_count:
        return []
    return db.session.execute(select(Passkey).where(Passkey.account_id == account.id)
                              .order_by(Passkey.created_at.desc())).scalars().all()


def remove_passkey(account: Account, passkey_id) -> None:
    """Remove one of the account's passkeys (the caller asked the step-up and tells the owner)."""
    key = db.session.get(Passkey, passkey_id)
    if key is None or key.account_id != account.id:
        raise NotFound(_l('This passkey does not exist.'))
    db.session.delete(key)
    _count(account, -1)
    audit('account.passkey_remove', 'D', actor=account)


def authentication_options(account: Account, auth_session: AuthSession, purpose: str) -> dict:
    """Return the request options for a login's second step or a step-up (``{publicKey: ...}``)."""
    if not account.passkey_count:
        raise AppError(_l('This way of checking is not set up for your account.'), code='method_not_available')
    rp_id, _ = relying_party()
    options = generate_authentication_options(
        rp_id=rp_id, timeout=int(CHALLENGE_LIFE.total_seconds() * 1000), allow_credentials=_descriptors(account),
        user_verification=UserVerificationRequirement.PREFERRED)
    _hand_out(auth_session, options.challenge, purpose)
    return {'publicKey': options_to_json_dict(options)}


def check_assertion(account: Account, auth_session: AuthSession, credential, purpose: str) -> bool:
    """Check an assertion against this session's challenge and one of the account's passkeys; True once."""
    challenge = _take_challenge(auth_session, purpose)
    if challenge is None or not isinstance(credential, dict) or not isinstance(credential.get('id'), str):
        return False
    key = db.session.execute(select(Passkey).where(Passkey.credential_id == credential['id'][:1400],
                                                   Passkey.account_id == account.id)).scalar_one_or_none()
    if key is None:  # another account's passkey, or one removed
        return False
    rp_id, origin = relying_party()
    try:
        verified = verify_authentication_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp_id, expected_origin=origin,
            credential_public_key=key.public_key, credential_current_sign_count=key.sign_count)
    except (WebAuthnException, ValueError, TypeError, KeyError):
        return False
    key.sign_count, key.backed_up, key.last_used_at = verified.new_sign_count, verified.credential_backed_up, utcnow()
    return True
