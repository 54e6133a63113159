"""The OpenAPI 3.1 documents of both JSON APIs, written by flask-smorest (apispec) from the routes: what each
takes (``arguments``) and answers (``response``), with the marshmallow schemas of both."""

from apispec.ext.marshmallow import MarshmallowPlugin
from flask_smorest import Api
from flask_smorest.spec.plugins import FlaskPlugin

from hub.core.schemas import YEARS, CsrfSchema, Day, ErrorSchema, Moment, Text
from hub.core.text import text_pattern
from hub.web import ApiBlueprint


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
    """Document the one API route outside the blueprints: GET /api/v1/csrf (hub/web.py)."""
    member = app.extensions['carehub.apis']['/api/v1']
    member.spec.path(path='/csrf', operations={'get': {
        'summary': 'Get the CSRF token for unsafe calls', 'tags': ['web'], 'responses': {
            '200': {'description': 'OK', 'content': {'application/json': {'schema': CsrfSchema}}},
            'default': {'$ref': '#/components/responses/DEFAULT_ERROR'}}}})
