"""The timeline: what is new since the member's previous visit, a filter by kind, days on the page."""

from datetime import timedelta

from sqlalchemy import update

from hub.core.timeutil import utcnow
from tests.fill import fill


def _age_everything(db, hours):
    """Let time pass: what is stored came in, and the member's visit began, ``hours`` ago."""
    from hub.careprovider.models import Record, RecordVersion
    from hub.circle.models import Member
    then = utcnow() - timedelta(hours=hours)
    db.execute(update(Record).values(created_at=then))
    db.execute(update(RecordVersion).values(stored_at=then))
    db.execute(update(Member).where(Member.timeline_visit_at.is_not(None)).values(timeline_visit_at=then))


def test_the_timeline_marks_and_counts_what_came_in_since_the_previous_visit(care_page, app, db):
    manager, circle_id, dossier_ids, manager_id = care_page
    url = f'/api/v1/circles/{circle_id}/timeline'
    fill(app, circle_id, dossier_ids, manager_id, 3)
    first = manager.get(url).get_json()
    assert first['last_visit'] is None and first['new_count'] == 0  # a first visit: nothing is "new"
    assert len(first['items']) == 12 and not any(item['new'] for item in first['items'])

    _age_everything(db, 3)
    fill(app, circle_id, dossier_ids, manager_id, 2)  # a report and a plan per dossier, twice, came in since
    second = manager.get(url).get_json()
    assert second['last_visit'] is not None and second['new_count'] == 8
    assert sum(item['new'] for item in second['items']) == 8
    assert manager.get(url).get_json()['new_count'] == 8  # a reload is the same visit: still marked
    page = manager.get(f'/circles/{circle_id}/timeline').get_data(as_text=True)
    assert '8 nieuw sinds je vorige bezoek.' in page and page.count('card-new') == 8 and 'id="read-up-to"' in page

    _age_everything(db, 3)  # the next visit, hours later: nothing new any more
    third = manager.get(url).get_json()
    assert third['new_count'] == 0 and not any(item['new'] for item in third['items'])


def test_the_timeline_shows_one_kind_and_refuses_an_unknown_one(care_page, app):
    manager, circle_id, dossier_ids, manager_id = care_page
    fill(app, circle_id, dossier_ids, manager_id, 15)
    url = f'/api/v1/circles/{circle_id}/timeline'
    plans = manager.get(f'{url}?kind=plan').get_json()
    assert len(plans['items']) == 20 and {item['kind'] for item in plans['items']} == {'plan'}
    rest = manager.get(f"{url}?kind=plan&cursor={plans['next']}").get_json()
    assert len(rest['items']) == 10 and {item['kind'] for item in rest['items']} == {'plan'}
    response = manager.get(f'{url}?kind=measurement')
    assert response.status_code == 422 and response.get_json()['error']['code'] == 'invalid_kind'
    page = manager.get(f'/circles/{circle_id}/timeline?kind=report').get_data(as_text=True)
    assert 'aria-current="page">Rapportages' in page and 'card-plan' not in page
    assert manager.get(f'/circles/{circle_id}/timeline?kind=x').status_code == 303  # the page shows all instead


def test_a_note_sent_to_the_provider_is_on_the_timeline_sent_then_received(care_page, app, register, db):
    from hub.core.models import OutboxItem
    from tests.fill import add_member
    manager, circle_id, dossier_ids, manager_id = care_page
    fill(app, circle_id, dossier_ids, manager_id, 2)
    trust, _ = add_member(register, db, circle_id, 'tess@example.nl', 'trust', first_name='Tess')
    notes = f'/api/v1/circles/{circle_id}/notes'
    note = trust.post(notes, {'text': 'Moeder wil graag vaker douchen.'}).get_json()
    providers = manager.get(f'/api/v1/circles/{circle_id}').get_json()['providers']
    sent = trust.post(f"{notes}/{note['id']}/share", {'provider_id': providers[0]['id']})
    assert sent.status_code == 200, sent.get_json()

    url = f'/api/v1/circles/{circle_id}/timeline'
    first = manager.get(url).get_json()['items'][0]  # sent just now: the newest item
    assert first['kind'] == 'note' and first['id'] == note['id'] and first['new'] is False
    assert first['data'] == {'text': 'Moeder wil graag vaker douchen.', 'author': 'Tess trust', 'status': 'sent'}
    assert first['provider']['name'] == providers[0]['name']
    page = manager.get(f'/circles/{circle_id}/timeline').get_data(as_text=True)
    assert f"Notitie voor {providers[0]['name']}" in page and 'Verstuurd, nog niet ontvangen' in page
    assert note['id'] not in str(manager.get(f'{url}?kind=report').get_json())  # a filter shows its kind only

    db.execute(update(OutboxItem).where(OutboxItem.channel == 'provider').values(status='sent'))  # acknowledged
    assert manager.get(url).get_json()['items'][0]['data']['status'] == 'received'
    assert 'Ontvangen door de zorgaanbieder' in manager.get(f'/circles/{circle_id}/timeline').get_data(as_text=True)
    everything, cursor = [], None  # the note is paged with the records, once
    while True:
        answer = manager.get(url + (f'?cursor={cursor}' if cursor else '')).get_json()
        everything += [item['id'] for item in answer['items']]
        cursor = answer['next']
        if not cursor:
            break
    assert everything.count(note['id']) == 1 and len(everything) == len(set(everything)) == 9


def test_a_report_reads_on_its_own_with_the_one_before_and_after_it(care_page, app, register, db):
    from hub.careprovider.models import Record
    from tests.fill import add_member
    manager, circle_id, dossier_ids, manager_id = care_page
    fill(app, circle_id, dossier_ids, manager_id, 3)  # three reports in each of the two dossiers
    reports = [item for item in manager.get(f'/api/v1/circles/{circle_id}/timeline?kind=report').get_json()['items']]
    assert len(reports) == 6
    [first_id] = [r['id'] for r in reports[:1]]
    db.execute(update(Record).where(Record.id == __import__('uuid').UUID(first_id)).values(data={
        **reports[0]['data'], 'discipline': 'Verzorgende IG', 'care_question': 'Hulp bij wassen', 'keyword': 'ADL'}))
    base = f'/api/v1/circles/{circle_id}/reports'
    walked, current = [], reports[0]['id']
    while current:  # from the newest to the oldest, across both dossiers, by "previous"
        answer = manager.get(f'{base}/{current}').get_json()
        walked.append(answer['id'])
        current = answer['previous']
    assert walked == [r['id'] for r in reports]
    newest = manager.get(f"{base}/{reports[0]['id']}").get_json()
    assert newest['next'] is None and newest['data']['discipline'] == 'Verzorgende IG'
    assert manager.get(f"{base}/{reports[-1]['id']}").get_json()['next'] == reports[-2]['id']

    page = manager.get(f"/circles/{circle_id}/reports/{reports[0]['id']}").get_data(as_text=True)
    assert 'Verzorgende IG' in page and 'Hulp bij wassen' in page and 'Zorgvraag' in page and 'Kernwoord' in page
    assert f"/reports/{reports[1]['id']}" in page and 'rel="prev"' in page and 'rel="next"' not in page
    timeline = manager.get(f'/circles/{circle_id}/timeline').get_data(as_text=True)
    assert f"/circles/{circle_id}/reports/{reports[0]['id']}" in timeline  # the card's title opens it

    plan = next(i for i in manager.get(f'/api/v1/circles/{circle_id}/timeline?kind=plan').get_json()['items'])
    assert manager.get(f"{base}/{plan['id']}").status_code == 404  # a plan is not a report
    assert manager.get(f'{base}/nonsense').status_code == 404
    assert manager.get(f"{base}/{'x' * 300}").status_code == 404  # a plain 404: nothing long goes into the log
    assert manager.get(f"/circles/{circle_id}/reports/{'x' * 300}").status_code == 404
    basic, _ = add_member(register, db, circle_id, 'bas@example.nl', 'basic')
    assert basic.get(f"{base}/{reports[0]['id']}").status_code == 403
    other = register('o@example.nl')
    assert other.get(f"{base}/{reports[0]['id']}").status_code == 404


def test_a_report_asks_for_the_step_up(care_page, app, db):
    from hub.account.models import AuthSession
    manager, circle_id, dossier_ids, manager_id = care_page
    fill(app, circle_id, dossier_ids, manager_id, 1)
    [report] = manager.get(f'/api/v1/circles/{circle_id}/timeline?kind=report').get_json()['items'][:1]
    db.execute(update(AuthSession).values(second_factor_at=utcnow() - timedelta(hours=1)))
    stale = manager.get(f"/api/v1/circles/{circle_id}/reports/{report['id']}")
    assert stale.status_code == 401 and stale.get_json()['error']['code'] == 'step_up_required'
    assert '/step-up' in manager.get(f"/circles/{circle_id}/reports/{report['id']}").headers['Location']
