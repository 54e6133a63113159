"""The manager answers, per helper and on a page, what they may see and do (seed 000)."""

import uuid

from sqlalchemy import select

from tests.fill import add_member


def test_the_manager_answers_yes_or_no_per_question_and_it_holds_at_once(care_page, register, db):
    from hub.circle.models import Member
    manager, circle_id, _, _ = care_page
    helper, member_id = add_member(register, db, circle_id, 'bas@example.nl', 'basic', first_name='Bas')
    url = f'/circles/{circle_id}/members/{member_id}/access'
    page = manager.get(url).get_data(as_text=True)
    assert 'Wat mag Bas?' in page and 'name="cap-data.contacts" value="no" checked' in page
    assert 'settings.contacts_add' not in page  # the manager's own: never given to a helper
    assert helper.get(f'/api/v1/circles/{circle_id}/data').get_json() == {'sections': {}}
    answers = {'csrf_token': manager.csrf(), 'role': 'basic', 'cap-messages': 'yes', 'cap-data.contacts': 'yes'}
    response = manager.client.post(url, data=answers)
    assert response.status_code == 303 and '/members' in response.headers['Location']
    [changed] = db.scalars(select(Member).where(Member.id == member_id))
    assert changed.permissions == ['data.contacts', 'messages']
    assert set(helper.get(f'/api/v1/circles/{circle_id}/data').get_json()['sections']) == {'contact_persons'}
    assert helper.get(f'/api/v1/circles/{circle_id}/board').status_code == 200  # reading the board needs no answer
    assert 'Wat mag Bas?' in manager.get(f'/circles/{circle_id}/members').get_data(as_text=True)

    response = manager.client.post(url, data={'csrf_token': manager.csrf(), 'role': 'trust', 'standard': '1'})
    assert response.status_code == 303
    [changed] = db.scalars(select(Member).where(Member.id == member_id))
    assert changed.role == 'trust' and changed.permissions is None  # the group's, and it follows the group
    same = manager.client.post(url, data={'csrf_token': manager.csrf(), 'role': 'basic',
                                          **{f'cap-{code}': 'yes' for code in ('messages', 'appointments.own',
                                             'appointments.add', 'data.board_post', 'data.board_react',
                                             'settings.photo', 'settings.profile')}})
    assert same.status_code == 303
    [changed] = db.scalars(select(Member).where(Member.id == member_id))
    assert changed.role == 'basic' and changed.permissions is None  # exactly the group's answers: the group

    bad = manager.client.post(url, data={'csrf_token': manager.csrf(), 'role': 'manager'})
    assert bad.status_code == 422 and 'id="role-error"' in bad.get_data(as_text=True)
    [unchanged] = db.scalars(select(Member).where(Member.id == member_id))
    assert unchanged.role == 'basic'  # a refused change changes nothing
    assert helper.get(url).status_code == 403  # only the manager
    [manager_member] = db.scalars(select(Member.id).where(Member.role == 'manager'))
    assert manager.get(f'/circles/{circle_id}/members/{manager_member}/access').status_code == 409
    assert manager.get(f'/circles/{circle_id}/members/{uuid.uuid4()}/access').status_code == 404
    assert manager.get(f'/circles/{circle_id}/members/nonsense/access').status_code == 404


def test_one_form_with_one_save_button_sets_group_answers_basis_and_last_day(app, care_page, register, db):
    """The access page is one form (GOV.UK: one question page, one button); the legal roles say what they are."""
    from datetime import timedelta

    from hub.circle.access import today
    from hub.circle.models import Member
    manager, circle_id, _, _ = care_page
    _, member_id = add_member(register, db, circle_id, 'cor@example.nl', 'basic', first_name='Cor')
    url = f'/circles/{circle_id}/members/{member_id}/access'
    page = manager.get(url).get_data(as_text=True)
    main = page.split('<main', 1)[1].split('</main>', 1)[0]
    assert main.count('<button') == 1 and '>Opslaan</button>' in main
    assert 'value="group" checked' in page and 'data-reveal-when="own"' in page  # the questions: only when asked
    assert 'De rechter heeft deze persoon benoemd om te beslissen over geld' in page  # curator, in one line
    assert 'aria-describedby="basis-guardian-hint"' in page and 'id="basis-family"' in page
    with app.test_request_context():
        last = (today() + timedelta(days=30))
    response = manager.client.post(url, data={
        'csrf_token': manager.csrf(), 'role': 'trust', 'choice': 'own', 'cap-messages': 'yes', 'cap-dossier': 'yes',
        'basis': 'curator', 'ends_on': last.isoformat()})
    assert response.status_code == 303
    [changed] = db.scalars(select(Member).where(Member.id == member_id))
    assert (changed.role, changed.permissions, changed.basis, changed.ends_on) == (
        'trust', ['dossier', 'messages'], 'curator', last)
    assert 'value="own" checked' in manager.get(url).get_data(as_text=True)

    # a wrong last day refuses the whole form: nothing of it is saved, and the answers stay on the page
    refused = manager.client.post(url, data={'csrf_token': manager.csrf(), 'role': 'basic', 'choice': 'group',
                                             'basis': 'mentor', 'ends_on': '2001-01-01'})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'href="#ends_on"' in html and 'value="mentor" checked' in html
    [unchanged] = db.scalars(select(Member).where(Member.id == member_id))
    assert (unchanged.role, unchanged.basis) == ('trust', 'curator')

    # a last day already past is not asked again when something else changes
    db.execute(Member.__table__.update().where(Member.id == member_id).values(ends_on=last - timedelta(days=400)))
    past = (last - timedelta(days=400)).isoformat()
    again = manager.client.post(url, data={'csrf_token': manager.csrf(), 'role': 'trust', 'choice': 'group',
                                           'basis': 'curator', 'ends_on': past})
    assert again.status_code == 303
    [kept] = db.scalars(select(Member).where(Member.id == member_id))
    assert kept.permissions is None and kept.ends_on.isoformat() == past
