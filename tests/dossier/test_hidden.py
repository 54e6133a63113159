"""The manager hides a record from chosen members: for them it is gone from every route and the download (a
measurement: its whole series), for the others nothing changes; undo shows it again; every hide and show is
audited; bad requests change nothing."""

import uuid

from sqlalchemy import select

from tests.fill import add_member, fill


def _record(db, kind, dossier_id=None):
    from hub.careprovider.models import Record
    query = select(Record).where(Record.kind == kind).order_by(Record.occurred_at.desc())
    if dossier_id:
        query = query.where(Record.dossier_id == dossier_id)
    return db.scalars(query)[0]


def _everything(client, circle_id):
    """Every text a member can read of the dossier, through every route that shows records."""
    base = f'/api/v1/circles/{circle_id}'
    answers = [client.get(f'{base}/{path}') for path in (
        'timeline', 'timeline?kind=plan', 'timeline?kind=report', 'plans', 'measurements', 'read', 'appointments',
        'export?format=fhir')]
    answers += [client.get(f'/circles/{circle_id}{path}') for path in ('', '/timeline', '/measurements', '/plans')]
    assert all(a.status_code == 200 for a in answers), [(a.request.path, a.status_code) for a in answers]
    return '\n'.join(a.get_data(as_text=True) for a in answers)


def test_a_hidden_record_is_gone_for_that_member_only_and_comes_back(care_page, app, register, db):
    from hub.careprovider.models import Record
    from hub.core.models import AuditRecord
    manager, circle_id, dossier_ids, _ = care_page
    fill(app, circle_id, dossier_ids, care_page[3], 2)
    hidden, hidden_id = add_member(register, db, circle_id, 'verborgen@example.nl', 'trust')
    other, _ = add_member(register, db, circle_id, 'ander@example.nl', 'trust')
    for client in (manager, hidden, other):
        client.step_up()
    report, plan = _record(db, 'report'), _record(db, 'plan')
    weight = _record(db, 'measurement', dossier_ids[0])
    before = _everything(hidden, circle_id)
    assert str(report.id) in before and str(plan.id) in before and str(weight.id) in before
    url = f'/api/v1/circles/{circle_id}/records/{{}}/hidden-from/{hidden_id}'
    for record in (report, plan, weight):
        assert manager.put(url.format(record.id)).status_code == 204
    assert manager.put(url.format(report.id)).status_code == 204  # again: nothing changes

    seen = _everything(hidden, circle_id)
    assert str(report.id) not in seen and str(plan.id) not in seen
    points = {point['id'] for series in hidden.get(f'/api/v1/circles/{circle_id}/measurements').get_json()['items']
              for point in series['points']}
    series = {str(r.id): r.dossier_id for r in db.scalars(select(Record).where(Record.code == '29463-7'))}
    assert {i for i, d in series.items() if d == dossier_ids[0]}.isdisjoint(points)  # the whole series is hidden
    assert {i for i, d in series.items() if d == dossier_ids[1]} <= points  # the other dossier's is not
    for path in (f'reports/{report.id}', f'plans/{plan.id}'):
        assert hidden.get(f'/api/v1/circles/{circle_id}/{path}').status_code == 404
    assert hidden.get(f'/circles/{circle_id}/reports/{report.id}').status_code == 404
    everyone_else = _everything(other, circle_id)
    assert str(report.id) in everyone_else and str(plan.id) in everyone_else
    assert str(report.id) in _everything(manager, circle_id)
    shown = manager.client.get(f'/circles/{circle_id}/reports/{report.id}').get_data(as_text=True)
    assert 'Verborgen voor Helper' in shown  # the manager sees it is hidden, and from whom

    for record in (report, plan, weight):
        assert manager.delete(url.format(record.id)).status_code == 204
    assert _everything(hidden, circle_id).count(str(report.id)) == before.count(str(report.id))
    events = [r.event for r in db.scalars(select(AuditRecord).where(AuditRecord.event.in_(('dossier.hide',
                                                                                         'dossier.show'))))]
    assert events.count('dossier.hide') == 3 and events.count('dossier.show') == 3  # the repeat changed nothing


def test_only_the_manager_hides_and_only_what_can_be_hidden(care_page, app, register, db):
    from hub.circle.models import HiddenRecord
    manager, circle_id, dossier_ids, manager_id = care_page
    fill(app, circle_id, dossier_ids, manager_id, 1)
    helper, helper_id = add_member(register, db, circle_id, 'helper@example.nl', 'trust')
    report = _record(db, 'report')
    members = manager.get(f'/api/v1/circles/{circle_id}/members').get_json()['items']
    [mine] = [m['id'] for m in members if m['role'] == 'manager']
    base = f'/api/v1/circles/{circle_id}/records'
    cases = [(helper, f'{base}/{report.id}/hidden-from/{helper_id}', 403),
             (manager, f'{base}/{report.id}/hidden-from/{mine}', 409),
             (manager, f'{base}/{uuid.uuid4()}/hidden-from/{helper_id}', 404),
             (manager, f'{base}/{report.id}/hidden-from/{uuid.uuid4()}', 404),
             (manager, f'{base}/not-an-id/hidden-from/{helper_id}', 404),
             (manager, f"{base}/{_record(db, 'appointment').id}/hidden-from/{helper_id}", 422),
             (manager, f"{base}/{_record(db, 'message').id}/hidden-from/{helper_id}", 422)]  # any other kind: 422
    for client, url, status in cases:
        answer = client.put(url)
        assert answer.status_code == status, (url, answer.get_json())
        assert 'error' in answer.get_json()
    other_manager = register('ander@example.nl', 'Ander', 'Beheer')  # a stranger to this care page
    assert other_manager.put(f'{base}/{report.id}/hidden-from/{helper_id}').status_code == 404
    assert db.count(HiddenRecord) == 0


def test_the_manager_hides_on_the_page_of_a_report(care_page, app, register, db):
    manager, circle_id, dossier_ids, manager_id = care_page
    fill(app, circle_id, dossier_ids, manager_id, 1)
    helper, helper_id = add_member(register, db, circle_id, 'helper@example.nl', 'trust', first_name='Tess')
    manager.step_up()
    report = _record(db, 'report')
    page = manager.get(f'/circles/{circle_id}/reports/{report.id}').get_data(as_text=True)
    assert 'Verberg dit voor iemand' in page and f'value="{helper_id}"' in page
    answer = manager.client.post(f'/circles/{circle_id}/records/{report.id}/hidden',
                                 data={'csrf_token': manager.csrf(), 'member': str(helper_id), 'back': 'report'})
    assert answer.status_code == 303 and f'/reports/{report.id}' in answer.headers['Location']
    helper.step_up()
    assert helper.get(f'/api/v1/circles/{circle_id}/reports/{report.id}').status_code == 404
    manager.client.post(f'/circles/{circle_id}/records/{report.id}/hidden',
                        data={'csrf_token': manager.csrf(), 'back': 'report'})  # nobody chosen: shown to all
    assert helper.get(f'/api/v1/circles/{circle_id}/reports/{report.id}').status_code == 200


def test_what_is_new_does_not_count_a_hidden_record(care_page, app, register, db):
    from hub.careprovider.models import Record
    from tests.dossier.test_timeline import _age_everything
    manager, circle_id, dossier_ids, manager_id = care_page
    fill(app, circle_id, dossier_ids, manager_id, 1)
    hidden, hidden_id = add_member(register, db, circle_id, 'verborgen@example.nl', 'trust')
    other, _ = add_member(register, db, circle_id, 'ander@example.nl', 'trust')
    url = f'/api/v1/circles/{circle_id}/timeline'
    for client in (hidden, other):
        client.step_up()
        client.get(url)  # a first visit
    _age_everything(db, 3)
    fill(app, circle_id, dossier_ids, manager_id, 1)  # new since: a report and a plan per dossier
    newest = db.scalars(select(Record).where(Record.kind == 'report').order_by(Record.created_at.desc()))[0]
    assert manager.put(f'/api/v1/circles/{circle_id}/records/{newest.id}/hidden-from/{hidden_id}').status_code == 204
    counts = {name: client.get(url).get_json()['new_count'] for name, client in (('hidden', hidden), ('other', other))}
    assert counts['hidden'] == counts['other'] - 1 and counts['other'] > 0


def test_a_hidden_plan_takes_its_goals_with_it(care_page, app, register, db):
    from sqlalchemy import insert, update

    from hub.careprovider.models import Record
    from hub.core.timeutil import utcnow
    manager, circle_id, dossier_ids, manager_id = care_page
    fill(app, circle_id, dossier_ids, manager_id, 1)
    hidden, hidden_id = add_member(register, db, circle_id, 'verborgen@example.nl', 'trust')
    hidden.step_up()
    plan = _record(db, 'plan', dossier_ids[0])
    goal_id = uuid.uuid4()
    db.execute(insert(Record).values(
        id=goal_id, dossier_id=dossier_ids[0], kind='goal', source_id='Goal/geheim-doel', source_type='Goal',
        origin='Goal/geheim-doel', content_hash='0' * 64, data={'description': 'Een geheim doel'}, raw={},
        updated_at=utcnow(), created_at=utcnow(), via='pull'))
    db.execute(update(Record).where(Record.id == plan.id).values(data={**plan.data, 'goal_ids': ['Goal/geheim-doel']}))
    read = f'/api/v1/circles/{circle_id}/read'
    assert 'Een geheim doel' in hidden.get(read).get_data(as_text=True)
    assert manager.put(f'/api/v1/circles/{circle_id}/records/{plan.id}/hidden-from/{hidden_id}').status_code == 204
    assert 'Een geheim doel' not in hidden.get(read).get_data(as_text=True)
    assert manager.delete(f'/api/v1/circles/{circle_id}/records/{plan.id}/hidden-from/{hidden_id}').status_code == 204
    assert 'Een geheim doel' in hidden.get(read).get_data(as_text=True)
