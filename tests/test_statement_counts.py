"""Every page and list runs the same number of SQL statements whatever the data: no N+1 on authors, members,
providers or reactions, no query per item. Counting statements is deterministic, so it is tested here; how
fast they run is measured by `make bench-web`, never by a timed test."""

import itertools
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event, insert, select

from hub.core.timeutil import utcnow

PAGES = ['/circles/{c}', '/circles/{c}/timeline', '/circles/{c}/timeline?cursor={cursor}', '/circles/{c}/plans',
         '/circles/{c}/measurements', '/circles/{c}/messages', '/circles/{c}/notes', '/circles/{c}/board',
         '/circles/{c}/calendar', '/circles/{c}/members', '/circles/{c}/access-log', '/circles/{c}/export',
         '/circles/{c}/invite', '/invitations', '/profile']
APIS = ['/api/v1/circles/{c}', '/api/v1/circles/{c}/timeline', '/api/v1/circles/{c}/timeline?cursor={cursor}',
        '/api/v1/circles/{c}/plans', '/api/v1/circles/{c}/measurements', '/api/v1/circles/{c}/messages',
        '/api/v1/circles/{c}/notes', '/api/v1/circles/{c}/board', '/api/v1/circles/{c}/appointments',
        '/api/v1/circles/{c}/members', '/api/v1/circles/{c}/access-log', '/api/v1/circles/{c}/dossiers',
        '/api/v1/circles/{c}/invitations', '/api/v1/circles/{c}/export', '/api/v1/circles', '/api/v1/me']

_serial = itertools.count()


def fill(app, circle_id, dossier_ids, manager_id, count):
    """Add ``count`` of everything a care page lists, written by ``count`` new members, to each dossier."""
    from hub.account.models import Account
    from hub.careprovider.models import Record
    from hub.circle.models import BoardPost, BoardReaction, CalendarEntry, Member, Message, Note
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
            db.session.execute(insert(Message).values(id=uuid.uuid4(), circle_id=circle_id, author_id=author,
                                                      audience=('all', 'trust')[n % 2], text=f'Bericht {n}',
                                                      created_at=moment))
            db.session.execute(insert(Note).values(id=uuid.uuid4(), circle_id=circle_id, author_id=author,
                                                   text=f'Notitie {n}', updated_at=moment, created_at=moment))
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
                    db.session.execute(insert(Record).values(
                        id=uuid.uuid4(), dossier_id=dossier_id, kind=kind, source_id=source_id,
                        source_type=source_type, origin=source_id, content_hash=f'{n:064x}', data=data, raw={},
                        occurred_at=occurred, code=code, updated_at=now, created_at=now, via='pull'))


def _count(app, client, path):
    from hub.extensions import db
    seen = []
    with app.app_context():
        engine = db.engine

    def listener(*args, **kwargs):
        seen.append(args[2])

    event.listen(engine, 'before_cursor_execute', listener)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, 'before_cursor_execute', listener)
    assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:500])
    return len(seen), seen


@pytest.fixture
def care_page(app, register, provider, coupling_code, db):
    """A manager (second factor done) of a care page linked to dossiers at two providers."""
    from hub.careprovider.models import Dossier
    manager = register('manager@example.nl', 'Mieke', 'Jansen')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(provider(), 'client-1')}).get_json()
    other = provider('Zorggroep Twee')
    response = manager.post('/api/v1/connections', {'code': coupling_code(other, 'client-2'), 'circle_id': circle['id']})
    assert response.status_code in (200, 201), response.get_json()
    dossier_ids = [dossier.id for dossier in db.scalars(select(Dossier))]
    assert len(dossier_ids) == 2
    from hub.account.models import Account
    [manager_id] = [account.id for account in db.scalars(select(Account))]
    return manager, uuid.UUID(circle['id']), dossier_ids, manager_id


@pytest.mark.parametrize('kind', ['pages', 'api'])
def test_the_statements_per_request_do_not_grow_with_the_data(app, care_page, kind):
    manager, circle_id, dossier_ids, manager_id = care_page
    fill(app, circle_id, dossier_ids, manager_id, 12)  # more than a page of the timeline, for a cursor
    cursor = manager.get(f'/api/v1/circles/{circle_id}/timeline').get_json()['next']
    paths = [p.format(c=circle_id, cursor=cursor) for p in (PAGES if kind == 'pages' else APIS)]
    small = {path: _count(app, manager.client, path) for path in paths}
    fill(app, circle_id, dossier_ids, manager_id, 60)
    grown = {}
    for path in paths:
        counted, statements = _count(app, manager.client, path)
        if counted != small[path][0]:
            grown[path] = (small[path][0], counted, statements)
    assert not grown, '\n'.join(f'{path}: {before} -> {after} statements\n  ' + '\n  '.join(
        ' '.join(s.split())[:160] for s in statements) for path, (before, after, statements) in grown.items())
