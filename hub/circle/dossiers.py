"""The dossiers shown on a care page: the links, and the records read through them."""

from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Select, and_, exists, literal, select, true, union_all
from sqlalchemy.orm import aliased, joinedload, undefer
from sqlalchemy.sql import operators

from hub.careprovider.models import Dossier, Provider, Record, RecordVersion
from hub.circle.models import Circle, CircleDossier, HiddenRecord, Member
from hub.core.errors import NotFound
from hub.core.memo import keep, known, once, scalars_together
from hub.extensions import db


def not_hidden(reader: Member | None):
    """The condition that leaves out what the manager hid from ``reader`` (the Member reading): the records hidden
    from them, and for a hidden measurement its whole series (the same code in the same dossier, later values too).

    Every read of records names its reader (lists, counts, one item, the download). ``None`` reads for nobody in
    particular and hides nothing: the worker's notices and the page's name (what cannot be hidden), on purpose.
    """
    if reader is None or reader.role == 'manager':
        return true()
    hidden = aliased(Record)
    series = (select(HiddenRecord.record_id).join(hidden, hidden.id == HiddenRecord.record_id)
              .where(HiddenRecord.member_id == reader.id, hidden.kind == 'measurement', hidden.code == Record.code,
                     hidden.dossier_id == Record.dossier_id))
    return and_(~exists().where(HiddenRecord.record_id == Record.id, HiddenRecord.member_id == reader.id),
                ~and_(Record.kind == 'measurement', exists(series)))


def records_of(reader: Member | None, circle_id, kinds):
    """Return the query of the live records of these kinds in the care page's dossiers (rows of Record, Dossier),
    without those hidden from ``reader`` (a Member, or None: see not_hidden)."""
    return (select(Record, Dossier).options(joinedload(Dossier.provider)).join(Dossier, Record.dossier_id == Dossier.id)
            .join(CircleDossier, CircleDossier.dossier_id == Dossier.id)
            .where(CircleDossier.circle_id == circle_id, Record.kind.in_(kinds), Record.deleted.is_(False),
                   not_hidden(reader)))


class RecordRow(NamedTuple):
    """A record with its dossier, as ``select(Record, Dossier)`` gives them."""
    Record: Record
    Dossier: Dossier


def live_records(reader: Member | None, circle_id, kinds):
    """The query of the live records of these kinds in the care page's dossiers, of Record alone (``read_records``
    adds each one's dossier from ``dossiers_of``), without those hidden from ``reader``."""
    return (select(Record).join(CircleDossier, CircleDossier.dossier_id == Record.dossier_id)
            .where(CircleDossier.circle_id == circle_id, Record.kind.in_(kinds), Record.deleted.is_(False),
                   not_hidden(reader)))


def _with_dossiers(circle_id, records) -> list[RecordRow]:
    records = list(records)
    if not records:  # nothing to add a dossier to: no need to read them
        return []
    by_id = {dossier.id: dossier for dossier in dossiers_of(circle_id, uploads=True)}
    return [RecordRow(record, by_id[record.dossier_id]) for record in records]


def read_records(circle_id, key: tuple, query) -> list[RecordRow]:
    """Run a query of records (``live_records``) once per transaction under ``key``; rows of (Record, Dossier).
    A page that needs several such reads runs them together first (``read_records_together``); a caller that
    knows it did (``known(key)``) may leave the query out (None)."""
    return once(key, lambda: _with_dossiers(circle_id, db.session.execute(query).scalars()))


def read_versions(key: tuple, query) -> list[tuple]:
    """Run a query of record versions, ``select(RecordVersion, Record)`` (a plan's events), once per transaction
    under ``key``; (version, record) pairs. ``read_records_together`` runs them with reads of records."""
    return once(key, lambda: [(version, record) for version, record in db.session.execute(query)])


class Versions(NamedTuple):
    """A read ``(key, query)`` of record versions, ``select(RecordVersion, Record)`` (``read_versions``): so marked,
    ``read_records_together`` runs it with reads of records."""
    key: tuple
    query: Select


def _part(number: int, read):
    """One read of ``read_records_together`` as (part, id, record id): a record's id twice, or a version's id and
    its record's."""
    query = read[1]
    of = (RecordVersion.id, RecordVersion.record_id) if isinstance(read, Versions) else (Record.id, Record.id)
    ids = query.with_only_columns(of[0].label('id'), of[1].label('record_id')).subquery()
    return select(literal(number, Integer).label('part'), ids.c.id, ids.c.record_id)


def read_records_together(circle_id, reads, scalars=()) -> None:
    """Run several reads of records, ``(key, query)`` each, in one statement and keep each answer for the
    transaction under its key (``read_records`` then finds it), as if each had run alone.

    Each query keeps its own filter, order and limit as a part of a UNION ALL that gives only (part, id), so each
    part enters its own index and building the statement stays cheap; the records come from one join on their ids
    and each part is put back in its query's order. ``scalars``, reads of one value each (counts: see
    ``hub.core.memo.scalar``), come along as columns of the same statement (each an uncorrelated subquery, which
    SQLite and PostgreSQL run once); when no record is found they are read by ``scalars_together``.
    """
    reads = [read for read in reads if not known(read[0])]
    scalars = [(key, query) for key, query in scalars if not known(key)]
    if len(reads) + bool(scalars) < 2:
        scalars_together(scalars)
        return
    joined = union_all(*[_part(number, read) for number, read in enumerate(reads)]).subquery()
    versions = [number for number, read in enumerate(reads) if isinstance(read, Versions)]
    statement = select(joined.c.part, Record, RecordVersion if versions else literal(None),
                       *[query.correlate(None).scalar_subquery() for _, query in scalars]
                       ).select_from(joined).join(Record, Record.id == joined.c.record_id)
    if versions:
        statement = statement.outerjoin(RecordVersion, and_(RecordVersion.id == joined.c.id,
                                                            joined.c.part.in_(versions)))
    found: list[list] = [[] for _ in reads]
    rows = db.session.execute(statement).all()
    for part, record, version, *_ in rows:
        found[part].append((version, record) if part in versions else record)
    for number, ((key, query), items) in enumerate(zip(reads, found, strict=True)):
        if number in versions:
            keep(key, in_order(query, items, lambda item: item[0]))
        else:
            keep(key, _with_dossiers(circle_id, in_order(query, items)))
    if rows:
        for (key, _), value in zip(scalars, rows[0][3:], strict=True):
            keep(key, value)
    else:
        scalars_together(scalars)


def in_order(query, items: list, of=lambda item: item) -> list:
    """Sort items (records, or what ``of`` finds them in) as ``query`` orders them (its ORDER BY of plain columns
    of its first entity, each ascending or descending)."""
    for clause in reversed(query._order_by_clauses):  # a stable sort per column, the last one first
        descending = getattr(clause, 'modifier', None) is operators.desc_op
        name = (clause.element if getattr(clause, 'modifier', None) in (operators.desc_op, operators.asc_op)
                else clause).key
        items.sort(key=lambda item: (getattr(of(item), name) is None, getattr(of(item), name)), reverse=descending)
    return items


def records_in(reader: Member | None, dossier_id, kinds):
    """Return the query of the live records of these kinds in one dossier (rows of Record, Dossier), without those
    hidden from ``reader`` (a Member, or None: see not_hidden)."""
    return (select(Record, Dossier).options(joinedload(Dossier.provider)).join(Dossier, Record.dossier_id == Dossier.id)
            .where(Record.dossier_id == dossier_id, Record.kind.in_(kinds), Record.deleted.is_(False),
                   not_hidden(reader)))


def dossiers_of(circle_id, uploads=False) -> list[Dossier]:
    """Return the providers' dossiers linked to a care page; with ``uploads`` also those of what members uploaded
    (read like the others, but no provider to write to or sync). Read once per transaction (``once``)."""
    linked = once(('dossiers', str(circle_id)), lambda: db.session.execute(
        select(Dossier).options(joinedload(Dossier.provider))
        .join(CircleDossier, CircleDossier.dossier_id == Dossier.id)
        .where(CircleDossier.circle_id == circle_id).order_by(CircleDossier.created_at)).scalars().all())
    return [dossier for dossier in linked if uploads or dossier.uploaded_by is None]


def linked_dossier_ids(circle_id) -> list:
    """The ids of the dossiers linked to a care page (for the audit records of a read: one each)."""
    return [dossier.id for dossier in dossiers_of(circle_id, uploads=True)]


def providers_of(circle_id) -> list[Provider]:
    """Return the providers whose data a care page shows, each once."""
    return list({dossier.provider_id: dossier.provider for dossier in dossiers_of(circle_id)}.values())


def linked_dossier(circle_id, dossier_id) -> Dossier:
    """Return a dossier linked to this care page, or raise NotFound."""
    link = db.session.get(CircleDossier, dossier_id)
    if link is None or link.circle_id != circle_id or link.dossier.uploaded_by:  # uploads: no provider to link
        raise NotFound(_l('This dossier is not linked to this care page.'))
    return link.dossier


def client_name(circle) -> str | None:
    """Return the name to show for a care page: its own name, else the client's from a dossier
    (``Circle.dossier_client_name``: loaded with the member's care pages, read once per loaded care page)."""
    return circle.name or circle.dossier_client_name


def page_names(circle_ids) -> dict:
    """The names of care pages now, by id (those whose name is known)."""
    circles = db.session.execute(select(Circle).options(undefer(Circle.dossier_client_name))
                                 .where(Circle.id.in_(list(circle_ids)))).scalars()
    return {circle.id: name for circle in circles if (name := client_name(circle))}


def source_name(dossier) -> str:
    """Where a record comes from, in words: its provider, or the member who uploaded it."""
    if getattr(dossier, 'uploaded_by', None):
        return _l('%(name)s (uploaded)', name=dossier.uploader.name)
    return dossier.provider.name


def contact_persons(circle_id):
    """Return the contact persons (RelatedPerson) in the care page's dossiers (they cannot be hidden from anyone)."""
    return db.session.execute(records_of(None, circle_id, ('contact_person',)).order_by(Record.created_at)).all()


def suggested_invitations(circle_id, known_emails):
    """Return contact persons from the dossiers as invitation suggestions (those not yet on the page)."""
    suggestions = []
    for row in contact_persons(circle_id):
        data = row.Record.data
        email = (data.get('email') or '').strip().lower()
        if email in known_emails:
            continue
        first, _, last = data['name'].partition(' ')
        phone = ''.join(ch for ch in (data.get('phone') or '') if ch.isdigit() or ch == '+')
        suggestions.append({'first_name': first, 'last_name': last, 'email': email, 'phone': phone,
                            'relationship': data.get('relationship')})
    return suggestions
