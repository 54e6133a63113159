"""Every error text a person sees is in their language: bad input to every API route and form, in Dutch."""

import re
import uuid

from tests.circle.test_messages import page_of

#: words that are English and not Dutch: one of them in an error text means a text skipped the catalogue
ENGLISH = {'the', 'must', 'field', 'fields', 'valid', 'not', 'may', 'be', 'length', 'between', 'characters', 'this',
           'you', 'your', 'add', 'word', 'words', 'missing', 'required', 'unknown', 'invalid', 'shorter',
           'longer', 'should', 'please', 'address', 'terms', 'accept', 'avoid', 'common', 'choose', 'fill', 'number',
           'allowed', 'contains', 'at', 'least', 'send', 'give', 'with', 'and', 'or', 'to',
           'are', 'easy', 'guess', 'password', 'wrong', 'one', 'first', 'try', 'again'}
BAD_JSON = [{}, {'onverwacht': 1}, {'email': 'geen adres', 'first_name': '', 'last_name': 'x' * 300, 'text': '',
                                     'code': 5, 'password': 'kort', 'starts_at': 'gisteren', 'phone': '12',
                                     'version': 'x', 'audience': 'iedereen', 'role': 'baas', 'accept_terms': 'ja',
                                     'method': 'duif', 'token': 7, 'title': '', 'permissions': ['vliegen']}]
BAD_FORM = {'email': 'geen adres', 'first_name': '', 'last_name': 'x' * 300, 'text': '', 'code': '', 'password': 'kort',
            'password_confirm': 'anders', 'current_password': '', 'phone': '12', 'title': '', 'day': 'morgen',
            'start': '25:99', 'version': 'x', 'role': 'baas', 'audience': 'iedereen'}
#: forms that would end what the rest of the test needs (the session, the page itself)
SKIP = ('logout', 'session', 'language', 'delete', 'unlink', 'remove', 'forget', 'leave')


def english_words(text):
    return sorted({word for word in re.findall(r'[a-z]+', text.lower()) if word in ENGLISH})


def texts_of(value):
    if isinstance(value, dict):
        return [text for key, item in value.items() if key != 'code' for text in texts_of(item)]
    if isinstance(value, list):
        return [text for item in value for text in texts_of(item)]
    return [value] if isinstance(value, str) else []


def url_for_rule(rule, circle_id):
    url = rule.rule
    for name in rule.arguments:
        url = url.replace(f'<{name}>', circle_id if name == 'circle_id' else str(uuid.uuid4()))
    return re.sub(r'<[^>]+>', str(uuid.uuid4()), url)


def test_bad_input_to_every_api_route_is_answered_in_dutch(app, fhir_server, provider, coupling_code, register):
    manager, circle, _, _ = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    manager.step_up()
    english, tried = [], 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith('/api/v1/') or any(word in rule.rule for word in ('session', 'logout')):
            continue
        for method in sorted(rule.methods & {'POST', 'PATCH', 'PUT'}):
            for body in BAD_JSON:
                response = manager._send(method, url_for_rule(rule, circle['id']), body,
                                         headers={'Accept-Language': 'nl'})
                assert response.status_code < 500, (method, rule.rule, response.get_data(as_text=True)[:300])
                tried += 1
                error = (response.get_json(silent=True) or {}).get('error')
                for text in texts_of(error or {}):
                    if english_words(text):
                        english.append((method, rule.rule, text))
    anonymous = app.test_client()
    token = anonymous.get('/api/v1/csrf').get_json()['csrf_token']
    for path in ('/api/v1/session', '/api/v1/accounts', '/api/v1/password/forgot', '/api/v1/password/reset',
                 '/api/v1/password/strength', '/api/v1/accounts/activate'):
        for body in BAD_JSON:
            response = anonymous.post(path, json=body, headers={'Accept-Language': 'nl', 'X-CSRF-Token': token})
            error = response.get_json().get('error') or {}
            english += [(path, text) for text in texts_of(error) if english_words(text)]
    strength = anonymous.post('/api/v1/password/strength', json={'password': 'aaaaaaaaaaaa'},
                              headers={'Accept-Language': 'nl', 'X-CSRF-Token': token}).get_json()
    english += [('strength', text) for text in strength['problems'] + strength['suggestions'] if english_words(text)]
    assert tried > 50 and english == []


def test_bad_input_to_every_form_is_answered_in_dutch(app, fhir_server, provider, coupling_code, register):
    manager, circle, _, _ = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    manager.step_up()
    assert manager.patch('/api/v1/me', {'language': 'nl'}).status_code == 200
    token = manager.csrf()
    english, tried, shown = [], 0, 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith(('/api/', '/provider/', '/static')) or 'POST' not in rule.methods:
            continue
        if any(word in rule.rule for word in SKIP):
            continue
        response = manager.client.post(url_for_rule(rule, circle['id']), data={**BAD_FORM, 'csrf_token': token},
                                       headers={'Accept-Language': 'nl'})
        assert response.status_code < 500, (rule.rule, response.status_code)
        tried += 1
        page = response.get_data(as_text=True)
        blocks = re.findall(r'<(?:ul|p) class="error-text"[^>]*>(.*?)</(?:ul|p)>|'
                            r'<div class="alert alert-(?:error|warning)"[^>]*>(.*?)</div>', page, re.S)
        shown += len(blocks)
        for block in blocks:
            text = re.sub(r'<[^>]+>', ' ', ' '.join(block))
            if english_words(text):
                english.append((rule.rule, text.strip()))
    assert tried > 10 and shown > 20 and english == [], (shown, english)


def test_an_empty_field_says_which_field_it_is(app):
    """"Vul je voornaam in." rather than "Vul dit veld in.": in the form's summary (linked to the field) and the API."""
    client = app.test_client()
    token = client.get('/api/v1/csrf').get_json()['csrf_token']
    answer = client.post('/api/v1/accounts', json={'first_name': '  ', 'email': 'a@example.nl'},
                         headers={'Accept-Language': 'en', 'X-CSRF-Token': token})
    fields = answer.get_json()['error']['fields']
    assert answer.status_code == 422
    assert fields['first_name'] == ['Fill in your first name.'] and fields['last_name'] == ['Fill in your last name.']
    page = client.post('/register', data={'csrf_token': token, 'first_name': '', 'last_name': '', 'email': ''},
                       headers={'Accept-Language': 'nl'})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    summary = html[html.index('error-summary'):html.index('</div>', html.index('error-summary'))]
    for field, text in (('first_name', 'Vul je voornaam in.'), ('last_name', 'Vul je achternaam in.'),
                        ('email', 'Vul het e-mailadres in.')):
        assert f'href="#{field}" data-field="{field}">{text}</a>' in summary
