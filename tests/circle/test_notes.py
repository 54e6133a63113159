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
    assert manager.patch(f'{url}/{note_id}', {'text': 'Overschreven'}).status_code == 403
    changed = basic.patch(f'{url}/{note_id}', {'text': 'De bril ligt in de onderste la.'})
    assert changed.status_code == 200 and changed.get_json()['text'] == 'De bril ligt in de onderste la.'
    for bad in ({'text': ''}, {'text': 'x' * 10001}, {}, {'text': 'x', 'extra': 1}):
        assert basic.post(url, bad).status_code == 422, bad
    assert basic.post(f'{url}/{note_id}/share', {}).status_code == 403  # only the manager sends notes on

    mine = manager.post(url, {'text': 'Mijn moeder wil graag om acht uur ontbijten.'}).get_json()
    shared = manager.post(f"{url}/{mine['id']}/share", {})
    assert shared.status_code == 200 and shared.get_json()['shared']
    [item] = db.scalars(select(OutboxItem).where(OutboxItem.channel == 'provider'))
    with app.app_context():
        deliver_outbox()
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
