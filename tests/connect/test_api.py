"""Redeeming coupling codes through the JSON API."""

from datetime import timedelta

from sqlalchemy import update


def test_redeem_makes_the_account_manager_of_a_new_care_page(register, provider, coupling_code):
    name = provider()
    code = coupling_code(name, 'client-1')
    manager = register('m@example.nl', 'Mieke')
    response = manager.post('/api/v1/connections', {'code': code})
    assert response.status_code == 201, response.get_json()
    circle = response.get_json()
    assert set(circle) == {'id', 'name', 'role', 'permissions', 'providers', 'ends_on', 'ended', 'client_manages'}
    assert circle['role'] == 'manager'
    assert 'dossier' in circle['permissions'] and 'settings.contacts_add' in circle['permissions']
    assert [p['name'] for p in circle['providers']] == [name]
    listed = manager.get('/api/v1/circles').get_json()
    assert listed['next'] is None and [c['id'] for c in listed['items']] == [circle['id']]
    assert manager.get(f"/api/v1/circles/{circle['id']}").get_json() == circle


def test_code_is_single_use_and_forgiving_to_type(register, provider, coupling_code, db):
    from hub.circle.models import Circle
    name = provider()
    code = coupling_code(name, 'client-2')
    sloppy = code.replace('-', ' ').lower().replace('0', 'o').replace('1', 'l')
    first = register('a@example.nl')
    assert first.post('/api/v1/connections', {'code': sloppy}).status_code == 201
    second = register('b@example.nl')
    response = second.post('/api/v1/connections', {'code': code})
    assert response.status_code == 400
    assert response.get_json()['error']['code'] == 'invalid_code'
    assert db.count(Circle) == 1


def test_unknown_expired_and_revoked_codes_get_one_generic_answer(register, provider, coupling_code, db):
    from hub.connect.models import CouplingCode
    from hub.core.timeutil import utcnow
    name = provider()
    expired = coupling_code(name, 'client-3')
    db.execute(update(CouplingCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    revoked = coupling_code(name, 'client-4')
    db.execute(update(CouplingCode).where(CouplingCode.redeemed_at.is_(None), CouplingCode.expires_at > utcnow())
               .values(revoked_at=utcnow()))
    account = register('c@example.nl')
    answers = [account.post('/api/v1/connections', {'code': code}).get_json()
               for code in (expired, revoked, 'ABCD-EFGH-JKMN', 'too short', 'U' * 12)]
    assert all(answer == answers[0] for answer in answers)
    assert answers[0]['error']['code'] == 'invalid_code'


def test_a_linked_dossier_is_refused_and_the_code_stays_unused(register, provider, coupling_code, db):
    from hub.connect.models import CouplingCode
    name = provider()
    register('first@example.nl').post('/api/v1/connections', {'code': coupling_code(name, 'client-5')})
    second_code = coupling_code(name, 'client-5')
    response = register('second@example.nl').post('/api/v1/connections', {'code': second_code})
    assert response.status_code == 409
    assert response.get_json()['error']['code'] == 'dossier_linked'
    assert db.count(CouplingCode, CouplingCode.redeemed_at.is_(None)) == 1


def test_a_second_dossier_joins_a_care_page_the_redeemer_manages(register, provider, coupling_code):
    first, second = provider('Zorg Een'), provider('Zorg Twee')
    manager = register('m2@example.nl')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(first, 'x1')}).get_json()
    response = manager.post('/api/v1/connections', {'code': coupling_code(second, 'x2'), 'circle_id': circle['id']})
    assert response.status_code == 201
    assert sorted(p['name'] for p in response.get_json()['providers']) == ['Zorg Een', 'Zorg Twee']
    stranger = register('s@example.nl')
    response = stranger.post('/api/v1/connections', {'code': coupling_code(second, 'x3'), 'circle_id': circle['id']})
    assert response.status_code == 404


def test_bad_requests_change_nothing(register, provider, coupling_code, new_api, db):
    from hub.circle.models import Circle
    name = provider()
    code = coupling_code(name, 'client-6')
    anonymous = new_api()
    assert anonymous.post('/api/v1/connections', {'code': code}).status_code == 401
    account = register('d@example.nl')
    assert account.post('/api/v1/connections', {'code': code}, csrf=False).status_code == 400
    assert account.post('/api/v1/connections', {'code': code, 'extra': 1}).status_code == 422
    assert account.post('/api/v1/connections', {'code': 123}).status_code == 422
    assert account.post('/api/v1/connections', {'code': code, 'circle_id': 'nope'}).status_code == 422
    assert account.post('/api/v1/connections', {}).status_code == 422
    assert db.count(Circle) == 0
    assert account.post('/api/v1/connections', {'code': code}).status_code == 201


def test_a_refused_code_on_the_page_stays_unused(register, provider, coupling_code, db, api):
    import re

    from hub.connect.models import CouplingCode
    name = provider()
    register('first@example.nl').post('/api/v1/connections', {'code': coupling_code(name, 'client-9')})
    second_code = coupling_code(name, 'client-9')
    person = register('second@example.nl')
    page = person.client.get('/connect').get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = person.client.post('/connect', data={'code': second_code, 'csrf_token': token})
    assert response.status_code == 409  # as the API answers: the dossier is linked already
    assert db.count(CouplingCode, CouplingCode.redeemed_at.is_(None)) == 1


def test_a_broken_cursor_is_a_clear_error(register, provider, coupling_code):
    import base64
    import json
    manager = register('m@example.nl')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(provider(), 'c')}).get_json()
    for raw in (['2024-01-01', 5], ['9999-12-31T23:59:59-14:00', '00000000-0000-0000-0000-000000000000'], 'x', [1]):
        cursor = base64.urlsafe_b64encode(json.dumps(raw).encode()).decode()
        response = manager.get(f"/api/v1/circles/{circle['id']}/timeline?cursor={cursor}")
        assert response.status_code == 422, raw
    assert manager.get(f"/api/v1/circles/{circle['id']}/timeline?cursor=%%%").status_code == 422


def test_a_transfer_code_moves_management(register, provider, coupling_code, mailbox, db):
    from sqlalchemy import select

    from hub.circle.models import Member
    name = provider()
    old = register('old@example.nl', 'Oud')
    circle = old.post('/api/v1/connections', {'code': coupling_code(name, 'client-t')}).get_json()
    new = register('new@example.nl', 'Nieuw')
    response = new.post('/api/v1/connections', {'code': coupling_code(name, 'client-t', transfer=True)})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()['id'] == circle['id'] and response.get_json()['role'] == 'manager'
    assert old.get(f"/api/v1/circles/{circle['id']}").get_json()['role'] == 'trust'
    assert 'Nieuw' in mailbox.last_to('old@example.nl').get_content()
    assert sorted(m.role for m in db.scalars(select(Member))) == ['manager', 'trust']


def test_unlink_a_dossier_and_delete_a_care_page(register, provider, coupling_code, db):
    from hub.careprovider.models import Dossier
    from hub.circle.models import Circle, Member
    first, second = provider('Een'), provider('Twee')
    manager = register('m@example.nl')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(first, 'a')}).get_json()
    base = f"/api/v1/circles/{circle['id']}"
    manager.post('/api/v1/connections', {'code': coupling_code(second, 'b'), 'circle_id': circle['id']})
    dossiers = manager.get(f'{base}/dossiers').get_json()['items']
    assert [d['provider']['name'] for d in dossiers] == ['Een', 'Twee']
    assert manager.delete(f"{base}/dossiers/{dossiers[0]['id']}").status_code == 204
    assert [p['name'] for p in manager.get(base).get_json()['providers']] == ['Twee']
    assert db.count(Dossier) == 1
    assert manager.delete(f"{base}/dossiers/{dossiers[0]['id']}").status_code == 404
    assert manager.delete(base, csrf=False).status_code == 400
    assert manager.delete(base).status_code == 204
    assert db.count(Circle) == 0 and db.count(Member) == 0 and db.count(Dossier) == 0
    assert manager.get(base).status_code == 404
    # a new care page is not silently linked to the old dossiers
    again = manager.post('/api/v1/connections', {'code': coupling_code(first, 'c')}).get_json()
    assert [p['name'] for p in again['providers']] == ['Een']


def test_twenty_parallel_redemptions_of_one_code_one_wins(session_app, register, provider, coupling_code, db):
    import threading

    from hub.circle.models import Circle
    name = provider()
    code = coupling_code(name, 'client-race')
    people = [register(f'p{n}@example.nl', totp=False) for n in range(20)]
    barrier = threading.Barrier(len(people))
    results = []

    def redeem(person):
        barrier.wait()
        results.append(person.post('/api/v1/connections', {'code': code}).status_code)
    threads = [threading.Thread(target=redeem, args=(p,)) for p in people]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(results) == [201] + [400] * 19, results
    assert db.count(Circle) == 1


def test_wrong_codes_on_the_page_are_audited_and_counted(register, provider, coupling_code, db):
    import re

    from hub.core.models import AuditRecord
    good = coupling_code(provider(), 'client-p')
    person = register('p@example.nl')
    page = person.client.get('/connect').get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    for n in range(5):
        response = person.client.post('/connect', data={'code': f'ABCD-EFGH-JK{n:02d}', 'csrf_token': token})
        assert response.status_code == 400  # as the API answers a wrong code
    assert db.count(AuditRecord, AuditRecord.event == 'coupling.redeem') == 5
    response = person.client.post('/connect', data={'code': good, 'csrf_token': token})
    assert response.status_code == 429 and ('te vaak' in response.get_data(as_text=True).lower()
                                            or 'too often' in response.get_data(as_text=True).lower())


def test_deleting_a_care_page_asks_the_step_up_and_tells_its_members(care_page, register, mailbox, db):
    from hub.account.models import AuthSession
    from hub.circle.models import Circle
    from hub.core.timeutil import utcnow
    from tests.fill import add_member
    manager, circle_id, _, _ = care_page
    helper, _ = add_member(register, db, circle_id, 'hulp@example.nl', 'trust', first_name='Kees')
    _, removed_id = add_member(register, db, circle_id, 'weg@example.nl', 'basic', first_name='Anna')
    assert manager.delete(f'/api/v1/circles/{circle_id}/members/{removed_id}').status_code == 204
    [gone] = [m for m in mailbox.to('weg@example.nl') if 'zorgpagina' in m['Subject']]
    assert 'Mieke Jansen heeft je van een zorgpagina gehaald' in gone.get_content()  # no name known yet

    db.execute(update(AuthSession).values(second_factor_at=utcnow() - timedelta(hours=1)))
    refused = manager.delete(f'/api/v1/circles/{circle_id}')
    assert refused.status_code == 401 and refused.get_json()['error']['code'] == 'step_up_required'
    page = manager.client.get(f'/circles/{circle_id}/delete')
    assert page.status_code == 303 and '/step-up' in page.headers['Location']
    assert db.count(Circle) == 1
    manager.step_up()
    assert manager.delete(f'/api/v1/circles/{circle_id}').status_code == 204
    assert db.count(Circle) == 0
    [told] = [m for m in mailbox.to('hulp@example.nl') if m['Subject'] == 'Een zorgpagina is verwijderd']
    assert 'Mieke Jansen heeft een zorgpagina verwijderd' in told.get_content()
    assert not [m for m in mailbox.to('manager@example.nl') if m['Subject'] == 'Een zorgpagina is verwijderd']
    assert helper.get('/api/v1/circles').get_json()['items'] == []


def test_a_client_who_hands_over_management_stays_the_client(register, provider, coupling_code, db):
    from sqlalchemy import select

    from hub.circle.models import Member
    name = provider()
    client = register('wim@example.nl', 'Wim')
    circle = client.post('/api/v1/connections', {'code': coupling_code(name, 'client-w'), 'for_self': True}).get_json()
    assert circle['client_manages'] is True
    mentor = register('mentor@example.nl', 'Mentor')
    moved = mentor.post('/api/v1/connections', {'code': coupling_code(name, 'client-w', transfer=True)}).get_json()
    assert moved['role'] == 'manager' and moved['client_manages'] is False  # the mentor is not the client
    mine = client.get(f"/api/v1/circles/{circle['id']}").get_json()
    assert mine['role'] == 'client' and 'dossier' not in mine['permissions']
    assert sorted(m.role for m in db.scalars(select(Member))) == ['client', 'manager']
