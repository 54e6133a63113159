"""Approving a care plan (the manager, after a fresh second factor), reading the client's data sections and asking
the provider to add or change a contact person, or to correct the dossier.
The checks of reading the medical dossier are in hub/circle/access.py."""

import uuid

from flask_babel import lazy_gettext as _l

from hub.account.access import step_up_required
from hub.account.models import Account
from hub.circle.access import MANAGE, READ_DOSSIER, refused, require
from hub.circle.models import Member
from hub.config import setting
from hub.core.audit import audit
from hub.core.errors import AppError, Forbidden
from hub.dossier.data import visible_sections


def sign_off(account: Account, circle_id: uuid.UUID | str) -> Member:
    """Check that ``account`` may approve a care plan for a circle: the manager, after a fresh second factor."""
    try:
        member = require(account, circle_id, MANAGE)
        require(account, circle_id, READ_DOSSIER)
        step_up_required(setting('SIGN_OFF_MINUTES'))
    except AppError as exc:
        raise refused(exc, account, circle_id, 'dossier.plan_approve', 'U', 'plan') from None
    return member


def first_data_section(account: Account, circle_id: uuid.UUID | str) -> tuple[Member, str]:
    """Return (member, the first section of the client's data they may see), or raise Forbidden if none."""
    member = require(account, circle_id)
    allowed = visible_sections(member)
    if not allowed:
        raise Forbidden(_l('You do not have permission for this on this care page.'))
    return member, allowed[0]


def read_data(account: Account, circle_id: uuid.UUID | str, section: str | None = None) -> tuple[Member, list[str]]:
    """Return (member, the sections to show): one ``section``, or all the member may see; after the step-up.

    A member who may see no section gets none, without the step-up; asking for a section one may not see is
    refused. The read is audited with the sections read, and so is a refusal.
    """
    target = f'data:{section or "all"}'
    try:
        member = require(account, circle_id)
        allowed = visible_sections(member)
        if section is not None and section not in allowed:
            raise Forbidden(_l('You do not have permission for this on this care page.'))
        shown = [section] if section else allowed
        if shown:
            step_up_required()
    except AppError as exc:
        raise refused(exc, account, circle_id, 'dossier.data', 'R', target) from None
    if shown:
        audit('dossier.data', 'R', actor=account, role=member.role, circle=member.circle_id,
              target=f"data:{','.join(shown)}")
    return member, shown


def change_contacts(account: Account, circle_id: uuid.UUID | str, adding: bool = False) -> Member:
    """Check that ``account`` may ask the provider to change a contact person (``settings.contacts_edit``), or to add
    one (``settings.contacts_add``: the manager's alone), after the step-up; one must see them too (``data.contacts``).
    A refusal is audited."""
    capability = 'settings.contacts_add' if adding else 'settings.contacts_edit'
    try:
        member = require(account, circle_id, 'data.contacts')
        require(account, circle_id, capability)
        step_up_required()
    except AppError as exc:
        raise refused(exc, account, circle_id, 'dossier.contact_request', 'C', 'contact_persons') from None
    return member


def correct(account: Account, circle_id: uuid.UUID | str) -> Member:
    """Check that ``account`` may ask the provider to correct the dossier, or see those requests: the manager, who
    reads the dossier, after the step-up. A refusal is audited."""
    try:
        member = require(account, circle_id, MANAGE)
        require(account, circle_id, READ_DOSSIER)
        step_up_required()
    except AppError as exc:
        raise refused(exc, account, circle_id, 'dossier.correction', 'R', 'corrections') from None
    return member
