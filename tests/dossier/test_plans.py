"""Care plans: read with goals, approved by the manager after a fresh second factor, sent to the provider."""

import base64
import uuid
from datetime import timedelta

import requests
from sqlalchemy import select, update

from hub.cli import cli
from tests.careprovider.test_fhir_sync import fhir_load
from tests.circle.test_api import _join
from tests.reading import text

APPROVAL = 'https://carehub.nl/fhir/StructureDefinition/approval-status'


def plan_resources(patient_id):
    subject = {'reference': f'Patient/{patient_id}'}
    return [
        {'resourceType': 'Patient', 'id': patient_id, 'name': [{'family': 'Smit', 'given': ['Gerda']}]},
        {'resourceType': 'Goal', 'id': f'{patient_id}-g1', 'lifecycleStatus': 'active', 'subject': subject,
         'description': {'text': 'Zelf aankleden in de ochtend'}, 'target': [{'dueDate': '2027-02-01'}]},
        {'resourceType': 'CarePlan', 'id': f'{patient_id}-cp', 'status': 'active', 'intent': 'plan',
         'title': 'Zorgplan 2026-2027', 'subject': subject, 'period': {'start': '2026-11-01'},
         'extension': [{'url': APPROVAL, 'valueCode': 'awaiting-signature'}],
         'goal': [{'reference': f'Goal/{patient_id}-g1'}],
         'activity': [{'detail': {'status': 'in-progress', 'description': 'Elke ochtend hulp bij het aankleden',
                                  'goal': [{'reference': f'Goal/{patient_id}-g1'}]}}]},
    ]


def test_the_manager_approves_a_plan_and_the_approval_reaches_the_fhir_server(
        app, fhir_server, provider, coupling_code, register, db):
    from hub.account.models import AuthSession
    from hub.core.models import AuditRecord, OutboxItem
    from hub.core.timeutil import utcnow
    from hub.worker import deliver_outbox
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    fhir_load(fhir_server.base_url, plan_resources(patient_id))
    name = provider('Zorggroep Plan', base_url=fhir_server.base_url)
    manager = register('m@example.nl', 'Gerda', 'Smit')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    base = f"/api/v1/circles/{circle['id']}/plans"

    [listed] = manager.get(base).get_json()['items']
    version = listed['version']  # the server's versionId (Medplum numbers versions with uuids)
    assert listed['approval'] == 'awaiting_signature' and version
    plan = manager.get(f"{base}/{listed['id']}").get_json()
    assert plan['data']['title'] == 'Zorgplan 2026-2027'
    assert [g['description'] for g in plan['goals']] == ['Zelf aankleden in de ochtend']
    assert plan['data']['activities'][0]['description'] == 'Elke ochtend hulp bij het aankleden'

    trust, _ = _join(manager, circle, register, 'trust@example.nl', 'trust')
    assert trust.get(f"{base}/{listed['id']}").status_code == 200  # the trust group reads the plan
    refused = trust.post(f"{base}/{listed['id']}/approve", {'version': version, 'agree': True})
    assert refused.status_code == 403  # only the manager signs

    changed = manager.post(f"{base}/{listed['id']}/approve", {'version': '0', 'agree': True})
    assert changed.status_code == 409 and changed.get_json()['error']['code'] == 'version_changed'
    db.execute(update(AuthSession).values(second_factor_at=utcnow() - timedelta(minutes=6)))
    stale = manager.post(f"{base}/{listed['id']}/approve", {'version': version, 'agree': True})
    assert stale.status_code == 401 and stale.get_json()['error']['code'] == 'step_up_required'
    assert manager.get(base).status_code == 200  # reading still works: 15 minutes for that, 5 for a sign-off
    manager.step_up()
    assert manager.post(f"{base}/{listed['id']}/approve", {'version': version, 'agree': True,
                                                          'extra': 1}).status_code == 422
    for agree in ({}, {'agree': False}):  # nothing is approved without "I have read it and agree"
        unticked = manager.post(f"{base}/{listed['id']}/approve", {'version': version, **agree})
        assert unticked.status_code == 422 and 'agree' in unticked.get_json()['error']['fields']
    approved = manager.post(f"{base}/{listed['id']}/approve", {'version': version, 'agree': True})
    assert approved.status_code == 201, approved.get_json()
    assert approved.get_json()['version'] == version and approved.get_json()['approved_by'] == 'Gerda Smit'
    again = manager.post(f"{base}/{listed['id']}/approve", {'version': version, 'agree': True})
    assert again.status_code == 409 and again.get_json()['error']['code'] == 'already_approved'
    assert manager.get(base).get_json()['items'][0]['approval'] == 'approved'

    [item] = db.scalars(select(OutboxItem).where(OutboxItem.channel == 'provider'))
    with app.app_context():
        deliver_outbox()
    provenance = requests.get(f'{fhir_server.base_url}/Provenance/carehub-{item.id}', timeout=10).json()
    assert provenance['target'] == [{'reference': f'CarePlan/{patient_id}-cp/_history/{version}'}]
    assert provenance['agent'][0]['onBehalfOf'] == {'reference': f'Patient/{patient_id}'}
    assert provenance['signature'][0]['who'] == {'display': 'Gerda Smit'}
    assert len(base64.b64decode(provenance['signature'][0]['data'])) == 32
    [sent] = db.scalars(select(OutboxItem).where(OutboxItem.channel == 'provider'))
    assert sent.status == 'sent' and sent.payload == {}  # delivered: the name is not kept in the outbox
    events = [r.outcome for r in db.scalars(select(AuditRecord).where(AuditRecord.event == 'dossier.plan_approve'))]
    assert events.count('success') == 1 and 'forbidden' in events and 'step_up_required' in events


def test_a_plan_not_waiting_for_approval_or_of_another_page_cannot_be_approved(
        app, fhir_server, provider, coupling_code, register, db):
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    resources = plan_resources(patient_id)
    resources[2]['extension'] = []
    fhir_load(fhir_server.base_url, resources)
    name = provider('Zorggroep Plan', base_url=fhir_server.base_url)
    manager = register('m@example.nl')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    [plan] = manager.get(f"/api/v1/circles/{circle['id']}/plans").get_json()['items']
    answer = manager.post(f"/api/v1/circles/{circle['id']}/plans/{plan['id']}/approve",
                          {'version': plan['version'], 'agree': True})
    assert answer.status_code == 409 and answer.get_json()['error']['code'] == 'not_awaiting_approval'
    other = register('o@example.nl')
    page = other.post('/api/v1/connections', {'code': coupling_code(name, 'someone-else')}).get_json()
    assert other.get(f"/api/v1/circles/{page['id']}/plans/{plan['id']}").status_code == 404
    assert other.post(f"/api/v1/circles/{page['id']}/plans/{plan['id']}/approve",
                      {'version': '1', 'agree': True}).status_code == 404


def test_the_manager_gets_a_mail_once_when_a_plan_comes_to_wait_for_approval(
        app, fhir_server, provider, coupling_code, register, mailbox, db):
    from hub.worker import notify_plans
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    resources = plan_resources(patient_id)
    fhir_load(fhir_server.base_url, resources)
    name = provider('Zorggroep Plan', base_url=fhir_server.base_url)
    manager = register('m@example.nl', 'Gerda', 'Smit')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    _join(manager, circle, register, 'trust@example.nl', 'trust')
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0

    def plan_mails():
        with app.app_context():
            notify_plans()
        return [m for m in mailbox.to('m@example.nl') if 'zorgplan' in m['Subject'].lower()]
    [mail] = plan_mails()
    assert mail['Subject'] == 'Er wacht een zorgplan op je goedkeuring'
    assert 'Zorgplan 2026-2027' not in mail.get_content()  # no plan content in a mail: only the link
    link = mailbox.link('m@example.nl', f"/circles/{circle['id']}/plans/")
    assert manager.get(link).status_code == 200  # the page of the plan, for the manager
    assert not [m for m in mailbox.to('trust@example.nl') if 'zorgplan' in m['Subject'].lower()]
    assert len(plan_mails()) == 1  # the same plan: no second mail

    resources[2]['title'] = 'Zorgplan 2026-2027, herzien'
    fhir_load(fhir_server.base_url, [resources[2]])
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    assert len(plan_mails()) == 2  # a new version waits again

    resources[2]['extension'] = []
    resources[2]['title'] = 'Zorgplan 2027'
    fhir_load(fhir_server.base_url, [resources[2]])
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    assert len(plan_mails()) == 2  # a plan that does not wait gives no mail


def test_the_manager_sees_who_read_the_dossier(app, fhir_server, provider, coupling_code, register, db):
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    fhir_load(fhir_server.base_url, plan_resources(patient_id))
    name = provider('Zorggroep Plan', base_url=fhir_server.base_url)
    manager = register('m@example.nl', 'Gerda', 'Smit')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    trust, _ = _join(manager, circle, register, 'trust@example.nl', 'trust')
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    trust.get(f"/api/v1/circles/{circle['id']}/timeline")
    trust.get(f"/api/v1/circles/{circle['id']}/plans")
    assert basic.get(f"/api/v1/circles/{circle['id']}/timeline").status_code == 403
    url = f"/api/v1/circles/{circle['id']}/access-log"
    assert trust.get(url).status_code == 403 and basic.get(url).status_code == 403
    items = manager.get(url).get_json()['items']
    assert [(i['who'], i['event'], i['outcome']) for i in items[:3]] == [
        ('basic Persoon', 'dossier.timeline', 'forbidden'), ('trust Persoon', 'dossier.plans', 'success'),
        ('trust Persoon', 'dossier.timeline', 'success')]
    assert items[1]['role'] == 'trust'
    page = manager.get(f"/circles/{circle['id']}/access-log").get_data(as_text=True)
    assert 'Zorgplannen bekeken' in page and 'geweigerd' in page
    for _ in range(3):
        trust.get(f"/api/v1/circles/{circle['id']}/plans")
    manager.get(f"/api/v1/circles/{circle['id']}/plans")
    page = manager.get(f"/circles/{circle['id']}/access-log").get_data(as_text=True)
    assert 'en 2 keer eerder die dag' in page  # three reads in a row that day: one line
    assert 'Gerda' not in page.split('<tbody>')[1]  # the manager's own clicks are left out
    mine = manager.get(f"/circles/{circle['id']}/access-log?mine=1").get_data(as_text=True)
    assert 'Gerda' in mine.split('<tbody>')[1]


def test_measurements_come_in_series_for_the_trust_group(app, fhir_server, provider, coupling_code, register, db):
    from datetime import UTC, datetime
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    subject = {'reference': f'Patient/{patient_id}'}
    now = datetime.now(UTC)
    loinc = 'http://loinc.org'
    weights = [{'resourceType': 'Observation', 'id': f'{patient_id}-w{i}', 'status': 'final', 'subject': subject,
                'code': {'coding': [{'system': loinc, 'code': '29463-7'}]},
                'effectiveDateTime': (now - timedelta(days=30 * i)).isoformat(),
                'valueQuantity': {'value': 70 + i, 'unit': 'kg'}} for i in range(4)]
    pressure = {'resourceType': 'Observation', 'id': f'{patient_id}-bp', 'status': 'final', 'subject': subject,
                'code': {'coding': [{'system': loinc, 'code': '85354-9'}]}, 'effectiveDateTime': now.isoformat(),
                'component': [{'code': {'coding': [{'system': loinc, 'code': '8480-6'}]},
                               'valueQuantity': {'value': 130, 'unit': 'mm[Hg]'}},
                              {'code': {'coding': [{'system': loinc, 'code': '8462-4'}]},
                               'valueQuantity': {'value': 80, 'unit': 'mm[Hg]'}}]}
    old = dict(weights[0], id=f'{patient_id}-old', effectiveDateTime=(now - timedelta(days=800)).isoformat())
    height = dict(weights[0], id=f'{patient_id}-h', code={'coding': [{'system': loinc, 'code': '8302-2'}]},
                  effectiveDateTime=(now - timedelta(days=730)).isoformat(), valueQuantity={'value': 172, 'unit': 'cm'})
    fhir_load(fhir_server.base_url, [plan_resources(patient_id)[0], *weights, pressure, old, height])
    name = provider('Zorggroep Meting', base_url=fhir_server.base_url)
    manager = register('m@example.nl')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    url = f"/api/v1/circles/{circle['id']}/measurements"
    items = {s['series']: s for s in manager.get(url).get_json()['items']}
    assert [p['value'] for p in items['body_weight']['points']] == [73.0, 72.0, 71.0, 70.0]  # oldest first, last year
    assert items['blood_pressure']['points'][0]['systolic'] == 130.0
    assert items['blood_pressure']['points'][0]['diastolic'] == 80.0
    assert items['blood_pressure']['unit'] == 'mm[Hg]'  # the components' unit
    assert [p['value'] for p in items['body_height']['points']] == [172.0]  # two years old: still its latest value
    assert len({s['series']: s for s in manager.get(f'{url}?days=3650').get_json()['items']}['body_weight'][
        'points']) == 5
    assert manager.get(f'{url}?days=0').status_code == 422 and manager.get(f'{url}?days=x').status_code == 422
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    assert basic.get(url).status_code == 403
    page = manager.get(f"/circles/{circle['id']}/measurements").get_data(as_text=True)
    assert 'Gewicht' in page and 'Bloeddruk' in page and '<polyline' in page and '130 / 80 mmHg' in page and 'mm[Hg]' not in page
    assert '172 cm' in page and ' .</desc>' not in page


def test_the_dossier_downloads_as_fhir_or_a_readable_page_for_the_months_asked(
        app, fhir_server, provider, coupling_code, register, db):
    from tests.careprovider.test_fhir_sync import client_records
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    resources = client_records(patient_id, reports=3) + plan_resources(patient_id)[1:]
    resources[1]['effectiveDateTime'] = '2025-03-10T10:00:00+01:00'  # a report of long ago
    fhir_load(fhir_server.base_url, resources)
    name = provider('Zorggroep Download', base_url=fhir_server.base_url)
    manager = register('m@example.nl')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    url = f"/api/v1/circles/{circle['id']}/export"
    whole = manager.get(url)
    assert whole.status_code == 200 and whole.mimetype == 'application/fhir+json'
    assert 'attachment' in whole.headers['Content-Disposition'] and whole.headers['Cache-Control'] == 'no-store'
    bundle = whole.get_json()
    types = sorted(e['resource']['resourceType'] for e in bundle['entry'])
    assert bundle['type'] == 'collection' and types.count('Observation') == 4 and 'CarePlan' in types
    response = requests.post(fhir_server.base_url, json={**bundle, 'type': 'batch', 'entry': [
        {'resource': e['resource'], 'request': {'method': 'PUT', 'url': f"{e['resource']['resourceType']}/x-"
                                                                           f"{e['resource']['id']}"[:60]}}
        for e in bundle['entry']]}, headers={'Content-Type': 'application/fhir+json'}, timeout=30)
    assert response.ok  # a FHIR server takes what we give
    recent = manager.get(f'{url}?from=2026-01').get_json()
    assert len(recent['entry']) == len(bundle['entry']) - 1  # the old report is outside the months
    old = manager.get(f'{url}?from=2025-03&to=2025-03').get_json()
    assert [e['resource']['id'] for e in old['entry'] if e['resource']['resourceType'] == 'Observation'] == [
        f'{patient_id}-r0']
    page = manager.get(f'{url}?format=html')
    assert page.mimetype == 'text/html' and 'Rapportage nummer 1.' in page.get_data(as_text=True)
    for bad in ('from=2026-13', 'from=26-01', 'from=2026-05&to=2026-04', 'format=pdf'):
        assert manager.get(f'{url}?{bad}').status_code == 422, bad
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    assert basic.get(url).status_code == 403
    download = manager.get(f"/circles/{circle['id']}/export?download=1&format=html&from=&to=")
    assert download.status_code == 200 and 'Dossier van' in download.get_data(as_text=True)
    assert manager.get(f"/circles/{circle['id']}/export").status_code == 200
    events = [i['event'] for i in manager.get(f"/api/v1/circles/{circle['id']}/access-log").get_json()['items']]
    assert events.count('dossier.export') >= 5


def _waiting_plan(app, fhir_server, provider, coupling_code, register):
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    resources = plan_resources(patient_id)
    fhir_load(fhir_server.base_url, resources)
    name = provider('Zorggroep Plan', base_url=fhir_server.base_url)
    manager = register('m@example.nl', 'Gerda', 'Smit')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    return manager, circle, name, resources, patient_id


def test_the_mailed_link_opens_the_plan_and_says_plainly_when_it_no_longer_fits(
        app, fhir_server, provider, coupling_code, register, mailbox, db):
    from hub.worker import notify_plans
    manager, circle, name, resources, _ = _waiting_plan(app, fhir_server, provider, coupling_code, register)
    with app.app_context():
        notify_plans()
    link = mailbox.link('m@example.nl', f"/circles/{circle['id']}/plans/")
    assert '?sign=' in link and 'De link werkt 7 dagen' in mailbox.last_to('m@example.nl').get_content()
    page = manager.get(link).get_data(as_text=True)
    assert 'Wacht op handtekening cliënt' in page and 'Ik heb het plan gelezen en ga akkoord' in page
    assert 'class="alert" role="status"' not in page  # a good link: nothing to explain

    someone = register('x@example.nl')
    assert someone.get(link).status_code == 404  # not their care page: the plan is not there for them
    trust, _ = _join(manager, circle, register, 'trust@example.nl', 'trust')
    assert 'voor iemand anders' in trust.get(link).get_data(as_text=True)
    assert 'klopt niet' in manager.get(link.replace('sign=', 'sign=x')).get_data(as_text=True)

    app.config['CAREHUB']['SIGN_OFF_LINK_MAX_AGE'] = -1  # as if a week went by
    try:
        assert 'is verlopen' in manager.get(link).get_data(as_text=True)
    finally:
        app.config['CAREHUB']['SIGN_OFF_LINK_MAX_AGE'] = 7 * 24 * 3600

    plan_id = link.split('/plans/')[1].split('?')[0]
    version = manager.get(f"/api/v1/circles/{circle['id']}/plans/{plan_id}").get_json()['version']
    form = manager.client.post(f"/circles/{circle['id']}/plans/{plan_id}/approve",
                               data={'csrf_token': manager.csrf(), 'version': version})  # not ticked
    assert form.status_code == 422 and 'Zet een vinkje' in form.get_data(as_text=True)
    form = manager.client.post(f"/circles/{circle['id']}/plans/{plan_id}/approve",
                               data={'csrf_token': manager.csrf(), 'version': version, 'agree': 'yes'})
    assert form.status_code == 303 and form.headers['Location'].endswith('?done=approved')
    assert 'al beslist' in manager.get(link).get_data(as_text=True)  # the link was used

    resources[2]['title'] = 'Zorgplan 2026-2027, herzien'
    fhir_load(fhir_server.base_url, [resources[2]])
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    assert 'nieuwere versie' in manager.get(link).get_data(as_text=True)  # the old link, a new version
    assert manager.client.get(link).status_code == 200  # never a decision on GET
    with app.app_context():
        notify_plans()  # the new version sends a new mail, with a new link
    assert mailbox.link('m@example.nl', f"/circles/{circle['id']}/plans/") != link


def test_the_manager_declines_a_plan_with_a_comment_that_reaches_the_provider(
        app, fhir_server, provider, coupling_code, register, db):
    from hub.core.models import AuditRecord, OutboxItem
    from hub.worker import deliver_outbox
    manager, circle, _, _, patient_id = _waiting_plan(app, fhir_server, provider, coupling_code, register)
    base = f"/api/v1/circles/{circle['id']}/plans"
    [listed] = manager.get(base).get_json()['items']
    url = f"{base}/{listed['id']}/decline"
    for body in ({'version': listed['version']}, {'version': listed['version'], 'comment': '   '},
                 {'version': listed['version'], 'comment': 'x' * 2001}):
        refused = manager.post(url, body)
        assert refused.status_code == 422 and 'comment' in refused.get_json()['error']['fields']
    trust, _ = _join(manager, circle, register, 'trust@example.nl', 'trust')
    assert trust.post(url, {'version': listed['version'], 'comment': 'Nee'}).status_code == 403
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    assert basic.post(url, {'version': listed['version'], 'comment': 'Nee'}).status_code == 403
    page = f"/circles/{circle['id']}/plans/{listed['id']}"
    assert 'name="comment"' not in trust.get(page).get_data(as_text=True)  # no decline form for others
    assert trust.client.post(f'{page}/decline', data={'version': listed['version'], 'comment': 'Nee',
                                                      'csrf_token': trust.csrf()}).status_code == 403
    assert register('x@example.nl').post(url, {'version': listed['version'], 'comment': 'Nee'}).status_code == 404
    from hub.account.models import AuthSession
    from hub.core.timeutil import utcnow
    db.execute(update(AuthSession).values(second_factor_at=utcnow() - timedelta(minutes=6)))
    stale = manager.post(url, {'version': listed['version'], 'comment': 'Nee'})
    assert stale.status_code == 401 and stale.get_json()['error']['code'] == 'step_up_required'
    manager.step_up()
    declined = manager.post(url, {'version': listed['version'], 'comment': 'Ik wil liever om 8 uur hulp.'})
    assert declined.status_code == 200, declined.get_json()
    assert declined.get_json()['comment'] == 'Ik wil liever om 8 uur hulp.'
    again = manager.post(f"{base}/{listed['id']}/approve", {'version': listed['version'], 'agree': True})
    assert again.status_code == 409 and again.get_json()['error']['code'] == 'already_declined'
    [plan] = manager.get(base).get_json()['items']
    assert plan['approval'] == 'declined' and plan['declined']['comment'] == 'Ik wil liever om 8 uur hulp.'
    page = manager.get(f"/circles/{circle['id']}/plans/{listed['id']}").get_data(as_text=True)
    assert 'zei je dat je het niet eens bent' in page and 'Ik wil liever om 8 uur hulp.' in page

    [item] = db.scalars(select(OutboxItem).where(OutboxItem.channel == 'provider'))
    with app.app_context():
        deliver_outbox()
    sent = requests.get(f'{fhir_server.base_url}/Communication/carehub-{item.id}', timeout=10).json()
    assert sent['about'] == [{'reference': f"CarePlan/{patient_id}-cp/_history/{listed['version']}"}]
    assert 'Ik wil liever om 8 uur hulp.' in sent['payload'][0]['contentString']
    assert sent['subject'] == {'reference': f'Patient/{patient_id}'}
    assert db.scalars(select(AuditRecord.outcome).where(AuditRecord.event == 'dossier.plan_decline')).count(
        'success') == 1
    log = manager.get(f"/api/v1/circles/{circle['id']}/access-log").get_json()['items']
    assert any(item['event'] == 'dossier.plan_decline' and item['outcome'] == 'success' for item in log)


def test_plans_come_client_plan_first_then_work_plans_by_discipline_with_their_history(
        app, fhir_server, provider, coupling_code, register):
    from adapters.fhir.common import CLIENT_STATUS_EXTENSION, EVALUATED_EXTENSION, NEXT_EVALUATION_EXTENSION
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    subject = {'reference': f'Patient/{patient_id}'}
    resources = plan_resources(patient_id)
    resources[1].update({'category': [{'text': 'Wonen'}], 'note': [{'text': 'Rustig aan beginnen'}],
                         'addresses': [{'display': 'Moeite met fijne motoriek'}],
                         'extension': [{'url': CLIENT_STATUS_EXTENSION, 'valueString': 'Gaat steeds beter'}]})
    resources[2]['extension'] += [{'url': EVALUATED_EXTENSION, 'valueDate': '2026-10-15'},
                                  {'url': NEXT_EVALUATION_EXTENSION, 'valueDate': '2027-04-15'}]
    resources[2]['activity'][0]['detail'].update({'performer': [{'display': 'Verzorgende IG'}],
                                                 'reasonCode': [{'text': 'Moeite met aankleden'}]})
    work = [{'resourceType': 'CarePlan', 'id': f'{patient_id}-{name.lower()}', 'status': 'active', 'intent': 'plan',
             'title': f'Werkplan {name}', 'subject': subject, 'category': [{'text': f'Werkplan {name}'}],
             'period': {'start': '2026-10-01'}} for name in ('Fysiotherapie', 'Ergotherapie')]
    fhir_load(fhir_server.base_url, resources + work)
    name = provider('Zorggroep Plan', base_url=fhir_server.base_url)
    manager = register('m@example.nl', 'Gerda', 'Smit')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    base = f"/api/v1/circles/{circle['id']}/plans"
    items = manager.get(base).get_json()['items']
    assert [(i['plan_type'], i['discipline']) for i in items] == [
        ('client', None), ('work', 'Ergotherapie'), ('work', 'Fysiotherapie')]
    client_plan = items[0]
    assert client_plan['status'] == 'active' and len(client_plan['versions']) == 1
    assert client_plan['data']['evaluated_on'] == '2026-10-15' and client_plan['data']['next_evaluation_on'] == \
        '2027-04-15'
    detail = manager.get(f"{base}/{client_plan['id']}").get_json()
    assert detail['data']['activities'][0]['discipline'] == 'Verzorgende IG'
    assert detail['data']['activities'][0]['problem'] == 'Moeite met aankleden'
    [goal] = detail['goals']
    assert (goal['area'], goal['focus'], goal['problem'], goal['client_status']) == (
        'Wonen', 'Rustig aan beginnen', 'Moeite met fijne motoriek', 'Gaat steeds beter')

    first_version = client_plan['version']
    resources[2]['title'] = 'Zorgplan 2026-2027, herzien'
    fhir_load(fhir_server.base_url, [resources[2]])
    assert app.test_cli_runner().invoke(cli, ['sync', name]).exit_code == 0
    current = manager.get(f"{base}/{client_plan['id']}").get_json()
    assert current['data']['title'] == 'Zorgplan 2026-2027, herzien' and current['version'] != first_version
    assert [v['version'] for v in current['versions']] == [first_version, current['version']]
    earlier = manager.get(f"{base}/{client_plan['id']}?version={first_version}").get_json()
    assert earlier['data']['title'] == 'Zorgplan 2026-2027' and earlier['shown_version'] == first_version
    assert [g['description'] for g in earlier['goals']] == ['Zelf aankleden in de ochtend']
    missing = manager.get(f"{base}/{client_plan['id']}?version=nope")
    assert missing.status_code == 404
    assert manager.get(f"{base}/{client_plan['id']}?version=" + 'x' * 65).status_code == 422
    page = manager.get(f"/circles/{circle['id']}/plans/{client_plan['id']}?version={first_version}").get_data(
        as_text=True)
    assert 'Je leest een eerdere versie' in page and 'Plan goedkeuren' not in page  # no sign-off of an old version
    assert 'Eerdere versies' in page and 'Volgende evaluatie' in page and 'Zo ziet de cliënt het' in page
    plans_page = text(manager.get(f"/circles/{circle['id']}/plans"))
    assert plans_page.index('Cliëntplan') < plans_page.index('Werkplan Ergotherapie') < plans_page.index(
        'Werkplan Fysiotherapie')


def test_the_timeline_shows_what_happened_to_plans_and_goals(app, fhir_server, provider, coupling_code, register, db):
    from adapters.fhir.common import EVALUATED_EXTENSION
    patient_id = f'p-{uuid.uuid4().hex[:12]}'
    resources = plan_resources(patient_id)
    fhir_load(fhir_server.base_url, resources)
    name = provider('Zorggroep Plan', base_url=fhir_server.base_url)
    manager = register('m@example.nl', 'Gerda', 'Smit')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(name, patient_id)}).get_json()
    sync = lambda: app.test_cli_runner().invoke(cli, ['sync', name]).exit_code  # noqa: E731
    assert sync() == 0
    url = f"/api/v1/circles/{circle['id']}/timeline?kind=plan"
    [made] = manager.get(url).get_json()['items']
    [plan] = manager.get(f"/api/v1/circles/{circle['id']}/plans").get_json()['items']
    assert made['data']['event'] == 'plan_created' and made['data']['plan_id'] == plan['id']
    assert made['occurred_at'] == '2026-10-31T23:00:00+00:00'  # the plan's own date (1 November, Amsterdam)
    assert made['data']['title'] == 'Zorgplan 2026-2027' and made['data']['approval'] == 'awaiting_signature'

    resources[2]['extension'].append({'url': EVALUATED_EXTENSION, 'valueDate': '2026-11-20'})
    resources[1]['achievementStatus'] = {'text': 'Gedeeltelijk bereikt'}
    fhir_load(fhir_server.base_url, resources[1:])
    assert sync() == 0
    resources[2]['status'] = 'completed'
    fhir_load(fhir_server.base_url, [resources[2]])
    assert sync() == 0
    resources[2]['title'] = 'Zorgplan 2026-2027 (afgesloten)'
    fhir_load(fhir_server.base_url, [resources[2]])
    assert sync() == 0
    items = manager.get(url).get_json()['items']
    assert [i['data']['event'] for i in items] == [
        'plan_changed', 'plan_status', 'goal_evaluated', 'plan_evaluated', 'plan_created'] or \
        [i['data']['event'] for i in items] == [
            'plan_changed', 'plan_status', 'plan_evaluated', 'goal_evaluated', 'plan_created']  # one sync: same time
    by_event = {i['data']['event']: i for i in items}
    assert by_event['plan_status']['data']['status'] == 'completed'
    assert by_event['goal_evaluated']['data']['plan_id'] == plan['id']  # a goal links to its plan
    assert by_event['goal_evaluated']['data']['goal']['achievement'] == 'Gedeeltelijk bereikt'
    assert by_event['plan_evaluated']['data']['evaluated_on'] == '2026-11-20'
    versions = [v['version'] for v in manager.get(f"/api/v1/circles/{circle['id']}/plans/{plan['id']}").get_json()[
        'versions']]
    assert by_event['plan_status']['data']['version'] in versions and len(versions) == 4
    everything = manager.get(f"/api/v1/circles/{circle['id']}/timeline").get_json()['items']
    assert [i['id'] for i in everything if i['kind'] == 'plan'] == [i['id'] for i in items]

    page = manager.get(f"/circles/{circle['id']}/timeline?kind=plan").get_data(as_text=True)
    for label in ('Nieuw zorgplan', 'Status van het zorgplan veranderd', 'Nieuwe status: Afgerond',
                  'Zorgplan geëvalueerd', 'Geëvalueerd op 20 november 2026', 'Doel geëvalueerd', 'Gedeeltelijk bereikt',
                  'Zorgplan aangepast'):
        assert label in page, label
    status_version = by_event['plan_status']['data']['version']
    assert f"/plans/{plan['id']}?version={status_version}" in page  # the card opens the plan as it was then
    assert manager.get(f"/circles/{circle['id']}/plans/{plan['id']}?version={status_version}").status_code == 200
