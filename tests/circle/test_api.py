"""Invitations and roles through the JSON API."""

from sqlalchemy import select


def _care_page(register, provider, coupling_code, email='manager@example.nl'):
    manager = register(email, 'Mieke', 'Jansen')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(provider(), 'client-1')}).get_json()
    return manager, circle


def _invite(manager, circle, email, role, **extra):
    body = {'email': email, 'first_name': 'Helper', 'last_name': role, 'role': role, **extra}
    return manager.post(f"/api/v1/circles/{circle['id']}/invitations", body)


def test_invite_accept_and_what_each_role_may_read(register, provider, coupling_code, mailbox, new_api):
    manager, circle = _care_page(register, provider, coupling_code)
    for email, role in (('basic@example.nl', 'basic'), ('trust@example.nl', 'trust')):
        response = _invite(manager, circle, email, role)
        assert response.status_code == 201, response.get_json()
        assert response.get_json()['status'] == 'pending'
    link = mailbox.link('trust@example.nl', '/invitations/')
    assert 'Mieke Jansen' in mailbox.last_to('trust@example.nl')['Subject']
    invitation_id, token = link.split('/invitations/')[1].split('?token=')

    trust = register('trust@example.nl', 'Tess')
    pending = trust.get('/api/v1/invitations').get_json()['items']
    assert [i['id'] for i in pending] == [invitation_id]
    response = trust.post(f'/api/v1/invitations/{invitation_id}/accept', {'token': token})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()['role'] == 'trust'

    basic = register('basic@example.nl', 'Bas')
    [invitation] = basic.get('/api/v1/invitations').get_json()['items']
    assert basic.post(f"/api/v1/invitations/{invitation['id']}/accept").status_code == 200

    assert manager.get(f"/api/v1/circles/{circle['id']}/timeline").status_code == 200
    assert trust.get(f"/api/v1/circles/{circle['id']}/timeline").status_code == 200
    response = basic.get(f"/api/v1/circles/{circle['id']}/timeline")
    assert response.status_code == 403 and response.get_json()['error']['code'] == 'forbidden'
    assert 'dossier' not in basic.get(f"/api/v1/circles/{circle['id']}").get_json()['permissions']
    members = manager.get(f"/api/v1/circles/{circle['id']}/members").get_json()['items']
    assert [m['role'] for m in members] == ['manager', 'basic', 'trust']
    outsider = new_api()
    assert outsider.get(f"/api/v1/circles/{circle['id']}/timeline").status_code == 401


def test_only_the_manager_invites(register, provider, coupling_code, db):
    from hub.circle.models import Invitation, Member
    manager, circle = _care_page(register, provider, coupling_code)
    _invite(manager, circle, 'basic@example.nl', 'basic')
    basic = register('basic@example.nl')
    [invitation] = basic.get('/api/v1/invitations').get_json()['items']
    basic.post(f"/api/v1/invitations/{invitation['id']}/accept")
    response = _invite(basic, circle, 'friend@example.nl', 'trust')
    assert response.status_code == 403
    stranger = register('stranger@example.nl')
    assert _invite(stranger, circle, 'friend@example.nl', 'trust').status_code == 404
    assert db.count(Invitation) == 1 and db.count(Member) == 2


def test_invitation_mistakes_get_clear_errors(register, provider, coupling_code, db):
    from hub.circle.models import Invitation
    manager, circle = _care_page(register, provider, coupling_code)
    assert _invite(manager, circle, 'manager@example.nl', 'basic').get_json()['error']['code'] == 'invite_self'
    assert _invite(manager, circle, 'x@example.nl', 'boss').status_code == 422
    assert _invite(manager, circle, 'x@example.nl', 'basic', phone='06-1234').status_code == 422
    assert _invite(manager, circle, 'x@example.nl', 'basic', permissions=['nonsense']).status_code == 422
    assert _invite(manager, circle, 'x@example.nl', 'trust', permissions=['settings.contacts_add']).status_code == 422
    assert _invite(manager, circle, 'x@example.nl', 'custom').status_code == 422
    assert _invite(manager, circle, 'x@example.nl', 'basic', admin=True).status_code == 422
    assert db.count(Invitation) == 0
    assert _invite(manager, circle, 'x@example.nl', 'basic', phone='0612345678').status_code == 201
    assert _invite(manager, circle, 'X@example.nl', 'trust').get_json()['error']['code'] == 'already_invited'
    response = _invite(manager, circle, 'c@example.nl', 'basic', permissions=['messages', 'dossier', 'dossier'])
    assert response.status_code == 201 and response.get_json()['permissions'] == ['dossier', 'messages']


def test_an_invitation_is_for_its_addressee_only(register, provider, coupling_code, mailbox, db):
    from hub.circle.models import Member
    manager, circle = _care_page(register, provider, coupling_code)
    _invite(manager, circle, 'right@example.nl', 'trust')
    invitation_id, token = mailbox.link('right@example.nl', '/invitations/').split('/invitations/')[1].split('?token=')
    wrong = register('wrong@example.nl')
    response = wrong.post(f'/api/v1/invitations/{invitation_id}/accept', {'token': token})
    assert response.status_code == 403
    assert response.get_json()['error']['code'] == 'invitation_for_other'
    assert db.count(Member) == 1
    right = register('right@example.nl')
    assert right.post(f'/api/v1/invitations/{invitation_id}/accept', {'token': 'forged'}).status_code == 400
    assert right.post(f'/api/v1/invitations/{invitation_id}/accept', {'token': token}).status_code == 200
    again = right.post(f'/api/v1/invitations/{invitation_id}/accept', {'token': token})
    assert again.status_code == 409
    assert right.post('/api/v1/invitations/not-a-uuid/accept').status_code == 404


def test_decline(register, provider, coupling_code, db):
    from hub.circle.models import Invitation
    manager, circle = _care_page(register, provider, coupling_code)
    _invite(manager, circle, 'no@example.nl', 'basic')
    helper = register('no@example.nl')
    [invitation] = helper.get('/api/v1/invitations').get_json()['items']
    assert helper.post(f"/api/v1/invitations/{invitation['id']}/decline").get_json()['status'] == 'declined'
    assert helper.get('/api/v1/invitations').get_json()['items'] == []
    assert [i.status for i in db.scalars(select(Invitation))] == ['declined']
    assert helper.get(f"/api/v1/circles/{circle['id']}").status_code == 404


def _join(manager, circle, register, email, role, **extra):
    _invite(manager, circle, email, role, **extra)
    helper = register(email, first_name=email.split('@')[0])
    [invitation] = helper.get('/api/v1/invitations').get_json()['items']
    assert helper.post(f"/api/v1/invitations/{invitation['id']}/accept").status_code == 200
    members = manager.get(f"/api/v1/circles/{circle['id']}/members").get_json()['items']
    return helper, next(m for m in members if m['first_name'] == email.split('@')[0])


def test_the_manager_fine_tunes_and_removes_members(register, provider, coupling_code, db):
    from hub.circle.models import Member
    manager, circle = _care_page(register, provider, coupling_code)
    base = f"/api/v1/circles/{circle['id']}"
    helper, member = _join(manager, circle, register, 'h@example.nl', 'basic')
    assert helper.get(f'{base}/timeline').status_code == 403
    response = manager.patch(f"{base}/members/{member['id']}", {'permissions': ['messages', 'dossier']})
    assert response.status_code == 200 and response.get_json()['custom'] is True
    assert helper.get(f'{base}/timeline').status_code == 200  # from the next request on
    response = manager.patch(f"{base}/members/{member['id']}", {'permissions': None, 'role': 'basic'})
    assert response.get_json()['permissions'] == sorted(response.get_json()['permissions'])
    assert helper.get(f'{base}/timeline').status_code == 403

    for body in ({}, {'role': 'manager'}, {'permissions': ['settings.contacts_add']}, {'role': 'trust', 'x': 1}):
        assert manager.patch(f"{base}/members/{member['id']}", body).status_code == 422, body
    me = next(m for m in manager.get(f'{base}/members').get_json()['items'] if m['role'] == 'manager')
    assert manager.patch(f"{base}/members/{me['id']}", {'role': 'basic'}).status_code == 409
    assert manager.delete(f"{base}/members/{me['id']}").status_code == 409
    assert helper.patch(f"{base}/members/{member['id']}", {'role': 'trust'}).status_code == 403
    assert helper.delete(f"{base}/members/{me['id']}").status_code == 403
    assert manager.patch(f'{base}/members/not-an-id', {'role': 'trust'}).status_code == 404

    assert manager.delete(f"{base}/members/{member['id']}").status_code == 204
    assert helper.get(base).status_code == 404  # access ends at once
    assert helper.get(f'{base}/timeline').status_code == 404
    assert db.count(Member) == 1


def test_a_helper_can_leave_and_members_of_one_page_cannot_touch_another(register, provider, coupling_code):
    manager, circle = _care_page(register, provider, coupling_code)
    helper, member = _join(manager, circle, register, 't@example.nl', 'trust')
    other_manager = register('other@example.nl')
    other = other_manager.post('/api/v1/connections', {'code': coupling_code('Zorggroep Test', 'client-2')}).get_json()
    assert other_manager.delete(f"/api/v1/circles/{other['id']}/members/{member['id']}").status_code == 404
    assert other_manager.patch(f"/api/v1/circles/{other['id']}/members/{member['id']}",
                               {'role': 'basic'}).status_code == 404
    assert helper.delete(f"/api/v1/circles/{circle['id']}/members/{member['id']}").status_code == 204
    assert helper.get('/api/v1/circles').get_json()['items'] == []


def test_the_manager_resends_and_revokes_invitations(register, provider, coupling_code, mailbox):
    manager, circle = _care_page(register, provider, coupling_code)
    base = f"/api/v1/circles/{circle['id']}"
    invitation = _invite(manager, circle, 'i@example.nl', 'trust').get_json()
    assert [i['id'] for i in manager.get(f'{base}/invitations').get_json()['items']] == [invitation['id']]
    assert manager.post(f"{base}/invitations/{invitation['id']}/resend").status_code == 200
    assert len(mailbox.to('i@example.nl')) == 2
    invitee = register('i@example.nl')
    assert invitee.get(f'{base}/invitations').status_code == 404  # not a member (yet)
    assert manager.delete(f"{base}/invitations/{invitation['id']}").status_code == 204
    response = invitee.post(f"/api/v1/invitations/{invitation['id']}/accept")
    assert response.status_code == 409 and response.get_json()['error']['code'] == 'invitation_withdrawn'
    assert 'Mieke Jansen' in response.get_json()['error']['message']  # who withdrew it
    assert manager.delete(f"{base}/invitations/{invitation['id']}").status_code == 404


def test_a_basic_member_is_refused_every_manager_route_and_nothing_changes(
        register, provider, coupling_code, db):
    from hub.circle.models import Circle, Invitation, Member
    manager, circle = _care_page(register, provider, coupling_code)
    base = f"/api/v1/circles/{circle['id']}"
    invitation = _invite(manager, circle, 'later@example.nl', 'trust').get_json()
    helper, member = _join(manager, circle, register, 'basic@example.nl', 'basic')
    me = next(m for m in manager.get(f'{base}/members').get_json()['items'] if m['role'] == 'manager')
    dossier = manager.get(f'{base}/dossiers').get_json()['items'][0]
    calls = [
        ('post', f'{base}/invitations', {'email': 'z@example.nl', 'first_name': 'Z', 'last_name': 'Z', 'role': 'basic'}),
        ('get', f'{base}/invitations', None),
        ('post', f"{base}/invitations/{invitation['id']}/resend", None),
        ('delete', f"{base}/invitations/{invitation['id']}", None),
        ('patch', f"{base}/members/{member['id']}", {'role': 'trust'}),
        ('patch', f"{base}/members/{me['id']}", {'role': 'basic'}),
        ('delete', f"{base}/members/{me['id']}", None),
        ('delete', f"{base}/dossiers/{dossier['id']}", None),
        ('delete', base, None),
        ('post', '/api/v1/connections', {'code': 'ABCD-EFGH-JKMN', 'circle_id': circle['id']}),
    ]
    before = (db.count(Circle), db.count(Member), db.count(Invitation))
    for method, path, body in calls:
        if method == 'get':
            response = helper.get(path)
        elif method == 'delete':
            response = helper.delete(path)
        else:
            response = getattr(helper, method)(path, body)
        assert response.status_code == 403, (method, path, response.status_code)
    assert (db.count(Circle), db.count(Member), db.count(Invitation)) == before


def test_contact_persons_from_the_dossier_are_suggested_to_the_manager(app, register, provider, coupling_code,
                                                                       tmp_path):
    import json

    from hub.cli import cli
    bundle = tmp_path / 'bundle.json'
    bundle.write_text(json.dumps({'resourceType': 'Bundle', 'type': 'collection', 'entry': [
        {'resource': {'resourceType': 'Patient', 'id': 'p1', 'name': [{'family': 'Bakker', 'given': ['Annie']}]}},
        {'resource': {'resourceType': 'RelatedPerson', 'id': 'r1', 'patient': {'reference': 'Patient/p1'},
                      'name': [{'family': 'Bakker', 'given': ['Joost']}], 'relationship': [{'text': 'Zoon'}],
                      'telecom': [{'system': 'email', 'value': 'joost@example.nl'},
                                  {'system': 'phone', 'value': '06-12345678'}]}}]}))
    name = provider('Zorg Bundel', bundle=str(bundle))
    manager = register('m@example.nl')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, 'p1')}).get_json()
    assert app.test_cli_runner().invoke(cli, ['sync']).exit_code == 0
    page = manager.get(f"/circles/{circle['id']}/invite").get_data(as_text=True)
    assert 'Joost Bakker' in page and 'Zoon' in page and 'phone=0612345678' in page
    prefilled = manager.get(f"/circles/{circle['id']}/invite?first_name=Joost&last_name=Bakker"
                            f"&email=joost%40example.nl&phone=0612345678").get_data(as_text=True)
    assert 'value="joost@example.nl"' in prefilled
    _invite(manager, circle, 'joost@example.nl', 'trust')
    assert 'Joost Bakker' not in manager.get(f"/circles/{circle['id']}/invite").get_data(as_text=True)


def test_several_care_pages_last_used_is_opened_and_switching_is_one_click(register, provider, coupling_code):
    manager = register('m@example.nl')
    name = provider()
    first = manager.post('/api/v1/connections', {'code': coupling_code(name, 'a')}).get_json()
    second = manager.post('/api/v1/connections', {'code': coupling_code(name, 'b')}).get_json()
    chooser = manager.get('/circles').get_data(as_text=True)
    assert f"/circles/{first['id']}" in chooser and f"/circles/{second['id']}" in chooser  # no last one yet
    page = manager.get(f"/circles/{second['id']}").get_data(as_text=True)
    assert f'href="/circles/{first["id"]}"' in page  # the other one, one click away
    response = manager.get('/circles')
    assert response.status_code == 303 and response.headers['Location'].endswith(f"/circles/{second['id']}")
    assert manager.get('/circles?all=1').status_code == 200


def test_a_new_role_replaces_chosen_capabilities(register, provider, coupling_code):
    manager, circle = _care_page(register, provider, coupling_code)
    base = f"/api/v1/circles/{circle['id']}"
    helper, member = _join(manager, circle, register, 'h@example.nl', 'basic')
    manager.patch(f"{base}/members/{member['id']}", {'permissions': ['messages', 'dossier']})
    assert helper.get(f'{base}/timeline').status_code == 200
    response = manager.patch(f"{base}/members/{member['id']}", {'role': 'basic'})
    assert response.get_json()['custom'] is False
    assert helper.get(f'{base}/timeline').status_code == 403


def test_an_expired_invitation_is_not_resent(register, provider, coupling_code, db):
    from datetime import timedelta

    from sqlalchemy import update

    from hub.circle.models import Invitation
    from hub.core.timeutil import utcnow
    manager, circle = _care_page(register, provider, coupling_code)
    base = f"/api/v1/circles/{circle['id']}"
    first = _invite(manager, circle, 'late@example.nl', 'trust').get_json()
    db.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    assert _invite(manager, circle, 'late@example.nl', 'trust').status_code == 201
    response = manager.post(f"{base}/invitations/{first['id']}/resend")
    assert response.status_code == 409 and response.get_json()['error']['code'] == 'invitation_expired'
    assert _invite(manager, circle, 'late@example.nl', 'trust').status_code == 409


def test_every_phone_field_takes_numbers_as_people_type_them(register, provider, coupling_code, db):
    import re

    from hub.circle.models import Invitation
    manager, circle = _care_page(register, provider, coupling_code)
    for number in ('06 12 34 56 78', '06-12345678', '+31 6 1234 5678', '(020) 123 4567'):
        answer = _invite(manager, circle, f'{abs(hash(number))}@example.nl', 'basic', phone=number)
        assert answer.status_code == 201, (number, answer.get_json())
    for number in ('12', '06 12', 'abcdefghij', '+999 1234 5678'):
        answer = _invite(manager, circle, 'bad@example.nl', 'basic', phone=number)
        assert answer.status_code == 422 and 'phone' in answer.get_json()['error']['fields'], number
    stored = {i.phone for i in db.scalars(select(Invitation))}
    assert '+31612345678' in stored and '+31201234567' in stored
    page = manager.client.get(f"/circles/{circle['id']}/invite").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = manager.client.post(f"/circles/{circle['id']}/invite", data={
        'csrf_token': token, 'email': 'form@example.nl', 'first_name': 'Fenna', 'last_name': 'Vos',
        'phone': '06 12 34 56 78', 'role': 'basic', 'basis': 'family'})
    assert answer.status_code == 200 and 'has-error' not in answer.get_data(as_text=True)  # the invited page
    assert '+31612345678' in {i.phone for i in db.scalars(select(Invitation).where(Invitation.email == 'form@example.nl'))}
    assert manager.patch('/api/v1/me', {'phone': '06 12 34 56 78'}).status_code == 200  # the same parser
