"""The board (prikbord): posts and reactions, by capability."""

import uuid

from tests.circle.test_api import _join
from tests.circle.test_messages import page_of


def test_posts_and_reactions_follow_the_board_capabilities(app, fhir_server, provider, coupling_code, register, db):
    manager, circle, _, _ = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    basic, basic_member = _join(manager, circle, register, 'basic@example.nl', 'basic')
    trust, _ = _join(manager, circle, register, 'trust@example.nl', 'trust')
    url = f"/api/v1/circles/{circle['id']}/board"
    post = basic.post(url, {'text': 'Oma heeft vandaag taart gegeten!'})
    assert post.status_code == 201
    post_id = post.get_json()['id']
    reaction = trust.post(f'{url}/{post_id}/reactions', {'text': 'Wat fijn!'})
    assert reaction.status_code == 201
    [listed] = manager.get(url).get_json()['items']
    assert listed['text'] == 'Oma heeft vandaag taart gegeten!' and listed['reactions'][0]['text'] == 'Wat fijn!'
    for bad in ({'text': ''}, {'text': 'x' * 1001}, {'text': 'x', 'more': 1}):
        assert basic.post(url, bad).status_code == 422, bad
    assert basic.post(f'{url}/{uuid.uuid4()}/reactions', {'text': 'x'}).status_code == 404
    assert basic.delete(f"{url}/{post_id}/reactions/{reaction.get_json()['id']}").status_code == 403  # not theirs

    # the manager takes the board away from this helper: posting and reacting are refused, reading is not
    changed = manager.patch(f"/api/v1/circles/{circle['id']}/members/{basic_member['id']}",
                            {'permissions': ['messages', 'appointments.own']})
    assert changed.status_code == 200, changed.get_json()
    assert basic.post(url, {'text': 'Nog een bericht'}).status_code == 403
    assert basic.post(f'{url}/{post_id}/reactions', {'text': 'Nog een'}).status_code == 403
    assert len(basic.get(url).get_json()['items']) == 1

    assert trust.delete(f'{url}/{post_id}').status_code == 204  # the trust group may delete others' posts
    assert manager.get(url).get_json()['items'] == []
    assert register('x@example.nl').get(url).status_code == 404


def test_the_board_pages_by_cursor(app, fhir_server, provider, coupling_code, register, db):
    manager, circle, _, _ = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    url = f"/api/v1/circles/{circle['id']}/board"
    for index in range(23):
        assert manager.post(url, {'text': f'Bericht {index}'}).status_code == 201
    first = manager.get(url).get_json()
    second = manager.get(f"{url}?cursor={first['next']}").get_json()
    assert [p['text'] for p in first['items'] + second['items']] == [f'Bericht {i}' for i in range(22, -1, -1)]
    assert second['next'] is None
