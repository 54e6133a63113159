"""schemathesis against both OpenAPI documents, with its default checks: generated requests, the valid and the
invalid, give no server error, no status or content type or body the document does not describe, valid data is taken
and invalid data refused (a bounded number of examples per operation, positive and negative)."""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from tests.circle.test_messages import page_of

#: calls that would end the session or the care page the rest of the run uses (they are tested elsewhere)
ENDS_THE_SESSION = {('DELETE', '/session'), ('DELETE', '/me/sessions'), ('DELETE', '/me'), ('POST', '/me/password'),
                    ('DELETE', '/circles/{circle_id}')}
EXAMPLES = settings(max_examples=8, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck))
#: what positive_data_acceptance takes by default: a valid request may still be refused as unauthorised, not found,
#: in conflict or too many
TAKEN = ['2xx', '3xx', '401', '403', '404', '409', '429', '5xx']
#: operations that refuse well-formed data for what no schema can know, with the status the document states for it
REFUSES_WELL_FORMED = {
    'POST /accounts/activate': ('400', 'a token that is not a live activation link; a password the rules refuse'),
    'GET /password/reset': ('400', 'a token that is not a live reset link'),
    'POST /password/reset': ('400', 'a token that is not a live reset link'),
    'POST /password/reset/send': ('400', 'a token that is not a live reset link'),
    'POST /me/phone/verify': ('400', 'a code that is not the one sent'),
    'POST /me/totp/verify': ('400', 'a code that is not the one of the app'),
    'POST /step-up': ('400', 'a way of checking the account has not set up'),
    'POST /step-up/verify': ('400', 'a code that is not right, or a way not set up'),
    'POST /step-up/options': ('400', 'an account without a passkey'),
    'POST /me/passkeys': ('400', 'a credential that is not the answer to this session\'s challenge'),
    'POST /connections': ('400', 'a coupling code that was never issued, or is used or expired'),
    'POST /circles/{circle_id}/corrections': ('422', 'an item that is not in the dossier of this care page'),
    'POST /circles/{circle_id}/documents': ('415', 'a file whose first bytes are not a PDF, JPEG, PNG or Bundle'),
    'POST /me/photo': ('422', 'a file that is not a JPEG or PNG photo'),
    'GET /circles/{circle_id}/timeline': ('422', 'a cursor this API did not hand out'),
    'GET /circles/{circle_id}/messages': ('422', 'a cursor this API did not hand out'),
    'GET /circles/{circle_id}/notes': ('422', 'a cursor this API did not hand out'),
    'GET /circles/{circle_id}/board': ('422', 'a cursor this API did not hand out'),
    'GET /circles/{circle_id}/board/{post_id}/reactions': ('422', 'a cursor this API did not hand out'),
    'GET /circles/{circle_id}/access-log': ('422', 'a cursor this API did not hand out'),
    'GET /circles/{circle_id}/appointments': ('422', 'a moment outside the years the calendar shows'),
    'GET /circles/{circle_id}/export': ('422', 'a month that does not exist (2026-13)'),
    'GET /circles/{circle_id}/measurements': ('422', 'a number of days outside 1 to 3650'),
    'POST /circles/{circle_id}/board': ('422', 'a file that is not a JPEG or PNG photo'),
    'POST /circles/{circle_id}/messages/{thread_id}/photos': ('422', 'a file that is not a JPEG or PNG photo'),
    'POST /circles/{circle_id}/invitations': ('422', 'a last day before today'),
    'PATCH /circles/{circle_id}/members/{member_id}': ('422', 'a last day before today'),
    'POST /circles/{circle_id}/medication': ('422', 'an end before the start'),
    'POST /circles/{circle_id}/help-requests': ('422', 'an end before the start'),
    'POST /circles/{circle_id}/messages': ('422', 'recipients who are not members of this care page'),
    'POST /circles/{circle_id}/contact-persons': ('422', 'a phone number that is none (the phonenumbers rules)'),
    'PATCH /circles/{circle_id}/contact-persons/{record_id}': ('422', 'a phone number that is none'),
    'PATCH /me': ('422', 'a mobile number that is none, or one no code can be sent to'),
    'GET /outbox': ('422', 'a cursor this API did not hand out'),
    'POST /coupling-codes': ('422', "a client id the provider's system does not use (its adapter's rule)"),
}


def _config():
    extra = {'422': ['422'], '400': ['400', '422'], '415': ['415', '422']}  # a file's content: 415 or 422
    return SchemathesisConfig.from_dict({'operations': [
        {'include-name': name, 'checks': {'positive_data_acceptance': {'expected-statuses': TAKEN + extra[status]}}}
        for name, (status, _) in REFUSES_WELL_FORMED.items()]})


@pytest.fixture
def member_api(app, fhir_server, provider, coupling_code, register):
    """The API as a logged-in manager of a care page, after the step-up: (schema, headers)."""
    manager, circle, _, _ = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    manager.step_up()
    name = app.config['SESSION_COOKIE_NAME']
    call = {'headers': {'X-CSRF-Token': manager.csrf()}, 'cookies': {name: manager.client.get_cookie(name).value}}
    schema = schemathesis.openapi.from_wsgi('/api/v1/openapi.json', app, config=_config())
    schema = schema.exclude(lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in ENDS_THE_SESSION)
    return schema, call, {'circle_id': circle['id']}


def answers_as_documented(schema, call, known=None):
    """Call every operation with generated requests, valid and invalid; return what failed (operation, mode, first
    problem).

    ``known`` path parameters (the care page's id) replace generated ones, so the calls reach past the lookup.
    """
    problems = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @EXAMPLES
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case):
                for name, value in (known or {}).items():
                    if case.path_parameters and name in case.path_parameters:
                        case.path_parameters[name] = value
                case.call_and_validate(**call)  # schemathesis's default checks
            try:
                check()
            except Unsatisfiable:  # no request breaks the document here (nothing to send wrongly)
                continue
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001  collected: one run shows every failure
                text = str(exc)
                problems.append((operation.label, mode.value, re.findall(r'- (ST\d+ [^\n]*)', text),
                                 re.findall(r'`(\{.*?\})`', text, re.S)[:1], re.findall(r'(curl [^\n]*)', text)[:1]))
    return problems


def _shown(problems):
    for problem in problems:  # in full, under the captured output of a failing run
        print(*problem)
    return problems


def test_the_api_answers_as_its_document_says(member_api):
    assert _shown(answers_as_documented(*member_api)) == []


@pytest.fixture
def provider_api(app):
    from tests.careprovider.test_provider_api import credentials, token
    client = app.test_client()
    headers = token(client, *credentials(app, 'Zorg Fuzz'))
    return schemathesis.openapi.from_wsgi('/provider/v1/openapi.json', app, config=_config()), {'headers': headers}


def test_the_provider_api_answers_as_its_document_says(provider_api):
    assert _shown(answers_as_documented(*provider_api)) == []
