"""Every page and list runs the same number of SQL statements whatever the data: no N+1 on authors, members,
providers or reactions, no query per item. Counting statements is deterministic, so it is tested here; how
fast they run is measured by `make bench-web`, never by a timed test."""

import pytest
from sqlalchemy import event

from tests.fill import fill

PAGES = ['/circles/{c}', '/circles/{c}/timeline', '/circles/{c}/timeline?cursor={cursor}', '/circles/{c}/plans',
         '/circles/{c}/measurements', '/circles/{c}/messages', '/circles/{c}/notes', '/circles/{c}/board',
         '/circles/{c}/calendar', '/circles/{c}/members', '/circles/{c}/access-log', '/circles/{c}/export',
         '/circles/{c}/invite', '/invitations', '/profile', '/circles/{c}/data/client',
         '/circles/{c}/data/gp_pharmacy', '/circles/{c}/timeline?kind=plan', '/circles/{c}/data/contact_persons',
         '/circles/{c}/read', '/circles/{c}/messages/{thread}', '/circles/{c}/messages/new']
APIS = ['/api/v1/circles/{c}', '/api/v1/circles/{c}/timeline', '/api/v1/circles/{c}/timeline?cursor={cursor}',
        '/api/v1/circles/{c}/plans', '/api/v1/circles/{c}/measurements', '/api/v1/circles/{c}/messages',
        '/api/v1/circles/{c}/notes', '/api/v1/circles/{c}/board', '/api/v1/circles/{c}/appointments',
        '/api/v1/circles/{c}/members', '/api/v1/circles/{c}/access-log', '/api/v1/circles/{c}/dossiers',
        '/api/v1/circles/{c}/invitations', '/api/v1/circles/{c}/export', '/api/v1/circles', '/api/v1/me',
        '/api/v1/circles/{c}/data', '/api/v1/circles/{c}/timeline?kind=report',
        '/api/v1/circles/{c}/contact-persons/requests', '/api/v1/circles/{c}/read',
        '/api/v1/circles/{c}/messages/{thread}']

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


def _replies(app, circle_id, thread_id, count):
    """Add ``count`` replies to a thread, each by another member."""
    import uuid

    from sqlalchemy import insert, select

    from hub.circle.models import Member, Message
    from hub.core.commit import unit_of_work
    from hub.core.timeutil import utcnow
    from hub.extensions import db
    with app.app_context(), unit_of_work():
        writers = db.session.execute(select(Member.account_id).where(Member.circle_id == circle_id)).scalars().all()
        db.session.execute(insert(Message), [
            {'id': uuid.uuid4(), 'circle_id': circle_id, 'thread_id': uuid.UUID(thread_id), 'text': f'Antwoord {n}',
             'author_id': writers[n % len(writers)], 'created_at': utcnow()} for n in range(count)])


@pytest.mark.parametrize('kind', ['pages', 'api'])
def test_the_statements_per_request_do_not_grow_with_the_data(app, care_page, kind):
    manager, circle_id, dossier_ids, manager_id = care_page
    fill(app, circle_id, dossier_ids, manager_id, 12, sent_notes=True)  # more than a page of the timeline, for a cursor
    cursor = manager.get(f'/api/v1/circles/{circle_id}/timeline').get_json()['next']
    thread = manager.get(f'/api/v1/circles/{circle_id}/messages').get_json()['items'][0]['id']
    paths = [p.format(c=circle_id, cursor=cursor, thread=thread) for p in (PAGES if kind == 'pages' else APIS)]
    small = {path: _count(app, manager.client, path) for path in paths}
    fill(app, circle_id, dossier_ids, manager_id, 60, sent_notes=True)
    _replies(app, circle_id, thread, 40)
    grown = {}
    for path in paths:
        counted, statements = _count(app, manager.client, path)
        if counted != small[path][0]:
            grown[path] = (small[path][0], counted, statements)
    assert not grown, '\n'.join(f'{path}: {before} -> {after} statements\n  ' + '\n  '.join(
        ' '.join(s.split())[:160] for s in statements) for path, (before, after, statements) in grown.items())
