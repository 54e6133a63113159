"""Reading provider records for a care page: plain arguments in, records out."""

import base64
import json
import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from hub.careprovider.models import Dossier, Record
from hub.connect.models import CircleDossier
from hub.core.errors import InvalidInput
from hub.core.timeutil import as_utc, utcnow
from hub.extensions import db

#: kinds that appear on the timeline
TIMELINE_KINDS = ('report', 'plan', 'questionnaire')
PAGE_SIZE = 20


def _records(circle_id, kinds):
    return (select(Record, Dossier).join(Dossier, Record.dossier_id == Dossier.id)
            .join(CircleDossier, CircleDossier.dossier_id == Dossier.id)
            .where(CircleDossier.circle_id == circle_id, Record.kind.in_(kinds), Record.deleted.is_(False)))


def client_name(circle) -> str | None:
    """Return the name to show for a care page: its own name, else the client's from a dossier."""
    if circle.name:
        return circle.name
    row = db.session.execute(_records(circle.id, ('demographics',)).order_by(Record.created_at).limit(1)).first()
    return row.Record.data['name'] if row else None


def encode_cursor(record) -> str:
    """Return an opaque cursor that points just past ``record``."""
    raw = json.dumps([record.occurred_at.isoformat(), str(record.id)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip('=')


def decode_cursor(cursor):
    """Return (occurred_at, id) from a cursor, or raise InvalidInput."""
    try:
        occurred, ident = json.loads(base64.urlsafe_b64decode(cursor + '=' * (-len(cursor) % 4)))
        moment = datetime.fromisoformat(occurred)
        if moment.tzinfo is None:
            raise ValueError('naive')
        return as_utc(moment), uuid.UUID(ident)
    except (ValueError, TypeError, AttributeError, OverflowError, RecursionError):
        raise InvalidInput(_l('The cursor is not valid.'), code='invalid_cursor') from None


def timeline(circle_id, cursor=None, limit=PAGE_SIZE):
    """Return (rows, next cursor) of reports and plan cards, newest first."""
    query = _records(circle_id, TIMELINE_KINDS).where(Record.occurred_at.is_not(None))
    if cursor:
        occurred, ident = decode_cursor(cursor)
        query = query.where(or_(Record.occurred_at < occurred,
                                and_(Record.occurred_at == occurred, Record.id < ident)))
    rows = db.session.execute(query.order_by(Record.occurred_at.desc(), Record.id.desc()).limit(limit + 1)).all()
    next_cursor = encode_cursor(rows[limit - 1].Record) if len(rows) > limit else None
    return rows[:limit], next_cursor


def upcoming_appointments(circle_id, limit=5):
    """Return the next care appointments of a care page."""
    return db.session.execute(
        _records(circle_id, ('appointment',)).where(Record.occurred_at >= utcnow())
        .order_by(Record.occurred_at).limit(limit)).all()


def last_synced(circle_id):
    """Return when the newest data of the care page was fetched."""
    times = [d.last_synced_at for d in db.session.execute(
        select(Dossier).join(CircleDossier, CircleDossier.dossier_id == Dossier.id)
        .where(CircleDossier.circle_id == circle_id)).scalars() if d.last_synced_at]
    return max(times) if times else None


def record_json(row) -> dict:
    """Return a record as the API shows it: opaque id, kind, time, provider, content."""
    record, dossier = row.Record, row.Dossier
    return {'id': str(record.id), 'kind': record.kind,
            'occurred_at': record.occurred_at.isoformat() if record.occurred_at else None,
            'provider': {'id': str(dossier.provider.id), 'name': dossier.provider.name}, 'data': record.data}


def contact_persons(circle_id):
    """Return the contact persons (RelatedPerson) in the care page's dossiers."""
    return db.session.execute(_records(circle_id, ('contact_person',)).order_by(Record.created_at)).all()


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
