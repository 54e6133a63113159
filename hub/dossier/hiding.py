"""The manager hides a record of the dossier from chosen members (and shows it again); reading leaves it out for
them everywhere (hub.circle.dossiers.not_hidden). Every hide and show is audited."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from hub.careprovider.common import KINDS
from hub.careprovider.models import Record
from hub.circle.access import MANAGE, check
from hub.circle.dossiers import records_of
from hub.circle.models import HiddenRecord, Member
from hub.core.audit import audit
from hub.core.errors import Conflict, InvalidInput, NotFound
from hub.extensions import db

#: what can be hidden: a report, a care plan, a goal of a plan (from the client's goals too), a measurement (its
#: whole series), a questionnaire, a document
HIDEABLE = ('report', 'plan', 'goal', 'measurement', 'questionnaire', 'document')


def _target(manager: Member, record_id, member_id):
    """The record (of this care page) and the helper it is about, or raise."""
    check(manager, MANAGE)
    row = db.session.execute(records_of(manager, manager.circle_id, tuple(KINDS))  # any record: another kind is a 422
                             .where(Record.id == record_id)).first()
    if row is None:
        raise NotFound(_l('This page or item does not exist, or you may not see it.'))
    if row.Record.kind not in HIDEABLE:
        raise InvalidInput(_l('Only reports, care plans, goals, measurements, questionnaires and documents can be hidden.'),
                           code='not_hideable')
    member = db.session.execute(select(Member).where(Member.id == member_id, Member.circle_id == manager.circle_id)
                                ).scalar_one_or_none()
    if member is None:
        raise NotFound(_l('This person is not a member of this care page.'))
    if member.role == 'manager':
        raise Conflict(_l('Nothing can be hidden from the manager.'), code='manager_sees_all')
    return row.Record, member


def _with_goals(record) -> list:
    """The record, and for a care plan the goals it names (they would tell what the plan says)."""
    if record.kind != 'plan' or not record.data.get('goal_ids'):
        return [record.id]
    goals = db.session.execute(select(Record.id).where(
        Record.dossier_id == record.dossier_id, Record.kind == 'goal',
        Record.source_id.in_(record.data['goal_ids']))).scalars().all()
    return [record.id, *goals]


def hide(manager: Member, account, record_id, member_id):
    """Hide a record (a plan with its goals) from one member (again: nothing changes)."""
    record, member = _target(manager, record_id, member_id)
    if db.session.get(HiddenRecord, (record.id, member.id)) is not None:
        return
    for hidden_id in _with_goals(record):
        if db.session.get(HiddenRecord, (hidden_id, member.id)) is None:
            db.session.add(HiddenRecord(record_id=hidden_id, member_id=member.id, circle_id=manager.circle_id,
                                        hidden_by=account.id))
    audit('dossier.hide', 'U', actor=account, role='manager', circle=manager.circle_id, dossier=record.dossier_id,
          target=f'record:{record.id}:member:{member.id}')


def show(manager: Member, account, record_id, member_id):
    """Show a hidden record to the member again (not hidden: nothing changes)."""
    record, member = _target(manager, record_id, member_id)
    if not db.session.execute(delete(HiddenRecord).where(HiddenRecord.record_id.in_(_with_goals(record)),
                                                         HiddenRecord.member_id == member.id)).rowcount:
        return
    audit('dossier.show', 'U', actor=account, role='manager', circle=manager.circle_id, dossier=record.dossier_id,
          target=f'record:{record.id}:member:{member.id}')


def hide_from_only(manager: Member, account, record_id, chosen):
    """Hide a record from the helpers chosen (their member ids as text) and show it to the others: the manager's form.
    A record not of this care page: 404, nothing changes."""
    for helper, _hidden in choices(manager, record_id):
        (hide if str(helper.id) in chosen else show)(manager, account, record_id, helper.id)


def hidden_from(circle_id, record_ids) -> dict:
    """Record id -> the ids of the members it is hidden from, for the records given (one query)."""
    found = {}
    for row in db.session.execute(select(HiddenRecord.record_id, HiddenRecord.member_id).where(
            HiddenRecord.circle_id == circle_id, HiddenRecord.record_id.in_(list(record_ids)))):
        found.setdefault(row.record_id, set()).add(row.member_id)
    return found


def choices(manager: Member, record_id) -> list:
    """The helpers of a care page with whether ``record_id`` is hidden from each, for the manager's form."""
    return choices_for(manager, [record_id])[record_id]


def choices_for(manager: Member, record_ids) -> dict:
    """Record id -> the helpers with whether it is hidden from each, for a list of records (two queries)."""
    hidden = hidden_from(manager.circle_id, record_ids)
    helpers = sorted(db.session.execute(select(Member).options(joinedload(Member.account)).where(
        Member.circle_id == manager.circle_id, Member.role != 'manager')).scalars().all(),
        key=lambda helper: helper.account.name)
    return {record_id: [(helper, helper.id in hidden.get(record_id, set())) for helper in helpers]
            for record_id in record_ids}
