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
