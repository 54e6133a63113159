"""Messages on a care page: for all members, for the trust group, or for the provider and the trust group.

Messages the provider sends (FHIR Communication, mapped as ``message`` records) appear beside them
for those who may see provider messages; a message to the provider goes into the outbox with it.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from hub.account.operations import link
from hub.careprovider.models import Dossier, Record
from hub.careprovider.outbound import queue_for_provider
from hub.circle.access import message_audiences
from hub.circle.dossiers import client_name, dossiers_of
from hub.circle.models import CircleDossier, Member, Message
from hub.core.audit import audit
from hub.core.cursor import after_cursor, encode_cursor
from hub.core.errors import Forbidden, InvalidInput
from hub.core.outbox import queue_mail
from hub.core.timeutil import utcnow
from hub.extensions import db

PAGE_SIZE = 20




def post_message(member, account, text, audience, provider_id=None) -> Message:
    """Write a message; one for the provider also goes into the outbox, in the same transaction."""
    if audience not in message_audiences(member):
        raise Forbidden(_l('You cannot write messages for this group.'))
    dossier = None
    if audience == 'provider':
        dossiers = [d for d in dossiers_of(member.circle_id) if provider_id is None or d.provider_id == provider_id]
        if not dossiers:
            raise InvalidInput(_l('There is no care provider linked to this care page to write to.'),
                               fields={'provider_id': [_l('Choose a care provider of this care page.')]})
        if len({d.provider_id for d in dossiers}) > 1:
            raise InvalidInput(_l('Choose which care provider the message is for.'),
                               fields={'provider_id': [_l('Choose a care provider of this care page.')]})
        dossier = dossiers[0]
    message = Message(circle_id=member.circle_id, author_id=account.id, audience=audience, text=text,
                      provider_id=dossier.provider_id if dossier else None, created_at=utcnow())
    db.session.add(message)
    db.session.flush()
    if dossier is not None:
        queue_for_provider(dossier, 'message', {'text': text, 'author': account.name, 'author_role': member.role,
                                                'written_at': message.created_at.isoformat()})
    audit('circle.message', 'C', actor=account, role=member.role, circle=member.circle_id,
          dossier=dossier.id if dossier else None, target=f'message:{message.id}')
    notify(member.circle_id, audience, but=account.id)
    return message


def notify(circle_id, audience, but=None):
    """Mail the members who read ``audience`` that there is a new message: once, until they have read them.

    The mail says only that there is something new, never what (it may be about someone's health).
    """
    for reader in db.session.execute(select(Member).where(Member.circle_id == circle_id)).scalars():
        if reader.account_id == but or not reader.account.notify_messages or audience not in message_audiences(reader):
            continue
        told = reader.messages_mailed_at is not None and (
            reader.messages_read_at is None or reader.messages_mailed_at > reader.messages_read_at)
        if told or not unread(reader):  # mailed already and not read since
            continue
        queue_mail(reader.account.email, 'new_message', reader.account.language, account=reader.account,
                   page=client_name(reader.circle) or '', link=link(f'/circles/{circle_id}/messages'))
        reader.messages_mailed_at = utcnow()


def _provider_messages(circle_id):
    return (select(Record, Dossier).join(Dossier, Record.dossier_id == Dossier.id)
            .join(CircleDossier, CircleDossier.dossier_id == Dossier.id)
            .where(CircleDossier.circle_id == circle_id, Record.kind == 'message', Record.deleted.is_(False),
                   Record.occurred_at.is_not(None)))


def messages(member, cursor=None, limit=PAGE_SIZE):
    """Return (items, next cursor), newest first: each item is ('member', Message) or ('provider', (Record, Dossier))."""
    audiences = message_audiences(member)
    own = select(Message).options(joinedload(Message.author)).where(Message.circle_id == member.circle_id, Message.audience.in_(audiences))
    theirs = _provider_messages(member.circle_id)
    own = after_cursor(own, Message.created_at, Message.id, cursor)
    theirs = after_cursor(theirs, Record.occurred_at, Record.id, cursor)
    found = [(m.created_at, m.id, 'member', m) for m in db.session.execute(
        own.order_by(Message.created_at.desc(), Message.id.desc()).limit(limit + 1)).scalars()]
    if 'provider' in audiences:
        found += [(row.Record.occurred_at, row.Record.id, 'provider', row) for row in db.session.execute(
            theirs.order_by(Record.occurred_at.desc(), Record.id.desc()).limit(limit + 1))]
        audit('dossier.messages', 'R', actor=member.account_id, role=member.role, circle=member.circle_id,
              target='messages')
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    page = found[:limit]
    next_cursor = encode_cursor(page[-1][0], page[-1][1]) if len(found) > limit else None
    return [(kind, item) for _, _, kind, item in page], next_cursor


def unread(member) -> int:
    """How many messages the member has not seen yet (not counting their own)."""
    audiences = message_audiences(member)
    if not audiences:
        return 0
    since = member.messages_read_at
    own = select(func.count(Message.id)).where(Message.circle_id == member.circle_id,
                                               Message.audience.in_(audiences), Message.author_id != member.account_id)
    counts = [own.where(Message.created_at > since) if since else own]
    if 'provider' in audiences:
        theirs = _provider_messages(member.circle_id).with_only_columns(Record.id)
        counts.append(select(func.count()).select_from(
            (theirs.where(Record.occurred_at > since) if since else theirs).subquery()))
    return sum(db.session.execute(select(*(count.scalar_subquery() for count in counts))).one())


def mark_read(member):
    member.messages_read_at = utcnow()


def message_json(kind, item) -> dict:
    if kind == 'member':
        return {'id': str(item.id), 'audience': item.audience, 'text': item.text,
                'created_at': item.created_at.isoformat(),
                'author': {'name': item.author.name}, 'from_provider': None,
                'provider': {'id': str(item.provider_id)} if item.provider_id else None}
    record, dossier = item.Record, item.Dossier
    return {'id': str(record.id), 'audience': 'provider', 'text': record.data['text'],
            'created_at': record.occurred_at.isoformat(), 'author': {'name': record.data.get('sender')},
            'from_provider': {'id': str(dossier.provider_id), 'name': dossier.provider.name},
            'provider': {'id': str(dossier.provider_id)}}
