"""Odd input to the routes added for care pages and providers gives a clear 4xx, never a 500."""


def test_odd_input_never_gives_a_server_error(app, provider, coupling_code, register):
    m = register('m@example.nl')
    c = m.post('/api/v1/connections', {'code': coupling_code(provider(), 'c1')}).get_json()['id']
    base = f'/api/v1/circles/{c}'
    bad = []
    for method, path, body in [
        ('GET', f'{base}/messages?cursor=%%%', None), ('GET', f'{base}/board?cursor=x', None),
        ('GET', f'{base}/notes?cursor=x', None), ('GET', f'{base}/access-log?cursor=x', None),
        ('GET', f'{base}/appointments?from=x', None), ('GET', f'{base}/appointments?to=2026-01-01T00:00:00%2B99:00', None),
        ('GET', f'{base}/export?from=9999-12&to=9999-12', None), ('GET', f'{base}/export?from=0000-01', None),
        ('GET', f'{base}/measurements?days=99999999999999999999', None),
        ('POST', f'{base}/messages', [1]), ('POST', f'{base}/messages', {'text': 'x', 'audience': 'provider', 'provider_id': 'zz'}),
        ('POST', f'{base}/appointments', {'title': 'x', 'starts_at': '9999-12-31T23:59:59+14:00'}),
        ('POST', f'{base}/appointments', {'title': 'x', 'starts_at': 5}),
        ('POST', f'{base}/notes/xyz/share', {}), ('PATCH', f'{base}/notes/xyz', {'text': 'x'}),
        ('POST', f'{base}/board/xyz/reactions', {'text': 'x'}), ('DELETE', f'{base}/board/x/reactions/y', None),
        ('POST', f'{base}/plans/xyz/approve', {'version': '1'}), ('GET', f'{base}/plans/xyz', None),
        ('POST', '/provider/v1/outbox/x/ack', None), ('POST', '/provider/v1/webhooks/not-a-uuid', None),
    ]:
        r = m._send(method, path, body) if method != 'GET' else m.get(path)
        if r.status_code >= 500:
            bad.append((method, path, r.status_code))
    assert bad == []
    for months in ('from=9999-12&to=9999-12', 'from=0000-01'):  # out of the calendar's range: said plainly
        answer = m.get(f'{base}/export?{months}')
        assert answer.status_code == 422 and answer.get_json()['error']['code'] == 'invalid_month'


def test_the_five_causes_of_a_server_error_get_a_clear_answer(app, fhir_server, provider, coupling_code, register):
    """Lone surrogates, dates at the calendar's ends, huge numbers and deep nesting: a 4xx, never a 500."""
    import re

    from tests.circle.test_messages import page_of
    m, circle, _, _ = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    base = f"/api/v1/circles/{circle['id']}"
    anonymous = app.test_client()
    token = anonymous.get('/api/v1/csrf').get_json()['csrf_token']
    surrogate = '{"email": "a\\ud800@example.nl", "password": "x\\udfff"}'
    for path in ('/api/v1/session', '/api/v1/password/forgot', '/api/v1/accounts'):
        answer = anonymous.post(path, data=surrogate, content_type='application/json',
                                headers={'X-CSRF-Token': token})
        assert answer.status_code == 422, (path, answer.get_json())
        assert answer.get_json()['error']['code'] == 'invalid_text'
    note = m._send('POST', f'{base}/notes', None, data='{"text": "hallo \\ud800"}', content_type='application/json')
    assert note.status_code == 422
    for query in ('from=9999-12-31T00:00:00%2B00:00', 'from=0001-01-01T00:00:00%2B14:00',
                  'to=0001-01-01T00:00:00-12:00'):
        answer = m.get(f'{base}/appointments?{query}')
        assert answer.status_code == 422 and answer.get_json()['error']['code'] == 'invalid_datetime', query
    for moment in ('0001-01-01T00:00:00+14:00', '9999-12-31T23:59:59-12:00', '9999-12-31T00:00:00+00:00'):
        answer = m.post(f'{base}/appointments', {'title': 'x', 'starts_at': moment})
        assert answer.status_code == 422 and 'starts_at' in answer.get_json()['error']['fields'], moment
    page = m.client.get(f"/circles/{circle['id']}/calendar/new").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    for day in ('0001-01-01', '9999-12-31'):
        for whole in ('', 'yes'):
            answer = m.client.post(f"/circles/{circle['id']}/calendar/new", data={
                'csrf_token': csrf, 'title': 'Verjaardag', 'day': day, 'start': '00:00', 'visibility': 'public',
                'all_day': whole, 'repeat': 'weekly', 'until': day})
            assert answer.status_code == 422, (day, whole)
    for day in ('0001-01-01', '9999-12-31', 'gisteren'):  # the calendar's own pages: the day asked is shown or today
        assert m.client.get(f"/circles/{circle['id']}/calendar?view=week&day={day}").status_code == 200
    m.step_up()
    answer = m.get(f"{base}/measurements?days={'9' * 5000}")
    assert answer.status_code == 422 and answer.get_json()['error']['code'] == 'invalid_days'



def test_empty_forms_answer_with_the_form_and_what_to_do(app, fhir_server, provider, coupling_code, register, db):
    import re

    from sqlalchemy import select

    from hub.core.models import AuditRecord
    from tests.circle.test_messages import page_of
    browser = app.test_client()
    page = browser.get('/password/forgot', headers={'Accept-Language': 'nl'}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    for typed in ('', '   ', 'geen-adres'):
        answer = browser.post('/password/forgot', data={'csrf_token': token, 'email': typed},
                              headers={'Accept-Language': 'nl'})
        text = answer.get_data(as_text=True)
        assert answer.status_code == 422 and 'name="email"' in text and 'Kijk in je e-mail' not in text, typed

    m, circle, _, _ = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    page = m.client.get('/connect').get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    for _ in range(6):  # more than the daily limit of wrong codes: empty ones do not count
        answer = m.client.post('/connect', data={'csrf_token': token, 'code': '  '}, headers={'Accept-Language': 'nl'})
        assert answer.status_code == 422 and 'koppelcode' in answer.get_data(as_text=True).lower()
    assert m.post('/api/v1/connections', {'code': coupling_code('Zorggroep Bericht', 'p-second')}).status_code == 201
    assert not db.scalars(select(AuditRecord).where(AuditRecord.event == 'coupling.redeem',
                                                    AuditRecord.outcome != 'success'))

    m.step_up()
    answer = m.client.get(f"/circles/{circle['id']}/export?download=1&from=2026-13&to=&format=html",
                          headers={'Accept-Language': 'nl'})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422 and '<form' in text and 'value="2026-13"' in text and 'JJJJ-MM' in text.upper()
