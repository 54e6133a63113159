"""Notes on a care page: every member reads them and writes their own; the manager can send one to the provider."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from hub.careprovider.outbound import queue_for_provider
from hub.circle.access import MANAGE, may_send_note, require_author_or
from hub.circle.dossiers import dossiers_of
from hub.circle.models import Member, Note
from hub.core.audit import audit
from hub.core.cursor import after_cursor, encode_cursor
from hub.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hub.core.timeutil import utcnow
from hub.extensions import db

PAGE_SIZE = 50


def notes(member: Member, cursor=None, limit=PAGE_SIZE):
    """Return (notes, next cursor): the care page's notes, the last changed first."""
    query = select(Note).options(joinedload(Note.author), joinedload(Note.shared_item)).where(Note.circle_id == member.circle_id)
    query = after_cursor(query, Note.updated_at, Note.id, cursor)
    found = db.session.execute(query.order_by(Note.updated_at.desc(), Note.id.desc()).limit(limit + 1)).scalars().all()
    last = found[limit - 1] if len(found) > limit else None
    return found[:limit], encode_cursor(last.updated_at, last.id) if last else None


def _own_note(member: Member, account, note_id) -> Note:
    note = db.session.get(Note, note_id)
    if note is None or note.circle_id != member.circle_id:
        raise NotFound(_l('There is no such note on this care page.'))
    if note.author_id != account.id:
        raise Forbidden(_l('You can only change your own notes.'))
    return note


class VersionConflict(Conflict):
    code = 'version_conflict'


def write_note(member: Member, account, text, note_id=None, version=None) -> Note:
    """Add a note, or change one of your own as it was at ``version``.

    A change made on an older version is refused with the current note, so the later of two
    changes from stale views never overwrites the earlier one unseen.
    """
    now = utcnow()
    if note_id is None:
        note = Note(circle_id=member.circle_id, author_id=account.id, text=text, created_at=now, updated_at=now,
                    version=1)
        db.session.add(note)
        action = 'C'
    else:
        note = _own_note(member, account, note_id)
        changed = db.session.execute(
            update(Note).where(Note.id == note.id, Note.version == version)
            .values(text=text, updated_at=now, version=Note.version + 1)
            .execution_options(synchronize_session=False)).rowcount
        db.session.refresh(note)
        if changed != 1:
            raise VersionConflict(_l('This note was changed in the meantime. Read the new text, then make your change '
                                     'again.'), extra={'current': note_json(note, account)})
        action = 'U'
    db.session.flush()
    audit('circle.note', action, actor=account, role=member.role, circle=member.circle_id, target=f'note:{note.id}')
    return note


def delete_note(member: Member, account, note_id):
    """The author deletes a note; the manager may delete any."""
    note = db.session.get(Note, note_id)
    if note is None or note.circle_id != member.circle_id:
        raise NotFound(_l('There is no such note on this care page.'))
    require_author_or(member, account, note.author_id, MANAGE,
                      _l('Only the one who wrote it, or the manager, can delete this note.'))
    audit('circle.note', 'D', actor=account, role=member.role, circle=member.circle_id, target=f'note:{note.id}')
    db.session.delete(note)


def share_note(member: Member, account, note_id, provider_id=None) -> Note:
    """Send a client's or relative's note to a care provider, through the outbox (see may_send)."""
    note = db.session.get(Note, note_id)
    if note is None or note.circle_id != member.circle_id:
        raise NotFound(_l('There is no such note on this care page.'))
    if not may_send_note(member, account, note):
        raise Forbidden(_l('Only the one who wrote the note (if they may write to the care provider), or the manager, '
                           'can send it to the care provider.'))
    if note.shared_at is not None and note.shared_at >= note.updated_at:
        raise Conflict(_l('This note has been sent already.'), code='already_sent')
    dossiers = [d for d in dossiers_of(member.circle_id) if provider_id is None or d.provider_id == provider_id]
    if len({d.provider_id for d in dossiers}) != 1:
        raise InvalidInput(_l('Choose which care provider the note is for.'),
                           fields={'provider_id': [_l('Choose a care provider of this care page.')]})
    dossier = dossiers[0]
    item = queue_for_provider(dossier, 'note', {
        'text': note.text, 'author': note.author.name,
        'author_role': member.role if note.author_id == account.id else None, 'written_at': note.updated_at.isoformat()})
    note.shared_at, note.shared_with, note.shared_item_id = utcnow(), dossier.provider_id, item.id
    audit('circle.note_share', 'C', actor=account, role=member.role, circle=member.circle_id, dossier=dossier.id,
          target=f'note:{note.id}')
    return note


def note_json(note, account=None) -> dict:
    return {'id': str(note.id), 'text': note.text, 'version': note.version, 'author': {'name': note.author.name},
            'created_at': note.created_at.isoformat(), 'updated_at': note.updated_at.isoformat(),
            'mine': account is not None and note.author_id == account.id,
            'shared': {'at': note.shared_at.isoformat(), 'provider_id': str(note.shared_with),
                       'received': received(note)} if note.shared_at else None}


def received(note) -> bool:
    """Whether the provider has the note: its outbox item was delivered to, or acknowledged by, their system."""
    return note.shared_item is not None and note.shared_item.status == 'sent'
