"""Messages on a care page, in threads: a subject and its messages in order, for all members, the trust group,
the provider and the trust group, or chosen members.

The provider's messages (FHIR Communication, mapped as ``message`` records) are filed into threads when a
member reads the messages (and by the worker): an answer (``inResponseTo``) into the thread it answers, anything
else as a new thread with the provider. A message to the provider goes into the outbox with it. Each member's
read state and removed threads are their own: nobody sees who read what.
"""

import uuid
from functools import partial

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from hub.account import notifications
from hub.account.models import Account
from hub.account.photos import reencode
from hub.careprovider.models import Record
from hub.careprovider.outbound import queue_for_provider
from hub.circle.access import can, current_members, message_audiences
from hub.circle.board import PHOTO_SIDE
from hub.circle.dossiers import client_name, dossiers_of, live_records, read_records
from hub.circle.models import (
    Member,
    Message,
    MessagePhoto,
    MessageThread,
    ThreadRead,
    ThreadRecipient,
)
from hub.core.audit import audit, last_step
from hub.core.cursor import after_cursor, encode_cursor
from hub.core.db import upsert
from hub.core.errors import Forbidden, InvalidInput, NotFound
from hub.core.memo import known, scalar
from hub.core.timeutil import utcnow
from hub.extensions import db

PAGE_SIZE = 20
#: a thread without a subject is named by the start of its first message, as mijnCaress does
SUBJECT_LENGTH = 15
#: the provider's messages filed in one go
FILE_LIMIT = 500
#: the resource id carehub gives what it sends (adapters/fhir/outbound.resource_id)
OWN_PREFIX = 'carehub-'


def subject_of(text) -> str:
    return ' '.join(text.split())[:SUBJECT_LENGTH] or '…'


def visible(member: Member):
    """The SQL condition for the threads a member sees: by audience, or as a chosen member."""
    audiences = message_audiences(member)
    if not audiences:
        return literal(False)
    return or_(MessageThread.audience.in_(audiences),
               and_(MessageThread.audience == 'chosen',
                    exists().where(ThreadRecipient.thread_id == MessageThread.id,
                                   ThreadRecipient.account_id == member.account_id)))


def _unread_condition(member: Member):
    """Messages newer than what the member read of their thread (and than what they read before threads came)."""
    condition = and_(or_(Message.author_id.is_(None), Message.author_id != member.account_id),
                     or_(ThreadRead.read_at.is_(None), Message.created_at > ThreadRead.read_at))
    if member.messages_read_before is not None:
        condition = and_(condition, Message.created_at > member.messages_read_before)
    return condition


def _with_state(query, member):
    return query.outerjoin(ThreadRead, and_(ThreadRead.thread_id == MessageThread.id,
                                            ThreadRead.account_id == member.account_id))


def threads(member: Member, cursor=None, limit=PAGE_SIZE, looking=True):
    """Return (threads, their unread counts by id, next cursor): the member's threads, the newest message first,
    each with how many of its messages the member has not read (in the same statement); a thread they removed
    comes back when a new message arrives. ``looking``: the member opened their messages (no new mail until
    something newer comes); a preview elsewhere is not looking."""
    not_read = (select(func.count(Message.id)).where(Message.thread_id == MessageThread.id, _unread_condition(member))
                .correlate(MessageThread, ThreadRead).scalar_subquery())
    query = _with_state(select(MessageThread, not_read, _unfiled_exist(member.circle_id))
                        .options(joinedload(MessageThread.author)), member).where(
        MessageThread.circle_id == member.circle_id, visible(member),
        or_(ThreadRead.removed_at.is_(None), MessageThread.last_message_at > ThreadRead.removed_at))
    query = after_cursor(query, MessageThread.last_message_at, MessageThread.id, cursor)
    found = _filed_first(member.circle_id, lambda: db.session.execute(
        query.order_by(MessageThread.last_message_at.desc(), MessageThread.id.desc()).limit(limit + 1)).all())
    page = [thread for thread, _, _ in found[:limit]]
    counts = {thread.id: count for thread, count, _ in found[:limit] if count}
    _audit_provider_read(member, page)
    if looking and not cursor:
        # they looked: a new mail may come for what is new after this (written last: see last_step)
        last_step(partial(setattr, member, 'messages_read_at', utcnow()))
    last = page[-1] if len(found) > limit else None
    return page, counts, encode_cursor(last.last_message_at, last.id) if last else None


def _audit_provider_read(member: Member, page):
    if any(thread.audience == 'provider' for thread in page):
        audit('dossier.messages', 'R', actor=member.account_id, role=member.role, circle=member.circle_id,
              target='messages')


def _visible_thread(member: Member, thread_id):
    return select(MessageThread).where(
        MessageThread.id == thread_id, MessageThread.circle_id == member.circle_id, visible(member))


def thread(member: Member, thread_id) -> MessageThread:
    """Return a thread the member may read, or raise NotFound."""
    return _found(db.session.execute(_visible_thread(member, thread_id)).scalar_one_or_none())


def _found(found: MessageThread | None) -> MessageThread:
    if found is None:
        raise NotFound(_l('This conversation does not exist, or you may not read it.'))
    return found


def read_thread(member: Member, thread_id):
    """Return (thread, its messages in order) and mark it read for the member."""
    query = _visible_thread(member, thread_id).add_columns(_unfiled_exist(member.circle_id))
    found = _found(next(iter(_filed_first(member.circle_id, lambda: db.session.execute(query).all())), (None,))[0])
    items = db.session.execute(select(Message).options(joinedload(Message.author), joinedload(Message.record))
                               .where(Message.thread_id == found.id)
                               .order_by(Message.created_at, Message.id)).scalars().all()
    now = utcnow()

    def mark_read():  # one upsert: no read of the state first
        db.session.execute(upsert(ThreadRead).values(thread_id=found.id, account_id=member.account_id, read_at=now)
                           .on_conflict_do_update(index_elements=['thread_id', 'account_id'], set_={'read_at': now}))
        member.messages_read_at = now
    last_step(mark_read)  # written at the end of the request: see last_step
    _audit_provider_read(member, [found])
    return found, items


def _state(thread_id, account_id) -> ThreadRead:
    state = db.session.get(ThreadRead, (thread_id, account_id))
    if state is None:
        state = ThreadRead(thread_id=thread_id, account_id=account_id)
        db.session.add(state)
    return state


def remove_thread(member: Member, thread_id):
    """Take a thread off the member's own list (it comes back with a new message); others keep it."""
    found = thread(member, thread_id)
    state = _state(found.id, member.account_id)
    state.removed_at = state.read_at = utcnow()


def _provider_dossier(member: Member, provider_id):
    dossiers = [d for d in dossiers_of(member.circle_id) if provider_id is None or d.provider_id == provider_id]
    if not dossiers:
        raise InvalidInput(_l('There is no care provider linked to this care page to write to.'),
                           fields={'provider_id': [_l('Choose a care provider of this care page.')]})
    if len({d.provider_id for d in dossiers}) > 1:
        raise InvalidInput(_l('Choose which care provider the message is for.'),
                           fields={'provider_id': [_l('Choose a care provider of this care page.')]})
    return dossiers[0]


def _chosen(member: Member, account, recipient_ids) -> list:
    """The accounts of the members chosen (each must be on this page and read messages), with the writer."""
    chosen = db.session.execute(select(Member).where(Member.circle_id == member.circle_id,
                                                     Member.id.in_(recipient_ids))).scalars().all()
    if len(chosen) != len(set(recipient_ids)) or not all(can(m, 'messages') for m in chosen):
        raise InvalidInput(_l('Choose people on this care page who read messages.'),
                           fields={'recipients': [_l('Choose people on this care page who read messages.')]})
    return sorted({m.account_id for m in chosen} | {account.id})


def start_thread(member: Member, account, text, subject=None, audience=None, recipients=None, provider_id=None):
    """Begin a thread with its first message, for an audience or for chosen members."""
    if recipients:
        if not can(member, 'messages'):
            raise Forbidden(_l('You cannot write messages for this group.'))
        accounts, audience = _chosen(member, account, recipients), 'chosen'
    elif audience not in message_audiences(member):
        raise Forbidden(_l('You cannot write messages for this group.'))
    dossier = _provider_dossier(member, provider_id) if audience == 'provider' else None
    now = utcnow()
    found = MessageThread(circle_id=member.circle_id, subject=subject or subject_of(text), audience=audience,
                          provider_id=dossier.provider_id if dossier else None, author_id=account.id,
                          last_message_at=now, created_at=now)
    if audience == 'chosen':
        found.recipients = [ThreadRecipient(account_id=account_id) for account_id in accounts]
    db.session.add(found)
    db.session.flush()
    message = _write(member, account, found, text, dossier)
    return found, message


def reply(member: Member, account, thread_id, text, photo_data=None) -> Message:
    """Write in a thread the member may read; in a thread with the provider it goes to them too. A photo may go with
    it (checked by content, re-encoded, no metadata kept), though not to the provider: its system takes text."""
    found = thread(member, thread_id)
    if not can(member, 'messages') or (found.audience == 'provider' and 'provider' not in message_audiences(member)):
        raise Forbidden(_l('You cannot write messages for this group.'))
    dossier = None
    if found.audience == 'provider':
        if photo_data is not None:
            raise InvalidInput(_l('A photo cannot go to the care provider. Send it to the people on the care page.'),
                               fields={'photo': [_l('A photo cannot go to the care provider.')]}, code='photo_not_sent')
        dossier = next((d for d in dossiers_of(member.circle_id) if d.provider_id == found.provider_id), None)
        if dossier is None:
            raise InvalidInput(_l('This care provider is no longer linked to this care page.'))
    encoded = reencode(photo_data, side=PHOTO_SIDE) if photo_data is not None else None
    return _write(member, account, found, text, dossier, encoded)


def photo(member: Member, thread_id, message_id) -> bytes:
    """The photo of a message in a thread the member may read, or raise NotFound."""
    found = thread(member, thread_id)
    message = db.session.get(Message, message_id)
    stored = (db.session.get(MessagePhoto, message.id)
              if message is not None and message.thread_id == found.id and message.has_photo else None)
    if stored is None:
        raise NotFound(_l('This message has no photo.'))
    return stored.data


def _write(member: Member, account, found, text, dossier, photo_data=None) -> Message:
    now = utcnow()
    message = Message(circle_id=member.circle_id, thread_id=found.id, author_id=account.id, text=text, created_at=now,
                      has_photo=photo_data is not None)
    if dossier is not None:
        answered = db.session.execute(select(Record.source_id).join(Message, Message.record_id == Record.id).where(
            Message.thread_id == found.id).order_by(Message.created_at.desc()).limit(1)).scalar_one_or_none()
        item = queue_for_provider(dossier, 'message', {'text': text, 'author': account.name,
                                                       'author_role': member.role, 'written_at': now.isoformat(),
                                                       'topic': found.subject, 'in_response_to': answered})
        message.outbox_item_id = item.id
    db.session.add(message)
    if photo_data is not None:
        db.session.flush()
        db.session.add(MessagePhoto(message_id=message.id, data=photo_data))
    found.last_message_at = now
    state = _state(found.id, account.id)
    state.read_at, state.removed_at = now, None  # one has read what one wrote
    db.session.flush()
    audit('circle.message', 'C', actor=account, role=member.role, circle=member.circle_id,
          dossier=dossier.id if dossier else None, target=f'message:{message.id}')
    notify(member.circle_id, but=account.id)
    return message


def _unfiled_key(circle_id, limit=FILE_LIMIT) -> tuple:
    return ('unfiled', str(circle_id), limit)


def unfiled(circle_id, limit=FILE_LIMIT):
    """The read (key, query) of the provider's messages on a care page not yet filed into a thread, oldest first
    (for nobody in particular: a provider's message cannot be hidden)."""
    return (_unfiled_key(circle_id, limit), live_records(None, circle_id, ('message',)).where(
        Record.occurred_at.is_not(None), ~exists().where(Message.record_id == Record.id, Message.circle_id == circle_id))
        .order_by(Record.occurred_at).limit(limit))


def _unfiled_exist(circle_id):
    """A column saying whether the provider has messages on the care page not yet filed into a thread."""
    return unfiled(circle_id, 1)[1].with_only_columns(Record.id).exists().label('unfiled')


def _filed_first(circle_id, read):
    """The rows of ``read()``, a statement whose last column is ``_unfiled_exist``: when the provider has new
    messages (or no row says), they are filed and it reads again. One statement while nothing is new."""
    if known(_unfiled_key(circle_id)):  # read already (with the care page's panels): file them first, for nothing
        file_provider_messages(circle_id)
        return read()
    rows = read()
    if (rows[0][-1] if rows else True) and file_provider_messages(circle_id):
        rows = read()
    return rows


def file_provider_messages(circle_id, limit=FILE_LIMIT) -> int:
    """File the provider's new messages of a care page into threads (each once), in a fixed number of statements;
    return how many were filed. An answer goes into the thread it answers, anything else begins a thread."""
    # asked once per transaction (the care page and its messages panel both ask); filing them forgets the answer
    key = _unfiled_key(circle_id, limit)  # the query is built only when it is not read yet
    rows = read_records(circle_id, key, None) if known(key) else read_records(circle_id, *unfiled(circle_id, limit))
    if not rows:
        return 0
    answered = _answered_threads(circle_id, [row.Record.data.get('in_response_to') for row in rows])
    threads, messages, latest = [], [], {}
    for row in rows:
        record, when = row.Record, row.Record.occurred_at
        thread_id = answered.get(record.data.get('in_response_to'))
        if thread_id is None:
            thread_id = uuid.uuid4()
            threads.append({'id': thread_id, 'circle_id': circle_id, 'audience': 'provider', 'author_id': None,
                            'provider_id': row.Dossier.provider_id, 'last_message_at': when, 'created_at': when,
                            'subject': (record.data.get('topic') or subject_of(record.data['text']))[:200]})
        else:
            latest[thread_id] = max(latest.get(thread_id, when), when)
        messages.append({'id': uuid.uuid4(), 'circle_id': circle_id, 'thread_id': thread_id, 'record_id': record.id,
                         'created_at': when})
    try:
        with db.session.begin_nested():  # another request may file the same ones at the same moment
            if threads:
                db.session.execute(insert(MessageThread), threads)
            db.session.execute(insert(Message), messages)
            for thread_id, when in latest.items():
                db.session.execute(update(MessageThread).where(
                    MessageThread.id == thread_id, MessageThread.last_message_at < when).values(last_message_at=when))
    except IntegrityError:
        return 0
    return len(messages)


def _answered_threads(circle_id, references) -> dict:
    """reference (``Communication/carehub-<item id>``) -> the thread of the message it names, if it is here."""
    items = {}
    for reference in filter(None, references):
        if OWN_PREFIX in reference:
            try:
                items[uuid.UUID(reference.rsplit(OWN_PREFIX, 1)[1])] = reference
            except ValueError:
                continue
    if not items:
        return {}
    return {items[item_id]: thread_id for item_id, thread_id in db.session.execute(
        select(Message.outbox_item_id, Message.thread_id).where(
            Message.outbox_item_id.in_(list(items)), Message.circle_id == circle_id))}


def notify(circle_id, but=None):
    """Tell the members with unread messages that there is something new, as each chose (hub.account.notifications):
    a mail at once (once, until they have looked at their messages), the daily digest, or not at all.

    The mail says only that there is something new, never what (it may be about someone's health).
    """
    for reader in db.session.execute(select(Member).options(joinedload(Member.account))
                                     .where(Member.circle_id == circle_id, current_members())).scalars():
        if reader.account_id == but or not message_audiences(reader):
            continue
        mode = notifications.settings_of(reader.account)['message']
        if mode == 'off' or not unread(reader):
            continue
        if mode == 'immediate' and not _first_mail_since_read(reader):
            continue  # mailed already and not looked since (a parallel request may just have)
        notifications.notify(reader.account, 'message', 'new_message', f'/circles/{circle_id}/messages', circle_id,
                             page=client_name(reader.circle) or '')


def _first_mail_since_read(reader: Member | None) -> bool:
    """Mark that the member is mailed about new messages, unless they were since they last looked: one conditional
    UPDATE, so two messages sent at the same moment give one mail."""
    now = utcnow()
    marked = db.session.execute(
        update(Member).where(Member.id == reader.id, or_(
            Member.messages_mailed_at.is_(None),
            and_(Member.messages_read_at.is_not(None), Member.messages_mailed_at <= Member.messages_read_at)))
        .values(messages_mailed_at=now).returning(Member.id)
        .execution_options(synchronize_session=False)).first()
    if marked:
        set_committed_value(reader, 'messages_mailed_at', now)
    return bool(marked)


def unread(member: Member) -> int:
    """How many messages the member has not read yet, in the threads they see (not counting their own)."""
    if not message_audiences(member):
        return 0
    return scalar(*unread_read(member)) or 0


def unread_read(member: Member):
    """The read (key, query) of ``unread`` (the care page reads it with its other counts)."""
    return ('unread', member.id), _with_state(
        select(func.count(Message.id)).join(MessageThread, Message.thread_id == MessageThread.id), member).where(
        MessageThread.circle_id == member.circle_id, visible(member), _unread_condition(member))


def thread_json(found, unread_count=0, recipients=None) -> dict:
    """A thread as the API lists it; ``recipients`` as ``recipients_of`` gives them (the chosen ones' member ids)."""
    return {'id': str(found.id), 'subject': found.subject, 'audience': found.audience,
            'recipients': [str(member_id) for member_id, _ in (recipients or {}).get(found.id, [])],
            'last_message_at': found.last_message_at.isoformat(), 'unread': unread_count,
            'provider': {'id': str(found.provider_id)} if found.provider_id else None,
            'started_by': found.author.name if found.author else None}


def message_json(message, account=None) -> dict:
    if message.record_id is not None:
        record = message.record
        return {'id': str(message.id), 'text': record.data['text'], 'created_at': message.created_at.isoformat(),
                'author': {'name': record.data.get('sender')}, 'from_provider': True, 'mine': False, 'photo': False}
    return {'id': str(message.id), 'text': message.text, 'created_at': message.created_at.isoformat(),
            'author': {'name': message.author.name if message.author else None}, 'from_provider': False,
            'mine': account is not None and message.author_id == account.id, 'photo': message.has_photo}


def recipients_of(circle_id, found) -> dict:
    """thread id -> [(member id, name)] of the chosen recipients, by name, of those of ``found`` that have them (one
    statement, none when no thread has): a recipient who is no longer a member is not named."""
    chosen = [thread.id for thread in found if thread.audience == 'chosen']
    if not chosen:
        return {}
    rows = db.session.execute(
        select(ThreadRecipient.thread_id, Member.id, Account).join(Account, Account.id == ThreadRecipient.account_id)
        .join(Member, and_(Member.account_id == ThreadRecipient.account_id, Member.circle_id == circle_id))
        .where(ThreadRecipient.thread_id.in_(chosen)).order_by(Account.last_name, Account.first_name)).all()
    named: dict = {}
    for thread_id, member_id, account in rows:
        named.setdefault(thread_id, []).append((member_id, account.name))
    return named
