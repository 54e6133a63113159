"""The care page says what needs doing ("Te doen"): a plan waiting for the manager's approval, new messages, new
reports since the last visit, a provider that cannot be reached (the manager)."""

import uuid

from sqlalchemy import insert, update

from hub.core.timeutil import utcnow
from tests.fill import add_member, fill


def test_the_care_page_says_what_needs_doing_for_each_member(care_page, register, app, db):
    from hub.careprovider.models import Dossier, Record
    manager, circle_id, dossier_ids, manager_id = care_page
    now = utcnow()
    db.execute(insert(Record).values(
        id=uuid.uuid4(), dossier_id=dossier_ids[0], kind='plan', source_id='CarePlan/w', source_type='CarePlan',
        origin='CarePlan/w', content_hash='w' * 64, raw={}, created_at=now, updated_at=now, occurred_at=now,
        data={'title': 'Zorgplan 2027', 'status': 'active', 'approval': 'awaiting_signature'}))
    manager.get(f'/circles/{circle_id}/timeline')  # a visit: what comes after it is new
    fill(app, circle_id, dossier_ids, manager_id, 2)  # reports come in (and the provider's messages)
    helper, _ = add_member(register, db, circle_id, 'hulp@example.nl', 'basic')
    helper.post(f'/api/v1/circles/{circle_id}/messages', {'text': 'Hallo allemaal', 'audience': 'all'})
    db.execute(update(Dossier).where(Dossier.id == dossier_ids[1]).values(failures=2))

    page = manager.get(f'/circles/{circle_id}').get_data(as_text=True)
    band = page[page.index('id="todo-heading"'):page.index('</section>', page.index('id="todo-heading"'))]
    assert 'Een zorgplan wacht op je akkoord: Zorgplan 2027' in band
    assert '4 nieuwe rapportages sinds je vorige bezoek' in band
    assert 'nieuwe berichten' in band or 'nieuw bericht' in band
    assert 'Zorggroep Twee' in band  # cannot be reached: the manager hears it here
    basic = helper.get(f'/circles/{circle_id}').get_data(as_text=True)
    assert 'wacht op je akkoord' not in basic and 'rapportages sinds' not in basic  # nothing of the dossier
    assert 'konden geen nieuwe gegevens' not in basic  # nor the trouble: that is the manager's


def test_the_care_page_shows_the_next_appointments_of_everyone_and_the_latest_messages(care_page, register, db):
    from datetime import timedelta
    manager, circle_id, _, _ = care_page
    helper, _ = add_member(register, db, circle_id, 'hulp@example.nl', 'basic')
    helper.post(f'/api/v1/circles/{circle_id}/appointments', {
        'title': 'Wandelen met mama', 'starts_at': (utcnow() + timedelta(days=2)).isoformat()})
    helper.post(f'/api/v1/circles/{circle_id}/messages', {'subject': 'Verjaardag', 'text': 'Wie komt er?',
                                                          'audience': 'all'})
    page = manager.get(f'/circles/{circle_id}').get_data(as_text=True)
    agenda = page[page.index('id="next-appointments"'):]
    assert 'Wandelen met mama' in agenda  # a helper's appointment, not only the care ones
    messages = page[page.index('id="latest-messages"'):]
    assert 'Verjaardag' in messages and '1 nieuw' in messages
    assert manager.get(f'/api/v1/circles/{circle_id}/messages').get_json()['items'][0]['unread'] == 1  # not read
