"""Access that fits real families: a last day for a helper (with mails before it, renewal in one step, refusal on
every route the day after) and the basis of each membership (asked at invitation, kept in the audit record)."""

import re
import uuid
from datetime import timedelta

from sqlalchemy import select, update

from tests.circle.test_api import _care_page, _join


def _today(app):
    from hub.circle.access import today
    with app.test_request_context():
        return today()


def _url(rule, circle_id):
    url = rule.rule.replace('<circle_id>', circle_id)
    return re.sub(r'<[^>]+>', str(uuid.uuid4()), url)


def test_the_manager_sets_a_last_day_and_a_basis_and_bad_ones_change_nothing(app, register, provider,
                                                                             coupling_code, db):
    manager, circle = _care_page(register, provider, coupling_code)
    helper, member = _join(manager, circle, register, 'h@example.nl', 'basic', basis='friend')
    url = f"/api/v1/circles/{circle['id']}/members/{member['id']}"
    assert member['basis'] == 'friend' and member['ends_on'] is None and member['ended'] is False
    today = _today(app)
    for body in ({'ends_on': (today - timedelta(days=1)).isoformat()}, {'basis': 'baas'}, {'ends_on': 'morgen'},
                 {'ends_on': '9999-12-31'},
                 {'ends_on': (today + timedelta(days=30)).isoformat(), 'basis': 'vriend'}):
        answer = manager.patch(url, body)
        assert answer.status_code == 422, (body, answer.get_json())
    assert manager.get(f"/api/v1/circles/{circle['id']}/members").get_json()['items'][1]['ends_on'] is None
    last = (today + timedelta(days=30)).isoformat()
    changed = manager.patch(url, {'ends_on': last, 'basis': 'mentor'}).get_json()
    assert changed['ends_on'] == last and changed['basis'] == 'mentor' and changed['ended'] is False
    assert manager.patch(url, {'ends_on': today.isoformat()}).status_code == 200  # today is the last day: allowed
    assert helper.get(f"/api/v1/circles/{circle['id']}").status_code == 200
    assert helper.patch(url, {'ends_on': None}).status_code == 403  # only the manager
    [me] = [m for m in manager.get(f"/api/v1/circles/{circle['id']}/members").get_json()['items']
            if m['role'] == 'manager']
    manager_url = f"/api/v1/circles/{circle['id']}/members/{me['id']}"
    assert manager.patch(manager_url, {'ends_on': last}).status_code == 409  # the manager has no end
    assert manager.patch(manager_url, {'basis': 'guardian'}).get_json()['basis'] == 'guardian'


def test_an_ended_member_is_refused_on_every_route_until_renewed(app, register, provider, coupling_code, db):
    from hub.circle.models import Member
    manager, circle = _care_page(register, provider, coupling_code)
    helper, member = _join(manager, circle, register, 'h@example.nl', 'trust')
    feed = helper.post(f"/api/v1/circles/{circle['id']}/calendar-feed").get_json()['url']
    feed_path = '/' + feed.split('/', 3)[3]
    assert helper.client.get(feed_path).status_code == 200
    db.execute(update(Member).where(Member.id == uuid.UUID(member['id']))
               .values(ends_on=_today(app) - timedelta(days=1)))
    assert app.test_client().get(feed_path).status_code == 404  # the phone's calendar stops too
    refused = []
    for rule in app.url_map.iter_rules():
        if '<circle_id>' not in rule.rule:
            continue
        for method in sorted(rule.methods & {'GET', 'POST', 'PATCH', 'PUT', 'DELETE'}):
            answer = helper._send(method, _url(rule, circle['id']), {} if method != 'GET' else None)
            if answer.status_code != 403:
                refused.append((method, rule.rule, answer.status_code))
            elif rule.rule.startswith('/api/'):
                assert answer.get_json()['error']['code'] == 'access_ended', rule.rule
    assert refused == [], refused
    page = helper.get(f"/circles/{circle['id']}/timeline")
    assert page.status_code == 403 and 'om je toegang te verlengen' in page.get_data(as_text=True)
    [listed] = helper.get('/api/v1/circles').get_json()['items']
    assert listed['ended'] is True
    choose = helper.get('/circles').get_data(as_text=True)  # listed as ended, not opened
    assert 'status-waiting' in choose
    # the manager still sees them, marked ended; one step renews
    members = manager.get(f"/api/v1/circles/{circle['id']}/members").get_json()['items']
    assert [m['ended'] for m in members if m['id'] == member['id']] == [True]
    form = manager.client.post(f"/circles/{circle['id']}/members/{member['id']}/access",
                               data={'action': 'renew', 'csrf_token': manager.csrf()})
    assert form.status_code == 303
    [row] = db.scalars(select(Member).where(Member.id == uuid.UUID(member['id'])))
    assert row.ends_on > _today(app) + timedelta(days=80)
    assert helper.get(f"/api/v1/circles/{circle['id']}/timeline").status_code == 200


def test_mails_14_days_and_1_day_before_the_last_day(app, register, provider, coupling_code, db, mailbox):
    from hub.circle.operations import remind_access_ends
    from hub.core.commit import unit_of_work
    manager, circle = _care_page(register, provider, coupling_code)
    helper, member = _join(manager, circle, register, 'h@example.nl', 'basic')
    today = _today(app)
    url = f"/api/v1/circles/{circle['id']}/members/{member['id']}"
    mailbox.deliver()
    before = len(mailbox.sink.messages)

    def remind(on):
        with app.test_request_context(), unit_of_work():
            return remind_access_ends(on)
    assert manager.patch(url, {'ends_on': (today + timedelta(days=14)).isoformat()}).status_code == 200
    assert remind(today) == 1 and remind(today) == 0  # once per mark
    assert remind(today + timedelta(days=5)) == 0
    assert remind(today + timedelta(days=13)) == 1  # the day before
    mails = mailbox.deliver()[before:]
    to_helper = [m for m in mails if m['To'] == 'h@example.nl']
    to_manager = [m for m in mails if m['To'] == 'manager@example.nl']
    assert len(to_helper) == 2 and len(to_manager) == 2
    assert 'beheerder' in to_helper[0].get_content() and 'toegang van h ' in to_manager[0]['Subject']
    assert '14 dagen' in to_helper[0].get_content() and '1 dag.' in to_helper[1].get_content()
    # a renewal starts the reminders again for the new date
    assert manager.patch(url, {'ends_on': (today + timedelta(days=40)).isoformat()}).status_code == 200
    assert remind(today + timedelta(days=26)) == 1


def test_the_basis_is_asked_at_invitation_and_kept_in_the_audit_of_reads(app, register, provider, coupling_code, db):
    from hub.core.models import AuditRecord
    manager, circle = _care_page(register, provider, coupling_code)
    page = manager.client.post(f"/circles/{circle['id']}/invite", data={
        'csrf_token': manager.csrf(), 'email': 'mentor@example.nl', 'first_name': 'Mo', 'last_name': 'Ment',
        'role': 'trust', 'ends_on': 'gisteren'})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and 'href="#basis"' in html and 'href="#ends_on"' in html
    bad = manager.post(f"/api/v1/circles/{circle['id']}/invitations", {
        'email': 'mentor@example.nl', 'first_name': 'Mo', 'last_name': 'Ment', 'role': 'trust', 'basis': 'baas'})
    assert bad.status_code == 422 and 'basis' in bad.get_json()['error']['fields']
    last = (_today(app) + timedelta(days=60)).isoformat()
    helper, member = _join(manager, circle, register, 'mentor@example.nl', 'trust', basis='mentor', ends_on=last)
    assert member['basis'] == 'mentor' and member['ends_on'] == last
    helper.enrol_totp()
    helper.step_up()
    assert helper.get(f"/api/v1/circles/{circle['id']}/timeline").status_code == 200
    reads = db.scalars(select(AuditRecord).where(AuditRecord.event == 'dossier.timeline',
                                                 AuditRecord.actor_basis == 'mentor'))
    assert reads, 'the read of the mentor carries their basis'
    members_page = manager.get(f"/circles/{circle['id']}/members").get_data(as_text=True)
    assert 'Mentor' in members_page
