"""One day of a care page for its client: helpers' appointments, care appointments and help that comes, in time
order, in the care page's time zone, each with who comes and a pictogram."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import textstat

from hub.cli import cli
from tests.careprovider.test_fhir_sync import client_records, fhir_load
from tests.circle.test_api import _join

AMSTERDAM = ZoneInfo('Europe/Amsterdam')


def test_the_day_holds_who_comes_in_time_order_in_the_pages_time_zone(
        app, fhir_server, provider, coupling_code, register, db):
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    fhir_load(fhir_server.base_url, client_records(patient_id, reports=1, now=now))  # care in -3, 2 and 9 days
    name = provider('Zorggroep Vandaag', base_url=fhir_server.base_url)
    manager = register('m@example.nl', 'Mieke', 'Bos')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    client, _ = _join(manager, circle, register, 'wim@example.nl', 'client')
    trust, _ = _join(manager, circle, register, 'ahmed@example.nl', 'trust')
    base = f"/api/v1/circles/{circle['id']}"
    care_at = (now + timedelta(days=2)).astimezone(AMSTERDAM)
    day = care_at.date()
    # a walk at 23:30 the evening before in Amsterdam is that day's, not the care day's, even where UTC says so
    evening = datetime.combine(day - timedelta(days=1), datetime.min.time(), AMSTERDAM).replace(hour=23, minute=30)
    morning = datetime.combine(day, datetime.min.time(), AMSTERDAM).replace(hour=0, minute=30)
    assert manager.post(f'{base}/appointments', {'title': 'Laat wandelen', 'starts_at': evening.isoformat()}
                        ).status_code == 201
    assert manager.post(f'{base}/appointments', {'title': 'Vroeg ontbijt', 'starts_at': morning.isoformat()}
                        ).status_code == 201
    help_at = datetime.combine(day, datetime.min.time(), AMSTERDAM).replace(hour=18)
    asked = manager.post(f'{base}/help-requests', {'title': 'Samen eten', 'kind': 'meal', 'places': 1,
                                                   'starts_at': help_at.isoformat()}).get_json()
    assert trust.post(f"{base}/help-requests/{asked['id']}/signup").status_code == 200

    answer = client.get(f'{base}/today?date={day.isoformat()}')
    assert answer.status_code == 200, answer.get_json()
    plan = answer.get_json()
    assert plan['date'] == day.isoformat()
    items = [(i['kind'], i['title'], i['pictogram'], i['who']['name']) for i in plan['items']]
    expected = sorted([(morning, ('appointment', 'Vroeg ontbijt', 'appointment', 'Mieke Bos')),
                       (care_at, ('care', 'Afspraak 1', 'care', 'Sander Kok')),
                       (help_at, ('help', 'Samen eten', 'meal', 'ahmed Persoon'))])
    assert items == [item for _, item in expected], items
    starts = [datetime.fromisoformat(i['starts_at']) for i in plan['items']]
    assert starts == sorted(starts) and all(s.astimezone(AMSTERDAM).date() == day for s in starts)
    assert all(i['who']['photo_url'] is None for i in plan['items'])  # nobody has a photo yet
    before = client.get(f'{base}/today?date={(day - timedelta(days=1)).isoformat()}').get_json()
    assert 'Laat wandelen' in [i['title'] for i in before['items']]
    # today by default; a day that is none is refused plainly; a stranger learns nothing
    assert client.get(f'{base}/today').get_json()['date'] == datetime.now(AMSTERDAM).date().isoformat()
    wrong = client.get(f'{base}/today?date=2026-02-30')
    assert wrong.status_code == 422 and 'date' in wrong.get_json()['error']['fields']
    assert register('x@example.nl').get(f'{base}/today').status_code == 404


def test_a_photo_shows_who_comes(app, register, provider, coupling_code, db):
    from tests.account.test_photo import image_bytes, upload
    manager = register('m@example.nl', 'Mieke', 'Bos')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(provider(), 'client-1')}).get_json()
    client, _ = _join(manager, circle, register, 'wim@example.nl', 'client')
    assert upload(manager, image_bytes()).status_code == 201
    soon = (datetime.now(AMSTERDAM) + timedelta(hours=1)).replace(second=0, microsecond=0)
    base = f"/api/v1/circles/{circle['id']}"
    assert manager.post(f'{base}/appointments', {'title': 'Koffie', 'starts_at': soon.isoformat()}).status_code == 201
    [item] = client.get(f'{base}/today?date={soon.date().isoformat()}').get_json()['items']
    assert item['who']['photo_url'].startswith('/api/v1/accounts/')
    assert client.get(item['who']['photo_url']).status_code == 200


def test_the_client_reads_today_and_tomorrow_as_big_cards(app, register, provider, coupling_code, db):
    from tests.reading import text
    manager = register('m@example.nl', 'Mieke', 'Bos')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(provider(), 'client-1')}).get_json()
    client, _ = _join(manager, circle, register, 'wim@example.nl', 'client')
    tomorrow = (datetime.now(AMSTERDAM) + timedelta(days=1)).replace(hour=10, minute=30, second=0, microsecond=0)
    base = f"/api/v1/circles/{circle['id']}"
    assert manager.post(f'{base}/appointments', {'title': 'Naar de kapper', 'starts_at': tomorrow.isoformat()}
                        ).status_code == 201
    page = client.get(f"/circles/{circle['id']}/vandaag")
    assert page.status_code == 200
    assert 'Vandaag' in text(page) and 'Er staat vandaag niets in de agenda.' in text(page)
    page = client.get(f"/circles/{circle['id']}/vandaag?dag=morgen")
    words = text(page)
    assert 'Morgen' in words and 'om half 11 (10:30)' in words and 'Naar de kapper' in words
    assert 'Met Mieke Bos.' in words
    html = page.get_data(as_text=True)
    assert 'alt="Afspraak"' in html and 'pictograms/appointment.svg' in html and 'data-read-aloud' in html
    assert register('x@example.nl').get(f"/circles/{circle['id']}/vandaag").status_code == 404
    easy_to_read(html)


def easy_to_read(html):
    """Easy read: each line and sentence of the page's own part short, and it reads very easily (Flesch-Douma)."""
    own = re.search(r'<main.*?</main>', html, re.S).group(0)
    lines = [re.sub(r'\s+', ' ', unescape(re.sub(r'<[^>]+>', ' ', block))).replace('\u00ad', '').strip()
             for block in re.split(r'</(?:h1|h2|h3|p|li|a)>', own)]
    sentences = [part for line in lines for part in re.split(r'(?<=[.!?:])\s+', line) if part]
    # no abbreviations: 'bijv.', 'o.a.', 'z.s.m.', 'enz.', 'ca.', 'i.p.v.' and the like are hard to read and to hear
    abbreviations = re.findall(r'\b(?:[a-z]{1,4}\.){2,}|\b(?:bijv|enz|etc|ca|evt|incl|excl|mvg|nr|tel|blz|afd)\.',
                               ' '.join(lines), re.I)
    assert not abbreviations, abbreviations
    assert sentences and all(len(part.split()) <= 10 for part in sentences), sentences
    textstat.set_lang('nl')
    score = textstat.flesch_reading_ease(' '.join(sentences))
    assert score >= 80, f"{score}: {sentences}"
    return score


def test_the_week_shows_seven_days_from_today(app, register, provider, coupling_code, db):
    manager = register('m@example.nl', 'Mieke', 'Bos')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(provider(), 'client-1')}).get_json()
    client, _ = _join(manager, circle, register, 'wim@example.nl', 'client')
    today = datetime.now(AMSTERDAM).date()
    base = f"/api/v1/circles/{circle['id']}"
    for days, title in ((2, 'Zwemmen'), (6, 'Bingo'), (7, 'Te laat voor deze week')):
        moment = datetime.combine(today + timedelta(days=days), datetime.min.time(), AMSTERDAM).replace(hour=14)
        assert manager.post(f'{base}/appointments', {'title': title, 'starts_at': moment.isoformat()}
                            ).status_code == 201
    page = client.get(f"/circles/{circle['id']}/week")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count('class="week-day"') == 7
    assert 'Zwemmen' in html and 'Bingo' in html and 'Te laat voor deze week' not in html
    assert html.index('Zwemmen') < html.index('Bingo') and 'om 14 uur (14:00)' in html
    assert easy_to_read(html) >= 80
    assert client.get(f"/circles/{circle['id']}/vandaag").get_data(as_text=True).count('/week"') == 3  # menus, link
