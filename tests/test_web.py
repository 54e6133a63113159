"""Shared web pieces: health check, errors in plain words, security headers, language switch."""

import re


def test_healthz(api):
    response = api.get('/healthz')
    assert response.status_code == 200 and response.get_json() == {'status': 'ok'}


def test_errors_are_json_for_the_api_and_pages_for_people(api):
    response = api.get('/api/v1/nothing-here')
    assert response.status_code == 404
    assert response.get_json()['error']['code'] == 'not_found'
    response = api.get('/nothing-here', headers={'Accept-Language': 'nl'})
    assert response.status_code == 404 and 'text/html' in response.content_type
    assert 'bestaat niet' in response.get_data(as_text=True)
    response = api.client.put('/api/v1/accounts')
    assert response.status_code == 405 and response.get_json()['error']['code'] == 'method_not_allowed'


def test_security_headers(api):
    response = api.get('/login')
    csp = response.headers['Content-Security-Policy']
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and 'unsafe-inline' not in csp
    assert response.headers['X-Content-Type-Options'] == 'nosniff'
    assert response.headers['Referrer-Policy'] == 'same-origin'
    assert response.headers['Cache-Control'] == 'no-store'


def test_dutch_by_default_english_on_request(api):
    page = api.get('/login').get_data(as_text=True)
    assert '<html lang="nl" ' in page and 'Inloggen' in page
    token = api.csrf()
    response = api.client.post('/language', data={'lang': 'en', 'next': '/login', 'csrf_token': token})
    assert response.status_code == 303 and response.headers['Location'] == '/login'
    page = api.get('/login').get_data(as_text=True)
    assert '<html lang="en" data-read-aloud-label="Read aloud"' in page and 'Log in' in page
    response = api.client.post('/language', data={'lang': 'en', 'next': 'https://evil.example/', 'csrf_token': token})
    assert response.headers['Location'] == '/'


def test_forms_without_csrf_token_are_refused(api):
    response = api.client.post('/login', data={'email': 'a@example.nl', 'password': 'x'})
    assert response.status_code == 400 and 'text/html' in response.content_type


def test_the_openapi_documents_list_every_api_route(app, api):
    for prefix in ('/api/v1', '/provider/v1'):
        document = api.get(f'{prefix}/openapi.json').get_json()
        assert document['openapi'] == '3.1.0'
        documented = {(method.upper(), prefix + path) for path, item in document['paths'].items() for method in item
                      if method != 'parameters'}  # those a path's operations share
        served = set()
        for rule in app.url_map.iter_rules():
            if rule.rule.startswith(prefix + '/') and rule.rule != f'{prefix}/openapi.json':
                path = re.sub(r'<(?:\w+:)?(\w+)>', r'{\1}', rule.rule)  # a converter is not part of the name
                served |= {(method, path) for method in rule.methods - {'HEAD', 'OPTIONS'}}
        assert served == documented, prefix
    document = api.get('/api/v1/openapi.json').get_json()
    reference = document['paths']['/accounts']['post']['requestBody']['content']['application/json']['schema']
    register = document['components']['schemas'][reference['$ref'].rsplit('/', 1)[1]]  # apispec names it once
    assert register['additionalProperties'] is False
    assert register['required'] == ['accept_terms', 'email', 'first_name', 'last_name']


def test_the_information_page_and_help(app):
    client = app.test_client()
    page = client.get('/informatie')
    assert page.status_code == 200 and 'Een zorgplan goedkeuren' in page.get_data(as_text=True)
    assert client.get('/help').headers['Location'].endswith('/informatie')
    assert 'Hulp en informatie' in client.get('/login').get_data(as_text=True)  # in the footer of every page
