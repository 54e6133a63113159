"""Reading provider records for a care page, and approving a care plan: plain arguments in, records out."""

import json
from datetime import datetime, timedelta
from typing import NamedTuple
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import joinedload, undefer

from hub.account import notifications
from hub.account.models import Account
from hub.careprovider.models import Dossier, Provider, Record, RecordVersion
from hub.careprovider.outbound import queue_for_provider
from hub.careprovider.sync import version_label
from hub.circle.access import MANAGE, READ_DOSSIER, can, check, current_members
from hub.circle.dossiers import client_name, dossiers_of, not_hidden, records_in, records_of
from hub.circle.messages import file_provider_messages, notify
from hub.circle.models import CircleDossier, Member, Note
from hub.circle.notes import received
from hub.config import setting
from hub.core.audit import audit
from hub.core.crypto import keyed_hash
from hub.core.cursor import after_cursor, decode_cursor, encode_cursor
from hub.core.errors import Conflict, InvalidInput, NotFound
from hub.core.models import AuditRecord
from hub.core.timeutil import utcnow, zone
from hub.core.tokens import InvalidToken, make_token, read_token
from hub.dossier.export import KINDS
from hub.dossier.models import PlanApproval, RecordNotice
from hub.extensions import db

#: kinds that appear on the timeline
TIMELINE_KINDS = ('report', 'plan', 'questionnaire')
PAGE_SIZE = 20


#: how long a pause may be within one visit of the timeline (a reload or the next page is the same visit)
VISIT_GAP = timedelta(minutes=30)
#: new items are counted up to this many ("99+")
NEW_COUNT_LIMIT = 100


def timeline_kinds(kind=None) -> tuple:
    """The kinds a timeline shows: all of them, or the one asked (``report``, ``plan``, ``questionnaire``)."""
    if kind is None:
        return TIMELINE_KINDS
    if kind not in TIMELINE_KINDS:
        raise InvalidInput(_l('Choose the kind report, plan or questionnaire.'), code='invalid_kind')
    return (kind,)


class SentNote(NamedTuple):
    """A note a member sent to a provider, on the timeline beside the provider's records: sent, then received."""
    note: Note
    provider: Provider | None

    @property
    def received(self) -> bool:
        return received(self.note)


class PlanEvent(NamedTuple):
    """Something that happened to a care plan (made, its status changed, evaluated, changed) or to one of its goals
    (evaluated), read from the versions the sync kept; ``plan`` is the plan record it belongs to (a goal's plan)."""
    version: RecordVersion
    record: Record
    dossier: Dossier
    plan: Record | None


#: the events of plans and goals the timeline shows (a goal made or changed in other ways shows with its plan)
PLAN_EVENTS = ('plan_created', 'plan_status', 'plan_evaluated', 'plan_changed', 'goal_evaluated')


def item_time(row):
    """When a timeline item happened: a record's time, a plan event's, or when a note was sent."""
    return _item_key(row)[0]


def _item_key(row):
    if isinstance(row, SentNote):
        return row.note.shared_at, row.note.id
    if isinstance(row, PlanEvent):
        return row.version.event_at, row.version.id
    return row.Record.occurred_at, row.Record.id


def timeline(reader, cursor=None, limit=PAGE_SIZE, dossiers=None, kinds=TIMELINE_KINDS, notes=False):
    """Return (rows, next cursor) of reports, questionnaires and plan events of the reader's care page, newest first
    (``dossiers``: those of the page, if read); with ``notes`` the notes sent to a provider too (SentNote rows).

    Each dossier is read on its own by an index in this order ((dossier, occurred_at, id) for any mix of
    kinds, (dossier, kind, occurred_at, id) for one, (dossier, event_at, id) for plan events), so a page costs
    the same at any dossier size; the pages of several dossiers (and the sent notes) merge.
    """
    check(reader, READ_DOSSIER)
    circle_id = reader.circle_id
    if cursor:
        decode_cursor(cursor)  # a bad cursor is refused even when no dossier is linked
    dossiers = dossiers_of(circle_id, uploads=True) if dossiers is None else dossiers
    record_kinds = tuple(kind for kind in kinds if kind != 'plan')
    rows = []
    for dossier in dossiers:
        if record_kinds:
            query = records_in(reader, dossier.id, record_kinds).where(Record.occurred_at.is_not(None))
            query = after_cursor(query, Record.occurred_at, Record.id, cursor)
            rows += db.session.execute(query.order_by(Record.occurred_at.desc(), Record.id.desc())
                                       .limit(limit + 1)).all()
        if 'plan' in kinds:
            rows += _plan_events(reader, dossier, cursor, limit + 1)
    if notes:
        providers = {dossier.provider_id: dossier.provider for dossier in dossiers}
        query = after_cursor(select(Note).options(joinedload(Note.author), joinedload(Note.shared_item))
                             .where(Note.circle_id == circle_id, Note.shared_at.is_not(None)),
                             Note.shared_at, Note.id, cursor)
        rows += [SentNote(note, providers.get(note.shared_with)) for note in db.session.execute(
            query.order_by(Note.shared_at.desc(), Note.id.desc()).limit(limit + 1)).scalars()]
    rows.sort(key=_item_key, reverse=True)
    last = _item_key(rows[limit - 1]) if len(rows) > limit else None
    next_cursor = encode_cursor(*last) if last else None
    rows = rows[:limit]
    _add_goal_plans(reader, [row for row in rows if isinstance(row, PlanEvent)], rows)
    return rows, next_cursor


def _plan_events(reader, dossier, cursor, limit) -> list:
    """The newest plan events of one dossier past ``cursor`` (PlanEvent rows, their plans not yet found)."""
    query = (select(RecordVersion, Record).join(Record, RecordVersion.record_id == Record.id)
             .where(RecordVersion.dossier_id == dossier.id, RecordVersion.event.in_(PLAN_EVENTS),
                    Record.deleted.is_(False), not_hidden(reader)))
    query = after_cursor(query, RecordVersion.event_at, RecordVersion.id, cursor)
    return [PlanEvent(row.RecordVersion, row.Record, dossier, row.Record if row.Record.kind == 'plan' else None)
            for row in db.session.execute(query.order_by(RecordVersion.event_at.desc(), RecordVersion.id.desc())
                                          .limit(limit))]


def _add_goal_plans(reader, events, rows):
    """Find the plan of each goal event on a page (the plan that names the goal), in one query."""
    goals = [event for event in events if event.plan is None]
    if not goals:
        return
    plans = db.session.execute(select(Record).where(
        Record.dossier_id.in_({event.dossier.id for event in goals}), Record.kind == 'plan',
        Record.deleted.is_(False), not_hidden(reader))).scalars().all()
    for index, row in enumerate(rows):
        if isinstance(row, PlanEvent) and row.plan is None:
            plan = next((p for p in plans if p.dossier_id == row.dossier.id
                         and row.record.source_id in (p.data.get('goal_ids') or [])), None)
            rows[index] = row._replace(plan=plan)


def visit_timeline(member, now=None):
    """Note that the member opens the timeline; return when their previous visit began (None: never).

    A visit lasts while they keep reading: opening it again within VISIT_GAP is the same visit, so what
    was new stays marked when they reload or page on.
    """
    now = now or utcnow()
    if member.timeline_visit_at is None or now - member.timeline_visit_at > VISIT_GAP:
        member.timeline_previous_at, member.timeline_visit_at = member.timeline_visit_at, now
    return member.timeline_previous_at


class TimelineRead(NamedTuple):
    """One page of a member's timeline: its rows, the next cursor, the previous visit and how much is new."""

    rows: list
    next_cursor: str | None
    last_visit: datetime | None
    new_count: int


def read_timeline(member, cursor=None, kind=None) -> TimelineRead:
    """Read a page of the timeline for a member (``kind``: one kind); the first page begins a visit."""
    check(member, READ_DOSSIER)
    kinds = timeline_kinds(kind)
    dossiers = dossiers_of(member.circle_id, uploads=True)
    last_visit = member.timeline_previous_at if cursor else visit_timeline(member)
    rows, next_cursor = timeline(member, cursor, dossiers=dossiers, kinds=kinds, notes=kind is None)
    return TimelineRead(rows, next_cursor, last_visit, new_since(member, dossiers, last_visit, kinds))


class DossierReading(NamedTuple):
    """The dossier grouped by what it holds ("Lezen"): goals, the notes the client's people sent, questionnaires by
    title, the agreements (the actions of the current plans) and the client's health problems."""
    goals: list
    notes: list
    questionnaires: list
    agreements: list
    conditions: list


#: the newest questionnaires read to group them by title, and the sent notes shown
READING_QUESTIONNAIRES = 500
READING_NOTES = 10


def read_by_category(member) -> DossierReading:
    """Read the care page's dossier grouped by category (a fixed number of queries)."""
    check(member, READ_DOSSIER)
    circle_id = member.circle_id
    rows = db.session.execute(records_of(member, circle_id, ('goal', 'condition', 'plan')).order_by(Record.created_at)).all()
    goals = [row for row in rows if row.Record.kind == 'goal']
    conditions = [row for row in rows if row.Record.kind == 'condition']
    agreements = [(row, activity) for row in rows if row.Record.kind == 'plan' and row.Record.data.get('status') in
                  ('active', 'on-hold') for activity in row.Record.data.get('activities') or []]
    providers = {dossier.provider_id: dossier.provider for dossier in dossiers_of(circle_id)}
    notes = [SentNote(note, providers.get(note.shared_with)) for note in db.session.execute(
        select(Note).options(joinedload(Note.author), joinedload(Note.shared_item))
        .where(Note.circle_id == circle_id, Note.shared_at.is_not(None))
        .order_by(Note.shared_at.desc(), Note.id.desc()).limit(READING_NOTES)).scalars()]
    by_title = {}
    for row in db.session.execute(records_of(member, circle_id, ('questionnaire',)).where(Record.occurred_at.is_not(None))
                                  .order_by(Record.occurred_at.desc()).limit(READING_QUESTIONNAIRES)):
        by_title.setdefault(row.Record.data.get('title') or '', []).append(row)
    questionnaires = sorted(by_title.items(), key=lambda item: item[0].casefold())
    return DossierReading(goals, notes, questionnaires, agreements, conditions)


class ReportRead(NamedTuple):
    row: object
    #: the ids of the report before it (older) and after it (newer) in the care page's dossiers, or None
    previous_id: object
    next_id: object


def read_report(member, record_id) -> ReportRead:
    """Read one report of a care page with its neighbours in time, or raise NotFound."""
    check(member, READ_DOSSIER)
    circle_id = member.circle_id
    row = db.session.execute(records_of(member, circle_id, ('report',)).where(Record.id == record_id)).first()
    if row is None or row.Record.occurred_at is None:
        raise NotFound(_l('This report does not exist, or you may not see it.'))
    at = (row.Record.occurred_at, row.Record.id)
    older, newer = [], []
    for dossier in dossiers_of(circle_id, uploads=True):  # each by its own index; the nearest of all dossiers wins
        query = records_in(member, dossier.id, ('report',)).where(Record.occurred_at.is_not(None))
        key = tuple_(Record.occurred_at, Record.id)
        older += db.session.execute(query.where(key < at).order_by(Record.occurred_at.desc(), Record.id.desc())
                                    .limit(1)).all()
        newer += db.session.execute(query.where(key > at).order_by(Record.occurred_at, Record.id).limit(1)).all()
    previous = max(older, key=lambda r: (r.Record.occurred_at, r.Record.id), default=None)
    following = min(newer, key=lambda r: (r.Record.occurred_at, r.Record.id), default=None)
    return ReportRead(row, previous.Record.id if previous else None, following.Record.id if following else None)


def new_since(reader, dossiers, since, kinds=TIMELINE_KINDS) -> int:
    """How many timeline items ``reader`` may see came into these dossiers after ``since`` (up to NEW_COUNT_LIMIT),
    in one query: records of the kinds asked, and plan events when plans are asked."""
    if since is None or not dossiers:
        return 0
    ids = [d.id for d in dossiers]
    found = select(Record.id).where(Record.dossier_id.in_(ids), Record.created_at > since,
                                    Record.kind.in_([kind for kind in kinds if kind != 'plan']),
                                    Record.deleted.is_(False), Record.occurred_at.is_not(None), not_hidden(reader))
    if 'plan' in kinds:
        found = found.union_all(select(RecordVersion.id).join(Record, RecordVersion.record_id == Record.id).where(
            RecordVersion.dossier_id.in_(ids), RecordVersion.stored_at > since,
            RecordVersion.event.in_(PLAN_EVENTS), Record.deleted.is_(False), not_hidden(reader)))
    return min(NEW_COUNT_LIMIT, db.session.execute(
        select(func.count()).select_from(found.limit(NEW_COUNT_LIMIT).subquery())).scalar_one())


def is_new(row, since) -> bool:
    """Whether a timeline item came in after ``since`` (a note one sent oneself is never new)."""
    if since is None or isinstance(row, SentNote):
        return False
    if isinstance(row, PlanEvent):
        return row.version.stored_at > since
    return row.Record.created_at > since


def upcoming_appointments(member, limit=5):
    """Return the next care appointments of a care page."""
    check(member, 'appointments.care')
    return db.session.execute(
        records_of(member, member.circle_id, ('appointment',)).where(Record.occurred_at >= utcnow())
        .order_by(Record.occurred_at).limit(limit)).all()


def last_synced(dossiers):
    """Return when the newest data of these dossiers (a care page's) was fetched."""
    times = [dossier.last_synced_at for dossier in dossiers if dossier.last_synced_at]
    return max(times) if times else None


def record_json(row) -> dict:
    """Return a record as the API shows it: opaque id, kind, time, provider, content (a sent note: kind ``note``,
    its text, author and status ``sent`` or ``received``)."""
    if isinstance(row, PlanEvent):
        data = row.version.data
        event = {'event': row.version.event, 'plan_id': str(row.plan.id) if row.plan else None,
                 'version': row.version.version, 'title': (row.plan.data if row.plan else data).get('title'),
                 'status': data.get('status') if row.record.kind == 'plan' else None}
        if row.record.kind == 'plan':
            event.update(plan_type=data.get('plan_type'), discipline=data.get('discipline'),
                         evaluated_on=data.get('evaluated_on'), approval=data.get('approval'))
        else:
            event['goal'] = {'description': data.get('description'), 'achievement': data.get('achievement'),
                             'client_status': data.get('client_status')}
        return {'id': str(row.version.id), 'kind': 'plan', 'occurred_at': row.version.event_at.isoformat(),
                'provider': {'id': str(row.dossier.provider.id), 'name': row.dossier.provider.name}, 'data': event}
    if isinstance(row, SentNote):
        return {'id': str(row.note.id), 'kind': 'note', 'occurred_at': row.note.shared_at.isoformat(),
                'provider': {'id': str(row.provider.id), 'name': row.provider.name} if row.provider else None,
                'data': {'text': row.note.text, 'author': row.note.author.name,
                         'status': 'received' if row.received else 'sent'}}
    record, dossier = row.Record, row.Dossier
    item = {'id': str(record.id), 'kind': record.kind,
            'occurred_at': record.occurred_at.isoformat() if record.occurred_at else None,
            'provider': {'id': str(dossier.provider.id), 'name': dossier.provider.name}, 'data': record.data}
    if dossier.uploaded_by:  # not a provider's: a member uploaded it (a FHIR Bundle from another portal)
        item.update(provider=None, uploaded_by={'name': dossier.uploader.name})
    return item


def plans(member):
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


def read_plan(member, plan_id, version=None) -> PlanRead:
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


def plan(member, plan_id):
    """Return one care plan of the member's care page (a row of Record and Dossier), or raise NotFound."""
    check(member, READ_DOSSIER)
    row = db.session.execute(records_of(member, member.circle_id, ('plan',)).where(Record.id == plan_id)).first()
    if row is None:
        raise NotFound(_l('This care plan is not on this care page.'))
    return row


def goals_of(reader, row, data=None):
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


class ToDo(NamedTuple):
    """What the care page asks of this member now (beside the unread messages, counted by circle.messages.unread):
    plans waiting for their approval and dossiers that do not sync (the manager), new reports."""
    plans: list
    new_reports: int
    troubled: list


def to_do(member, dossiers, dossier_open=True) -> ToDo:
    """What needs doing on a care page, in a fixed number of queries (nothing of the dossier without its capability,
    or before the step-up: ``dossier_open``)."""
    plans, new_reports, troubled = [], 0, []
    if can(member, 'dossier') and dossier_open:
        if can(member, MANAGE):
            rows = db.session.execute(records_of(member, member.circle_id, ('plan',))).all()
            decided = approvals(member.circle_id, [row.Record.id for row in rows])
            plans = [row for row in rows
                     if approval_state(row.Record, decided.get(row.Record.id)) == 'awaiting_signature']
        since = member.timeline_visit_at
        new_reports = new_since(member, dossiers, since, ('report',)) if since else 0
    if can(member, MANAGE):
        troubled = [dossier for dossier in dossiers if dossier.failures]
    return ToDo(plans, new_reports, troubled)


def approval_state(record, approval) -> str:
    """``approved`` or ``declined`` once this care page decided on this version, else what the provider says."""
    if approval is not None and approval.version == plan_version(record):
        return approval.decision
    return record.data.get('approval') or 'none'


def seal(plan_source, version, who, when) -> str:
    """Carehub's seal over an approval: HMAC-SHA256 of what was approved, by whom and when (base64)."""
    import base64

    canonical = json.dumps([plan_source, version, who, when], separators=(',', ':'), ensure_ascii=False)
    return base64.b64encode(bytes.fromhex(keyed_hash(canonical, 'plan-approval'))).decode()


def _awaiting(member, plan_id, version):
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


def approve_plan(member, account, plan_id, version):
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


def decline_plan(member, account, plan_id, version, comment):
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


def unnoticed(kind, limit=200):
    """Return (Record, circle id, Dossier) rows of ``kind`` whose content no care page was told about yet, and mark
    them told (RecordNotice), whatever is done with them."""
    rows = db.session.execute(
        select(Record, CircleDossier.circle_id, Dossier).join(Dossier, Record.dossier_id == Dossier.id)
        .join(CircleDossier, CircleDossier.dossier_id == Dossier.id)
        .outerjoin(RecordNotice, and_(RecordNotice.record_id == Record.id,
                                      RecordNotice.circle_id == CircleDossier.circle_id,
                                      RecordNotice.content_hash == Record.content_hash))
        .where(Record.kind == kind, Record.deleted.is_(False), RecordNotice.id.is_(None),
               Dossier.uploaded_by.is_(None))  # what a member uploaded is no news from the provider
        .limit(limit)).all()
    for record, circle_id, _ in rows:
        db.session.add(RecordNotice(record_id=record.id, circle_id=circle_id, content_hash=record.content_hash))
    return rows


def notify_plans_awaiting_approval(limit=200) -> int:
    """Mail the manager of each care page when one of its plans comes to wait for approval; return how many."""
    sent = 0
    for record, circle_id, dossier in unnoticed('plan', limit):
        if record.data.get('approval') != 'awaiting_signature':
            continue
        if approval_state(record, approvals(circle_id, [record.id]).get(record.id)) == 'approved':
            continue
        manager = db.session.execute(select(Member).where(
            Member.circle_id == circle_id, Member.role == 'manager')).scalar_one_or_none()
        if manager is None:
            continue
        token = sign_off_token(record, manager.account_id)
        notifications.notify(manager.account, 'plan', 'plan_awaiting_approval',  # no plan content
                             f'/circles/{circle_id}/plans/{record.id}?{urlencode({"sign": token})}', circle_id,
                             provider=dossier.provider.name, days=setting('SIGN_OFF_LINK_MAX_AGE') // 86400,
                             page=client_name(manager.circle) or '')
        audit('dossier.plan_notice', 'C', actor=None, circle=circle_id, dossier=dossier.id,
              target=f'record:{record.id}')
        sent += 1
    db.session.flush()
    return sent


def notify_new_reports(limit=500) -> int:
    """Tell the members who read the dossier that new reports came in (once per care page a round); return how
    many members were told. The mail says only that there is something new."""
    told = 0
    for circle_id in {circle_id for _, circle_id, _ in unnoticed('report', limit)}:
        readers = db.session.execute(select(Member).options(joinedload(Member.account), joinedload(Member.circle))
                                     .where(Member.circle_id == circle_id, current_members())).scalars().all()
        for reader in readers:
            if can(reader, 'dossier'):
                notifications.notify(reader.account, 'report', 'new_report', f'/circles/{circle_id}/timeline',
                                     circle_id, page=client_name(reader.circle) or '')
                told += 1
    db.session.flush()
    return told


#: a dossier whose syncs failed this many times in a row is trouble the manager hears of
SYNC_TROUBLE_FAILURES = 3


def notify_sync_trouble() -> int:
    """Tell the manager of a care page once when a linked dossier keeps failing to sync (and again after it
    recovered and failed anew); return how many were told."""
    told = 0
    for link_row in db.session.execute(select(CircleDossier).options(joinedload(CircleDossier.dossier))
                                       .join(Dossier, CircleDossier.dossier_id == Dossier.id)
                                       .where(or_(and_(Dossier.failures >= SYNC_TROUBLE_FAILURES,
                                                       CircleDossier.trouble_told_at.is_(None)),
                                                  and_(Dossier.failures == 0,
                                                       CircleDossier.trouble_told_at.is_not(None))))).scalars():
        if link_row.dossier.failures == 0:
            link_row.trouble_told_at = None  # it works again: a new run of failures is told again
            continue
        manager = db.session.execute(select(Member).options(joinedload(Member.account), joinedload(Member.circle))
                                     .where(Member.circle_id == link_row.circle_id, Member.role == 'manager')
                                     ).scalar_one_or_none()
        link_row.trouble_told_at = utcnow()
        if manager is not None:
            notifications.notify(manager.account, 'sync', 'sync_trouble', f'/circles/{link_row.circle_id}/members',
                                 link_row.circle_id, provider=link_row.dossier.provider.name,
                                 page=client_name(manager.circle) or '')
            told += 1
    db.session.flush()
    return told


def notify_provider_messages(limit=200):
    """Tell the readers of provider messages that the provider wrote (a mail, as for members' messages)."""
    for circle_id in {circle_id for _, circle_id, _ in unnoticed('message', limit)}:
        file_provider_messages(circle_id)  # into their threads, so the mail's link shows them
        notify(circle_id)
    db.session.flush()


#: the events the access log shows (reads of dossier data and what was done with it), as the manager reads them
ACCESS_LABELS = {
    'dossier.overview': _l('Opened the care page with the latest reports'),
    'dossier.timeline': _l('Read the reports'),
    'dossier.plans': _l('Looked at the care plans'),
    'dossier.plan': _l('Read a care plan'),
    'dossier.contacts': _l('Looked at the contact persons in the dossier'),
    'dossier.messages': _l('Read messages from the care provider'),
    'dossier.plan_approve': _l('Approved a care plan'),
    'dossier.plan_decline': _l('Did not agree with a care plan'),
    'dossier.export': _l('Downloaded the dossier'),
    'dossier.measurements': _l('Looked at the measurements'),
    'dossier.appointments': _l('Looked at the care appointments'),
    'dossier.data': _l("Looked at the client's data"),
    'dossier.medication': _l('Looked at the medication list'),
    'dossier.share': _l('Shared part of the dossier with someone outside the care page'),
    'dossier.share_open': _l('Someone outside the care page opened a shared link'),
    'dossier.share_revoke': _l('Stopped a shared link'),
}
ACCESS_EVENTS = tuple(ACCESS_LABELS)
ACCESS_PAGE = 50


def _access_records(circle_id, *columns):
    """The query of a care page's access log, newest first: ``columns`` of each record, its actor and dossier."""
    return (select(*columns, Provider.name.label('provider'))
            .outerjoin(Account, Account.id == AuditRecord.actor_id)
            .outerjoin(Dossier, Dossier.id == AuditRecord.dossier_id)
            .outerjoin(Provider, Provider.id == Dossier.provider_id)
            .where(AuditRecord.circle_id == circle_id, AuditRecord.event.in_(ACCESS_EVENTS),
                   AuditRecord.outcome != 'not_found')  # a stranger's try is for the auditor, not the manager
            .order_by(AuditRecord.at.desc(), AuditRecord.id.desc()))


def access_log(manager, cursor=None, limit=ACCESS_PAGE, leave_out=None):
    """Return (rows of (AuditRecord, Account or None, provider name), next cursor): who read or did what on the
    manager's care page; without the reads of the account ``leave_out`` (the manager's own clicks, unless asked)."""
    check(manager, MANAGE)
    circle_id = manager.circle_id
    query = after_cursor(_access_records(circle_id, AuditRecord, Account), AuditRecord.at, AuditRecord.id, cursor)
    if leave_out is not None:
        query = query.where(or_(AuditRecord.actor_id.is_(None), AuditRecord.actor_id != leave_out,
                                AuditRecord.action != 'R'))  # one's own approvals and changes stay
    rows = db.session.execute(query.limit(limit + 1)).all()
    last = rows[limit - 1].AuditRecord if len(rows) > limit else None
    return rows[:limit], encode_cursor(last.at, last.id) if last else None


def per_person_per_day(rows) -> list[tuple]:
    """Fold the access log's rows: one line per person, day, event, outcome and dossier, with how many times (the
    rows come newest first; a page read ten times in a morning is one line, "10 keer")."""
    folded = []
    for row in rows:
        record = row.AuditRecord
        key = (record.actor_id, record.actor_role, record.at.astimezone(zone()).date(), record.event, record.outcome,
               row.provider)
        if folded and folded[-1][0] == key:
            folded[-1][2] += 1
        else:
            folded.append([key, row, 1])
    return [(row, count) for _, row, count in folded]


def access_log_all(circle_id, chunk=1000):
    """Yield every row of the access log as plain values, newest first, read in chunks (the CSV download; plain
    values, so that the rows need no session while the answer streams)."""
    query = _access_records(circle_id, AuditRecord.at, AuditRecord.id, AuditRecord.event, AuditRecord.outcome,
                            AuditRecord.actor_role, AuditRecord.source, Account.first_name,
                            Account.last_name).limit(chunk)
    cursor = None
    while True:
        rows = db.session.execute(after_cursor(query, AuditRecord.at, AuditRecord.id, cursor)).all()
        db.session.rollback()  # a long download holds no transaction open between chunks
        yield from rows
        if len(rows) < chunk:
            return
        cursor = encode_cursor(rows[-1].at, rows[-1].id)


#: how far back the measurements go unless asked otherwise
MEASUREMENT_DAYS = 365


#: a series with nothing in the window still shows this many of its latest measurements
LATEST_OUTSIDE_WINDOW = 10


def measurements(member, days=MEASUREMENT_DAYS):
    """Return series name -> its measurements (rows of Record and Dossier), oldest first, of the last ``days``.

    A series measured only before the window shows its latest measurements all the same: a weight
    taken two years ago is old news, not no news.
    """
    check(member, READ_DOSSIER)
    since = utcnow() - timedelta(days=days)
    series = {}
    for row in db.session.execute(records_of(member, member.circle_id, ('measurement',)).where(
            Record.occurred_at >= since).order_by(Record.code, Record.occurred_at)):
        series.setdefault(row.Record.code, []).append(row)
    older = records_of(member, member.circle_id, ('measurement',)).where(Record.occurred_at < since)
    if series:
        older = older.where(Record.code.not_in(list(series)))
    codes = db.session.execute(older.with_only_columns(Record.code).distinct()).scalars().all()
    for code in sorted(codes, key=lambda c: c or ''):
        rows = db.session.execute(older.where(Record.code == code).order_by(Record.occurred_at.desc())
                                  .limit(LATEST_OUTSIDE_WINDOW)).all()
        series[code] = rows[::-1]
    return series


def unit_of(record) -> str | None:
    """Return the unit of a measurement: its own, or its components' (blood pressure: mm[Hg] for both)."""
    if record.data.get('unit'):
        return record.data['unit']
    units = {component.get('unit') for component in record.data.get('components') or [] if component.get('unit')}
    return units.pop() if len(units) == 1 else None


def point_values(record) -> dict:
    """The numbers of one measurement: ``value``, or one per component (blood pressure: systolic, diastolic)."""
    values = {}
    if record.data.get('value') is not None:
        values['value'] = record.data['value']
    names = {'8480-6': 'systolic', '8462-4': 'diastolic', '8867-4': 'pulse'}
    for component in record.data.get('components') or []:
        code = (component.get('code') or {}).get('code')
        values[names.get(code, code or 'value')] = component['value']
    return values


#: the smallest span of values a chart shows, as a share of the values' size: a weight from 70.1 to 70.3 kg is
#: drawn as the small change it is, not across the whole height
LEAST_SPAN = 0.1
#: points are marked (with their value on hover and focus) up to this many
MARKED_POINTS = 60


def chart(rows, width=600, height=220, pad=16):
    """Return what an SVG line chart of a series needs: polylines and points per line, the value axis, the range
    the source gives (a band), the first and last day. Labels go beside it in HTML, readable at any width."""
    points = [(row.Record.occurred_at, point_values(row.Record)) for row in rows]
    numbers = [v for _, values in points for v in values.values()]
    if not numbers:
        return None
    latest = rows[-1].Record.data
    band = (latest.get('range_low'), latest.get('range_high'))
    low, high = min(numbers + [b for b in band if b is not None]), max(numbers + [b for b in band if b is not None])
    least = LEAST_SPAN * max(abs(low), abs(high), 1)
    if high - low < least:  # widen around the middle: small changes stay small
        middle = (high + low) / 2
        low, high = middle - least / 2, middle + least / 2
    margin = (high - low) * 0.1
    bottom, top = low - margin, high + margin
    start, end = points[0][0], points[-1][0]
    span = (end - start).total_seconds() or 1

    def x(moment):
        return round(pad + (width - 2 * pad) * (moment - start).total_seconds() / span, 1)

    def y(value):
        return round(height - pad - (height - 2 * pad) * (value - bottom) / (top - bottom), 1)
    lines, marks = {}, []
    for (moment, values), row in zip(points, rows, strict=True):
        for name, value in values.items():
            lines.setdefault(name, []).append(f'{x(moment)},{y(value)}')
            if len(rows) <= MARKED_POINTS:
                marks.append({'x': x(moment), 'y': y(value), 'line': name, 'at': moment, 'value': value,
                              'record': row.Record})
    return {'width': width, 'height': height, 'pad': pad, 'lines': {k: ' '.join(v) for k, v in lines.items()},
            'marks': marks, 'low': min(numbers), 'high': max(numbers), 'start': start, 'end': end,
            'band': {'y_top': y(band[1]), 'y_bottom': y(band[0]), 'low': band[0], 'high': band[1]}
            if None not in band else None}


#: kind -> the capability that shows it (medical data needs ``dossier``)
EXPORT_CAPABILITIES = {'demographics': 'data.client', 'contact_person': 'data.contacts', 'insurance': 'data.insurance',
                       'appointment': 'appointments.care', 'message': 'messages.provider', 'condition': 'dossier',
                       'plan': 'dossier', 'goal': 'dossier', 'report': 'dossier', 'questionnaire': 'dossier',
                       'measurement': 'dossier', 'medication': 'dossier'}


def export_rows(member, start=None, end=None):
    """The records a download holds: the kinds this member may see, not deleted, in the months asked (undated ones
    always). GP and pharmacy need ``data.gp_pharmacy``, the care team ``data.care_team``."""
    kinds = [kind for kind in KINDS if kind == 'practitioner' or can(member, EXPORT_CAPABILITIES[kind])]
    query = records_of(member, member.circle_id, kinds).options(undefer(Record.raw))  # the provider's own FHIR
    if start is not None:
        query = query.where(or_(Record.occurred_at.is_(None), Record.occurred_at >= start))
    if end is not None:
        query = query.where(or_(Record.occurred_at.is_(None), Record.occurred_at < end))
    rows = db.session.execute(query.order_by(Record.kind, Record.occurred_at)).all()
    return [row for row in rows if row.Record.kind != 'practitioner' or can(member, 'data.care_team' if (
        row.Record.data.get('role') == 'care_team') else 'data.gp_pharmacy')]
