"""The calendar: helpers' appointments (public or private) beside the care appointments from the dossier."""

import uuid
from datetime import UTC, datetime, timedelta

from hub.cli import cli
from tests.careprovider.test_fhir_sync import client_records, fhir_load
from tests.circle.test_api import _join


def test_who_sees_which_appointment(app, fhir_server, provider, coupling_code, register, db):
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    fhir_load(fhir_server.base_url, client_records(patient_id, reports=1))  # care appointments in -3, 2 and 9 days
    name = provider('Zorggroep Agenda', base_url=fhir_server.base_url)
    manager = register('m@example.nl', 'Mieke', 'Bos')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    trust, _ = _join(manager, circle, register, 'trust@example.nl', 'trust')
    url = f"/api/v1/circles/{circle['id']}/appointments"
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=14, minute=0, second=0, microsecond=0)
    public = manager.post(url, {'title': 'Wandelen in het park', 'starts_at': tomorrow.isoformat(),
                                'ends_at': (tomorrow + timedelta(hours=1)).isoformat(), 'location': 'Vondelpark'})
    assert public.status_code == 201 and public.get_json()['visibility'] == 'public'
    private = manager.post(url, {'title': 'Eigen tandarts', 'starts_at': (tomorrow + timedelta(hours=3)).isoformat(),
                                 'visibility': 'private'})
    assert private.status_code == 201
    assert basic.post(url, {'title': 'Op bezoek', 'starts_at': (tomorrow + timedelta(days=1)).isoformat()}).status_code == 201

    def titles(client, query=''):
        items = client.get(url + query).get_json()['items']
        starts = [datetime.fromisoformat(i['starts_at']) for i in items]
        assert starts == sorted(starts)  # by start
        return [(i['kind'], i['title']) for i in items]
    assert sorted(titles(manager)) == [('care', 'Afspraak 1'), ('care', 'Afspraak 2'), ('own', 'Eigen tandarts'),
                                       ('own', 'Op bezoek'), ('own', 'Wandelen in het park')]
    assert titles(basic) == [('own', 'Wandelen in het park'), ('own', 'Op bezoek')]  # no care, no one's private
    assert ('own', 'Eigen tandarts') not in titles(trust) and ('care', 'Afspraak 1') in titles(trust)
    week_ago = (datetime.now(UTC) - timedelta(days=7)).isoformat()
    assert ('care', 'Afspraak 0') in titles(manager, f'?from={week_ago.replace("+", "%2B")}')

    for bad in ({'title': 'x', 'starts_at': '2026-12-01T10:00:00'},  # no time zone
                {'title': '', 'starts_at': tomorrow.isoformat()},
                {'title': 'x', 'starts_at': tomorrow.isoformat(), 'ends_at': tomorrow.isoformat()},
                {'title': 'x', 'starts_at': tomorrow.isoformat(), 'visibility': 'secret'}):
        assert manager.post(url, bad).status_code == 422, bad
    assert manager.get(f'{url}?from=2026-01-01').status_code == 422
    assert manager.get(f"{url}?from=2026-01-01T00:00:00%2B01:00&to=2028-01-01T00:00:00%2B01:00").status_code == 422

    walk, secret = public.get_json()['id'], private.get_json()['id']
    assert basic.delete(f'{url}/{walk}').status_code == 403  # not theirs
    assert basic.delete(f'{url}/{secret}').status_code == 404  # not even there for them
    visit = next(i['id'] for i in basic.get(url).get_json()['items'] if i['title'] == 'Op bezoek')
    assert manager.delete(f'{url}/{visit}').status_code == 204  # the manager may tidy up
    assert manager.delete(f'{url}/{walk}').status_code == 204
    assert titles(basic) == []
