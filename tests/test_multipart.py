"""Every route that takes a multipart form answers a broken one with a clear 400 or 422, never a 500."""

import pytest

BROKEN = ['multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; boundary="abc',
          'multipart/form-data; boundary="', 'multipart/form-data; boundary=ab\u00e9c']


@pytest.mark.parametrize('content_type', BROKEN)
def test_a_multipart_body_without_a_usable_boundary(care_page, content_type):
    manager, circle_id, _, _ = care_page
    manager.step_up()
    body = b'--abc\r\nContent-Disposition: form-data; name="text"\r\n\r\nHallo\r\n--abc--\r\n'
    for path in (f'/api/v1/circles/{circle_id}/board', f'/api/v1/circles/{circle_id}/documents', '/api/v1/me/photo'):
        response = manager.client.post(path, data=body, headers={'X-CSRF-Token': manager.token or manager.csrf()},
                                       environ_overrides={'CONTENT_TYPE': content_type})
        assert response.status_code in (400, 415, 422), (path, response.status_code, response.get_data(as_text=True))
        assert response.get_json()['error']['code']


def test_a_board_post_as_a_form_without_text_is_a_field_error(care_page):
    manager, circle_id, _, _ = care_page
    response = manager.post(f'/api/v1/circles/{circle_id}/board', None, data={'text': ''},
                            content_type='multipart/form-data')
    assert response.status_code == 422 and 'text' in response.get_json()['error']['fields']


def test_odd_part_names_and_values_are_plain_refusals(care_page):
    manager, circle_id, _, _ = care_page
    manager.step_up()
    boundary = 'db7b73e59acd1bb0d7a483d15be91966'
    parts = [('\u0094\u00b4-%0A\u00f6s|', b'true'), ('photo', b'{"": "-\\u000b"}'), ('file', b'\x00\xff'),
             ('<\x7f\u00e2', b'x')]
    body = b''.join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b'\r\n'
                    for name, value in parts)
    body += f'--{boundary}\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--{boundary}--\r\n'.encode()
    for path in (f'/api/v1/circles/{circle_id}/documents', '/api/v1/me/photo', f'/api/v1/circles/{circle_id}/board'):
        response = manager.client.post(path, data=body, headers={'X-CSRF-Token': manager.token or manager.csrf()},
                                       environ_overrides={'CONTENT_TYPE': f'multipart/form-data; boundary={boundary}'})
        assert response.status_code in (400, 415, 422), (path, response.status_code, response.get_data(as_text=True))
