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


def test_a_photo_with_a_post_and_the_older_reactions_by_page(care_page, register, db, app):
    from io import BytesIO

    from PIL import Image

    from tests.account.test_photo import image_bytes
    from tests.fill import add_member
    manager, circle_id, _, _ = care_page
    url = f'/api/v1/circles/{circle_id}/board'
    token = manager.token or manager.csrf()
    posted = manager.client.post(url, data={'text': 'Samen in het park!',
                                            'photo': (BytesIO(image_bytes('JPEG', size=(3000, 2000), exif=True)),
                                                      'park.jpg')},
                                 headers={'X-CSRF-Token': token}, content_type='multipart/form-data')
    assert posted.status_code == 201, posted.get_json()
    post = posted.get_json()
    assert post['photo'] is True and post['reactions'] == [] and post['reactions_count'] == 0
    photo = manager.get(f"{url}/{post['id']}/photo")
    assert photo.status_code == 200 and photo.mimetype == 'image/jpeg'
    assert photo.headers['Cache-Control'] == 'private, no-store'
    stored = Image.open(BytesIO(photo.data))
    assert max(stored.size) == 1280 and b'SecretCamera' not in photo.data  # re-encoded, no metadata
    bad = manager.client.post(url, data={'text': 'x', 'photo': (BytesIO(b'GIF89a not a photo'), 'x.gif')},
                              headers={'X-CSRF-Token': token}, content_type='multipart/form-data')
    assert bad.status_code == 422 and 'photo' in bad.get_json()['error']['fields']
    plain = manager.post(url, {'text': 'Zonder foto'}).get_json()
    assert plain['photo'] is False and manager.get(f"{url}/{plain['id']}/photo").status_code == 404
    assert register('x@example.nl').get(f"{url}/{post['id']}/photo").status_code == 404  # not a member

    helper, _ = add_member(register, db, circle_id, 'hulp@example.nl', 'basic')
    assert helper.get(f"{url}/{post['id']}/photo").status_code == 200  # every member sees it
    for n in range(25):
        assert helper.post(f"{url}/{post['id']}/reactions", {'text': f'Reactie {n} 😊'}).status_code == 201
    [listed] = [p for p in helper.get(url).get_json()['items'] if p['id'] == post['id']]
    assert [r['text'] for r in listed['reactions']] == ['Reactie 22 😊', 'Reactie 23 😊', 'Reactie 24 😊']
    assert listed['reactions_count'] == 25
    first = helper.get(f"{url}/{post['id']}/reactions").get_json()
    second = helper.get(f"{url}/{post['id']}/reactions?cursor={first['next']}").get_json()
    assert len(first['items']) == 20 and len(second['items']) == 5 and second['next'] is None
    assert first['items'][0]['text'] == 'Reactie 24 😊' and second['items'][-1]['text'] == 'Reactie 0 😊'
    assert helper.get(f'{url}/{uuid.uuid4()}/reactions').status_code == 404

    page = helper.get(f'/circles/{circle_id}/board').get_data(as_text=True)
    assert 'Toon oudere reacties (25 in totaal)' in page and 'Foto bij het bericht van' in page
    assert 'data-insert="😊"' in page and 'aria-label="Blij"' in page  # the smiley picker
    older = helper.get(f"/circles/{circle_id}/board/{post['id']}").get_data(as_text=True)
    assert 'Reactie 24' in older and 'Oudere reacties' in older
    assert helper.get(f"/circles/{circle_id}/board/{post['id']}/photo").status_code == 200
