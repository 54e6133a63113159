"""Coupling codes: issue and redeem; which dossiers a care page shows."""

import re
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from hub.careprovider.models import Dossier, Provider
from hub.careprovider.operations import get_or_create_dossier
from hub.careprovider.registry import adapter_class
from hub.circle.access import MANAGE, check, require
from hub.circle.dossiers import client_name, dossiers_of, linked_dossier
from hub.circle.models import Circle, CircleDossier, Member
from hub.circle.operations import create_circle, delete_circle, transfer_management
from hub.config import setting
from hub.connect.access import require_tries_left
from hub.connect.models import CouplingCode
from hub.core.audit import audit
from hub.core.background import soon
from hub.core.crypto import keyed_hash
from hub.core.errors import AppError, Conflict, InvalidInput, NotFound
from hub.core.timeutil import utcnow
from hub.extensions import db

CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
CODE_LENGTH = 12
#: what people type by mistake -> what they meant
LOOKALIKES = str.maketrans({'O': '0', 'I': '1', 'L': '1'})


class InvalidCode(AppError):
    status = 400
    code = 'invalid_code'


def generic_refusal():
    """Return the one error for an unknown, expired, used or revoked code (they look the same)."""
    return InvalidCode(_l('This coupling code does not work. Check that you typed it correctly. Is it right? '
                          'Then it may have expired or been used already: ask your care provider for a new one.'))


def format_code(code: str) -> str:
    """Return a normalised code as XXXX-XXXX-XXXX."""
    return '-'.join(code[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalize_code(typed) -> str | None:
    """Return the code as stored (upper case, no spaces or dashes, lookalikes fixed), or None."""
    if not isinstance(typed, str) or len(typed) > 64:
        return None
    code = re.sub(r'[\s\-]', '', typed).upper().translate(LOOKALIKES)
    if len(code) != CODE_LENGTH or any(char not in CROCKFORD for char in code):
        return None
    return code


def issue_code(provider: Provider, client_id: str, transfer=False) -> tuple[CouplingCode, str]:
    """Make a coupling code for a client at ``provider``; returns it with the code to print."""
    if not adapter_class(provider.adapter).valid_client_id(client_id):
        raise InvalidInput(_l('This is not a client id this care provider system uses.'),
                           fields={'client_id': [_l('Check the client id.')]})
    code = ''.join(secrets.choice(CROCKFORD) for _ in range(CODE_LENGTH))  # 60 random bits
    coupling = CouplingCode(provider_id=provider.id, client_id=client_id, code_hash=keyed_hash(code, 'coupling'),
                            transfer=transfer, expires_at=utcnow() + timedelta(days=setting('COUPLING_CODE_DAYS')))
    db.session.add(coupling)
    db.session.flush()
    audit('coupling.issue', 'C', target=f'coupling_code:{coupling.id}')
    return coupling, format_code(code)


def _claim(code: str, account) -> CouplingCode:
    """Mark the code redeemed in one statement, so of parallel tries exactly one wins."""
    now = utcnow()
    result = db.session.execute(
        update(CouplingCode)
        .where(CouplingCode.code_hash == keyed_hash(code, 'coupling'), CouplingCode.redeemed_at.is_(None),
               CouplingCode.revoked_at.is_(None), CouplingCode.expires_at > now)
        .values(redeemed_at=now, redeemed_by=account.id)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise generic_refusal()
    return db.session.execute(select(CouplingCode).where(
        CouplingCode.code_hash == keyed_hash(code, 'coupling'))).scalar_one()


#: wrong coupling codes an account may type in 24 hours
def redeem(account, typed_code, circle_id=None, for_self=False):
    """Link the code's dossier to a new care page managed by ``account`` (``for_self``: who is the client), or to one
    it manages."""
    if not isinstance(typed_code, str) or not typed_code.strip():  # nothing typed: not a wrong try
        message = _l('Type the coupling code from the letter of your care provider, for example ABCD-EFGH-JKLM.')
        raise InvalidInput(message, code='code_missing', fields={'code': [str(message)]})
    require_tries_left(account)
    try:
        return _redeem(account, typed_code, circle_id, for_self)
    except InvalidCode as exc:
        raise exc.audited('coupling.redeem', 'E', actor=account.id) from None


def _redeem(account, typed_code, circle_id, for_self=False):
    code = normalize_code(typed_code)
    if code is None:
        raise generic_refusal()
    if circle_id is not None:
        circle = require(account, circle_id, MANAGE).circle
    coupling = _claim(code, account)
    dossier = get_or_create_dossier(coupling.provider, coupling.client_id)
    link = db.session.get(CircleDossier, dossier.id)
    if link is not None and coupling.transfer and circle_id in (None, link.circle_id):
        transfer_management(link.circle_id, account)
        audit('coupling.redeem', 'U', actor=account, role='manager', circle=link.circle_id, dossier=dossier,
              target=f'coupling_code:{coupling.id}')
        return db.session.get(Circle, link.circle_id)
    if link is not None:
        raise Conflict(_l('This dossier is already linked to a care page. Ask your care provider for a transfer '
                          'code if you should manage it.'), code='dossier_linked')
    if circle_id is None:
        circle = create_circle(account, client_manages=for_self)
    db.session.add(CircleDossier(dossier_id=dossier.id, circle_id=circle.id))
    dossier.sync_requested = True  # the care page should show the dossier soon, not at the next interval
    db.session.flush()
    soon('carehub.sync_dossier', dossier.id)
    audit('coupling.redeem', 'C', actor=account, role='manager', circle=circle, dossier=dossier,
          target=f'coupling_code:{coupling.id}')
    return circle


def unlink_dossier(manager: Member, dossier_id):
    """The manager unlinks a provider's dossier from their care page; its mirrored records go (a new code links it
    again)."""
    check(manager, MANAGE)
    _unlink(linked_dossier(manager.circle_id, dossier_id), manager.account)


def provider_unlink(dossier: Dossier):
    """The provider ends the link of a client's dossier (its API): the same, by the provider."""
    _unlink(dossier, None)


def _unlink(dossier: Dossier, actor):
    link = db.session.get(CircleDossier, dossier.id)
    audit('coupling.unlink', 'D', actor=actor, role='manager' if actor else 'provider',
          circle=link.circle_id if link else None, dossier=dossier,
          target=f'dossier:{dossier.id} provider:{dossier.provider_id}')
    db.session.delete(dossier)  # the link, records and sync runs go with it


def delete_care_page(manager: Member):
    """Delete a care page: its dossier links and mirrored records (and what members uploaded), members and
    invitations."""
    check(manager, MANAGE)
    page = client_name(manager.circle)  # while its dossiers still say whose it is
    for dossier in dossiers_of(manager.circle_id, uploads=True):
        _unlink(dossier, manager.account)
    delete_circle(manager, page)


def code_state(coupling: CouplingCode, now=None) -> str:
    """Return the state of a coupling code: redeemed, revoked, expired or issued."""
    now = now or utcnow()
    if coupling.redeemed_at:
        return 'redeemed'
    if coupling.revoked_at:
        return 'revoked'
    return 'expired' if coupling.expires_at <= now else 'issued'


def codes_of(provider: Provider) -> list[CouplingCode]:
    """Return the coupling codes a provider issued, newest first."""
    return db.session.execute(select(CouplingCode).where(CouplingCode.provider_id == provider.id)
                              .order_by(CouplingCode.created_at.desc())).scalars().all()


def revoke_code(provider: Provider, coupling_id) -> CouplingCode:
    """Revoke an unused coupling code of this provider."""
    coupling = db.session.get(CouplingCode, coupling_id)
    if coupling is None or coupling.provider_id != provider.id:
        raise NotFound(_l('This coupling code does not exist.'))
    if code_state(coupling) != 'issued':
        raise Conflict(_l('Only a code that is still valid can be revoked.'), code='code_not_valid')
    coupling.revoked_at = utcnow()
    audit('coupling.revoke', 'U', target=f'coupling_code:{coupling.id}')
    return coupling

