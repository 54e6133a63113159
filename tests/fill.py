"""Fill a care page with much of everything it lists, fast (bulk inserts), for tests about size."""

import itertools
import uuid
from datetime import timedelta

from sqlalchemy import insert

from hub.core.timeutil import utcnow

_serial = itertools.count()


def fill(app, circle_id, dossier_ids, manager_id, count, sent_notes=False):
    """Add ``count`` of everything a care page lists, written by ``count`` new members, to each dossier
    (``sent_notes``: each note was sent to a provider too, so it is on the timeline)."""
    from hub.account.models import Account
    from hub.careprovider.models import Record, RecordVersion
    from hub.circle.messages import file_provider_messages
    from hub.circle.models import BoardPost, BoardReaction, CalendarEntry, Member, Message, MessageThread, Note
    from hub.core.commit import unit_of_work
    from hub.core.models import AuditRecord
    from hub.extensions import db
    now = utcnow()
    with app.app_context(), unit_of_work():
        authors = [manager_id]
        for _ in range(count):
            n = next(_serial)
            account_id = uuid.uuid4()
            db.session.execute(insert(Account).values(
                id=account_id, email=f'helper{n}@example.nl', first_name=f'Helper{n}', last_name='Test',
                status='active', security_stamp=uuid.uuid4().hex, terms_version='2026-11', terms_accepted_at=now,
                created_at=now))
            db.session.execute(insert(Member).values(id=uuid.uuid4(), circle_id=circle_id, account_id=account_id,
                                                     role='trust' if n % 2 else 'basic', created_at=now))
            authors.append(account_id)
        for i in range(count):
            n = next(_serial)
            author = authors[i % len(authors)]
            moment = now - timedelta(hours=n % 50, minutes=n)
            thread_id = uuid.uuid4()  # a thread with a message and a reply
            db.session.execute(insert(MessageThread).values(
                id=thread_id, circle_id=circle_id, subject=f'Onderwerp {n}', audience=('all', 'trust')[n % 2],
                author_id=author, last_message_at=moment, created_at=moment))
            for reply, writer in enumerate((author, authors[(i + 1) % len(authors)])):
                db.session.execute(insert(Message).values(id=uuid.uuid4(), circle_id=circle_id, thread_id=thread_id,
                                                          author_id=writer, text=f'Bericht {n}.{reply}',
                                                          created_at=moment))
            db.session.execute(insert(Note).values(id=uuid.uuid4(), circle_id=circle_id, author_id=author,
                                                   text=f'Notitie {n}', updated_at=moment, created_at=moment,
                                                   shared_at=moment if sent_notes else None))
            post_id = uuid.uuid4()
            db.session.execute(insert(BoardPost).values(id=post_id, circle_id=circle_id, author_id=author,
                                                        text=f'Bericht op het prikbord {n}', created_at=moment))
            db.session.execute(insert(BoardReaction).values(id=uuid.uuid4(), post_id=post_id,
                                                            author_id=authors[(i + 1) % len(authors)],
                                                            text='Mooi!', created_at=moment))
            db.session.execute(insert(CalendarEntry).values(
                id=uuid.uuid4(), circle_id=circle_id, author_id=author, title=f'Bezoek {n}', visibility='public',
                starts_at=now + timedelta(days=n % 20, hours=1), created_at=now))
            db.session.execute(insert(AuditRecord).values(
                id=uuid.uuid4(), at=moment, event='dossier.timeline', action='R', outcome='success',
                actor_id=author, actor_role='trust', circle_id=circle_id, target='timeline'))
            for dossier_id in dossier_ids:
                start = (now + timedelta(days=1 + n % 30)).isoformat()
                rows = [('report', 'Observation', {'title': 'Rapportage', 'text': f'Rapportage {n}', 'author': 'IG',
                                                   'occurred_at': moment.isoformat()}, None, moment),
                        ('measurement', 'Observation', {'name': 'Gewicht', 'value': 70 + n % 5, 'unit': 'kg',
                                                        'occurred_at': moment.isoformat(),
                                                        'code': {'system': 'http://loinc.org', 'code': '29463-7'}},
                         '29463-7', moment),
                        ('appointment', 'Appointment', {'description': f'Afspraak {n}', 'start': start,
                                                        'status': 'booked'}, None, now + timedelta(days=1 + n % 30)),
                        ('plan', 'CarePlan', {'title': f'Zorgplan {n}', 'status': 'active'}, None, moment),
                        ('message', 'Communication', {'text': f'Bericht van de zorg {n}',
                                                      'occurred_at': moment.isoformat()}, None, moment)]
                for kind, source_type, data, code, occurred in rows:
                    source_id = f'{source_type}/{kind}-{n}'
                    record_id = uuid.uuid4()
                    db.session.execute(insert(Record).values(
                        id=record_id, dossier_id=dossier_id, kind=kind, source_id=source_id,
                        source_type=source_type, origin=source_id, content_hash=f'{n:064x}', data=data, raw={},
                        occurred_at=occurred, code=code, updated_at=now, created_at=now, via='pull'))
                    if kind == 'plan':  # as the sync keeps it: the version, and the event it is on the timeline
                        db.session.execute(insert(RecordVersion).values(
                            id=uuid.uuid4(), record_id=record_id, dossier_id=dossier_id, kind=kind, version='1',
                            content_hash=f'{n:064x}', data=data, occurred_at=occurred, stored_at=now,
                            event='plan_created', event_at=occurred))
        file_provider_messages(circle_id)  # as the worker does after a sync: the provider's messages into threads




def add_member(register, db, circle_id, email, role, permissions=None, first_name='Helper'):
    """Register an account and put it on a care page with ``role`` (and chosen ``permissions``) at once, without
    the invitation mail; return (its logged-in client, the member id)."""
    from sqlalchemy import select

    from hub.account.models import Account
    from hub.circle.models import Member
    helper = register(email, first_name, role)
    [account] = db.scalars(select(Account).where(Account.email == email))
    member_id = uuid.uuid4()
    db.execute(insert(Member).values(id=member_id, circle_id=circle_id, account_id=account.id, role=role,
                                     permissions=permissions, created_at=utcnow()))
    return helper, member_id
