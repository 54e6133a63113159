"""One-time shares with someone outside the care page: a link and a separate code, a set number of opens, at most
7 days, five wrong codes lock it, the manager stops it; every open in the access log as "outsider"; the same data
as a SMART Health Link whose file a standard JWE library decrypts with the key from the link."""

import base64
import json
import re
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select, update

from hub.core.timeutil import utcnow
from tests.fill import add_member, fill


def _shared(care_page, app, **body):
    manager, circle_id, dossier_ids, manager_id = care_page
    fill(app, circle_id, dossier_ids, manager_id, 2)
    manager.step_up()
    answer = manager.post(f'/api/v1/circles/{circle_id}/shares', {'parts': ['measurements', 'reports'], **body})
    assert answer.status_code == 201, answer.get_json()
    return manager, circle_id, answer.get_json()


def _path(url):
    return urlsplit(url).path


def _open(app, path, code):
    outsider = app.test_client()
    page = outsider.get(path)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    return outsider, outsider.post(path, data={'code': code, 'csrf_token': token.group(1) if token else ''})


def test_a_share_opens_with_its_code_holds_only_its_parts_and_counts_its_opens(care_page, app):
    manager, circle_id, share = _shared(care_page, app, expires_in_days=3, max_opens=2)
    assert share['code'] not in share['url'] and re.fullmatch(r'\d{6}', share['code'])
    assert share['status'] == 'active' and share['opens'] == 0 and share['parts'] == ['measurements', 'reports']
    path = _path(share['url'])
    outsider, wrong = _open(app, path, '000000' if share['code'] != '000000' else '111111')
    assert wrong.status_code == 422 and 'Deze code klopt niet' in wrong.get_data(as_text=True)
    outsider, page = _open(app, path, share['code'])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and re.search(r'Rapportage \d+', html) and 'Zorgplan' not in html  # no plan shared
    bundle = outsider.get(f'{path}/bundle')
    assert bundle.status_code == 200 and bundle.mimetype == 'application/fhir+json'
    types = {entry['resource']['resourceType'] for entry in bundle.get_json()['entry']}
    assert 'Observation' in types and 'CarePlan' not in types
    assert app.test_client().get(f'{path}/bundle').status_code == 303  # without the code first: back to the form
    _, second = _open(app, path, share['code'])  # the last open allowed
    assert second.status_code == 200
    _, third = _open(app, path, share['code'])
    assert third.status_code == 410 and 'zo vaak geopend' in third.get_data(as_text=True)
    [listed] = manager.get(f'/api/v1/circles/{circle_id}/shares').get_json()['items']
    assert listed['opens'] == 2 and listed['status'] == 'used'
    log = manager.get(f'/api/v1/circles/{circle_id}/access-log').get_json()['items']
    opens = [item for item in log if item['event'] == 'dossier.share_open']
    assert len(opens) == 3 and {item['role'] for item in opens} == {'outsider'}  # the wrong code too, refused
    assert sorted(item['outcome'] for item in opens) == ['success', 'success', 'wrong_code']
    assert 'Iemand buiten de zorgpagina' in manager.get(f'/circles/{circle_id}/access-log').get_data(as_text=True)


def test_the_smart_health_link_opens_with_the_passcode_in_a_standard_viewer(care_page, app, db):
    from joserfc import jwe
    from joserfc.jwk import OctKey
    manager, circle_id, share = _shared(care_page, app, max_opens=5)
    assert share['shlink'].startswith('shlink:/')
    encoded = share['shlink'][len('shlink:/'):]
    payload = json.loads(base64.urlsafe_b64decode(encoded + '=' * (-len(encoded) % 4)))
    assert payload['flag'] == 'P' and payload['exp'] > utcnow().timestamp() and len(payload['label']) <= 80
    key = base64.urlsafe_b64decode(payload['key'] + '=' * (-len(payload['key']) % 4))
    assert len(key) == 32
    viewer = app.test_client()
    manifest = _path(payload['url'])
    assert viewer.options(manifest).headers['Access-Control-Allow-Origin'] == '*'
    assert viewer.post(manifest, json={'passcode': share['code']}).status_code == 400  # no recipient
    odd = viewer.post(manifest, data='{"recipient": "x", "passcode": "\\ud800"}', content_type='application/json')
    assert odd.status_code == 401 and odd.get_json()['remainingAttempts'] == 4  # a lone surrogate: a wrong code
    wrong = viewer.post(manifest, json={'recipient': 'Huisarts', 'passcode': 'nope'})
    assert wrong.status_code == 401 and wrong.get_json()['remainingAttempts'] == 3
    right = viewer.post(manifest, json={'recipient': 'Huisarts', 'passcode': share['code']})
    assert right.status_code == 200 and right.headers['Access-Control-Allow-Origin'] == '*'
    [file] = right.get_json()['files']
    assert file['contentType'] == 'application/fhir+json'
    opened = jwe.decrypt_compact(file['embedded'], OctKey.import_key(key))  # a standard JWE library, not ours
    assert opened.protected['alg'] == 'dir' and opened.protected['enc'] == 'A256GCM'
    bundle = json.loads(opened.plaintext)
    assert bundle['resourceType'] == 'Bundle' and any(
        e['resource']['resourceType'] == 'Observation' for e in bundle['entry'])
    from hub.dossier.models import Share
    [row] = db.scalars(select(Share))
    stored = ' '.join(str(getattr(row, column.name)) for column in Share.__table__.columns)
    assert payload['key'] not in stored and share['code'] not in stored  # carehub keeps neither key nor code


def test_five_wrong_codes_lock_expiry_and_revocation_end_a_share(care_page, app, db):
    from hub.dossier.models import Share
    manager, circle_id, share = _shared(care_page, app)
    path = _path(share['url'])
    wrong = '000000' if share['code'] != '000000' else '111111'
    statuses = [_open(app, path, wrong)[1].status_code for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 410]
    assert _open(app, path, share['code'])[1].status_code == 410  # locked for good, even with the right code

    second = manager.post(f'/api/v1/circles/{circle_id}/shares', {'parts': ['plan']}).get_json()
    db.execute(update(Share).where(Share.id == uuid.UUID(second['id']))
               .values(expires_at=utcnow() - timedelta(minutes=1)))
    gone = _open(app, _path(second['url']), second['code'])[1]
    assert gone.status_code == 410 and 'werkt niet meer' in gone.get_data(as_text=True)

    third = manager.post(f'/api/v1/circles/{circle_id}/shares', {'parts': ['plan'], 'max_opens': 1}).get_json()
    assert manager.delete(f"/api/v1/circles/{circle_id}/shares/{third['id']}").status_code == 204
    assert app.test_client().get(_path(third['url'])).status_code == 410
    states = {item['id']: item['status'] for item in
              manager.get(f'/api/v1/circles/{circle_id}/shares').get_json()['items']}
    assert states == {share['id']: 'locked', second['id']: 'expired', third['id']: 'revoked'}
    assert app.test_client().get('/s/never-made').status_code == 404
    assert db.count(Share) == 3


def test_bad_shares_are_refused_and_only_the_manager_shares(care_page, app, register, db):
    from hub.account.models import AuthSession
    from hub.dossier.models import Share
    manager, circle_id, dossier_ids, manager_id = care_page
    url = f'/api/v1/circles/{circle_id}/shares'
    db.execute(update(AuthSession).values(second_factor_at=utcnow() - timedelta(hours=1)))
    stale = manager.post(url, {'parts': ['plan']})  # a fresh step-up first: medical data leaves the care page
    assert stale.status_code == 401 and stale.get_json()['error']['code'] == 'step_up_required'
    manager.step_up()
    for body in ({'parts': []}, {'parts': ['x-rays']}, {'parts': ['plan'], 'expires_in_days': 8},
                 {'parts': ['plan'], 'expires_in_days': 0}, {'parts': ['plan'], 'max_opens': 0},
                 {'parts': ['plan'], 'max_opens': '3'}, {'parts': 'plan'}, {}):
        answer = manager.post(url, body)
        assert answer.status_code == 422, (body, answer.get_json())
    helper, _ = add_member(register, db, circle_id, 'trust@example.nl', 'trust')
    helper.step_up()
    assert helper.post(url, {'parts': ['plan']}).status_code == 403
    assert helper.get(url).status_code == 403
    assert manager.delete(f'{url}/{uuid.uuid4()}').status_code == 404
    assert db.count(Share) == 0
    # the manager's page: a choice, then the link and the code shown once
    page = manager.client.post(f'/circles/{circle_id}/shares', data={
        'csrf_token': manager.csrf(), 'parts': ['plan', 'measurements'], 'expires_in_days': '2', 'max_opens': '4'})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '/s/' in html and 'shlink:/' in html
    [made] = db.scalars(select(Share))
    assert made.max_opens == 4 and made.parts == ['measurements', 'plan']
    assert manager.client.post(f'/circles/{circle_id}/shares', data={
        'csrf_token': manager.csrf(), 'expires_in_days': '9', 'max_opens': 'veel'}).status_code == 422
    assert manager.client.post(f'/circles/{circle_id}/shares', data={
        'csrf_token': manager.csrf(), 'parts': ['plan'], 'expires_in_days': '²', 'max_opens': '³'}).status_code == 422


def _form(app, path):
    """An outsider's browser on the link's page: its client and the form's CSRF token."""
    outsider = app.test_client()
    page = outsider.get(path).get_data(as_text=True)
    return outsider, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _wrong_checks(db, share_id):
    from hub.core.models import AuditRecord
    return db.count(AuditRecord, AuditRecord.target.like(f'share:{share_id}:%'), AuditRecord.outcome == 'wrong_code')


def test_parallel_wrong_codes_never_check_more_than_five(care_page, app, db):
    from tests.parallel import AT_ONCE, at_once
    _, _, share = _shared(care_page, app)
    path = _path(share['url'])
    wrong = '000000' if share['code'] != '000000' else '111111'
    browsers = [_form(app, path) for _ in range(AT_ONCE)]
    answers = at_once(*[lambda b=b: b[0].post(path, data={'code': wrong, 'csrf_token': b[1]}) for b in browsers])
    assert sorted(a.status_code for a in answers).count(422) == 4  # the fifth locks (410), and so are the rest
    assert _wrong_checks(db, share['id']) == 5

    _, _, second = _shared(care_page, app)
    manifest = _path(second['url']) + '/manifest'
    answers = at_once(*[lambda: app.test_client().post(manifest, json={'recipient': 'Huisarts', 'passcode': wrong})
                        for _ in range(AT_ONCE)])
    assert sorted(a.status_code for a in answers) == [401] * 5 + [404] * (AT_ONCE - 5)
    assert _wrong_checks(db, second['id']) == 5


def test_a_right_code_does_not_give_fresh_tries(care_page, app, db):
    _, _, share = _shared(care_page, app, max_opens=20)
    path = _path(share['url'])
    wrong = '000000' if share['code'] != '000000' else '111111'
    statuses = []
    for _ in range(3):
        statuses.append(_open(app, path, wrong)[1].status_code)
        statuses.append(_open(app, path, wrong)[1].status_code)
        statuses.append(_open(app, path, share['code'])[1].status_code)
    assert statuses == [422, 422, 200, 422, 422, 200, 410, 410, 410]  # the fifth wrong code locks, whenever
    assert _wrong_checks(db, share['id']) == 5


def test_parallel_right_codes_open_no_more_than_allowed(care_page, app, db):
    from hub.dossier.models import Share
    from tests.parallel import AT_ONCE, at_once
    _, _, share = _shared(care_page, app, max_opens=3)
    path = _path(share['url'])
    browsers = [_form(app, path) for _ in range(AT_ONCE)]
    answers = at_once(*[lambda b=b: b[0].post(path, data={'code': share['code'], 'csrf_token': b[1]})
                        for b in browsers])
    assert sorted(a.status_code for a in answers) == [200] * 3 + [410] * (AT_ONCE - 3)
    [stored] = db.scalars(select(Share).where(Share.id == uuid.UUID(share['id'])))
    assert stored.opens == 3 and stored.failures == 0


def test_the_share_page_as_a_gp_would_use_it(care_page, app):
    from hub.circle.access import today as local_today
    manager, circle_id, _, _ = care_page
    manager.step_up()
    with app.app_context():
        today = local_today()
    for name, ends in (('Paracetamol', None), ('Oxazepam', today - timedelta(days=3))):
        added = manager.post(f'/api/v1/circles/{circle_id}/medication',
                             {'name': name, 'dose': '1 tablet', 'starts_on': (today - timedelta(days=30)).isoformat(),
                              'ends_on': ends.isoformat() if ends else None})
        assert added.status_code == 201, added.get_json()
    form = manager.client.get(f'/circles/{circle_id}/shares').get_data(as_text=True)
    assert 'naam, geboortedatum en adres' in form  # what always goes along, named on the form
    made = manager.client.post(f'/circles/{circle_id}/shares', data={
        'csrf_token': manager.token, 'parts': 'medication', 'expires_in_days': '2', 'max_opens': '1'})
    page = made.get_data(as_text=True)
    assert made.status_code == 200 and 'Link kopiëren' in page and 'Code kopiëren' in page
    assert 'Link en code printen' in page and 'SMART' not in page
    assert 'value="medication" checked' not in page  # the form is empty again
    url = re.search(r'<code class="secret" id="share-link">([^<]+)</code>', page).group(1)
    code = re.search(r'<code class="secret" id="share-code">([^<]+)</code>', page).group(1)
    _, shown = _open(app, _path(url), code)
    html = shown.get_data(as_text=True)
    assert html.index('<h3>In gebruik</h3>') < html.index('Paracetamol') < html.index('<h3>Gestopt</h3>') < \
        html.index('Oxazepam')
