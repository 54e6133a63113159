"""Help requests: a member asks for a ride, a visit or a meal with a number of places; others sign up or withdraw
(409 when the places are taken); a reminder the day before to those signed up; in the calendar and on the care page,
only for the members who see the calendar."""

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.circle.test_api import _care_page, _join

AMSTERDAM = ZoneInfo('Europe/Amsterdam')


def _tomorrow_at(hour):
    day = datetime.now(AMSTERDAM).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, tzinfo=AMSTERDAM)


def test_ask_sign_up_withdraw_and_the_places(app, register, provider, coupling_code, mailbox, db):
    manager, circle = _care_page(register, provider, coupling_code)
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    trust, _ = _join(manager, circle, register, 'trust@example.nl', 'trust')
    url = f"/api/v1/circles/{circle['id']}/help-requests"
    start = _tomorrow_at(10)
    asked = manager.post(url, {'title': 'Rit naar het ziekenhuis', 'kind': 'ride', 'places': 1,
                               'starts_at': start.isoformat(), 'ends_at': (start + timedelta(hours=2)).isoformat(),
                               'description': 'Om 10 uur ophalen bij de voordeur.'})
    assert asked.status_code == 201, asked.get_json()
    item = asked.get_json()
    assert item['open_places'] == 1 and item['signups'] == [] and item['author'] == {'name': 'Mieke Jansen'}
    told = [m for m in mailbox.deliver() if m['Subject'] == 'Iemand vraagt om hulp']
    assert {m['To'] for m in told} == {'basic@example.nl', 'trust@example.nl'}  # not the one who asked
    assert 'Rit naar het ziekenhuis' in told[0].get_content()

    signup = f"{url}/{item['id']}/signup"
    mine = basic.post(signup).get_json()
    assert mine['open_places'] == 0 and mine['signups'] == [{'name': 'basic Persoon', 'mine': True}]
    assert basic.post(signup).status_code == 200  # twice: nothing changes
    full = trust.post(signup)
    assert full.status_code == 409 and full.get_json()['error']['code'] == 'help_full'
    assert trust.get(url).get_json()['items'][0]['signups'][0]['mine'] is False
    assert basic.delete(signup).get_json()['open_places'] == 1
    assert trust.post(signup).status_code == 200

    # in the calendar, as an item of its own kind
    window = f"/api/v1/circles/{circle['id']}/appointments"
    kinds = [entry['kind'] for entry in basic.get(window).get_json()['items']]
    assert kinds == ['help']
    # on the care page of those who see the calendar, while places are open
    assert manager.delete(f"{url}/{item['id']}/signup").status_code == 200  # not signed up: nothing changes
    page = basic.get(f"/circles/{circle['id']}").get_data(as_text=True)
    assert 'Hulp gevraagd' in page  # the agenda panel's link; the to-do band only lists open requests
    second = basic.post(url, {'title': 'Soep brengen', 'kind': 'meal', 'starts_at': _tomorrow_at(17).isoformat()})
    assert second.status_code == 201 and second.get_json()['places'] == 1
    assert 'Hulp gevraagd: Soep brengen' in trust.get(f"/circles/{circle['id']}").get_data(as_text=True)

    # removing: the one who asked or the manager
    assert trust.delete(f"{url}/{second.get_json()['id']}").status_code == 403
    assert manager.delete(f"{url}/{second.get_json()['id']}").status_code == 204
    assert len(basic.get(url).get_json()['items']) == 1


def test_bad_requests_and_who_may_see_them(app, register, provider, coupling_code, db):
    manager, circle = _care_page(register, provider, coupling_code)
    quiet, member = _join(manager, circle, register, 'quiet@example.nl', 'basic')
    url = f"/api/v1/circles/{circle['id']}/help-requests"
    start = _tomorrow_at(9).isoformat()
    for body in ({'title': 'Rit', 'kind': 'taxi', 'starts_at': start}, {'title': 'Rit', 'kind': 'ride'},
                 {'title': '', 'kind': 'ride', 'starts_at': start},
                 {'title': 'Rit', 'kind': 'ride', 'starts_at': start, 'places': 0},
                 {'title': 'Rit', 'kind': 'ride', 'starts_at': start, 'places': '2'},
                 {'title': 'Rit', 'kind': 'ride', 'starts_at': start, 'ends_at': _tomorrow_at(8).isoformat()},
                 {'title': 'Rit', 'kind': 'ride', 'starts_at': '2026-13-01T10:00:00+01:00'}):
        answer = manager.post(url, body)
        assert answer.status_code == 422, (body, answer.get_json())
    assert manager.get(url).get_json()['items'] == []
    asked = manager.post(url, {'title': 'Bezoek', 'kind': 'visit', 'starts_at': start, 'places': 2}).get_json()
    assert manager.post(f"{url}/{asked['id']}/signup").status_code == 200  # the one who asked may help too
    assert manager.post(f'{url}/not-an-id/signup').status_code == 404
    # a member who may only write messages does not see the calendar, nor its requests
    assert manager.patch(f"/api/v1/circles/{circle['id']}/members/{member['id']}",
                         {'permissions': ['messages']}).status_code == 200
    assert quiet.get(url).status_code == 403
    assert quiet.post(f"{url}/{asked['id']}/signup").status_code == 403
    assert 'Hulp gevraagd' not in quiet.get(f"/circles/{circle['id']}").get_data(as_text=True)


def test_a_reminder_the_day_before_to_those_signed_up(app, register, provider, coupling_code, mailbox, db):
    from hub.circle.help import remind
    from hub.core.commit import unit_of_work
    manager, circle = _care_page(register, provider, coupling_code)
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    _join(manager, circle, register, 'trust@example.nl', 'trust')
    url = f"/api/v1/circles/{circle['id']}/help-requests"
    tomorrow = manager.post(url, {'title': 'Rit naar de tandarts', 'kind': 'ride', 'places': 2,
                                  'starts_at': _tomorrow_at(11).isoformat()}).get_json()
    later = manager.post(url, {'title': 'Later', 'kind': 'visit',
                               'starts_at': (_tomorrow_at(11) + timedelta(days=3)).isoformat()}).get_json()
    for item in (tomorrow, later):
        assert basic.post(f"{url}/{item['id']}/signup").status_code == 200
    before = len(mailbox.deliver())
    with app.test_request_context(), unit_of_work():
        assert remind() == 1
    with app.test_request_context(), unit_of_work():
        assert remind() == 0  # once
    mails = mailbox.deliver()[before:]
    assert [m['To'] for m in mails] == ['basic@example.nl']
    assert mails[0]['Subject'] == 'Morgen help je: Rit naar de tandarts' and '11:00' in mails[0].get_content()


def test_the_help_page(app, register, provider, coupling_code, db):
    manager, circle = _care_page(register, provider, coupling_code)
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    page_url = f"/circles/{circle['id']}/help"
    token = manager.csrf()
    bad = manager.client.post(page_url, data={'csrf_token': token, 'action': 'ask', 'title': '', 'kind': 'ride',
                                              'day': 'morgen', 'start': '10:00', 'places': '1'})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'href="#start"' in html and 'error-summary' in html
    odd = manager.client.post(page_url, data={'csrf_token': token, 'action': 'ask', 'title': 'Rit', 'kind': 'ride',
                                              'day': '2030-01-01', 'start': '10:00', 'places': '²'})
    assert odd.status_code == 422  # a superscript two is no number of places
    day = (datetime.now(AMSTERDAM).date() + timedelta(days=2)).isoformat()
    made = manager.client.post(page_url, data={'csrf_token': token, 'action': 'ask', 'title': 'Boodschappen doen',
                                               'kind': 'other', 'day': day, 'start': '14:30', 'places': '2'})
    assert made.status_code == 303
    listed = basic.get(page_url).get_data(as_text=True)
    request_id = re.search(r'name="request_id" value="([^"]+)"', listed).group(1)
    assert 'Boodschappen doen' in listed and '14:30' in listed and 'Nog 2 plekken vrij' in listed
    joined = basic.client.post(page_url, data={'csrf_token': basic.csrf(), 'action': 'signup',
                                               'request_id': request_id})
    assert joined.status_code == 303
    assert 'Helpen mee: basic' in basic.get(page_url).get_data(as_text=True)


def test_parallel_sign_ups_never_pass_the_places(app, register, provider, coupling_code, db):
    from hub.circle.models import HelpSignup
    from tests.fill import add_member
    from tests.parallel import AT_ONCE, at_once
    manager, circle = _care_page(register, provider, coupling_code)
    helpers = [add_member(register, db, uuid.UUID(circle['id']), f'h{n}@example.nl', 'basic')[0] for n in range(AT_ONCE)]
    url = f"/api/v1/circles/{circle['id']}/help-requests"
    for places in (1, 3):
        start = _tomorrow_at(9 + places)
        asked = manager.post(url, {'title': 'Boodschappen', 'kind': 'other', 'places': places,
                                   'starts_at': start.isoformat()}).get_json()
        for helper in helpers:
            helper.csrf()  # each browser has its token before the race
        signup = f"{url}/{asked['id']}/signup"
        answers = at_once(*[lambda h=h, path=signup: h.post(path) for h in helpers])
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [200] * places + [409] * (AT_ONCE - places), statuses
        assert {a.get_json()['error']['code'] for a in answers if a.status_code == 409} == {'help_full'}
        assert db.count(HelpSignup, HelpSignup.request_id == uuid.UUID(asked['id'])) == places
