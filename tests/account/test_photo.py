"""Profile photos: checked by content, re-encoded, shown only to people on a care page together."""

from io import BytesIO

from PIL import Image


def image_bytes(kind='PNG', size=(800, 600), exif=False):
    out = BytesIO()
    image = Image.new('RGB', size, (200, 30, 30))
    if exif:
        data = Image.Exif()
        data[0x010F] = 'SecretCamera'  # Make
        image.save(out, format=kind, exif=data.tobytes())
    else:
        image.save(out, format=kind)
    return out.getvalue()


def upload(client, data, name='photo.png'):
    return client.client.post('/api/v1/me/photo', data={'photo': (BytesIO(data), name)},
                              headers={'X-CSRF-Token': client.token or client.csrf()},
                              content_type='multipart/form-data')


def test_photo_is_reencoded_and_shown_only_to_fellow_members(register, provider, coupling_code):
    manager = register('m@example.nl')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(provider(), 'c')}).get_json()
    assert upload(manager, image_bytes('JPEG', exif=True), 'me.jpg').status_code == 201
    me = manager.get('/api/v1/me').get_json()['id']
    photo = manager.get(f'/api/v1/accounts/{me}/photo')
    assert photo.status_code == 200 and photo.content_type == 'image/jpeg'
    stored = Image.open(BytesIO(photo.data))
    assert max(stored.size) <= 512 and b'SecretCamera' not in photo.data
    stranger = register('s@example.nl')
    assert stranger.get(f'/api/v1/accounts/{me}/photo').status_code == 404
    manager.post(f"/api/v1/circles/{circle['id']}/invitations",
                 {'email': 'h@example.nl', 'first_name': 'H', 'last_name': 'X', 'role': 'basic'})
    helper = register('h@example.nl')
    [invitation] = helper.get('/api/v1/invitations').get_json()['items']
    helper.post(f"/api/v1/invitations/{invitation['id']}/accept")
    assert helper.get(f'/api/v1/accounts/{me}/photo').status_code == 200
    # a helper's photo shows on a page only where they may show it ("Eigen profielfoto toevoegen")
    assert upload(helper, image_bytes('PNG'), 'h.png').status_code == 201
    helper_id = helper.get('/api/v1/me').get_json()['id']
    assert manager.get(f'/api/v1/accounts/{helper_id}/photo').status_code == 200  # basic: settings.photo
    [member] = [m for m in manager.get(f"/api/v1/circles/{circle['id']}/members").get_json()['items']
                if m['role'] == 'basic']
    answer = manager.patch(f"/api/v1/circles/{circle['id']}/members/{member['id']}", {'permissions': ['messages']})
    assert answer.status_code == 200, answer.get_json()
    assert manager.get(f'/api/v1/accounts/{helper_id}/photo').status_code == 404
    assert helper.get(f'/api/v1/accounts/{helper_id}/photo').status_code == 200  # their own, always
    assert manager.delete('/api/v1/me/photo').status_code == 204
    assert helper.get(f'/api/v1/accounts/{me}/photo').status_code == 404


def test_bad_photos_are_refused(register):
    account = register('p@example.nl')
    gif = BytesIO()
    Image.new('RGB', (10, 10)).save(gif, format='GIF')
    for data in (b'', b'not an image at all', gif.getvalue(), b'\x89PNG\r\n\x1a\n' + b'\x00' * 100,
                 image_bytes()[:200]):
        response = upload(account, data)
        assert response.status_code == 422, data[:20]
        assert response.get_json()['error']['code'] in ('invalid_photo', 'invalid_input')
    big = b'\xff\xd8\xff' + b'0' * (5 * 1024 * 1024 + 10)
    assert upload(account, big, 'big.jpg').status_code == 422
    response = account.client.post('/api/v1/me/photo', data={}, headers={'X-CSRF-Token': account.token},
                                    content_type='multipart/form-data')
    assert response.status_code == 422


def test_a_decompression_bomb_is_refused_before_it_unpacks(register):
    account = register('b@example.nl')
    out = BytesIO()
    Image.new('1', (12000, 12000)).save(out, format='PNG', optimize=True)  # small file, 144 million pixels
    assert len(out.getvalue()) < 5 * 1024 * 1024
    assert upload(account, out.getvalue()).status_code == 422


def test_a_broken_png_is_refused_not_a_server_error(register):
    account = register('c@example.nl')
    good = image_bytes('PNG')
    broken = good[:60] + bytes(40) + good[100:]
    assert upload(account, broken).status_code == 422


def _peak_memory_of_reencoding(path):
    """Re-encode the file at ``path`` in a fresh process; return its answer and the growth of its peak RSS in MB."""
    import subprocess
    import sys
    script = (
        'import resource, sys\n'
        'from hub.account import photos\n'
        'data = open(sys.argv[1], "rb").read()\n'
        'before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n'
        'try:\n'
        '    photos.reencode(data); answer = "ok"\n'
        'except Exception as exc:\n'
        '    answer = type(exc).__name__\n'
        'print(answer, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n')
    out = subprocess.run([sys.executable, '-c', script, str(path)], capture_output=True, text=True, check=True)
    answer, grown = out.stdout.split()
    return answer, int(grown)


def test_a_huge_png_is_refused_before_it_is_decoded(register, tmp_path):
    out = BytesIO()
    Image.new('RGBA', (6300, 6300), (10, 20, 30, 255)).save(out, format='PNG', optimize=True)
    assert len(out.getvalue()) < 400 * 1024  # a small file that unpacks to 160 MB
    (tmp_path / 'big.png').write_bytes(out.getvalue())
    answer, grown = _peak_memory_of_reencoding(tmp_path / 'big.png')
    assert answer == 'InvalidInput' and grown < 20, grown
    account = register('big@example.nl')
    assert upload(account, out.getvalue()).status_code == 422


def test_a_large_camera_jpeg_is_taken_with_little_memory(register, tmp_path):
    out = BytesIO()
    Image.new('RGB', (8000, 6000), (120, 80, 40)).save(out, format='JPEG', quality=70)
    (tmp_path / 'camera.jpg').write_bytes(out.getvalue())
    answer, grown = _peak_memory_of_reencoding(tmp_path / 'camera.jpg')
    assert answer == 'ok' and grown < 40, grown  # in full it would be 144 MB
    account = register('cam@example.nl')
    assert upload(account, out.getvalue(), 'camera.jpg').status_code == 201


def test_uploads_are_limited_per_account(app, register):
    account = register('many@example.nl')
    app.config['CAREHUB']['PHOTO_RATE_LIMIT'] = '3 per minute'
    try:
        answers = [upload(account, image_bytes('PNG', (40, 40))).status_code for _ in range(4)]
    finally:
        app.config['CAREHUB']['PHOTO_RATE_LIMIT'] = '1000 per minute'
    assert answers == [201, 201, 201, 429]


def test_without_a_photo_people_see_initials_not_a_broken_image(register, provider, coupling_code):
    manager = register('m@example.nl', 'Mieke', 'Bos')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(provider(), 'c')}).get_json()
    profile_page = manager.get('/profile').get_data(as_text=True)
    assert 'avatar-initials' in profile_page and '>MB<' in profile_page
    assert 'alt="Je foto"' not in profile_page  # no image that would not load
    members = manager.get(f"/circles/{circle['id']}/members").get_data(as_text=True)
    assert '>MB<' in members
    assert upload(manager, image_bytes('PNG'), 'me.png').status_code == 201
    assert "/api/v1/accounts/" in manager.get(f"/circles/{circle['id']}/members").get_data(as_text=True)
    assert 'alt="Je foto"' in manager.get('/profile').get_data(as_text=True)
