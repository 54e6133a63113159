"""The ons adapter against a test double of Nedap's Ons API: pull, signed webhooks, and the xstream feeds."""

import pytest
from sqlalchemy import select

from hub.cli import cli
from tests.ons_double import OnsDouble, stamp

SECRET = 'a-webhook-secret-from-the-dashboard'


@pytest.fixture
def ons():
    double = OnsDouble(secret=SECRET).start()
    yield double
    double.stop()


@pytest.fixture
def ons_provider(db, ons):
    from hub.careprovider.operations import add_provider

    def make(name='Zorggroep Ons', **settings):
        provider_id = db.run(lambda: str(add_provider(name, 'ons', {'base_url': ons.base_url,
                                                                    'webhook_secret': SECRET, **settings}).id))
        return name, provider_id
    return make


def client_dossier(ons):
    """A client at the provider with what Ons has: contact, insurance, reports of many kinds, a plan, the agenda."""
    client = ons.client()
    cid = client['id']
    relation = ons.put('relations', {'clientObjectId': cid, 'firstName': 'Joke', 'lastName': 'Dijk',
                                     'clientContactRelationType': {'id': 3, 'name': 'Dochter', 'legal': False}})
    ons.put('addresses', {'clientContactRelationId': relation['id'], 'telephoneNumber': '0201234567',
                          'email': 'joke@example.nl'})
    ons.put('insurances', {'clientObjectId': cid, 'debtorObjectId': 5, 'sourceType': 3, 'insuranceType': 'BV',
                           'comments': '', 'registrationNumber': 'P-889', 'beginDate': '2026-01-01T00:00:00.000+01:00',
                           'insurer': {'id': 5, 'type': 3, 'organizationName': 'Zilveren Kruis'}})
    ons.report(cid, comment='Mevrouw heeft goed gegeten en wilde wandelen.',
               expertiseProfile={'id': 4, 'description': 'Verzorgende IG', 'visible': True})
    ons.report(cid, comment='Vertrouwelijk: gesprek met arts.', confidential=True)
    ons.report(cid, comment='Verborgen rapportage.', hidden=True, hidingReason='verkeerde cliënt')
    ons.report(cid, comment='Vrijheidsbeperkende maatregel toegepast.', restrictiveMeasureId=44)
    ons.report(cid, reportTypeId=102, comment=None,
               reportEntries=[{'name': 'weight', 'value': '61.4', 'unit': 'kg'}])
    ons.report(cid, reportTypeId=103, comment=None, reportEntries=[
        {'name': 'systolicPressure', 'value': '135'}, {'name': 'diastolicPressure', 'value': '82'},
        {'name': 'heartRate', 'value': '70'}])
    ons.report(cid, reportTypeId=315, comment=None, soapReportEntries=[
        {'soapPart': 'Subjective', 'content': 'Voelt zich moe.'},
        {'soapPart': 'Objective', 'content': 'Geheime observatie.', 'confidential': True}])
    ons.report(cid, reportTypeId=111, comment='Dochter belde, alles goed.', carenName='Joke', carenRole='Mantelzorger')
    ons.report(cid, reportTypeId=220, comment=None,  # this customer's own code for saturation (ons.md §10.9)
               reportEntries=[{'name': 'decimalValue', 'value': '96', 'unit': '%'}])
    ons.put('care_plans', {'clientId': cid, 'employeeId': 7, 'status': 'ACTIVE',
                           'beginDate': '2026-09-01T00:00:00.000+02:00', 'carePlanEntries': [{
                               'id': 71, 'percentageRealized': 40, 'percentageTarget': 80,
                               'demandEntry': {'id': 81, 'comment': 'Viel twee keer in oktober',
                                               'demand': {'id': 1, 'definition': 'Valgevaar', 'hidden': False,
                                                          'domain': {'id': 3, 'name': 'Mobiliteit'}}},
                               'goalEntry': {'id': 91, 'title': 'Veilig lopen met rollator',
                                             'targetDate': '2027-03-01T00:00:00.000+01:00'},
                               'actionEntries': [{'id': 101, 'title': 'Dagelijks samen wandelen'},
                                                 {'id': 102, 'action': {'definition': 'Verborgen actie', 'hidden': True}}],
                           }]})
    today = stamp()[:10]
    ons.put('agenda', {'id': f'2@{today}', 'clientId': cid, 'occurrenceDate': today, 'startTime': '10:00:00.000',
                       'endTime': '10:30:00.000', 'name': 'Fysiotherapie', 'customLocation': 'Kamer 12'})
    ons.put('agenda', {'id': f'3@{today}', 'clientId': cid, 'occurrenceDate': today, 'startTime': '12:00:00.000',
                       'name': 'Privé afspraak medewerker', 'private': True})
    return str(cid)


def link(register, coupling_code, name, client_id, email='m@example.nl'):
    manager = register(email)
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, client_id)}).get_json()
    return manager, circle


def texts(manager, circle):
    items = manager.get(f"/api/v1/circles/{circle['id']}/timeline").get_json()['items']
    return [item['data']['text'] for item in items if item['kind'] == 'report']


def records(db, **filters):
    from hub.careprovider.models import Record
    query = select(Record)
    for key, value in filters.items():
        query = query.where(getattr(Record, key) == value)
    return db.scalars(query)


def test_a_sync_pulls_the_dossier_and_never_shows_confidential_hidden_or_restrictive_reports(
        app, ons, ons_provider, coupling_code, register, db):
    client_id = client_dossier(ons)
    ons.age(30)  # written half an hour ago
    name, _ = ons_provider(limit='3')  # small pages: the report search is read by offset until a short page
    manager, circle = link(register, coupling_code, name, client_id)
    result = app.test_cli_runner().invoke(cli, ['sync', name])
    assert result.exit_code == 0, result.output
    kinds = sorted(r.kind for r in records(db, deleted=False))
    assert kinds == sorted(['demographics', 'contact_person', 'insurance', 'report', 'report', 'report',
                            'measurement', 'measurement', 'measurement', 'plan', 'goal', 'condition', 'appointment'])
    [saturation] = records(db, kind='measurement', code='oxygen_saturation')
    assert saturation.data['value'] == 96.0 and saturation.data['code']['display'] == 'Saturatie'
    shown = ' '.join(texts(manager, circle))
    assert 'goed gegeten' in shown and 'S: Voelt zich moe.' in shown and 'Dochter belde' in shown
    for secret in ('Vertrouwelijk', 'Verborgen', 'Vrijheidsbeperkende', 'Geheime'):
        assert secret not in shown
    assert 'Vertrouwelijk' not in str([r.data for r in records(db)])  # not stored at all, only its raw payload
    [meal] = [r for r in records(db, kind='report') if 'goed gegeten' in r.data['text']]
    assert meal.data['discipline'] == 'Verzorgende IG'  # the expertise profile it was written in
    assert any('offset=3' in path for path in ons.requests)
    [contact] = records(db, kind='contact_person')
    assert contact.data == {'name': 'Joke Dijk', 'relationship': 'Dochter', 'phone': '0201234567',
                            'email': 'joke@example.nl'}
    [pressure] = records(db, kind='measurement', code='blood_pressure')
    assert [c['value'] for c in pressure.data['components']] == [135.0, 82.0, 70.0]
    [plan] = records(db, kind='plan')
    assert plan.data['status'] == 'active' and [a['description'] for a in plan.data['activities']] == [
        'Dagelijks samen wandelen']
    assert (plan.data['plan_type'], plan.data['evaluated_on']) == ('client', None)  # Ons has no evaluation dates
    assert plan.data['activities'][0]['problem'] == 'Valgevaar'
    [goal] = records(db, kind='goal')
    assert (goal.data['area'], goal.data['focus'], goal.data['problem'], goal.data['achievement']) == (
        'Mobiliteit', 'Valgevaar', 'Viel twee keer in oktober', '40% van 80%')
    assert manager.get(f"/api/v1/circles/{circle['id']}").get_json()['name'] == 'Mien van Dijk'

    ons.requests.clear()
    result = app.test_cli_runner().invoke(cli, ['sync', name])  # nothing changed: the report search answers 304
    assert result.exit_code == 0 and "'created'" not in result.output and "'updated'" not in result.output
    assert not any('offset=3' in path for path in ons.requests)


def post_event(app, provider_id, body, signature):
    headers = {'Content-Type': 'application/json'}
    if signature is not None:
        headers['X-Signature-SHA512'] = signature
    return app.test_client().post(f'/provider/v1/webhooks/{provider_id}', data=body, headers=headers)


def handle_events(app):
    from hub.worker import handle_events
    with app.app_context():
        handle_events()


def test_webhooks_are_verified_by_their_hmac(app, ons, ons_provider, db):
    from hub.careprovider.models import ProviderEvent
    from hub.core.models import AuditRecord
    _, provider_id = ons_provider()
    nop = ons.event('NOP', 'nop', None)
    assert post_event(app, provider_id, nop, ons.sign(nop)).status_code == 200  # Nedap's check of a new URL
    wrong = post_event(app, provider_id, nop, ons.sign(nop, secret='another-secret-entirely'))
    assert wrong.status_code == 401 and wrong.get_json()['error']['code'] == 'bad_signature'
    body = ons.event('UPDATE', 'report', 12)
    signed = ons.sign(body)
    changed = signed[:-2] + ('00' if signed[-2:] != '00' else 'ff')  # one byte other (1 in 256 it was 00 already)
    assert post_event(app, provider_id, body, changed).status_code == 401
    assert post_event(app, provider_id, body, None).status_code == 401
    assert post_event(app, provider_id, body + b' ', ons.sign(body)).status_code == 401  # a changed body
    assert db.count(ProviderEvent) == 0
    assert len(db.scalars(select(AuditRecord).where(AuditRecord.event == 'provider.webhook'))) == 4
    answer = post_event(app, provider_id, body, ons.sign(body))
    assert answer.status_code == 200 and answer.get_json() == {'received': 1}
    assert post_event(app, '7f0e4a2c-0000-4000-8000-000000000000', body, ons.sign(body)).status_code == 404
    garbled = b'{"eventType": "UPDATE", "modelType": "report", "id": "x"}'
    assert post_event(app, provider_id, garbled, ons.sign(garbled)).status_code == 422


def test_an_update_before_its_create_a_replay_and_a_delete(app, ons, ons_provider, coupling_code, register, db):
    from hub.careprovider.models import ProviderEvent
    client_id = client_dossier(ons)
    name, provider_id = ons_provider()
    manager, circle = link(register, coupling_code, name, client_id)
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    before = len(texts(manager, circle))

    report = ons.report(int(client_id), comment='Nieuwe rapportage via webhook.')
    update = ons.event('UPDATE', 'report', report['id'])
    create = ons.event('CREATE', 'report', report['id'])
    for body in (update, create):  # out of order, as Nedap warns
        assert post_event(app, provider_id, body, ons.sign(body)).status_code == 200
    handle_events(app)
    assert len(records(db, source_id=f"report/{report['id']}")) == 1
    assert texts(manager, circle)[0] == 'Nieuwe rapportage via webhook.' and len(texts(manager, circle)) == before + 1

    replay = post_event(app, provider_id, update, ons.sign(update))  # Nedap redelivers the same event
    assert replay.status_code == 200 and replay.get_json() == {'received': 0}
    assert db.count(ProviderEvent) == 2 and all(e.handled_at for e in db.scalars(select(ProviderEvent)))

    report['comment'] = 'Aangepast.'
    ons.put('reports', report)
    changed = ons.event('UPDATE', 'report', report['id'], timestamp=stamp())
    post_event(app, provider_id, changed, ons.sign(changed))
    handle_events(app)
    assert texts(manager, circle)[0] == 'Aangepast.'

    ons.delete('reports', report['id'])
    delete = ons.event('DELETE', 'report', report['id'])
    post_event(app, provider_id, delete, ons.sign(delete))
    late = ons.event('UPDATE', 'report', report['id'], timestamp='2026-01-01T00:00:00.000+01:00')
    post_event(app, provider_id, late, ons.sign(late))  # a late UPDATE after the DELETE: still gone
    handle_events(app)
    [gone] = records(db, source_id=f"report/{report['id']}")
    assert gone.deleted and 'Aangepast.' not in texts(manager, circle)

    hidden = ons.report(int(client_id), comment='Eerst zichtbaar.')
    first = ons.event('CREATE', 'report', hidden['id'])
    post_event(app, provider_id, first, ons.sign(first))
    handle_events(app)
    hidden['hidden'] = True
    ons.put('reports', hidden)
    second = ons.event('UPDATE', 'report', hidden['id'], timestamp=stamp())
    post_event(app, provider_id, second, ons.sign(second))
    handle_events(app)
    assert 'Eerst zichtbaar.' not in texts(manager, circle)  # hidden afterwards: taken off the timeline


def test_events_about_clients_not_linked_here_keep_nothing(app, ons, ons_provider, db):
    from hub.careprovider.models import ProviderEvent, Record
    client_id = client_dossier(ons)
    _, provider_id = ons_provider()
    report = ons.report(int(client_id), comment='Van iemand die hier geen account heeft.')
    body = ons.event('CREATE', 'report', report['id'])
    post_event(app, provider_id, body, ons.sign(body))
    handle_events(app)
    assert db.count(Record) == 0 and db.scalars(select(ProviderEvent))[0].handled_at is not None


def test_a_custom_event_asks_for_a_sync_and_the_worker_runs_it(app, ons, ons_provider, coupling_code, register, db):
    from hub.careprovider.models import Dossier
    from hub.worker import sync_due
    client_id = client_dossier(ons)
    name, provider_id = ons_provider()
    link(register, coupling_code, name, client_id)
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    body = ons.event('CUSTOM', 'care_plan_activated', None, payload={'clientId': int(client_id)})
    assert post_event(app, provider_id, body, ons.sign(body)).get_json() == {'received': 1}
    handle_events(app)
    assert db.scalars(select(Dossier))[0].sync_requested
    with app.app_context():
        sync_due()
    assert not db.scalars(select(Dossier))[0].sync_requested


def test_the_xstream_feeds_catch_what_webhooks_missed(app, ons, ons_provider, coupling_code, register, db):
    from datetime import timedelta

    from sqlalchemy import update

    from hub.careprovider.models import Provider
    from hub.core.timeutil import utcnow
    from hub.worker import poll_feeds
    client_id = client_dossier(ons)
    name, _ = ons_provider()
    manager, circle = link(register, coupling_code, name, client_id)
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    with app.app_context():
        poll_feeds()  # the first read of the feeds: everything since the beginning, nothing new for us
    assert db.scalars(select(Provider))[0].watermark is not None
    missed = ons.report(int(client_id), comment='Gemist door de webhook.')
    other = ons.client(firstName='Kees', givenName=None, lastName='Bos')
    ons.report(other['id'], comment='Van een andere cliënt.')
    ons.delete('clients', other['id'])
    with app.app_context():
        poll_feeds()  # not due yet: the interval has not passed
    assert 'Gemist door de webhook.' not in texts(manager, circle)
    db.execute(update(Provider).values(watermark=utcnow() - timedelta(hours=2)))  # the hourly read is due
    with app.app_context():
        poll_feeds()
    assert texts(manager, circle)[0] == 'Gemist door de webhook.'
    assert len(records(db, source_id=f"report/{missed['id']}")) == 1
    assert not any('andere cliënt' in str(r.data) for r in records(db))


def test_items_for_ons_become_family_reports_sent_with_retries_and_once(
        app, ons, ons_provider, coupling_code, register, db):
    from hub.careprovider.models import Dossier
    from hub.careprovider.outbound import queue_for_provider
    from hub.core.commit import unit_of_work
    from hub.core.models import OutboxItem
    from hub.extensions import db as sa_db
    from hub.worker import deliver_outbox
    client_id = client_dossier(ons)
    name, _ = ons_provider()
    link(register, coupling_code, name, client_id)
    with app.app_context(), unit_of_work():
        item = queue_for_provider(sa_db.session.execute(select(Dossier)).scalar_one(), 'note', {
            'text': 'Ik wil graag op zondag douchen.', 'author': 'Mien van Dijk', 'author_role': 'manager',
            'written_at': stamp()})
        item_id = str(item.id)
    ons.fail_posts = 1  # Ons is busy during an update
    with app.app_context():
        deliver_outbox()
    [waiting] = db.scalars(select(OutboxItem).where(OutboxItem.channel == 'provider'))
    assert waiting.status == 'pending' and waiting.attempts == 1 and waiting.last_error == 'AdapterError'
    db.execute(__import__('sqlalchemy').update(OutboxItem).values(next_attempt_at=waiting.created_at))
    with app.app_context():
        deliver_outbox()
    sent = [m for m in ons.data['reports'].values() if m.get('uuid') == item_id]
    assert len(sent) == 1 and sent[0]['reportTypeId'] == 111 and sent[0]['carenName'] == 'Mien van Dijk'
    assert sent[0]['comment'] == 'Notitie van de cliënt via carehub: Ik wil graag op zondag douchen.'
    assert sent[0]['createdBy'] == 'carehub'  # Ons keeps the user name of X-Cupido-User-Name
    with app.app_context():  # a second delivery (an answer lost on the way) finds it and posts nothing
        from hub.careprovider.models import Provider
        from hub.careprovider.operations import adapter_for
        adapter_for(sa_db.session.execute(select(Provider)).scalar_one()).send(sent[0])
    assert len([m for m in ons.data['reports'].values() if m.get('uuid') == item_id]) == 1
    assert app.test_cli_runner().invoke(cli, ['sync', name, '--full']).exit_code == 0
    assert not [r for r in records(db, kind='report') if 'zondag douchen' in r.data['text']]  # not read back


def test_a_contact_person_change_reaches_ons_as_a_report_for_its_staff(
        app, ons, ons_provider, coupling_code, register, db):
    from hub.worker import deliver_outbox
    client_id = client_dossier(ons)
    name, _ = ons_provider()
    manager, circle = link(register, coupling_code, name, client_id)
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    base = f"/api/v1/circles/{circle['id']}"
    [joke] = manager.get(f'{base}/data').get_json()['sections']['contact_persons']
    asked = manager.patch(f"{base}/contact-persons/{joke['id']}", {'email': 'joke.dijk@example.nl'})
    assert asked.status_code == 202, asked.get_json()
    with app.app_context():
        deliver_outbox()
    [sent] = [m for m in ons.data['reports'].values() if 'contactpersoon' in str(m.get('comment'))]
    assert sent['comment'].startswith('Verzoek contactpersoon wijzigen via carehub (client_contact_relation/')
    assert 'e-mail: joke.dijk@example.nl' in sent['comment'] and 'relatie: Dochter' in sent['comment']
    assert sent['reportTypeId'] == 111 and sent['clientId'] == int(client_id)
    assert manager.get(f'{base}/contact-persons/requests').get_json()['items'][0]['status'] == 'received'
    assert app.test_cli_runner().invoke(cli, ['sync', name, '--full']).exit_code == 0
    assert not [r for r in records(db, kind='report') if 'contactpersoon' in r.data['text']]  # not read back


def test_a_correction_reaches_ons_as_a_report_for_its_staff(app, ons, ons_provider, coupling_code, register, db):
    from hub.worker import deliver_outbox
    client_id = client_dossier(ons)
    name, _ = ons_provider()
    manager, circle = link(register, coupling_code, name, client_id)
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    [report] = [r for r in records(db, kind='report')][:1]
    manager.step_up()
    url = f"/api/v1/circles/{circle['id']}/corrections"
    asked = manager.post(url, {'record_id': str(report.id), 'text': 'Dit was op dinsdag, niet op maandag.'})
    assert asked.status_code == 202, asked.get_json()
    with app.app_context():
        deliver_outbox()
    [sent] = [m for m in ons.data['reports'].values() if 'correctie' in str(m.get('comment'))]
    assert sent['comment'].startswith(f'Verzoek om correctie via carehub over {asked.get_json()["about"]} (')
    assert ') (report/' in sent['comment']  # the day of the report, then the report as Ons knows it
    assert sent['comment'].endswith(': Dit was op dinsdag, niet op maandag.') and sent['reportTypeId'] == 111
    assert manager.get(url).get_json()['items'][0]['status'] == 'received'  # Ons gives no answer to read back
    assert app.test_cli_runner().invoke(cli, ['sync', name, '--full']).exit_code == 0
    assert not [r for r in records(db, kind='report') if 'correctie' in r.data['text']]  # not read back


def test_ons_is_reached_over_mutual_tls_only(tmp_path):
    from adapters.ons import OnsAdapter
    from hub.careprovider.adapter import AdapterError
    from tests.ons_double import make_certificates
    tls = make_certificates(tmp_path)
    double = OnsDouble(secret=SECRET).start(tls=tls)
    try:
        client = double.client()
        adapter = OnsAdapter({'base_url': double.base_url, 'cert_file': str(tls / 'client.pem'),
                              'key_file': str(tls / 'client.key'), 'ca_file': str(tls / 'ca.pem')})
        [source] = [s for s in adapter.fetch(str(client['id']), None) if s.source_type == 'client']
        assert source.payload['lastName'] == 'Dijk'
        without = OnsAdapter({'base_url': double.base_url, 'ca_file': str(tls / 'ca.pem')})
        with pytest.raises(AdapterError, match='not reachable'):
            list(without.fetch(str(client['id']), None))  # no client certificate: the handshake fails
        untrusted = OnsAdapter({'base_url': double.base_url, 'cert_file': str(tls / 'client.pem'),
                                'key_file': str(tls / 'client.key')})
        with pytest.raises(AdapterError, match='not reachable'):
            list(untrusted.fetch(str(client['id']), None))  # the server is not checked against the stage's CA
    finally:
        double.stop()


def test_a_signed_webhook_nested_5000_deep_is_refused_plainly(app, ons, ons_provider):
    import hashlib
    import hmac
    _, provider_id = ons_provider()
    body = ('[' * 5000 + ']' * 5000).encode()
    signature = hmac.new(SECRET.encode(), body, hashlib.sha512).hexdigest()
    answer = post_event(app, provider_id, body, signature)
    assert answer.status_code == 422 and answer.get_json()['error']['code'] == 'invalid_event'
