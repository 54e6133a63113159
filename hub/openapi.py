"""The OpenAPI 3.1 documents of both JSON APIs, built with apispec from the routes and their marshmallow schemas."""

from apispec.ext.marshmallow import MarshmallowPlugin
from flask_smorest import Api
from flask_smorest.spec.plugins import FlaskPlugin

from hub.account.schemas import (
    ActivateSchema,
    ChangePasswordSchema,
    CodeSchema,
    ForgotSchema,
    LoginSchema,
    MethodSchema,
    NotificationSettingsSchema,
    PasskeyMethodSchema,
    PasskeySchema,
    ProfileSchema,
    RegisterSchema,
    ResetSchema,
    ResetSendSchema,
    StrengthSchema,
    TermsSchema,
    TotpCodeSchema,
)
from hub.circle.schemas import (
    RespondSchema,
)
from hub.core.schemas import YEARS, Day, ErrorSchema, Moment, Text
from hub.core.text import text_pattern
from hub.web import ApiBlueprint

ERROR = {'type': 'object', 'required': ['error'], 'properties': {'error': {
    'type': 'object', 'required': ['code', 'message'],
    'properties': {'code': {'type': 'string'}, 'message': {'type': 'string'}, 'fields': {'type': 'object'}}}}}
CIRCLE = {'type': 'object', 'required': ['id', 'name', 'role', 'permissions', 'providers'], 'properties': {
    'id': {'type': 'string', 'format': 'uuid'}, 'name': {'type': ['string', 'null']},
    'role': {'enum': ['manager', 'trust', 'basic']}, 'permissions': {'type': 'array', 'items': {'type': 'string'}},
    'providers': {'type': 'array', 'items': {'type': 'object'}}}}


def _list_of(item):
    return {'type': 'object', 'required': ['items', 'next'],
            'properties': {'items': {'type': 'array', 'items': item}, 'next': {'type': ['string', 'null']}}}


TIMELINE = {'type': 'object', 'required': ['items', 'next', 'last_visit', 'new_count'], 'properties': {
    'items': {'type': 'array', 'items': {'type': 'object', 'required': ['id', 'kind', 'occurred_at', 'new'],
                                         'properties': {'kind': {'enum': ['report', 'plan', 'questionnaire', 'note']},
                                                        'new': {'type': 'boolean'}}}},
    'next': {'type': ['string', 'null']}, 'last_visit': {'type': ['string', 'null'], 'format': 'date-time'},
    'new_count': {'type': 'integer', 'minimum': 0, 'maximum': 100}}}
DATA = {'type': 'object', 'required': ['sections'], 'properties': {'sections': {
    'type': 'object', 'additionalProperties': False,
    'properties': {name: {'type': 'array', 'items': {'type': 'object'}}
                   for name in ('client', 'gp_pharmacy', 'insurances', 'contact_persons', 'care_team')}}}}
CONTACT_REQUEST = {'type': 'object', 'required': ['id', 'kind', 'details', 'status'], 'properties': {
    'kind': {'type': 'string', 'enum': ['add', 'change']}, 'status': {'type': 'string', 'enum': ['sent', 'received']},
    'details': {'type': 'object'}}}
#: the query parameters of a route, where it has any
QUERY = {
    ('get', '/circles/{circle_id}/plans/{plan_id}'): [
        {'name': 'version', 'in': 'query', 'schema': {'type': 'string', 'minLength': 1, 'maxLength': 64}}],
    ('patch', '/circles/{circle_id}/appointments/{entry_id}'): [
        {'name': 'occurrence', 'in': 'query', 'schema': {'type': 'string', 'format': 'date'}}],
    ('delete', '/circles/{circle_id}/appointments/{entry_id}'): [
        {'name': 'occurrence', 'in': 'query', 'schema': {'type': 'string', 'format': 'date'}}],
    ('get', '/password/reset'): [
        {'name': 'token', 'in': 'query', 'required': True, 'schema': {'type': 'string', 'minLength': 1,
                                                                        'maxLength': 2000}}],
    ('get', '/circles/{circle_id}/export'): [
        {'name': 'format', 'in': 'query', 'schema': {'enum': ['fhir', 'html']}}],
    ('get', '/circles/{circle_id}/timeline'): [
        {'name': 'cursor', 'in': 'query', 'schema': {'type': 'string'}},
        {'name': 'kind', 'in': 'query', 'schema': {'enum': ['report', 'plan', 'questionnaire']}}],
}


#: a file sent as a multipart form
def _multipart(name, title=False):
    properties = {name: {'type': 'string', 'contentMediaType': 'application/octet-stream'}}
    if title:
        properties['title'] = {'type': 'string', 'maxLength': 300}
    return {'required': True, 'content': {'multipart/form-data': {'schema': {
        'type': 'object', 'required': [name], 'properties': properties, 'additionalProperties': False}}}}


#: (method, path) -> a request body that is not one JSON schema
BODIES = {
    ('post', '/me/photo'): _multipart('photo'),
    ('post', '/circles/{circle_id}/documents'): _multipart('file', title=True),
}
#: (method, path) -> the media types of the success answer, when not JSON
ANSWERS = {
    ('get', '/circles/{circle_id}/export'): {'application/fhir+json': {'schema': {'type': 'object'}},
                                              'text/html': {'schema': {'type': 'string'}}},
}


BOARD_POST = {'type': 'object', 'required': ['id', 'text', 'photo', 'reactions', 'reactions_count'], 'properties': {
    'photo': {'type': 'boolean'}, 'reactions': {'type': 'array', 'maxItems': 3},
    'reactions_count': {'type': 'integer', 'minimum': 0}}}
NOTIFICATIONS = {'type': 'object', 'required': ['settings'], 'properties': {'settings': {
    'type': 'object', 'additionalProperties': {'enum': ['immediate', 'daily', 'off']}}}}
APPOINTMENT = {'type': 'object', 'required': ['id', 'appointment_id', 'kind', 'title', 'starts_at', 'all_day'],
               'properties': {'kind': {'const': 'own'}, 'all_day': {'type': 'boolean'},
                              'occurrence': {'type': ['string', 'null']}, 'series_id': {'type': ['string', 'null']}}}
#: (method, path, summary, request schema, success status, success body schema)
MESSAGE = {'type': 'object', 'required': ['id', 'text', 'created_at', 'author', 'from_provider', 'mine'],
           'properties': {'id': {'type': 'string'}, 'text': {'type': 'string'},
                          'created_at': {'type': 'string', 'format': 'date-time'}, 'author': {'type': 'object'},
                          'from_provider': {'type': 'boolean'}, 'mine': {'type': 'boolean'}}}
THREAD = {'type': 'object', 'required': ['id', 'subject', 'audience', 'recipients', 'last_message_at', 'unread'],
          'properties': {'id': {'type': 'string'}, 'subject': {'type': 'string'},
                         'audience': {'enum': ['all', 'trust', 'provider', 'chosen']},
                         'recipients': {'type': 'array', 'items': {'type': 'string'}},
                         'last_message_at': {'type': 'string', 'format': 'date-time'},
                         'unread': {'type': 'integer', 'minimum': 0}, 'provider': {'type': ['object', 'null']},
                         'started_by': {'type': ['string', 'null']}}}
THREAD_WITH_MESSAGES = {'allOf': [THREAD, {'type': 'object', 'required': ['messages'], 'properties': {
    'messages': {'type': 'array', 'items': MESSAGE}}}]}

PLAN = {'type': 'object', 'required': ['id', 'plan_type', 'status', 'version', 'versions'], 'properties': {
    'id': {'type': 'string'}, 'kind': {'const': 'plan'}, 'version': {'type': 'string'},
    'plan_type': {'enum': ['client', 'work']}, 'discipline': {'type': ['string', 'null']},
    'status': {'type': ['string', 'null']},
    'versions': {'type': 'array', 'items': {'type': 'object', 'required': ['version', 'at']}},
    'approval': {'enum': ['awaiting_signature', 'approved', 'declined', 'none']}, 'data': {'type': 'object'},
    'goals': {'type': 'array', 'items': {'type': 'object'}}}}

PASSKEY_OPTIONS = {'type': 'object', 'required': ['publicKey'], 'properties': {'publicKey': {
    'type': 'object', 'required': ['challenge'], 'properties': {'challenge': {'type': 'string'},
                                                                'timeout': {'type': 'integer'}}}}}
PASSKEY = {'type': 'object', 'required': ['id', 'name', 'created_at', 'last_used_at'], 'properties': {
    'id': {'type': 'string'}, 'name': {'type': 'string'}, 'created_at': {'type': 'string', 'format': 'date-time'},
    'last_used_at': {'type': ['string', 'null'], 'format': 'date-time'}}}

ROUTES = [
    ('get', '/csrf', 'Get the CSRF token for unsafe calls', None, 200,
     {'type': 'object', 'properties': {'csrf_token': {'type': 'string'}}}),
    ('post', '/accounts', 'Register (always 202)', RegisterSchema, 202, {'type': 'object'}),
    ('post', '/accounts/activate', 'Set the first password and activate', ActivateSchema, 200, {'type': 'object'}),
    ('post', '/session', 'Log in (may ask for a second factor)', LoginSchema, 200, {'type': 'object'}),
    ('post', '/session/second-factor', 'Give the second factor (method email: the code mailed at login on a new '
                                       'browser)', CodeSchema, 200, {'type': 'object'}),
    ('post', '/session/second-factor/send', 'Send a login code by SMS, a call or mail', MethodSchema, 202,
     {'type': 'object'}),
    ('post', '/session/second-factor/options', 'WebAuthn request options to log in with a passkey (the challenge '
                                               'works once, for 5 minutes)', PasskeyMethodSchema, 200, PASSKEY_OPTIONS),
    ('post', '/me/phone/verify', 'Confirm a new mobile number with the code sent to it', TotpCodeSchema, 200,
     {'type': 'object'}),
    ('delete', '/session', 'Log out', None, 204, None),
    ('post', '/password/strength', 'How strong a password is, with hints', StrengthSchema, 200, {'type': 'object'}),
    ('post', '/password/forgot', 'Ask for a reset link (always 202)', ForgotSchema, 202, {'type': 'object'}),
    ('get', '/password/reset', 'What a reset link needs', None, 200, {'type': 'object'}),
    ('post', '/password/reset', 'Set a new password with a reset link', ResetSchema, 200, {'type': 'object'}),
    ('post', '/password/reset/send', 'Send the code for a reset link by SMS or a call', ResetSendSchema, 202,
     {'type': 'object'}),
    ('get', '/me', 'My profile', None, 200, {'type': 'object'}),
    ('post', '/me/terms', 'Accept the terms of use of `version` (needed after they changed: other calls answer 403 '
                          'terms_changed until then)', TermsSchema, 200, {'type': 'object'}),
    ('patch', '/me', 'Change my names, language or time zone', ProfileSchema, 200, {'type': 'object'}),
    ('get', '/me/notifications', 'How I hear of each kind of event: immediate, daily (a digest) or off', None, 200,
     NOTIFICATIONS),
    ('patch', '/me/notifications', 'Change how I hear of some kinds of event', NotificationSettingsSchema, 200,
     NOTIFICATIONS),
    ('get', '/me/sessions', 'Where I am logged in', None, 200, _list_of({'type': 'object'})),
    ('delete', '/me/sessions', 'Log out everywhere', None, 204, None),
    ('delete', '/me/sessions/{session_id}', 'Log out one session', None, 204, None),
    ('post', '/me/photo', 'Upload a profile photo (multipart field photo: JPEG or PNG, at most 5 MB)', None, 201,
     {'type': 'object'}),
    ('delete', '/me/photo', 'Remove my profile photo', None, 204, None),
    ('get', '/me/devices', 'My remembered browsers', None, 200, _list_of({'type': 'object'})),
    ('delete', '/me/devices/{device_id}', 'Forget a remembered browser', None, 204, None),
    ('post', '/me/password', 'Change my password', ChangePasswordSchema, 200, {'type': 'object'}),
    ('post', '/me/recovery-codes', 'Ten new single-use recovery codes for a lost phone (step-up; the account has a '
                                   'second factor, else 409): shown only now, the earlier ones stop working; log in '
                                   'with one as method `recovery`', None, 201,
     {'type': 'object', 'required': ['codes'], 'properties': {'codes': {
         'type': 'array', 'minItems': 10, 'maxItems': 10, 'items': {'type': 'string', 'pattern': '^[0-9A-Z]{5}-[0-9A-Z]{5}$'}}}}),
    ('get', '/me/recovery-codes', 'How many recovery codes are left', None, 200,
     {'type': 'object', 'required': ['remaining'], 'properties': {'remaining': {'type': 'integer', 'minimum': 0}}}),
    ('post', '/me/passkeys/options', 'WebAuthn creation options for a new passkey (step-up; for a first way a fresh '
                                     'password)', None, 200, PASSKEY_OPTIONS),
    ('post', '/me/passkeys', 'Keep a new passkey: the credential as PublicKeyCredential.toJSON() gives it, and a name '
                             '(400 invalid_passkey when it does not check out; a mail tells the owner)', PasskeySchema,
     201, PASSKEY),
    ('get', '/me/passkeys', 'My passkeys, the newest first', None, 200, _list_of(PASSKEY)),
    ('delete', '/me/passkeys/{passkey_id}', 'Remove a passkey (step-up)', None, 204, None),
    ('post', '/me/totp', 'Start enrolling an authenticator app', None, 201, {'type': 'object'}),
    ('post', '/me/totp/verify', 'Confirm the authenticator app with a code', TotpCodeSchema, 200,
     {'type': 'object'}),
    ('post', '/step-up', 'Ask for a step-up code', MethodSchema, 200, {'type': 'object'}),
    ('post', '/step-up/options', 'WebAuthn request options for the step-up with a passkey', PasskeyMethodSchema, 200,
     PASSKEY_OPTIONS),
    ('post', '/step-up/verify', 'Check a step-up code, or a passkey (method passkey with its credential)', CodeSchema,
     200, {'type': 'object'}),
]


class HubApi(Api):
    """flask-smorest's Api writing one of our two documents: the errors keep our envelope and our handlers
    (hub/web.py answers pages and JSON alike), and no page serves the documentation but the document itself."""

    ERROR_SCHEMA = ErrorSchema

    def __init__(self, app, *, csrf, prefix, **kwargs):
        self.csrf = csrf
        self.prefix = prefix
        super().__init__(app, **kwargs)

    def _register_error_handlers(self):
        """Leave the errors to hub/web.py: smorest's own handler would answer every page in JSON."""

    def document(self):
        """Return the OpenAPI document (made once: it follows from the code alone)."""
        if self._document is None:
            self._document = self.spec.to_dict()
        return self._document

    _document = None


class PrefixPlugin(FlaskPlugin):
    """Paths relative to the API's prefix (the document names it once, as its server)."""

    def __init__(self, prefix):
        super().__init__()
        self.prefix = prefix

    def path_helper(self, rule=None, operations=None, parameters=None, **kwargs):
        if rule is None:  # a path given as it is (the rows of the table still to move onto their routes)
            return None
        return super().path_helper(rule, operations, parameters, **kwargs).removeprefix(self.prefix)


class Plugin(MarshmallowPlugin):
    """apispec's marshmallow plugin, with the rules a schema states besides its fields (``json_rules``: which fields
    go together, what a field holds beyond its type) and what our own fields take."""

    def init_spec(self, spec):
        super().init_spec(spec)
        self.converter.add_attribute_function(_field_rules)

    def schema_helper(self, name, _, schema=None, **kwargs):
        definition = super().schema_helper(name, _, schema=schema, **kwargs)
        rules = getattr(schema if isinstance(schema, type) else type(schema), 'json_rules', None)
        if definition is None or not rules:
            return definition
        properties = {**definition.get('properties', {})}
        for key, extra in rules.get('properties', {}).items():
            properties[key] = {**properties.get(key, {}), **extra}
        return {**definition, **{k: v for k, v in rules.items() if k != 'properties'}, 'properties': properties}


def _field_rules(self, field, **kwargs):
    """Say what our own fields take (apispec knows marshmallow's validators, not these fields' rules): a Text's
    lengths and characters, the years of a day or a moment."""
    if isinstance(field, Text):
        return {'minLength': field.min_length, 'maxLength': field.max_length,
                'pattern': text_pattern(field.multiline, empty=field.min_length == 0)}
    if isinstance(field, (Day, Moment)):
        return {'pattern': YEARS}
    return {}


def _api(app, prefix, title, description, csrf, config_prefix=''):
    return HubApi(app, csrf=csrf, prefix=prefix, config_prefix=config_prefix, spec_kwargs={
        'title': title, 'version': '1', 'openapi_version': '3.1.0', 'info': {'description': description},
        'servers': [{'url': prefix}], 'flask_plugin': PrefixPlugin(prefix), 'marshmallow_plugin': Plugin()})


def init_app(app):
    """Make both APIs; create_app hands each blueprint to ``register`` and calls ``finish`` after the last."""
    member = _api(app, '/api/v1', 'carehub API',
                  'The JSON API for apps. It uses the session cookie of the pages; every unsafe call sends the CSRF '
                  'token from GET /csrf in X-CSRF-Token.', csrf=True)
    provider = _api(app, '/provider/v1', 'carehub provider API',
                    'For care provider systems. Get a token at /oauth/token with the client credentials from '
                    '`carehub provider credentials`, then send Authorization: Bearer <token>.', csrf=False,
                    config_prefix='PROVIDER')
    provider.spec.components.security_scheme('oauth2', {'type': 'oauth2', 'flows': {'clientCredentials': {
        'tokenUrl': '/provider/v1/oauth/token', 'scopes': {'codes': 'coupling codes', 'records': 'push records',
                                                           'outbox': 'read the outbox'}}}})
    app.extensions['carehub.apis'] = {'/api/v1': member, '/provider/v1': provider}
    app.add_url_rule('/api/v1/openapi.json', 'openapi', member.document)
    app.add_url_rule('/provider/v1/openapi.json', 'provider_openapi', provider.document)


def register(app, blueprint):
    """Register a blueprint: one of the JSON APIs through its Api (which documents its routes), a page's directly."""
    api = app.extensions['carehub.apis'].get(blueprint.url_prefix)
    if isinstance(blueprint, ApiBlueprint):
        api.register_blueprint(blueprint)
    else:
        app.register_blueprint(blueprint)


def finish(app):
    """Add the routes not yet declaring what they take and answer, from the table."""
    apis = app.extensions['carehub.apis']
    _add_rows(apis['/api/v1'], ROUTES)


def _add_rows(api, routes):
    paths = {}
    for method, path, summary, request_schema, status, body in routes:
        content = ANSWERS.get((method, path)) or ({'application/json': {'schema': body}} if body else None)
        operation = {'summary': summary, 'responses': {
            str(status): {'description': 'OK', **({'content': content} if content else {})},
            'default': {'description': 'An error', 'content': {'application/json': {'schema': ERROR}}}}}
        parameters = [{'name': part[1:-1], 'in': 'path', 'required': True, 'schema': {'type': 'string'}}
                      for part in path.split('/') if part.startswith('{')]
        parameters += QUERY.get((method, path), [])
        if parameters:
            operation['parameters'] = parameters
        if request_schema is not None:
            operation['requestBody'] = {'required': request_schema is not RespondSchema,  # the token is optional
                                        'content': {'application/json': {'schema': request_schema}}}
        if (method, path) in BODIES:
            operation['requestBody'] = BODIES[(method, path)]
        if api.csrf and method != 'get':
            operation.setdefault('parameters', []).append(
                {'name': 'X-CSRF-Token', 'in': 'header', 'required': True, 'schema': {'type': 'string'}})
        paths.setdefault(path, {})[method] = operation
    for path, operations in paths.items():
        declared = api.spec._paths.get(path, {})
        for method in operations:
            declared_answers = declared.get(method, {}).get('responses', {})
            if any(str(code).startswith('2') for code in declared_answers):
                raise RuntimeError(f'{method} {path} is declared on its route and in the table')
        api.spec.path(path=path, operations=operations)
