"""The FHIR API of a care page, as an app reads it for one member: every resource valid FHIR R4 (fhir.resources,
R4B), searches that page and filter, exactly what that member may read, tokens that stop at once, and every read in
the access log as the member's, through the app."""

import base64
import uuid
from datetime import timedelta

from fhir.resources.R4B import get_fhir_model_class
from sqlalchemy import insert, select, update

from tests.apps.flow import PUBLIC_REDIRECT, add_app, connect
from tests.dossier.test_export_fhir import mapped_records
from tests.fill import add_member, fill


def today():
    from hub.core.timeutil import utcnow
    return utcnow().date()

TYPES = ('Observation', 'CarePlan', 'Goal', 'MedicationStatement', 'Appointment', 'Condition', 'DocumentReference')


def _store_every_kind(db, dossier_id):
    """Records of every kind the FHIR adapter makes, stored as a sync stores them."""
    from hub.careprovider.models import Record
    from hub.core.timeutil import utcnow
    now = utcnow()
    rows = [{'id': uuid.uuid4(), 'dossier_id': dossier_id, 'kind': record.kind, 'source_id': record.source_id,
             'source_type': record.source_id.split('/')[0], 'origin': record.source_id, 'content_hash': f'{n:064x}',
             'data': record.data, 'raw': {}, 'occurred_at': record.occurred_at, 'code': record.code,
             'updated_at': now, 'created_at': now, 'via': 'pull'}
            for n, record in enumerate(mapped_records('fhir'))]
    pdf = b'%PDF-1.4 een brief'
    rows.append({'id': uuid.uuid4(), 'dossier_id': dossier_id, 'kind': 'document', 'source_id': 'DocumentReference/d1',
                 'source_type': 'DocumentReference', 'origin': 'DocumentReference/d1', 'content_hash': 'f' * 64,
                 'data': {'title': 'Brief van de arts', 'content_type': 'application/pdf', 'url': None, 'inline': True,
                          'size': len(pdf), 'category': 'Brief', 'author': 'Dr. Visser',
                          'occurred_at': now.isoformat()},
                 'raw': {'resourceType': 'DocumentReference', 'id': 'd1', 'status': 'current', 'content': [
                     {'attachment': {'contentType': 'application/pdf', 'data': base64.b64encode(pdf).decode()}}]},
                 'occurred_at': now, 'code': None, 'updated_at': now, 'created_at': now, 'via': 'pull'})
    from hub.extensions import db as database
    db.run(lambda: database.session.execute(insert(Record), rows))
    return {row['kind'] for row in rows}


def _valid(resource):
    model = get_fhir_model_class(resource['resourceType'])
    assert model.model_validate(resource).model_dump(mode='json', exclude_none=True) == resource, resource
    return resource


def _get(client, path, token, status=200):
    response = client.get(path, headers={'Authorization': f'Bearer {token}'})
    assert response.status_code == status, (path, response.status_code, response.get_data(as_text=True)[:400])
    assert response.mimetype == 'application/fhir+json'
    return _valid(response.get_json())


def _all(client, path, token):
    """Every resource of a search, page by page through the next links."""
    found = []
    while path:
        bundle = _get(client, path, token)
        found += [entry['resource'] for entry in bundle.get('entry', [])]
        path = next((link['url'] for link in bundle['link'] if link['relation'] == 'next'), None)
        path = path.removeprefix('https://carehub.test') if path else None
    return found


def test_every_type_is_read_and_searched_as_valid_fhir(app, care_page, db):
    from hub.core.models import AuditRecord
    manager, circle_id, dossier_ids, manager_id = care_page
    kinds = _store_every_kind(db, dossier_ids[0])
    assert {'demographics', 'goal', 'condition', 'medication', 'document'} <= kinds, kinds
    fill(app, circle_id, dossier_ids, manager_id, 3)
    client_id, _ = add_app(db, 'Dagplanner', PUBLIC_REDIRECT)
    token = connect(manager, client_id, PUBLIC_REDIRECT, 'launch/patient patient/*.rs')['access_token']
    client = app.test_client()
    _valid(client.get('/fhir/R4/metadata').get_json())
    patient = _get(client, f'/fhir/R4/Patient/{circle_id}', token)
    assert patient['id'] == str(circle_id) and patient['name']
    for kind in TYPES:
        bundle = _get(client, f'/fhir/R4/{kind}?patient={circle_id}', token)
        assert bundle['type'] == 'searchset' and bundle['entry'], kind
        for entry in bundle['entry']:
            resource = entry['resource']
            assert resource['resourceType'] == kind and entry['fullUrl'].endswith(f"/{kind}/{resource['id']}")
            assert _get(client, f"/fhir/R4/{kind}/{resource['id']}", token) == resource  # read by id: the same
            for reference in ('subject', 'patient'):
                if reference in resource:
                    assert resource[reference]['reference'] == f'Patient/{circle_id}'
    [document] = _all(client, '/fhir/R4/DocumentReference', token)
    url = document['content'][0]['attachment']['url']
    assert url.startswith('https://carehub.test/fhir/R4/Binary/')  # through carehub, never the provider's address
    file = client.get(url.removeprefix('https://carehub.test'), headers={'Authorization': f'Bearer {token}'})
    assert file.status_code == 200 and file.data == b'%PDF-1.4 een brief' and file.mimetype == 'application/pdf'
    # paging: _count pages walk to every item, none twice
    every = _all(client, f'/fhir/R4/Observation?patient={circle_id}&_count=100', token)
    paged = _all(client, f'/fhir/R4/Observation?patient={circle_id}&_count=2', token)
    assert [r['id'] for r in paged] == [r['id'] for r in every] and len(every) > 4
    # filters: code, category, date, _lastUpdated
    weights = _all(client, '/fhir/R4/Observation?code=http://loinc.org|29463-7', token)
    assert weights and all(r['code']['coding'][0]['code'] == '29463-7' for r in weights)
    vital = _all(client, '/fhir/R4/Observation?category=vital-signs', token)
    assert vital and len(vital) < len(every) and all(r['category'][0]['coding'][0]['code'] == 'vital-signs'
                                                    for r in vital)
    tomorrow = (today() + timedelta(days=2)).isoformat()
    assert _all(client, f'/fhir/R4/Observation?date=ge{tomorrow}', token) == []
    assert len(_all(client, f'/fhir/R4/Observation?date=lt{tomorrow}', token)) == len(
        [r for r in every if 'effectiveDateTime' in r])
    assert _all(client, f'/fhir/R4/Observation?_lastUpdated=gt{tomorrow}', token) == []
    assert 'entry' not in _get(client, f'/fhir/R4/Observation?patient={uuid.uuid4()}', token)  # another page
    for bad in ('foo=1', '_count=0', '_count=x', 'date=yesterday'):
        outcome = _get(client, f'/fhir/R4/Observation?{bad}', token, 400)
        assert outcome['resourceType'] == 'OperationOutcome'
    _get(client, f'/fhir/R4/Observation/{uuid.uuid4()}', token, 404)
    _get(client, '/fhir/R4/Encounter', token, 404)
    # every read is a dossier read of the member, through the app, one record per dossier
    reads = db.scalars(select(AuditRecord).where(AuditRecord.event == 'dossier.app_read'))
    assert reads and {r.actor_id for r in reads} == {manager_id}
    assert {r.dossier_id for r in reads} == set(dossier_ids) and all('Dagplanner' in r.target for r in reads)
    logged = manager.get(f'/api/v1/circles/{circle_id}/access-log').get_json()['items']
    assert {item['who'] for item in logged if item['event'] == 'dossier.app_read'} <= {
        'App Dagplanner, namens Mieke', 'App Dagplanner, on behalf of Mieke'}
    assert any(item['event'] == 'dossier.app_read' for item in logged)
    page = manager.client.get(f'/circles/{circle_id}/access-log?mine=1').get_data(as_text=True)
    assert 'App Dagplanner, namens Mieke' in page or 'App Dagplanner, on behalf of Mieke' in page
    csv = manager.client.get(f'/circles/{circle_id}/access-log.csv').get_data(as_text=True)
    assert 'App Dagplanner, namens Mieke' in csv or 'App Dagplanner, on behalf of Mieke' in csv


def test_no_token_or_a_wrong_one_gets_401(app, care_page):
    _, circle_id, _, _ = care_page
    client = app.test_client()
    for headers in ({}, {'Authorization': 'Bearer nonsense'}, {'Authorization': 'Bearer ' + 'x' * 300}):
        response = client.get(f'/fhir/R4/Patient/{circle_id}', headers=headers)
        assert response.status_code == 401 and response.headers['WWW-Authenticate'].startswith('Bearer')
        assert response.get_json()['resourceType'] == 'OperationOutcome'


def test_an_app_reads_what_its_member_may_and_stops_when_they_may_not(app, care_page, db, register):
    from hub.careprovider.models import Record
    from hub.circle.models import Member
    manager, circle_id, dossier_ids, manager_id = care_page
    fill(app, circle_id, dossier_ids, manager_id, 2)
    helper, helper_id = add_member(register, db, circle_id, 'jan@example.nl', 'trust', first_name='Jan')
    client_id, _ = add_app(db, 'Dagplanner', PUBLIC_REDIRECT)
    mine = connect(manager, client_id, PUBLIC_REDIRECT, 'launch/patient patient/*.rs')['access_token']
    his = connect(helper, client_id, PUBLIC_REDIRECT, 'launch/patient patient/Observation.rs')['access_token']
    client = app.test_client()
    [report] = db.scalars(select(Record).where(Record.kind == 'report').limit(1))
    assert manager.put(f'/api/v1/circles/{circle_id}/records/{report.id}/hidden-from/{helper_id}').status_code in (
        200, 204)
    ids = {r['id'] for r in _all(client, '/fhir/R4/Observation', mine)}
    his_ids = {r['id'] for r in _all(client, '/fhir/R4/Observation', his)}
    assert str(report.id) in ids and str(report.id) not in his_ids and his_ids
    _get(client, f'/fhir/R4/Observation/{report.id}', his, 404)
    _get(client, '/fhir/R4/Goal', his, 403)  # not in the scopes he gave
    # a downgraded role stops his token at once; so does the end of his access
    db.execute(update(Member).where(Member.id == helper_id).values(role='basic'))
    _get(client, '/fhir/R4/Observation', his, 401)
    db.execute(update(Member).where(Member.id == helper_id).values(role='trust',
                                                                   ends_on=today() - timedelta(days=1)))
    _get(client, '/fhir/R4/Observation', his, 401)
    db.execute(update(Member).where(Member.id == helper_id).values(ends_on=None))
    _get(client, '/fhir/R4/Observation', his)  # his consent still lives
    assert manager.delete(f'/api/v1/circles/{circle_id}/members/{helper_id}').status_code == 204
    _get(client, '/fhir/R4/Observation', his, 401)  # removed: the consent is gone with him
    _get(client, '/fhir/R4/Observation', mine)
    assert manager.delete(f'/api/v1/circles/{circle_id}').status_code == 204
    _get(client, f'/fhir/R4/Patient/{circle_id}', mine, 401)  # the care page deleted: nothing left to read


def test_an_apps_read_keeps_to_the_api_lists_ceiling_and_writes_last(app, care_page, db):
    """Five statements at most, as every API list (#31): the token with its consent, member, care page and app; the
    dossiers; the records; then, last, the audit records and when the app last read."""
    from sqlalchemy import event

    from hub.extensions import db as database
    manager, circle_id, dossier_ids, manager_id = care_page
    fill(app, circle_id, dossier_ids, manager_id, 3)
    client_id, _ = add_app(db, 'Dagplanner', PUBLIC_REDIRECT)
    token = connect(manager, client_id, PUBLIC_REDIRECT, 'launch/patient patient/*.rs')['access_token']
    client = app.test_client()
    with app.app_context():
        engine = database.engine
    for path in ('/fhir/R4/Observation', f'/fhir/R4/Patient/{circle_id}', '/fhir/R4/CarePlan?_count=2'):
        seen: list = []

        def listener(*args, seen=seen, **kwargs):
            seen.append(args[2])
        event.listen(engine, 'before_cursor_execute', listener)
        try:
            response = client.get(path, headers={'Authorization': f'Bearer {token}'})
        finally:
            event.remove(engine, 'before_cursor_execute', listener)
        assert response.status_code == 200 and len(seen) <= 5, (path, seen)
        reads = [statement.lstrip().upper().startswith('SELECT') for statement in seen]
        assert not any(reads[reads.index(False):]), (path, seen)  # nothing read after the first write
