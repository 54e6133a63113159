"""'Lezen' (seed 001 §8a): the dossier grouped by what it holds, for the members who may read the dossier."""

import uuid
from datetime import timedelta

from sqlalchemy import insert

from hub.core.timeutil import utcnow
from tests.fill import add_member

RECORDS = [
    ('goal', 'Goal/g1', {'description': 'Zelf aankleden in de ochtend', 'lifecycle_status': 'active',
                         'area': 'Wonen', 'client_status': 'Gaat steeds beter', 'due': '2027-02-01'}),
    ('plan', 'CarePlan/p1', {'title': 'Zorgplan 2026', 'status': 'active', 'goal_ids': ['Goal/g1'], 'activities': [
        {'description': 'Elke ochtend hulp bij het aankleden', 'discipline': 'Verzorgende IG',
         'problem': 'Moeite met aankleden', 'goal_ids': ['Goal/g1']}]}),
    ('plan', 'CarePlan/p0', {'title': 'Zorgplan 2024', 'status': 'completed', 'activities': [
        {'description': 'Oude afspraak', 'goal_ids': []}]}),
    ('condition', 'Condition/c1', {'description': 'Diabetes mellitus type 2', 'onset': '2019-05-01'}),
    ('questionnaire', 'QR/1', {'title': 'Dit vind ik ervan!', 'status': 'completed', 'answers': []}),
    ('questionnaire', 'QR/2', {'title': 'Dit vind ik ervan!', 'status': 'completed', 'answers': []}),
    ('questionnaire', 'QR/3', {'title': 'Aanvalsregistratie', 'status': 'completed', 'answers': []}),
]


def _records(db, dossier_id):
    from hub.careprovider.models import Record
    now = utcnow()
    for n, (kind, source_id, data) in enumerate(RECORDS):
        db.execute(insert(Record).values(
            id=uuid.uuid4(), dossier_id=dossier_id, kind=kind, source_id=source_id, source_type=kind, origin=source_id,
            content_hash=f'{n:064x}', data=data, raw={}, created_at=now, updated_at=now,
            occurred_at=now - timedelta(days=n)))


def test_the_dossier_reads_by_category(care_page, register, db):
    manager, circle_id, dossier_ids, _ = care_page
    _records(db, dossier_ids[0])
    notes = f'/api/v1/circles/{circle_id}/notes'
    note = manager.post(notes, {'text': 'Moeder slaapt graag uit.'}).get_json()
    providers = manager.get(f'/api/v1/circles/{circle_id}').get_json()['providers']
    assert manager.post(f"{notes}/{note['id']}/share", {'provider_id': providers[0]['id']}).status_code == 200

    read = manager.get(f'/api/v1/circles/{circle_id}/read').get_json()
    assert [g['data']['description'] for g in read['goals']] == ['Zelf aankleden in de ochtend']
    assert [n['data']['text'] for n in read['notes']] == ['Moeder slaapt graag uit.']
    assert [(q['title'], q['count']) for q in read['questionnaires']] == [
        ('Aanvalsregistratie', 1), ('Dit vind ik ervan!', 2)]
    assert [(a['description'], a['plan_title']) for a in read['agreements']] == [
        ('Elke ochtend hulp bij het aankleden', 'Zorgplan 2026')]  # a finished plan's actions are not agreements
    assert [c['data']['description'] for c in read['conditions']] == ['Diabetes mellitus type 2']

    page = manager.get(f'/circles/{circle_id}/read').get_data(as_text=True)
    for text in ('Dossier lezen', 'Doelen', 'Levensgebied', 'Aantekeningen cliënt en familie', 'Moeder slaapt graag uit.',
                 'Vragenlijsten', '2 keer ingevuld', 'Wat we doen volgens het zorgplan', 'Verzorgende IG', 'Gezondheid', 'Diabetes mellitus',
                 'sinds 1 mei 2019', 'aria-current="page">Lezen'):
        assert text in page, text
    assert f'/circles/{circle_id}/read' in manager.get(f'/circles/{circle_id}').get_data(as_text=True)
    assert f'/circles/{circle_id}/read' in manager.get(f'/circles/{circle_id}/timeline').get_data(as_text=True)

    basic, _ = add_member(register, db, circle_id, 'bas@example.nl', 'basic')
    assert basic.get(f'/api/v1/circles/{circle_id}/read').status_code == 403
    assert basic.get(f'/circles/{circle_id}/read').status_code == 403
    trust, _ = add_member(register, db, circle_id, 'tess@example.nl', 'trust')
    assert trust.get(f'/api/v1/circles/{circle_id}/read').status_code == 200
    assert register('x@example.nl').get(f'/api/v1/circles/{circle_id}/read').status_code == 404


def test_reading_asks_for_the_step_up_and_is_audited(care_page, db):
    from sqlalchemy import select, update

    from hub.account.models import AuthSession
    from hub.core.models import AuditRecord
    manager, circle_id, _, _ = care_page
    assert manager.get(f'/api/v1/circles/{circle_id}/read').status_code == 200
    reads = list(db.scalars(select(AuditRecord).where(AuditRecord.event == 'dossier.read')))
    assert len(reads) == 2 and {r.dossier_id for r in reads} == set(care_page[2])  # one per dossier read
    db.execute(update(AuthSession).values(second_factor_at=utcnow() - timedelta(hours=1)))
    assert manager.get(f'/api/v1/circles/{circle_id}/read').status_code == 401
    assert '/step-up' in manager.get(f'/circles/{circle_id}/read').headers['Location']
