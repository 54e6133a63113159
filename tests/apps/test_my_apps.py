"""The member sees and stops the apps they connected; the manager sees and stops those on the care page."""

from sqlalchemy import select

from tests.apps.flow import SERVER_REDIRECT, add_app, connect, token


def test_the_api_lists_and_stops_connected_apps(app, care_page, db, register):
    from hub.core.models import AuditRecord
    manager, circle_id, _, _ = care_page
    client_id, secret = add_app(db, 'Huisartsportaal', SERVER_REDIRECT, confidential=True)
    body = connect(manager, client_id, SERVER_REDIRECT, 'launch/patient patient/Observation.rs offline_access',
                   secret=secret)
    [item] = manager.get('/api/v1/me/apps').get_json()['items']
    assert item['app'] == {'name': 'Huisartsportaal', 'client_id': client_id} and item['circle_id'] == str(circle_id)
    assert item['scopes'] == ['launch/patient', 'patient/Observation.rs', 'offline_access']
    assert item['member'] == 'Mieke Jansen' and item['last_used_at'] is None
    assert 'token' not in str(item).lower()
    assert manager.get(f'/api/v1/circles/{circle_id}/apps').get_json()['items'] == [item]
    stranger = register('vreemde@example.nl', 'Vera', 'Vreemd')
    assert stranger.delete(f"/api/v1/me/apps/{item['id']}").status_code == 404  # another's: nothing to see
    assert stranger.get(f'/api/v1/circles/{circle_id}/apps').status_code == 404
    assert stranger.get('/api/v1/me/apps').get_json()['items'] == []
    assert manager.delete(f"/api/v1/circles/{circle_id}/apps/{item['id']}").status_code == 204
    assert manager.get('/api/v1/me/apps').get_json()['items'] == []
    assert manager.delete(f"/api/v1/me/apps/{item['id']}").status_code == 404  # stopped already
    refreshed = token(app.test_client(), client_id, secret, grant_type='refresh_token',
                      refresh_token=body['refresh_token'])
    assert refreshed.status_code == 400
    body = connect(manager, client_id, SERVER_REDIRECT, 'launch/patient patient/Observation.rs', secret=secret)
    [item] = manager.get('/api/v1/me/apps').get_json()['items']  # a new consent: connected again
    assert manager.delete(f"/api/v1/me/apps/{item['id']}").status_code == 204
    events = [row.event for row in db.scalars(select(AuditRecord).where(AuditRecord.event == 'app.stop'))]
    assert len(events) == 2


def test_a_removed_app_ends_what_members_gave_it(app, care_page, db):
    from hub.apps.models import AppGrant
    from hub.apps.operations import remove_app
    manager, _, _, _ = care_page
    client_id, secret = add_app(db, 'Huisartsportaal', SERVER_REDIRECT, confidential=True)
    body = connect(manager, client_id, SERVER_REDIRECT, 'launch/patient patient/*.rs offline_access', secret=secret)
    db.run(remove_app, client_id)
    assert db.scalars(select(AppGrant)) == []
    assert token(app.test_client(), client_id, secret, grant_type='refresh_token',
                 refresh_token=body['refresh_token']).status_code == 401  # the app itself is gone
