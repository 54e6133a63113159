"""Field errors are always a list of sentences, whatever the schema and whatever went wrong."""

import datetime
import inspect

import pytest
from marshmallow import Schema, ValidationError

import hub.account.schemas
import hub.circle.schemas
import hub.connect.schemas
import hub.dossier.schemas
from hub.core.messages import translate_errors

MODULES = (hub.account.schemas, hub.circle.schemas, hub.connect.schemas, hub.dossier.schemas)
SCHEMAS = sorted({(module.__name__, name): cls for module in MODULES for name, cls in vars(module).items()
                  if inspect.isclass(cls) and issubclass(cls, Schema) and cls.__module__ == module.__name__}.items())

#: values a person or an app sends wrongly: a past day, far dates, wrong types, empty text
WRONG = ['2020-01-01', '2999-01-01', '0001-01-01', 'x', '', ' ', 'a' * 20000, -1, 0, 10 ** 9, 1.5, True, None, [],
         {}, ['x'], '2020-01-01T10:00:00', '\x00', 'Europe/Nowhere']


def leaves(messages, path=()):
    """Yield (path, value) for every list or bare value at the bottom of marshmallow's error structure."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from leaves(value, (*path, key))
    else:
        yield path, messages


def sentences_only(messages):
    """Each field's errors as the API and the form pages show them: a list of sentences."""
    for path, value in leaves(translate_errors(messages)):
        assert isinstance(value, list) and value, (path, value)
        for text in value:
            assert isinstance(text, str), (path, value)
            assert len(str(text)) > 3 and ' ' in str(text), (path, value)  # a sentence, not a letter


@pytest.mark.parametrize('name, schema', SCHEMAS, ids=[f'{m}.{n}' for (m, n), _ in SCHEMAS])
def test_every_schema_says_what_is_wrong_in_sentences(app, name, schema):
    fields = list(schema().load_fields)
    with app.test_request_context(headers={'Accept-Language': 'nl'}):
        for field in fields:
            for value in WRONG:
                try:
                    schema().load({field: value})
                except ValidationError as exc:
                    sentences_only(exc.messages)
        try:
            schema().load({'unknown_field': 1})
        except ValidationError as exc:
            sentences_only(exc.messages)


def test_a_past_end_day_on_an_invitation_is_one_sentence(care_page):
    manager, circle_id, _, _ = care_page
    response = manager.post(f'/api/v1/circles/{circle_id}/invitations',
                            {'email': 'h@example.nl', 'role': 'basic', 'ends_on': '2020-01-01'})
    assert response.status_code == 422
    problem = response.get_json()['error']['fields']['ends_on']
    assert isinstance(problem, list) and len(problem) == 1 and ' ' in problem[0], problem
    yesterday = (datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=2)).isoformat()
    response = manager.get(f'/api/v1/circles/{circle_id}/members')
    [me] = response.get_json()['items']
    response = manager.patch(f"/api/v1/circles/{circle_id}/members/{me['id']}", {'ends_on': yesterday})
    assert response.status_code == 422
    assert all(len(text) > 3 for text in response.get_json()['error']['fields']['ends_on'])
