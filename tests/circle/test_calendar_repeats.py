"""The calendar in full: all-day and repeating appointments (RFC 5545 rules, in Europe/Amsterdam), one time of a
series changed or removed, changing and removing by the author or the manager, and each member's iCal feed."""

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar

from hub.cli import cli
from tests.careprovider.test_fhir_sync import client_records, fhir_load
from tests.circle.test_api import _join

AMSTERDAM = ZoneInfo('Europe/Amsterdam')


def _page(app, fhir_server, provider, coupling_code, register):
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    fhir_load(fhir_server.base_url, client_records(patient_id, reports=1))  # care appointments in -3, 2 and 9 days
    name = provider('Zorggroep Agenda', base_url=fhir_server.base_url)
    manager = register('m@example.nl', 'Mieke', 'Bos')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    return manager, circle


def _monday_next_week():
    today = datetime.now(AMSTERDAM).date()
    return today + timedelta(days=7 - today.weekday())


def test_a_weekly_appointment_across_summer_time_with_one_time_moved_and_one_removed(
        app, fhir_server, provider, coupling_code, register, db):
    manager, circle = _page(app, fhir_server, provider, coupling_code, register)
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    url = f"/api/v1/circles/{circle['id']}/appointments"
    monday = _monday_next_week()
    start = datetime.combine(monday, datetime.min.time().replace(hour=10), tzinfo=AMSTERDAM)
    made = basic.post(url, {'title': 'Zwemmen', 'starts_at': start.isoformat(),
                            'ends_at': (start + timedelta(hours=1)).isoformat(),
                            'repeat': {'freq': 'weekly', 'count': 30}})
    assert made.status_code == 201, made.get_json()
    series = made.get_json()['appointment_id']
    window = f"?from={start.isoformat().replace('+', '%2B')}&to={(start + timedelta(days=400)).isoformat().replace('+', '%2B')}"
    times = [i for i in manager.get(url + window).get_json()['items'] if i['kind'] == 'own']
    assert len(times) == 30 and {i['appointment_id'] for i in times} == {series}
    local = [datetime.fromisoformat(i['starts_at']).astimezone(AMSTERDAM) for i in times]
    assert {(t.hour, t.minute, t.weekday()) for t in local} == {(10, 0, 0)}  # 10:00 on Mondays, summer time or not
    assert times[1]['occurrence'] == (monday + timedelta(days=7)).isoformat()

    second, third = times[1]['occurrence'], times[2]['occurrence']
    moved_start = datetime.combine(date.fromisoformat(second), datetime.min.time().replace(hour=14), tzinfo=AMSTERDAM)
    moved = basic.patch(f'{url}/{series}?occurrence={second}', {'starts_at': moved_start.isoformat(),
                                                                'ends_at': (moved_start + timedelta(hours=1)).isoformat()})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()['series_id'] == series and moved.get_json()['appointment_id'] != series
    assert basic.delete(f'{url}/{series}?occurrence={third}').status_code == 204
    times = [i for i in manager.get(url + window).get_json()['items'] if i['kind'] == 'own']
    assert len(times) == 29 and third not in {i['occurrence'] for i in times}
    [shifted] = [i for i in times if i['series_id'] == series]
    assert datetime.fromisoformat(shifted['starts_at']).astimezone(AMSTERDAM).hour == 14
    assert basic.delete(f'{url}/{series}?occurrence={third}').status_code == 404  # gone already
    tuesday = (monday + timedelta(days=1)).isoformat()
    assert basic.delete(f'{url}/{series}?occurrence={tuesday}').status_code == 404  # not a day it has
    assert basic.delete(f'{url}/{series}?occurrence=volgende-week').status_code == 422
    edit = f"/circles/{circle['id']}/calendar/{series}/edit"
    assert basic.get(f'{edit}?occurrence=volgende-week').status_code == 422  # the page says it plainly too
    for far in ('9999-12-31', '0001-01-01'):  # the ends of the calendar: said plainly, never a 500
        assert basic.delete(f'{url}/{series}?occurrence={far}').status_code == 422
        assert basic.get(f'{edit}?occurrence={far}').status_code == 422
    assert basic.get(f'{edit}?occurrence={tuesday}').status_code == 404
    form = basic.get(f'{edit}?occurrence={times[3]["occurrence"]}').get_data(as_text=True)
    assert 'value="weekly" checked' in form and 'value="30"' in form  # the series' repeat, read back

    changed = basic.patch(f'{url}/{series}', {'title': 'Zwemmen met Kees', 'repeat': {'freq': 'weekly',
                                                                                      'interval': 2, 'count': 5}})
    assert changed.status_code == 200 and changed.get_json()['title'] == 'Zwemmen met Kees'
    times = [i for i in manager.get(url + window).get_json()['items'] if i['kind'] == 'own']
    assert len([i for i in times if i['appointment_id'] == series]) == 4  # five, less the removed one
    assert basic.delete(f'{url}/{series}').status_code == 204
    assert [i for i in manager.get(url + window).get_json()['items'] if i['kind'] == 'own'] == []  # moved one too


def test_all_day_appointments_and_who_may_change_them(app, fhir_server, provider, coupling_code, register, db):
    manager, circle = _page(app, fhir_server, provider, coupling_code, register)
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    trust, _ = _join(manager, circle, register, 'trust@example.nl', 'trust')
    url = f"/api/v1/circles/{circle['id']}/appointments"
    day = (datetime.now(AMSTERDAM) + timedelta(days=3)).date()
    party = basic.post(url, {'title': 'Verjaardag oma', 'all_day': True, 'date': day.isoformat(),
                             'description': 'Taart om 15 uur.\nNeem bloemen mee.'})
    assert party.status_code == 201, party.get_json()
    item = party.get_json()
    assert item['all_day'] and datetime.fromisoformat(item['starts_at']).astimezone(AMSTERDAM).hour == 0
    assert datetime.fromisoformat(item['ends_at']) - datetime.fromisoformat(item['starts_at']) == timedelta(days=1)
    for bad in ({'title': 'x', 'all_day': True}, {'title': 'x', 'all_day': True, 'date': 'morgen'},
                {'title': 'x', 'all_day': 'ja', 'date': day.isoformat()},
                {'title': 'x', 'date': day.isoformat()},
                {'title': 'x', 'all_day': True, 'date': day.isoformat(), 'starts_at': datetime.now(UTC).isoformat()},
                {'title': 'x', 'starts_at': datetime.now(UTC).isoformat(), 'repeat': {'freq': 'yearly'}},
                {'title': 'x', 'starts_at': datetime.now(UTC).isoformat(), 'repeat': {'freq': 'daily', 'count': 0}},
                {'title': 'x', 'starts_at': datetime.now(UTC).isoformat(),
                 'repeat': {'freq': 'daily', 'count': 3, 'until': day.isoformat()}},
                {'title': 'x', 'starts_at': datetime.now(UTC).isoformat(),
                 'repeat': {'freq': 'daily', 'until': '2001-01-01'}},
                {'title': 'x', 'all_day': True, 'date': '0001-01-01'},
                {'title': 'x', 'starts_at': datetime.now(UTC).isoformat(), 'description': 'x' * 2001}):
        answer = basic.post(url, bad)
        assert answer.status_code == 422 and answer.get_json()['error']['code'], bad
    entry = item['appointment_id']
    assert trust.patch(f'{url}/{entry}', {'title': 'Van mij'}).status_code == 403  # not theirs
    assert basic.patch(f'{url}/{entry}', {}).status_code == 422
    assert basic.patch(f'{url}/{entry}', {'colour': 'red'}).status_code == 422
    assert basic.patch(f'{url}/{entry}?occurrence={day.isoformat()}', {'title': 'x'}).status_code == 422  # no series
    later = basic.patch(f'{url}/{entry}', {'date': (day + timedelta(days=1)).isoformat()})
    assert later.status_code == 200 and later.get_json()['all_day']
    timed = manager.patch(f'{url}/{entry}', {'all_day': False, 'starts_at': datetime.now(UTC).isoformat()})
    assert timed.status_code == 200 and not timed.get_json()['all_day']  # the manager tidies up
    assert register('x@example.nl').patch(f'{url}/{entry}', {'title': 'x'}).status_code == 404
    assert basic.patch(f'{url}/{uuid.uuid4()}', {'title': 'x'}).status_code == 404


def test_each_members_ical_feed_holds_what_they_may_see(app, fhir_server, provider, coupling_code, register, db):
    manager, circle = _page(app, fhir_server, provider, coupling_code, register)
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    url = f"/api/v1/circles/{circle['id']}/appointments"
    monday = _monday_next_week()
    start = datetime.combine(monday, datetime.min.time().replace(hour=10), tzinfo=AMSTERDAM)
    series = manager.post(url, {'title': 'Zwemmen', 'starts_at': start.isoformat(),
                                'repeat': {'freq': 'weekly', 'count': 4}}).get_json()['appointment_id']
    removed = (monday + timedelta(days=7)).isoformat()
    assert manager.delete(f'{url}/{series}?occurrence={removed}').status_code == 204
    manager.post(url, {'title': 'Eigen tandarts', 'starts_at': (start + timedelta(hours=5)).isoformat(),
                       'visibility': 'private'})

    feeds = {}
    for name, client in (('manager', manager), ('basic', basic)):
        made = client.post(f"/api/v1/circles/{circle['id']}/calendar-feed")
        assert made.status_code == 201 and '/calendar/' in made.get_json()['url']
        feeds[name] = '/' + made.get_json()['url'].split('/', 3)[3]
    answer = basic.client.get(feeds['manager'])  # no login needed: the address is the key
    assert answer.status_code == 200 and answer.mimetype == 'text/calendar'

    def events(path):
        calendar = Calendar.from_ical(basic.client.get(path).data)
        return {str(e['summary']): e for e in calendar.walk('VEVENT')}, calendar
    mine, calendar = events(feeds['manager'])
    assert {'Zwemmen', 'Eigen tandarts', 'Afspraak 1', 'Afspraak 2'} <= set(mine)
    swim = mine['Zwemmen']
    assert swim['rrule']['FREQ'] == ['WEEKLY'] and swim['rrule']['COUNT'] == [4]
    assert swim['dtstart'].params['TZID'] == 'Europe/Amsterdam' and swim.decoded('dtstart').hour == 10
    assert [d.dt.date().isoformat() for d in swim['exdate'].dts] == [removed]
    assert str(mine['Eigen tandarts']['class']) == 'PRIVATE'
    assert calendar.walk('VTIMEZONE') and str(calendar.walk('VTIMEZONE')[0]['tzid']) == 'Europe/Amsterdam'
    theirs, _ = events(feeds['basic'])
    assert set(theirs) == {'Zwemmen'}  # no one's private appointment, no care appointments for basic members

    assert basic.delete(f"/api/v1/circles/{circle['id']}/calendar-feed").status_code == 204
    assert basic.client.get(feeds['basic']).status_code == 404  # revoked
    assert basic.delete(f"/api/v1/circles/{circle['id']}/calendar-feed").status_code == 404
    again = manager.post(f"/api/v1/circles/{circle['id']}/calendar-feed").get_json()['url']
    assert basic.client.get(feeds['manager']).status_code == 404 and again.split('/')[-1] != feeds['manager']
    assert basic.client.get('/calendar/nonsense.ics').status_code == 404
    from sqlalchemy import select

    from hub.core.models import AuditRecord
    targets = list(db.scalars(select(AuditRecord.target).where(AuditRecord.event == 'dossier.appointments')))
    assert 'appointments:calendar-feed' in targets  # the feed's read of care appointments is in the access log


def test_the_calendar_and_its_feed_per_role(app, fhir_server, provider, coupling_code, register, db):
    manager, circle = _page(app, fhir_server, provider, coupling_code, register)
    basic, basic_member = _join(manager, circle, register, 'basic@example.nl', 'basic')
    base = f"/api/v1/circles/{circle['id']}"
    manager.patch(f"{base}/members/{basic_member['id']}", {'permissions': ['messages']})  # no calendar at all
    assert basic.get(f'{base}/appointments').status_code == 403
    assert basic.post(f'{base}/calendar-feed').status_code == 403
    assert basic.post(f'{base}/appointments', {'title': 'x', 'starts_at': datetime.now(UTC).isoformat()}
                      ).status_code == 403
    assert basic.get(f"/circles/{circle['id']}/calendar").status_code == 403
    assert basic.get(f"/circles/{circle['id']}/calendar/new").status_code == 403
    url = manager.post(f'{base}/calendar-feed').get_json()['url']
    outsider = register('x@example.nl')
    assert outsider.post(f'{base}/calendar-feed').status_code == 404
    assert outsider.delete(f'{base}/calendar-feed').status_code == 404
    manager.patch(f"{base}/members/{basic_member['id']}", {'permissions': ['appointments.own']})
    feed = basic.post(f'{base}/calendar-feed').get_json()['url']
    assert basic.client.get('/' + feed.split('/', 3)[3]).status_code == 200
    assert manager.delete(f"{base}/members/{basic_member['id']}").status_code == 204
    assert basic.client.get('/' + feed.split('/', 3)[3]).status_code == 404  # gone with the membership
    assert basic.client.get('/' + url.split('/', 3)[3]).status_code == 200  # the manager's still works


def test_the_feed_keeps_a_moved_time_as_clients_expand_it(care_page):
    """RFC 5545: a moved time is a RECURRENCE-ID override, not also an EXDATE (clients then drop the meeting)."""
    manager, circle_id, _, _ = care_page
    url = f'/api/v1/circles/{circle_id}/appointments'
    monday = _monday_next_week()
    start = datetime.combine(monday, datetime.min.time().replace(hour=10), tzinfo=AMSTERDAM)
    series = manager.post(url, {'title': 'Zwemmen', 'starts_at': start.isoformat(),
                                'ends_at': (start + timedelta(hours=1)).isoformat(),
                                'repeat': {'freq': 'weekly', 'count': 4}}).get_json()['appointment_id']
    second, third = (monday + timedelta(days=7)).isoformat(), (monday + timedelta(days=14)).isoformat()
    moved_start = datetime.combine(date.fromisoformat(second), datetime.min.time().replace(hour=14), tzinfo=AMSTERDAM)
    moved = {'starts_at': moved_start.isoformat(), 'ends_at': (moved_start + timedelta(hours=1)).isoformat()}
    assert manager.patch(f'{url}/{series}?occurrence={second}', moved).status_code == 200
    assert manager.delete(f'{url}/{series}?occurrence={third}').status_code == 204
    feed = '/' + manager.post(f'/api/v1/circles/{circle_id}/calendar-feed').get_json()['url'].split('/', 3)[3]
    calendar = Calendar.from_ical(manager.client.get(feed).data)
    [main] = [e for e in calendar.walk('VEVENT') if 'RRULE' in e]
    excluded = {d.dt.date() for prop in ([main['EXDATE']] if not isinstance(main.get('EXDATE', []), list)
                                         else main.get('EXDATE', [])) for d in prop.dts}
    assert excluded == {date.fromisoformat(third)}  # the removed time only
    times = recurring_ical_events.of(calendar).between(start - timedelta(days=1), start + timedelta(days=40))
    starts = sorted(event['DTSTART'].dt.astimezone(AMSTERDAM) for event in times)
    assert starts == [start, moved_start, start + timedelta(days=21)]
