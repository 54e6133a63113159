"""Notifications per kind of event: at once, in a daily digest, or off; a one-click unsubscribe in every mail
(RFC 8058); mails say only that there is something new, never what."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from hub.core.timeutil import utcnow
from tests.fill import add_member, fill


def test_the_settings_per_kind_and_bad_ones_refused(register):
    person = register('p@example.nl')
    settings = person.get('/api/v1/me/notifications').get_json()['settings']
    assert settings == {'message': 'immediate', 'report': 'daily', 'appointment': 'daily', 'plan': 'immediate',
                        'invitation': 'immediate', 'member': 'daily', 'sync': 'immediate', 'help': 'immediate',
                        'wellbeing': 'immediate', 'answer': 'immediate'}
    changed = person.patch('/api/v1/me/notifications', {'settings': {'report': 'off', 'message': 'daily'}})
    assert changed.status_code == 200 and changed.get_json()['settings']['report'] == 'off'
    assert changed.get_json()['settings']['plan'] == 'immediate'  # the others stay
    for bad in ({'settings': {'weather': 'daily'}}, {'settings': {'report': 'weekly'}}, {'settings': {}},
                {'settings': 'daily'}, {}, {'settings': {'report': 'off'}, 'extra': 1}):
        answer = person.patch('/api/v1/me/notifications', bad)
        assert answer.status_code == 422 and answer.get_json()['error']['code'], bad
    assert person.get('/api/v1/me/notifications').get_json()['settings']['report'] == 'off'  # nothing changed
    assert person.get('/api/v1/me').get_json()['notify_messages'] is True  # daily still tells of messages
    assert person.patch('/api/v1/me', {'notify_messages': False}).status_code == 200
    assert person.get('/api/v1/me/notifications').get_json()['settings']['message'] == 'off'
    page = person.get('/profile').get_data(as_text=True)
    assert 'Eén keer per dag' in page and 'name="mode-report"' in page
    saved = person.client.post('/profile/notifications', data={'csrf_token': person.csrf(), 'mode-report': 'immediate'})
    assert saved.status_code == 303
    assert person.get('/api/v1/me/notifications').get_json()['settings']['report'] == 'immediate'
    bad = person.client.post('/profile/notifications', data={'csrf_token': person.csrf(), 'mode-report': 'soms'})
    assert bad.status_code == 422
    assert 'Per soort kiezen' in page and '<details class="reveal" open>' in page  # mixed: the kinds are shown
    person.client.post('/profile/notifications', data={'csrf_token': person.csrf(), 'mode-all': 'daily',
                                                       'mode-report': 'off'})  # one choice for all wins
    assert set(person.get('/api/v1/me/notifications').get_json()['settings'].values()) == {'daily'}
    page = person.get('/profile').get_data(as_text=True)
    assert 'id="mode-all-daily" name="mode-all" value="daily" checked' in page and '<details class="reveal">' in page
    assert register('q@example.nl').get('/api/v1/me/notifications').get_json()['settings']['report'] == 'daily'


def test_a_mail_at_once_carries_a_one_click_unsubscribe(care_page, register, mailbox, db, app):
    manager, circle_id, _, _ = care_page
    helper, _ = add_member(register, db, circle_id, 'hulp@example.nl', 'trust')
    helper.get(f'/api/v1/circles/{circle_id}/messages')
    manager.post(f'/api/v1/circles/{circle_id}/messages', {'text': 'Over de medicijnen van moeder.', 'audience': 'all'})
    [mail] = [m for m in mailbox.to('hulp@example.nl') if 'bericht' in m['Subject']]
    assert 'medicijnen' not in mail.get_content()
    assert mail['List-Unsubscribe-Post'] == 'List-Unsubscribe=One-Click'
    url = mail['List-Unsubscribe'].strip('<>')
    # RFC 2369/8058: the raw header is a literal <https://...>, not an RFC 2047 encoded word, not folded
    header = re.search(rb'^List-Unsubscribe: (.*?)\r?\n(?![ \t])', mail.raw, re.M | re.S).group(1)
    assert header == f'<{url}>'.encode() and url.startswith('https://carehub.test/unsubscribe/'), header
    path = '/' + url.split('/', 3)[3]
    assert path in mail.get_content()
    from tests.conftest import Api
    stranger = Api(app)  # a mail program: no session, no CSRF token
    page = stranger.client.get(path)
    assert page.status_code == 200 and 'Ja, stop deze mails' in page.get_data(as_text=True)
    done = stranger.client.post(path, data={'List-Unsubscribe': 'One-Click'})
    assert done.status_code == 200 and 'Een nieuw bericht' in done.get_data(as_text=True)
    assert helper.get('/api/v1/me/notifications').get_json()['settings']['message'] == 'off'
    assert stranger.client.post(path, data={'List-Unsubscribe': 'One-Click'}).status_code == 200  # again: fine
    assert stranger.client.post('/unsubscribe/nonsense').status_code == 400
    assert stranger.client.get('/unsubscribe/nonsense').status_code == 400
    manager.post(f'/api/v1/circles/{circle_id}/messages', {'text': 'Nog een.', 'audience': 'all'})
    assert len([m for m in mailbox.to('hulp@example.nl') if 'bericht' in m['Subject']]) == 1


def test_the_daily_digest_gathers_what_came_in(care_page, register, mailbox, db, app):
    from hub.account.models import Account, NotificationItem
    from hub.account.notifications import send_digests
    from hub.core.commit import unit_of_work
    from hub.worker import notify_plans
    manager, circle_id, dossier_ids, manager_id = care_page
    helper, _ = add_member(register, db, circle_id, 'hulp@example.nl', 'trust')
    helper.patch('/api/v1/me/notifications', {'settings': {'message': 'daily', 'appointment': 'daily'}})
    for text in ('Eerste bericht.', 'Tweede bericht.'):
        manager.post(f'/api/v1/circles/{circle_id}/messages', {'text': text, 'audience': 'all'})
    manager.post(f'/api/v1/circles/{circle_id}/appointments', {'title': 'Verjaardag', 'visibility': 'public',
                                                              'starts_at': (utcnow() + timedelta(days=2)).isoformat()})
    manager.post(f'/api/v1/circles/{circle_id}/appointments', {'title': 'Eigen', 'visibility': 'private',
                                                              'starts_at': (utcnow() + timedelta(days=2)).isoformat()})
    fill(app, circle_id, dossier_ids, manager_id, 1)  # new reports came in with a sync
    with app.app_context():
        notify_plans()  # the worker's step: reports noticed
    assert [m for m in mailbox.to('hulp@example.nl') if 'Wat nieuw' in m['Subject']] == []  # not yet
    helper_id = _account_id(db, 'hulp@example.nl')
    events = sorted(db.scalars(select(NotificationItem.event).where(NotificationItem.account_id == helper_id)))
    assert events.count('message') == 3 and events.count('appointment') == 1 and events.count('report') == 1
    # two messages from the manager, one from the provider (filed with the sync); reports once a round

    evening = utcnow().replace(hour=20, minute=0)  # after the digest hour (18:00 in Amsterdam)
    with app.app_context(), unit_of_work():
        assert send_digests(evening) >= 1
    [digest] = [m for m in mailbox.to('hulp@example.nl') if 'Wat nieuw' in m['Subject']]
    body = digest.get_content()
    assert '3 nieuwe berichten' in body and '1 nieuwe of veranderde afspraak' in body and 'nieuwe rapportages' in body
    assert 'Eerste bericht' not in body and 'Verjaardag' not in body  # never what it is
    assert f'/circles/{circle_id}/messages' in body and digest['List-Unsubscribe-Post']
    assert db.count(NotificationItem, NotificationItem.account_id == helper_id) == 0
    with app.app_context(), unit_of_work():
        assert send_digests(evening + timedelta(hours=1)) == 0  # one a day
    path = '/' + digest['List-Unsubscribe'].strip('<>').split('/', 3)[3]
    assert helper.client.post(path).status_code == 200
    settings = helper.get('/api/v1/me/notifications').get_json()['settings']
    assert settings['message'] == 'off' and settings['report'] == 'off' and settings['plan'] == 'immediate'
    db.execute(update(Account).values(digest_sent_at=None))


def _account_id(db, email):
    from hub.account.models import Account
    return db.scalars(select(Account.id).where(Account.email == email))[0]


def test_members_hear_of_a_newcomer_an_appointment_and_managers_of_sync_trouble(
        care_page, register, mailbox, db, app):
    from hub.careprovider.models import Dossier
    from hub.worker import notify_plans
    manager, circle_id, dossier_ids, _ = care_page
    manager.patch('/api/v1/me/notifications', {'settings': {'member': 'immediate', 'appointment': 'immediate'}})
    manager.post(f'/api/v1/circles/{circle_id}/invitations', {'email': 'nieuw@example.nl', 'first_name': 'Nina',
                                                             'last_name': 'Nieuw', 'role': 'basic'})
    newcomer = register('nieuw@example.nl', 'Nina', 'Nieuw')
    [invitation] = newcomer.get('/api/v1/invitations').get_json()['items']
    assert newcomer.post(f"/api/v1/invitations/{invitation['id']}/accept").status_code == 200
    [joined] = [m for m in mailbox.to('manager@example.nl') if 'nieuw op de zorgpagina' in m['Subject']]
    assert 'Nina Nieuw' in joined.get_content()
    newcomer.post(f'/api/v1/circles/{circle_id}/appointments', {'title': 'Bij oma', 'visibility': 'public',
                                                               'starts_at': (utcnow() + timedelta(days=1)).isoformat()})
    [told] = [m for m in mailbox.to('manager@example.nl') if 'afspraak' in m['Subject']]
    assert 'Bij oma' not in told.get_content()

    db.execute(update(Dossier).where(Dossier.id == dossier_ids[0]).values(failures=3))
    for _ in range(2):
        with app.app_context():
            notify_plans()
    trouble = [m for m in mailbox.to('manager@example.nl') if 'geen nieuwe gegevens' in m['Subject']]
    assert len(trouble) == 1  # once for a run of failures
    db.execute(update(Dossier).where(Dossier.id == dossier_ids[0]).values(failures=0))
    with app.app_context():
        notify_plans()
    db.execute(update(Dossier).where(Dossier.id == dossier_ids[0]).values(failures=4))
    with app.app_context():
        notify_plans()
    assert len([m for m in mailbox.to('manager@example.nl') if 'geen nieuwe gegevens' in m['Subject']]) == 2


def test_a_digest_names_each_care_page_once_and_sums_its_lines(care_page, register, mailbox, db, app):
    from hub.account.models import Account, NotificationItem
    from hub.account.notifications import send_digests
    from hub.circle.dossiers import page_names
    from hub.circle.models import Circle
    from hub.core.commit import unit_of_work
    from hub.extensions import db as hub_db
    _, circle_id, _, _ = care_page
    register('dagelijks@example.nl', totp=False)
    account_id = _account_id(db, 'dagelijks@example.nl')
    base = f'/circles/{circle_id}'
    # the first items came before the first sync (no name yet), the later ones after it
    rows = [('appointment', '', f'{base}/calendar?day=2026-12-07'), ('appointment', '', f'{base}/calendar?day=2026-12-08'),
            ('report', 'Wim', f'{base}/timeline'), ('report', 'Wim', f'{base}/timeline'),
            ('message', 'Wim', f'{base}/messages/one'), ('message', 'Wim', f'{base}/messages/two')]
    db.execute(update(Circle).where(Circle.id == circle_id).values(name='Wim Jansen'))  # its name now
    last_mail = utcnow() - timedelta(days=3)
    db.execute(update(Account).where(Account.id == account_id).values(
        digest_sent_at=last_mail, notifications={'message': 'daily', 'appointment': 'daily', 'report': 'daily'}))
    db.run(lambda: hub_db.session.add_all([NotificationItem(account_id=account_id, event=event, circle_id=circle_id,
                                                            page=page, path=path) for event, page, path in rows]))
    with app.app_context(), unit_of_work():
        assert send_digests(utcnow().replace(hour=20, minute=0), page_names=page_names) == 1
    body = mailbox.last_to('dagelijks@example.nl').get_content()
    lines = [line.strip() for line in body.splitlines() if line.strip().startswith('- ')]
    assert lines == ['- Wim Jansen: 2 nieuwe of veranderde afspraken', '- Wim Jansen: nieuwe rapportages (2 keer)',
                     '- Wim Jansen: 2 nieuwe berichten'], body
    assert f'{base}/calendar\n' in body.replace('\r', '') and f'{base}/messages\n' in body.replace('\r', '')
    mailed_on = last_mail.astimezone(ZoneInfo('Europe/Amsterdam')).day  # the mail speaks the page's time zone
    assert 'sinds gisteren' not in body and f'sinds {mailed_on} ' in body


def test_two_threads_started_together_give_one_mail(care_page, register, mailbox, db):
    from tests.parallel import at_once
    manager, circle_id, _, _ = care_page
    reader, _ = add_member(register, db, circle_id, 'lezer@example.nl', 'trust')
    writer, _ = add_member(register, db, circle_id, 'schrijver@example.nl', 'trust')
    reader.get(f'/api/v1/circles/{circle_id}/messages')
    for client in (manager, writer):
        client.csrf()
    url = f'/api/v1/circles/{circle_id}/messages'
    answers = at_once(lambda: manager.post(url, {'text': 'Eerste onderwerp.', 'audience': 'all'}),
                      lambda: writer.post(url, {'text': 'Tweede onderwerp.', 'audience': 'all'}))
    assert [a.status_code for a in answers] == [201, 201]
    assert len([m for m in mailbox.to('lezer@example.nl') if 'bericht' in m['Subject']]) == 1
