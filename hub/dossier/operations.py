"""Reading a care page's dossier as a member does: grouped by category, one report, what needs doing, the next
care appointments, the records of a download."""

from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, tuple_
from sqlalchemy.orm import joinedload, undefer

from hub.careprovider.models import Record
from hub.circle.access import MANAGE, READ_DOSSIER, can, check, check_reads, invited, message_audiences
from hub.circle.dossiers import (
    dossiers_of,
    live_records,
    read_records,
    read_records_together,
    records_in,
    records_of,
)
from hub.circle.messages import unfiled, unread_read
from hub.circle.models import Member, Note
from hub.circle.operations import company
from hub.core.errors import NotFound
from hub.core.timeutil import utcnow
from hub.dossier.export import KINDS
from hub.dossier.plans import approval_state, approvals
from hub.dossier.timeline import SentNote, new_since, new_since_read, timeline_reads
from hub.extensions import db


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


def read_by_category(member: Member) -> DossierReading:
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


def read_report(member: Member, record_id) -> ReportRead:
    """Read one report of a care page with its neighbours in time, or raise NotFound."""
    check_reads(member, 'reports')
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


def upcoming_appointments(member: Member, limit=5):
    """Return the next care appointments of a care page."""
    check(member, 'appointments.care')
    return read_records(member.circle_id, *upcoming(member, limit))


def upcoming(member: Member, limit=5):
    """The read (key, query) of the next care appointments the member may see (``upcoming_appointments``)."""
    return (('upcoming', member.id, limit), live_records(member, member.circle_id, ('appointment',))
            .where(Record.occurred_at >= utcnow()).order_by(Record.occurred_at).limit(limit))


def current_plans(member: Member):
    """The read (key, query) of the care page's plans the member may see (what waits for an approval)."""
    return ('plans', member.id), live_records(member, member.circle_id, ('plan',))


def last_synced(dossiers):
    """Return when the newest data of these dossiers (a care page's) was fetched."""
    times = [dossier.last_synced_at for dossier in dossiers if dossier.last_synced_at]
    return max(times) if times else None


class ToDo(NamedTuple):
    """What the care page asks of this member now (beside the unread messages, counted by circle.messages.unread):
    plans waiting for their approval and dossiers that do not sync (the manager), new reports."""
    plans: list
    new_reports: int
    troubled: list


def start_reads(member: Member, dossiers, dossier_open=True, latest=3) -> None:
    """Read what the care page's panels need of the records, and its counts, in one statement
    (``read_records_together``): the ``latest`` reports of the timeline, the provider's messages still to file, the
    next care appointments and the plans, each only where the member may see it; ``timeline``,
    ``upcoming_appointments``, ``file_provider_messages`` and ``to_do`` then find their answers."""
    reads = []
    if can(member, READ_DOSSIER) and dossier_open:
        reads += timeline_reads(member, dossiers, latest)
    if can(member, 'messages') or can(member, 'messages.provider'):
        reads.append(unfiled(member.circle_id))
    if can(member, 'appointments.care'):
        reads.append(upcoming(member))
    if can(member, 'dossier') and dossier_open and can(member, MANAGE):
        reads.append(current_plans(member))
    # and its counts, in the same statement: new reports, whether the manager has company yet, invitations elsewhere
    counts = [invited(member.account)]
    if can(member, 'dossier') and dossier_open and member.timeline_visit_at:
        counts.append(new_since_read(member, dossiers, member.timeline_visit_at, NEW_KINDS))
    if member.role == 'manager':
        counts.append(company(member))
    if message_audiences(member):
        counts.append(unread_read(member))
    read_records_together(member.circle_id, reads, counts)


#: what the care page counts as new since the member's last visit of the timeline
NEW_KINDS = ('report',)


def to_do(member: Member, dossiers, dossier_open=True) -> ToDo:
    """What needs doing on a care page, in a fixed number of queries (nothing of the dossier without its capability,
    or before the step-up: ``dossier_open``)."""
    plans, new_reports, troubled = [], 0, []
    if can(member, 'dossier') and dossier_open:
        if can(member, MANAGE):
            rows = read_records(member.circle_id, *current_plans(member))
            decided = approvals(member.circle_id, [row.Record.id for row in rows])
            plans = [row for row in rows
                     if approval_state(row.Record, decided.get(row.Record.id)) == 'awaiting_signature']
        since = member.timeline_visit_at
        new_reports = new_since(member, dossiers, since, NEW_KINDS) if since else 0
    if can(member, MANAGE):
        troubled = [dossier for dossier in dossiers if dossier.failures]
    return ToDo(plans, new_reports, troubled)


#: kind -> the capability that shows it (medical data needs ``dossier``)
EXPORT_CAPABILITIES = {'demographics': 'data.client', 'contact_person': 'data.contacts', 'insurance': 'data.insurance',
                       'appointment': 'appointments.care', 'message': 'messages.provider', 'condition': 'dossier',
                       'plan': 'dossier', 'goal': 'dossier', 'report': 'dossier', 'questionnaire': 'dossier',
                       'measurement': 'dossier', 'medication': 'dossier'}


def export_rows(member: Member, start=None, end=None):
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
