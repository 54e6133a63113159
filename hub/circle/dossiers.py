"""The dossiers shown on a care page: the links, and the records read through them."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, select, true
from sqlalchemy.orm import aliased, joinedload

from hub.careprovider.models import Dossier, Provider, Record
from hub.circle.models import Circle, CircleDossier, HiddenRecord, Member
from hub.core.errors import NotFound
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


def records_in(reader: Member | None, dossier_id, kinds):
    """Return the query of the live records of these kinds in one dossier (rows of Record, Dossier), without those
    hidden from ``reader`` (a Member, or None: see not_hidden)."""
    return (select(Record, Dossier).options(joinedload(Dossier.provider)).join(Dossier, Record.dossier_id == Dossier.id)
            .where(Record.dossier_id == dossier_id, Record.kind.in_(kinds), Record.deleted.is_(False),
                   not_hidden(reader)))


def dossiers_of(circle_id, uploads=False) -> list[Dossier]:
    """Return the providers' dossiers linked to a care page; with ``uploads`` also those of what members uploaded
    (read like the others, but no provider to write to or sync)."""
    query = (select(Dossier).options(joinedload(Dossier.provider)).join(CircleDossier, CircleDossier.dossier_id == Dossier.id)
             .where(CircleDossier.circle_id == circle_id))
    if not uploads:
        query = query.where(Dossier.uploaded_by.is_(None))
    return db.session.execute(query.order_by(CircleDossier.created_at)).scalars().all()


def linked_dossier_ids(circle_id) -> list:
    """The ids of the dossiers linked to a care page (for the audit records of a read: one each)."""
    return db.session.execute(select(CircleDossier.dossier_id).where(CircleDossier.circle_id == circle_id)
                              .order_by(CircleDossier.created_at)).scalars().all()


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
    """Return the name to show for a care page: its own name, else the client's from a dossier (looked up once per
    loaded care page: a page shows it in the header, the breadcrumb and the title)."""
    if circle.name:
        return circle.name
    if '_client_name' not in circle.__dict__:
        # for nobody in particular: the client's data cannot be hidden from a member
        row = db.session.execute(records_of(None, circle.id, ('demographics',)).order_by(Record.created_at)
                                 .limit(1)).first()
        circle.__dict__['_client_name'] = row.Record.data['name'] if row else None
    return circle.__dict__['_client_name']


def page_names(circle_ids) -> dict:
    """The names of care pages now, by id (those whose name is known)."""
    circles = db.session.execute(select(Circle).where(Circle.id.in_(list(circle_ids)))).scalars()
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
