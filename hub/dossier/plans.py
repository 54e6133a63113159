"""Care plans: the plans of a page, one plan at a version with its goals and history, and approving or declining
one (the manager, after a fresh second step; the link in the mail)."""

import base64
import json
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hub.careprovider.models import Record, RecordVersion
from hub.careprovider.outbound import queue_for_provider
from hub.careprovider.sync import version_label
from hub.circle.access import MANAGE, READ_DOSSIER, check
from hub.circle.dossiers import not_hidden, records_of
from hub.circle.models import Member
from hub.core.audit import audit
from hub.core.crypto import keyed_hash
from hub.core.errors import Conflict, InvalidInput, NotFound
from hub.core.timeutil import utcnow
from hub.core.tokens import InvalidToken, make_token, read_token
from hub.dossier.models import PlanApproval
from hub.extensions import db


def plans(member: Member):
    """Return the care plans of a care page: the client plan(s) first, then the work plans per discipline in
    alphabetical order; newest first within each."""
    check(member, READ_DOSSIER)
    rows = db.session.execute(records_of(member, member.circle_id, ('plan',)).order_by(
        Record.occurred_at.desc().nulls_last(), Record.created_at.desc())).all()
    return sorted(rows, key=lambda row: (row.Record.data.get('plan_type') == 'work',
                                         (row.Record.data.get('discipline') or '').casefold()))


def plan_versions(record_ids) -> dict:
    """Return record id -> its versions [(version, when it came in)], oldest first, in one query."""
    found = {}
    for version in db.session.execute(select(RecordVersion.record_id, RecordVersion.version, RecordVersion.stored_at)
                                      .where(RecordVersion.record_id.in_(list(record_ids)))
                                      .order_by(RecordVersion.stored_at)):
        found.setdefault(version.record_id, []).append((version.version, version.stored_at))
    return found


def version_list(record, versions) -> list:
    """The versions to offer for a plan: those stored, each once (its last time), and the current one last."""
    current = plan_version(record)
    seen = {}
    for version, at in versions:
        seen.pop(version, None)
        seen[version] = at
    seen.pop(current, None)
    return [{'version': version, 'at': at} for version, at in seen.items()] + [
        {'version': current, 'at': record.updated_at}]


class PlanRead(NamedTuple):
    """A plan as a member reads it: one version of it (the current one unless asked), its state and history."""

    row: object
    data: dict
    goals: list
    approval: object
    state: str
    version: str
    shown: str
    versions: list


def read_plan(member: Member, plan_id, version=None) -> PlanRead:
    """Read one plan of a care page, at ``version`` (None or '': the current one), or raise NotFound."""
    row = plan(member, plan_id)
    current = plan_version(row.Record)
    data = plan_at(row, version or None)
    approval = approvals(member.circle_id, [row.Record.id]).get(row.Record.id)
    versions = version_list(row.Record, plan_versions([row.Record.id]).get(row.Record.id, []))
    return PlanRead(row, data, goals_of(member, row, data), approval, approval_state(row.Record, approval), current,
                    version or current, versions)


def plan_at(row, version):
    """The content of one version of a plan (the current one from the record itself), or raise NotFound."""
    if version is not None and not 0 < len(version) <= 64:
        raise InvalidInput(_l('Give the version as the plan names it.'), code='invalid_version')
    if version is None or version == plan_version(row.Record):
        return row.Record.data
    data = db.session.execute(select(RecordVersion.data).where(
        RecordVersion.record_id == row.Record.id, RecordVersion.version == version)
        .order_by(RecordVersion.stored_at.desc()).limit(1)).scalar_one_or_none()
    if data is None:
        raise NotFound(_l('This version of the care plan is not here.'))
    return data


def plan(member: Member, plan_id):
    """Return one care plan of the member's care page (a row of Record and Dossier), or raise NotFound."""
    check(member, READ_DOSSIER)
    row = db.session.execute(records_of(member, member.circle_id, ('plan',)).where(Record.id == plan_id)).first()
    if row is None:
        raise NotFound(_l('This care plan is not on this care page.'))
    return row


def goals_of(reader: Member | None, row, data=None):
    """Return the goals a plan names that ``reader`` may see (``data``: of an earlier version), in its order."""
    ids = (data or row.Record.data).get('goal_ids') or []
    if not ids:
        return []
    found = {r.source_id: r for r in db.session.execute(select(Record).where(
        Record.dossier_id == row.Dossier.id, Record.kind == 'goal', Record.source_id.in_(ids),
        Record.deleted.is_(False), not_hidden(reader))).scalars()}
    return [found[i] for i in ids if i in found]


def plan_version(record) -> str:
    """The version of a plan as its provider numbers it."""
    return version_label(record.data, record.source_version, record.content_hash)


def approvals(circle_id, record_ids):
    """Return record id -> the newest approval given on this care page."""
    found = {}
    for approval in db.session.execute(select(PlanApproval).where(
            PlanApproval.circle_id == circle_id, PlanApproval.record_id.in_(list(record_ids)))
            .order_by(PlanApproval.approved_at)).scalars():
        found[approval.record_id] = approval
    return found


def approval_state(record, approval) -> str:
    """``approved`` or ``declined`` once this care page decided on this version, else what the provider says."""
    if approval is not None and approval.version == plan_version(record):
        return approval.decision
    return record.data.get('approval') or 'none'


def seal(plan_source, version, who, when) -> str:
    """Carehub's seal over an approval: HMAC-SHA256 of what was approved, by whom and when (base64)."""

    canonical = json.dumps([plan_source, version, who, when], separators=(',', ':'), ensure_ascii=False)
    return base64.b64encode(bytes.fromhex(keyed_hash(canonical, 'plan-approval'))).decode()


def _awaiting(member: Member, plan_id, version):
    """The plan row, if this version of it waits for this care page's decision; else raise Conflict."""
    row = plan(member, plan_id)
    record = row.Record
    if str(version) != plan_version(record):
        raise Conflict(_l('The care plan has changed since you read it. Read it again, then decide.'),
                       code='version_changed')
    state = approval_state(record, approvals(member.circle_id, [record.id]).get(record.id))
    if state == 'approved':
        raise Conflict(_l('You already approved this version of the care plan.'), code='already_approved')
    if state == 'declined':
        raise Conflict(_l('You already said you do not agree with this version of the care plan.'),
                       code='already_declined')
    if record.data.get('approval') != 'awaiting_signature':
        raise Conflict(_l('This care plan is not waiting for your approval.'), code='not_awaiting_approval')
    return row


def approve_plan(member: Member, account, plan_id, version):
    """Approve one version of a care plan: record it and send the approval to the provider (the outbox)."""
    check(member, MANAGE)
    row = _awaiting(member, plan_id, version)
    record, current = row.Record, plan_version(row.Record)
    when = utcnow()
    who = account.name
    item = queue_for_provider(row.Dossier, 'plan_approval', {
        'plan': record.source_id, 'version': current, 'approved_by': who, 'approved_at': when.isoformat(),
        'seal': seal(record.source_id, current, who, when.isoformat())})
    approval = PlanApproval(record_id=record.id, circle_id=member.circle_id, account_id=account.id, version=current,
                            approved_at=when, outbox_item_id=item.id, decision='approved')
    db.session.add(approval)
    db.session.flush()
    audit('dossier.plan_approve', 'U', actor=account, role=member.role, circle=member.circle_id,
          dossier=row.Dossier.id, target=f'record:{record.id}')
    return approval


def decline_plan(member: Member, account, plan_id, version, comment):
    """Say no to one version of a care plan, with what the person does not agree with; it goes to the provider."""
    check(member, MANAGE)
    row = _awaiting(member, plan_id, version)
    record, current = row.Record, plan_version(row.Record)
    when = utcnow()
    item = queue_for_provider(row.Dossier, 'plan_declination', {
        'plan': record.source_id, 'version': current, 'declined_by': account.name,
        'declined_at': when.isoformat(), 'comment': comment})
    decision = PlanApproval(record_id=record.id, circle_id=member.circle_id, account_id=account.id, version=current,
                            approved_at=when, outbox_item_id=item.id, decision='declined', comment=comment)
    db.session.add(decision)
    db.session.flush()
    audit('dossier.plan_decline', 'U', actor=account, role=member.role, circle=member.circle_id,
          dossier=row.Dossier.id, target=f'record:{record.id}')
    return decision


def sign_off_token(record, account_id) -> str:
    """The token of the link in the mail: bound to this plan, this version and this person (7 days)."""
    return make_token('sign_off', {'p': str(record.id), 'v': plan_version(record), 'a': str(account_id)})


def sign_off_link_problem(token, row, account, decision) -> str | None:
    """What is wrong with a mailed link, in words a person understands; None when it is good for this plan now."""
    try:
        payload = read_token('sign_off', token)
    except InvalidToken as exc:
        return 'expired' if exc.code == 'token_expired' else 'invalid'
    if payload.get('p') != str(row.Record.id):
        return 'invalid'
    if payload.get('a') != str(account.id):
        return 'someone_else'
    if payload.get('v') != plan_version(row.Record):
        return 'outdated'  # first: what matters now is the new version
    if decision is not None and decision.version == payload.get('v'):
        return 'used'
    return None
