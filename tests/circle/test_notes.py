"""Notes: everyone on the page reads them, each writes their own, the manager can send one to the provider."""

import uuid

import requests
from sqlalchemy import select

from hub.cli import cli
from tests.circle.test_api import _join
from tests.circle.test_messages import page_of


def test_notes_are_shared_on_the_page_and_the_manager_sends_one_on(
        app, fhir_server, provider, coupling_code, register, db):
    from hub.core.models import OutboxItem
    from hub.worker import deliver_outbox
    manager, circle, name, patient_id = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    url = f"/api/v1/circles/{circle['id']}/notes"
    written = basic.post(url, {'text': 'De bril ligt in de bovenste la.'})
    assert written.status_code == 201 and written.get_json()['mine']
    note_id = written.get_json()['id']
    [seen] = manager.get(url).get_json()['items']
    assert seen['text'] == 'De bril ligt in de bovenste la.' and not seen['mine']
    assert manager.patch(f'{url}/{note_id}', {'text': 'Overschreven', 'version': 1}).status_code == 403
    changed = basic.patch(f'{url}/{note_id}', {'text': 'De bril ligt in de onderste la.', 'version': 1})
    assert changed.status_code == 200 and changed.get_json()['text'] == 'De bril ligt in de onderste la.'
    for bad in ({'text': ''}, {'text': 'x' * 10001}, {}, {'text': 'x', 'extra': 1}):
        assert basic.post(url, bad).status_code == 422, bad
    assert basic.post(f'{url}/{note_id}/share', {}).status_code == 403  # basic: no contact with the provider

    mine = manager.post(url, {'text': 'Mijn moeder wil graag om acht uur ontbijten.'}).get_json()
    shared = manager.post(f"{url}/{mine['id']}/share", {})
    assert shared.status_code == 200 and shared.get_json()['shared']['received'] is False  # sent, not there yet
    [item] = db.scalars(select(OutboxItem).where(OutboxItem.channel == 'provider'))
    with app.app_context():
        deliver_outbox()
    [after] = [n for n in manager.get(url).get_json()['items'] if n['id'] == mine['id']]
    assert after['shared']['received'] is True  # delivered to the provider's system
    page = manager.get(f"/circles/{circle['id']}/notes").get_data(as_text=True)
    assert 'ontvangen door de zorgaanbieder' in page
    sent = requests.get(f'{fhir_server.base_url}/Communication/carehub-{item.id}', timeout=10).json()
    assert sent['payload'] == [{'contentString': 'Mijn moeder wil graag om acht uur ontbijten.'}]
    assert sent['category'][0]['coding'][0]['code'] == 'note'
    assert app.test_cli_runner().invoke(cli, ['sync', name, '--full']).exit_code == 0
    assert not [m for m in manager.get(f"/api/v1/circles/{circle['id']}/messages").get_json()['items']
                if m['from_provider']]  # what we sent is not read back as a message

    assert manager.delete(f'{url}/{note_id}').status_code == 204  # the manager tidies up
    assert basic.delete(f"{url}/{mine['id']}").status_code == 403
    assert [n['id'] for n in basic.get(url).get_json()['items']] == [mine['id']]
    assert register('x@example.nl').get(url).status_code == 404
    assert manager.delete(f'{url}/{uuid.uuid4()}').status_code == 404


def test_a_change_from_a_stale_view_is_refused_and_loses_nothing(fhir_server, provider, coupling_code, register):
    import re
    manager, circle, _, _ = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    url = f"/api/v1/circles/{circle['id']}/notes"
    note = manager.post(url, {'text': 'Eerste versie'}).get_json()
    assert note['version'] == 1
    # two views of version 1: a phone and a laptop
    first = manager.patch(f"{url}/{note['id']}", {'text': 'Van de telefoon', 'version': 1})
    assert first.status_code == 200 and first.get_json()['version'] == 2
    stale = manager.patch(f"{url}/{note['id']}", {'text': 'Van de laptop', 'version': 1})
    assert stale.status_code == 409
    error = stale.get_json()['error']
    assert error['code'] == 'version_conflict' and error['current']['text'] == 'Van de telefoon'
    assert error['current']['version'] == 2
    assert manager.get(url).get_json()['items'][0]['text'] == 'Van de telefoon'
    for bad in ({'text': 'x'}, {'text': 'x', 'version': '2'}, {'text': 'x', 'version': 0}):
        assert manager.patch(f"{url}/{note['id']}", bad).status_code == 422, bad
    # the page keeps the text typed on the stale view and shows the current one
    page = manager.client.get(url.replace('/api/v1', ''), headers={'Accept-Language': 'nl'}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = manager.client.post(url.replace('/api/v1', ''), data={
        'csrf_token': token, 'note_id': note['id'], 'version': '1', 'text': 'Getypt op een oude pagina',
        'action': 'save'}, headers={'Accept-Language': 'nl'})
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'Getypt op een oude pagina' in text and 'Van de telefoon' in text
    assert manager.get(url).get_json()['items'][0]['text'] == 'Van de telefoon'


def test_a_relative_who_may_write_to_the_provider_sends_their_own_note(
        app, fhir_server, provider, coupling_code, register, db):
    from hub.core.models import OutboxItem
    manager, circle, _, _ = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    trust, _ = _join(manager, circle, register, 'trust@example.nl', 'trust')  # trust: messages.provider
    url = f"/api/v1/circles/{circle['id']}/notes"
    own = trust.post(url, {'text': 'Vader slaapt slecht sinds de verhuizing.'}).get_json()
    managers = manager.post(url, {'text': 'Van de beheerder.'}).get_json()
    refused = trust.post(f"{url}/{managers['id']}/share", {})
    assert refused.status_code == 403  # not someone else's note
    sent = trust.post(f"{url}/{own['id']}/share", {})
    assert sent.status_code == 200 and sent.get_json()['shared'] is not None
    [item] = db.scalars(select(OutboxItem).where(OutboxItem.channel == 'provider'))
    assert item.payload['resource']['sender']['display'] == 'trust Persoon (trust)'
    page = trust.get(f"/circles/{circle['id']}/notes").get_data(as_text=True)
    assert 'naar de zorgaanbieder gestuurd' in page
