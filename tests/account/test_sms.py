"""Codes by SMS or a call, through the outbox to an HTTP gateway (a small server of ours on loopback)."""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD


class Gateway:
    """Stands in for the SMS provider at the HTTP boundary: it records what it is asked to send."""

    def __init__(self):
        self.sent = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                gateway.sent.append(json.loads(self.rfile.read(int(self.headers['Content-Length']))))
                self.send_response(202)
                self.end_headers()

            def log_message(self, *args):
                pass
        self.server = HTTPServer(('127.0.0.1', 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f'http://127.0.0.1:{self.server.server_port}/send'


@pytest.fixture
def gateway(app):
    gateway = Gateway()
    app.config['CAREHUB']['SMS_URL'] = gateway.url
    yield gateway
    app.config['CAREHUB']['SMS_URL'] = None
    gateway.server.shutdown()


def _code(gateway, mailbox):
    """Let the worker deliver the outbox and read the code from the last message (spoken codes are spaced)."""
    mailbox.deliver()
    return re.search(r'\b\d(?: ?\d){5}\b', gateway.sent[-1]['message']).group(0).replace(' ', '')


def _with_phone(register, gateway, mailbox, email='s@example.nl'):
    account = register(email)
    response = account.patch('/api/v1/me', {'phone': '06 1234 5678', 'language': 'en'})
    assert response.status_code == 200 and response.get_json()['phone_pending'] == '+31612345678'
    code = _code(gateway, mailbox)
    assert gateway.sent[-1]['to'] == '+31612345678' and gateway.sent[-1]['channel'] == 'sms'
    assert account.post('/api/v1/me/phone/verify', {'code': '000000' if code != '000000' else '111111'}).status_code == 400
    response = account.post('/api/v1/me/phone/verify', {'code': code})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()['second_factors'] == ['totp', 'sms', 'voice']
    return account


def test_login_with_a_code_by_sms(register, gateway, mailbox, new_api, db):
    _with_phone(register, gateway, mailbox)
    browser = new_api()
    response = browser.post('/api/v1/session', {'email': 's@example.nl', 'password': PASSWORD})
    assert response.get_json()['second_factor'] == ['totp', 'sms', 'voice']
    assert browser.post('/api/v1/session/second-factor/send', {'method': 'voice'}).status_code == 202
    code = _code(gateway, mailbox)
    assert gateway.sent[-1]['channel'] == 'voice'
    response = browser.post('/api/v1/session/second-factor', {'method': 'voice', 'code': code})
    assert response.status_code == 200, response.get_json()
    again = new_api()
    again.post('/api/v1/session', {'email': 's@example.nl', 'password': PASSWORD})
    response = again.post('/api/v1/session/second-factor', {'method': 'sms', 'code': code})
    assert response.status_code == 400  # a code works once, and only in the session it was sent for


def test_at_most_three_sends_and_five_tries(register, gateway, mailbox, new_api):
    _with_phone(register, gateway, mailbox)  # one send, to check the number: it counts apart from logging in
    browser = new_api()
    browser.post('/api/v1/session', {'email': 's@example.nl', 'password': PASSWORD})
    for _ in range(3):
        assert browser.post('/api/v1/session/second-factor/send', {'method': 'sms'}).status_code == 202
    response = browser.post('/api/v1/session/second-factor/send', {'method': 'sms'})
    assert response.status_code == 429 and response.get_json()['error']['code'] == 'too_many_sends'
    assert browser.post('/api/v1/session/second-factor/send', {'method': 'voice'}).status_code == 202


def test_mailed_login_codes_do_not_block_adding_a_phone(register, gateway, mailbox, new_api):
    register('m@example.nl', totp=False)
    for _ in range(3):  # three new browsers: each gets a login code by mail
        browser = new_api()
        assert browser.post('/api/v1/session', {'email': 'm@example.nl', 'password': PASSWORD}).status_code == 200
    response = browser.post('/api/v1/session/second-factor', {'method': 'email', 'code': mailbox.code('m@example.nl')})
    assert response.status_code == 200, response.get_json()
    response = browser.patch('/api/v1/me', {'phone': '06 1234 5678'})
    assert response.status_code == 200, response.get_json()
    assert browser.post('/api/v1/me/phone/verify', {'code': _code(gateway, mailbox)}).status_code == 200


def test_parallel_sends_never_pass_three(register, gateway, mailbox, new_api, db):
    from hub.account.models import OneTimeCode
    from tests.parallel import AT_ONCE, at_once
    _with_phone(register, gateway, mailbox)
    browsers = [new_api() for _ in range(AT_ONCE)]
    for browser in browsers:
        browser.post('/api/v1/session', {'email': 's@example.nl', 'password': PASSWORD})
    answers = at_once(*[lambda b=b: b.post('/api/v1/session/second-factor/send', {'method': 'sms'})
                        for b in browsers])
    assert sorted(a.status_code for a in answers) == [202] * 3 + [429] * (AT_ONCE - 3)
    assert db.count(OneTimeCode, OneTimeCode.purpose == 'login') == 3


def test_a_new_code_does_not_reset_the_tries(register, gateway, mailbox, new_api, db):
    from hub.account.models import OneTimeCode
    account = register('t@example.nl')
    account.patch('/api/v1/me', {'phone': '0612345678'})
    for _ in range(3):
        assert account.post('/api/v1/me/phone/verify', {'code': '999999'}).status_code == 400
    account.patch('/api/v1/me', {'phone': '0612345678'})
    codes = db.scalars(select(OneTimeCode).order_by(OneTimeCode.created_at))
    assert codes[-1].attempts == 3
    for _ in range(2):
        account.post('/api/v1/me/phone/verify', {'code': '999999'})
    right = _code(gateway, mailbox)
    response = account.post('/api/v1/me/phone/verify', {'code': right})
    assert response.status_code == 429  # five wrong tries: even the right code waits for a new send window


def test_bad_numbers_are_refused(register, gateway):
    account = register('n@example.nl')
    for number in ('12', '020-1234567', 'abcdefghij', '+1 202 555 01', '0' * 30):
        response = account.patch('/api/v1/me', {'phone': number})
        assert response.status_code == 422, number
    assert gateway.sent == []


def test_without_a_gateway_the_code_is_written_to_the_instance_folder(app, register, mailbox):
    from pathlib import Path
    account = register('f@example.nl')
    account.patch('/api/v1/me', {'phone': '+31612345678'})
    mailbox.deliver()
    files = list((Path(app.config['CAREHUB']['INSTANCE_PATH']) / 'sms').glob('*.txt'))
    assert files and '+31612345678' in files[-1].read_text()
    for file in files:
        file.unlink()


def test_the_login_page_sends_and_checks_an_sms_code(register, gateway, mailbox, new_api):
    _with_phone(register, gateway, mailbox, 'page@example.nl')
    browser = new_api()
    token = browser.csrf()
    response = browser.client.post('/login', data={'email': 'page@example.nl', 'password': PASSWORD,
                                                   'csrf_token': token, 'next': '/circles'})
    assert response.status_code == 303 and '/login/second-factor' in response.headers['Location']
    form = browser.client.get(response.headers['Location']).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # a new session, a new token
    page = browser.client.post('/login/second-factor', data={'send': 'sms', 'csrf_token': token, 'next': '/circles'})
    assert page.status_code == 200 and 'role="status"' in page.get_data(as_text=True)
    code = _code(gateway, mailbox)
    wrong = browser.client.post('/login/second-factor', data={'method': 'sms', 'code': '12345', 'csrf_token': token,
                                                              'next': '/circles'})
    assert wrong.status_code == 422
    right = browser.client.post('/login/second-factor', data={'method': 'sms', 'code': code, 'csrf_token': token,
                                                              'next': '/circles'})
    assert right.status_code == 303 and right.headers['Location'] == '/circles'


def test_reset_with_an_sms_code_for_an_account_with_only_a_phone(register, gateway, mailbox, new_api, db):
    from sqlalchemy import update

    from hub.account.models import Account
    account = register('o@example.nl', totp=False)
    account.patch('/api/v1/me', {'phone': '0612345678'})
    assert account.post('/api/v1/me/phone/verify', {'code': _code(gateway, mailbox)}).status_code == 200
    assert account.get('/api/v1/me').get_json()['second_factors'] == ['sms', 'voice']
    from hub.core.timeutil import utcnow
    db.execute(update(Account).values(failed_logins=9, last_failed_at=utcnow()))
    other = new_api()  # the owner is throttled at login, but can always reset
    other.post('/api/v1/password/forgot', {'email': 'o@example.nl'})
    token = mailbox.link('o@example.nl', '/password/reset').split('token=')[1]
    assert other.post('/api/v1/password/reset/send', {'token': token, 'method': 'totp'}).status_code == 422
    assert other.post('/api/v1/password/reset/send', {'token': token, 'method': 'sms'}).status_code == 202
    code = _code(gateway, mailbox)
    response = other.post('/api/v1/password/reset', {'token': token, 'password': 'zeven zwanen zwemmen zuidwaarts',
                                                     'method': 'sms', 'code': code})
    assert response.status_code == 200, response.get_json()
    assert other.post('/api/v1/session', {'email': 'o@example.nl',
                                          'password': 'zeven zwanen zwemmen zuidwaarts'}).status_code == 200


def test_the_profile_page_verifies_a_new_number(register, gateway, mailbox):
    account = register('pp@example.nl')
    page = account.client.get('/profile/phone').get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    bad = account.client.post('/profile/phone', data={'phone': '12', 'csrf_token': token})
    assert bad.status_code == 422
    sent = account.client.post('/profile/phone', data={'phone': '06-12345678', 'csrf_token': token})
    assert sent.status_code == 200 and '+31612345678' in sent.get_data(as_text=True), sent.get_data(as_text=True)[-1500:]
    code = _code(gateway, mailbox)
    done = account.client.post('/profile/phone', data={'code': code, 'csrf_token': token})
    assert done.status_code == 303
    assert account.get('/api/v1/me').get_json()['phone'] == '+31612345678'
