"""schemathesis against both OpenAPI documents: generated requests give no server error and no answer the
document does not describe (a bounded number of examples per operation)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.circle.test_messages import page_of

CHECKS = [not_a_server_error, response_schema_conformance]
#: calls that would end the session or the care page the rest of the run uses (they are tested elsewhere)
ENDS_THE_SESSION = {('DELETE', '/session'), ('DELETE', '/me/sessions'), ('DELETE', '/me'), ('POST', '/me/password'),
                    ('DELETE', '/circles/{circle_id}')}
EXAMPLES = settings(max_examples=8, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck))


@pytest.fixture
def member_api(app, fhir_server, provider, coupling_code, register):
    """The API as a logged-in manager of a care page, after the step-up: (schema, headers)."""
    manager, circle, _, _ = page_of(fhir_server, provider, coupling_code, register, extra=lambda p: [])
    manager.step_up()
    name = app.config['SESSION_COOKIE_NAME']
    call = {'headers': {'X-CSRF-Token': manager.csrf()}, 'cookies': {name: manager.client.get_cookie(name).value}}
    schema = schemathesis.openapi.from_wsgi('/api/v1/openapi.json', app)
    schema = schema.exclude(lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in ENDS_THE_SESSION)
    return schema, call, {'circle_id': circle['id']}


def answers_as_documented(schema, call, known=None):
    """Call every operation with generated requests; return what failed (operation, first problem).

    ``known`` path parameters (the care page's id) replace generated ones, so the calls reach past the lookup.
    """
    problems = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @EXAMPLES
        @given(case=operation.as_strategy())
        def check(case):
            for name, value in (known or {}).items():
                if case.path_parameters and name in case.path_parameters:
                    case.path_parameters[name] = value
            case.call_and_validate(checks=CHECKS, **call)
        try:
            check()
        except Exception as exc:  # noqa: BLE001  collected, so one run shows every operation that fails
            problems.append((operation.label, str(exc)[:1500]))
    return problems


def test_the_api_answers_as_its_document_says(member_api):
    assert answers_as_documented(*member_api) == []


@pytest.fixture
def provider_api(app):
    from tests.careprovider.test_provider_api import credentials, token
    client = app.test_client()
    headers = token(client, *credentials(app, 'Zorg Fuzz'))
    return schemathesis.openapi.from_wsgi('/provider/v1/openapi.json', app), {'headers': headers}


def test_the_provider_api_answers_as_its_document_says(provider_api):
    assert answers_as_documented(*provider_api) == []
