"""The timeline of a care page: reports, questionnaires, plan events and sent notes, newest first; visits and
what is new since the last one."""

from datetime import datetime, timedelta
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from hub.careprovider.models import Dossier, Provider, Record, RecordVersion
from hub.circle.access import READ_DOSSIER, can, check_reads
from hub.circle.dossiers import (
    Versions,
    dossiers_of,
    not_hidden,
    read_records,
    read_records_together,
    read_versions,
)
from hub.circle.models import Member, Note
from hub.circle.notes import received
from hub.core.audit import last_step
from hub.core.cursor import after_cursor, decode_cursor, encode_cursor
from hub.core.errors import Forbidden, InvalidInput
from hub.core.memo import scalar
from hub.core.timeutil import utcnow
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


def readable(member: Member, kinds: tuple) -> tuple:
    """The kinds of ``kinds`` the member reads: all with the whole dossier, else the reports alone (``dossier.reports``,
    which the manager may tick for the client); none left is refused."""
    if can(member, READ_DOSSIER):
        return kinds
    if 'report' not in kinds:
        raise Forbidden(_l('You do not have permission for this on this care page.'))
    return ('report',)


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


def timeline(reader: Member | None, cursor=None, limit=PAGE_SIZE, dossiers=None, kinds=TIMELINE_KINDS, notes=False):
    """Return (rows, next cursor) of reports, questionnaires and plan events of the reader's care page, newest first
    (``dossiers``: those of the page, if read); with ``notes`` the notes sent to a provider too (SentNote rows).

    Each dossier is read on its own by an index in this order ((dossier, occurred_at, id) for any mix of
    kinds, (dossier, kind, occurred_at, id) for one, (dossier, event_at, id) for plan events), so a page costs
    the same at any dossier size; the pages of several dossiers (and the sent notes) merge.
    """
    kinds, notes = readable(check_reads(reader, 'reports'), kinds), notes and can(reader, READ_DOSSIER)
    circle_id = reader.circle_id
    if cursor:
        decode_cursor(cursor)  # a bad cursor is refused even when no dossier is linked
    dossiers = dossiers_of(circle_id, uploads=True) if dossiers is None else dossiers
    rows: list = []
    reads = _record_reads(reader, dossiers, kinds, cursor, limit)
    events = _plan_reads(reader, dossiers, kinds, cursor, limit)
    read_records_together(circle_id, reads + events)
    rows += [row for key, query in reads for row in read_records(circle_id, key, query)]
    by_id = {dossier.id: dossier for dossier in dossiers}
    rows += [PlanEvent(version, record, by_id[version.dossier_id], record if record.kind == 'plan' else None)
             for key, query in events for version, record in read_versions(key, query)]
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


def timeline_reads(reader: Member, dossiers, limit=PAGE_SIZE) -> list:
    """The reads of the records and plan events on the first page of ``timeline`` (the care page runs them with its
    other reads, ``start_reads``); none for a member who may not read them."""
    kinds = readable(check_reads(reader, 'reports'), TIMELINE_KINDS)
    return _record_reads(reader, dossiers, kinds, None, limit) + _plan_reads(reader, dossiers, kinds, None, limit)


def _record_reads(reader: Member, dossiers, kinds, cursor, limit) -> list:
    """The reads ``(key, query)`` of the newest records of these kinds (plan events aside) in each dossier past
    ``cursor``, a page of ``limit`` and one more: one per dossier, each entering its dossier's index."""
    kinds = tuple(kind for kind in kinds if kind != 'plan')
    reads = []
    for dossier in dossiers if kinds else ():
        query = select(Record).where(Record.dossier_id == dossier.id, Record.kind.in_(kinds),
                                     Record.deleted.is_(False), Record.occurred_at.is_not(None), not_hidden(reader))
        query = after_cursor(query, Record.occurred_at, Record.id, cursor)
        reads.append((('latest', reader.id, dossier.id, kinds, cursor, limit + 1),
                      query.order_by(Record.occurred_at.desc(), Record.id.desc()).limit(limit + 1)))
    return reads


def _plan_reads(reader: Member | None, dossiers, kinds, cursor, limit) -> list:
    """The reads ``(key, query)`` of the newest plan events of each dossier past ``cursor`` (a page of ``limit``
    and one more), when plans are asked: one per dossier, each entering its (dossier, event_at, id) index."""
    reads = []
    for dossier in dossiers if 'plan' in kinds else ():
        query = (select(RecordVersion, Record).join(Record, RecordVersion.record_id == Record.id)
                 .where(RecordVersion.dossier_id == dossier.id, RecordVersion.event.in_(PLAN_EVENTS),
                        Record.deleted.is_(False), not_hidden(reader)))
        query = after_cursor(query, RecordVersion.event_at, RecordVersion.id, cursor)
        reads.append(Versions(('plan_events', getattr(reader, 'id', None), dossier.id, cursor, limit + 1),
                              query.order_by(RecordVersion.event_at.desc(), RecordVersion.id.desc()).limit(limit + 1)))
    return reads


def _add_goal_plans(reader: Member | None, events, rows):
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


def visit_timeline(member: Member, now=None):
    """Note that the member opens the timeline; return when their previous visit began (None: never).

    A visit lasts while they keep reading: opening it again within VISIT_GAP is the same visit, so what
    was new stays marked when they reload or page on.
    """
    now = now or utcnow()
    if member.timeline_visit_at is None or now - member.timeline_visit_at > VISIT_GAP:
        previous = member.timeline_visit_at

        def begin_visit():
            member.timeline_previous_at, member.timeline_visit_at = previous, now
        last_step(begin_visit)  # written at the end of the request, with its audit record
        return previous
    return member.timeline_previous_at


class TimelineRead(NamedTuple):
    """One page of a member's timeline: its rows, the next cursor, the previous visit and how much is new."""

    rows: list
    next_cursor: str | None
    last_visit: datetime | None
    new_count: int


def read_timeline(member: Member, cursor=None, kind=None) -> TimelineRead:
    """Read a page of the timeline for a member (``kind``: one kind); the first page begins a visit."""
    kinds = readable(check_reads(member, 'reports'), timeline_kinds(kind))
    dossiers = dossiers_of(member.circle_id, uploads=True)
    last_visit = member.timeline_previous_at if cursor else visit_timeline(member)
    rows, next_cursor = timeline(member, cursor, dossiers=dossiers, kinds=kinds, notes=kind is None)
    return TimelineRead(rows, next_cursor, last_visit, new_since(member, dossiers, last_visit, kinds))


def new_since(reader: Member | None, dossiers, since, kinds=TIMELINE_KINDS) -> int:
    """How many timeline items ``reader`` may see came into these dossiers after ``since`` (up to NEW_COUNT_LIMIT),
    in one query: records of the kinds asked, and plan events when plans are asked."""
    if since is None or not dossiers:
        return 0
    return min(NEW_COUNT_LIMIT, scalar(*new_since_read(reader, dossiers, since, kinds)))


def new_since_read(reader: Member | None, dossiers, since, kinds=TIMELINE_KINDS):
    """The read (key, query) of ``new_since`` (the care page reads it with its other counts)."""
    ids = [d.id for d in dossiers]
    found = select(Record.id).where(Record.dossier_id.in_(ids), Record.created_at > since,
                                    Record.kind.in_([kind for kind in kinds if kind != 'plan']),
                                    Record.deleted.is_(False), Record.occurred_at.is_not(None), not_hidden(reader))
    if 'plan' in kinds:
        found = found.union_all(select(RecordVersion.id).join(Record, RecordVersion.record_id == Record.id).where(
            RecordVersion.dossier_id.in_(ids), RecordVersion.stored_at > since,
            RecordVersion.event.in_(PLAN_EVENTS), Record.deleted.is_(False), not_hidden(reader)))
    return (('new_since', getattr(reader, 'id', None), tuple(ids), since, tuple(kinds)),
            select(func.count()).select_from(found.limit(NEW_COUNT_LIMIT).subquery()))


def is_new(row, since) -> bool:
    """Whether a timeline item came in after ``since`` (a note one sent oneself is never new)."""
    if since is None or isinstance(row, SentNote):
        return False
    if isinstance(row, PlanEvent):
        return row.version.stored_at > since
    return row.Record.created_at > since


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
