"""Shared web pieces: locale, errors in plain words, JSON input, security headers, /healthz."""

import logging
import uuid
from contextlib import contextmanager

from flask import g, has_request_context, jsonify, make_response, redirect, render_template, request, session
from flask_babel import get_locale, get_translations
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from flask_wtf.csrf import CSRFError, generate_csrf
from marshmallow import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from hub.config import setting
from hub.core.commit import undo_on_refusal
from hub.core.errors import AppError, InvalidInput, NotFound
from hub.core.messages import translate_errors
from hub.core.text import has_lone_surrogate
from hub.extensions import db

log = logging.getLogger(__name__)

LANGUAGES = ('nl', 'en')

#: status -> (code, plain message) for errors raised by Flask or Werkzeug
HTTP_ERRORS = {
    400: ('bad_request', _l('The request could not be understood.')),
    401: ('unauthenticated', _l('Please log in first.')),
    403: ('forbidden', _l('You may not do this.')),
    404: ('not_found', _l('This page or item does not exist, or you may not see it.')),
    405: ('method_not_allowed', _l('This cannot be done here. Go back to the page before and try again from there.')),
    413: ('too_large', _l('What you sent is too large.')),
    415: ('unsupported_media_type', _l('Send JSON with the header Content-Type: application/json.')),
    429: ('too_many_requests', _l('Too many attempts. Wait a moment and try again.')),
    500: ('server_error', _l('Something went wrong on our side. Your changes were not saved. Please try again later.')),
}


def select_locale():
    """Choose the language: the person's choice, then the browser's, then Dutch."""
    if not has_request_context():  # commands and the worker speak the default language
        return 'nl'
    chosen = session.get('lang')
    if chosen in LANGUAGES:
        return chosen
    account = g.get('account')
    if account is not None and account.language in LANGUAGES:
        return account.language
    return request.accept_languages.best_match(LANGUAGES) or 'nl'


def install_template_translations(app):
    """Let the templates look up their words in the request's translations found once per language, not anew for
    each of a page's seventy-odd words (flask-babel's own callables find the context, domain and locale each
    time). A mail in another language (``force_locale``) sets another locale, and so finds its own."""

    def translations():
        context = g.get('_flask_babel') if g else None
        if context is None:
            return get_translations()
        locale = getattr(context, 'babel_locale', None)
        found = getattr(context, 'carehub_translations', None)
        if locale is None or found is None or found[0] is not locale:
            words = get_translations()  # this also settles the locale
            found = context.carehub_translations = (getattr(context, 'babel_locale', None), words)
        return found[1]

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)


def select_timezone():
    """Choose the time zone the person set, else Europe/Amsterdam."""
    account = g.get('account')
    return getattr(account, 'timezone', None) or 'Europe/Amsterdam'


def wants_json():
    """Tell whether this request is for one of the JSON APIs."""
    return request.path.startswith(('/api/', '/provider/'))


def error_response(code, message, status, fields=None, extra=None):
    """Answer an error as JSON for the APIs or as a page for people."""
    if wants_json():
        body = {'error': {'code': code, 'message': str(message)}}
        if fields:
            body['error']['fields'] = fields
        if extra:
            body['error'].update(extra)
        return jsonify(body), status
    circle_id = (request.view_args or {}).get('circle_id') if request else None
    back = f'/circles/{circle_id}' if circle_id and status in (403, 404) and request.path != f'/circles/{circle_id}' \
        else None
    return render_template('errors.html', code=code, message=message, status=status, back=back), status


def json_body():
    """The request's JSON body, or None when there is none or it cannot be read."""
    try:
        return request.get_json(silent=True)
    except RecursionError:  # absurdly deep nesting
        return None


def _json_object():
    """The request's JSON body as an object, or raise a clear error (415, 400 invalid_json, 422)."""
    data = json_body()
    if data is None:
        if not request.is_json:
            raise AppError(HTTP_ERRORS[415][1], code='unsupported_media_type', status=415)
        raise AppError(_l('The body is not valid JSON.'), code='invalid_json')
    if not isinstance(data, dict):
        raise InvalidInput(_l('The body must be a JSON object.'))
    _refuse_lone_surrogates(data)
    return data


def _refuse_lone_surrogates(data):
    if has_lone_surrogate(data):
        raise InvalidInput(_l('The text holds characters that are not allowed (a lone UTF-16 surrogate).'),
                           code='invalid_text')


def _refused(messages):
    return InvalidInput(_l('Some fields are missing or not valid.'), fields=translate_errors(messages))


def load_json(schema):
    """Return the request's JSON body loaded by ``schema``, or raise a clear error."""
    return _loaded(schema, _json_object())


def load_form(schema, *names):
    """Return the named fields of a multipart request (beside a file) loaded by ``schema``, or raise a clear error."""
    data = {name: request.form.get(name) or None for name in names}
    _refuse_lone_surrogates(data)
    return _loaded(schema, data)


def _loaded(schema, data):
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise _refused(exc.messages) from None


#: the OpenAPI answer of a photo
JPEG = {'description': 'The photo', 'content': {'image/jpeg': {'schema': {'type': 'string'}}}}


def multipart_body(name, *texts):
    """The OpenAPI request body of a file sent as a multipart form (field ``name``), with short text fields."""
    properties = {name: {'type': 'string', 'contentMediaType': 'application/octet-stream'}}
    properties.update({text: {'type': 'string', 'maxLength': 300} for text in texts})
    return {'required': True, 'content': {'multipart/form-data': {'schema': {
        'type': 'object', 'required': [name], 'properties': properties, 'additionalProperties': False}}}}


class Parser(FlaskParser):
    """webargs' parser answering as every route of ours does: 415 without JSON, 400 for JSON that cannot be read,
    422 with the fields in plain words (never webargs' own ``{"json": ...}`` answer)."""

    def load_json(self, req, schema):
        return _json_object()

    def load_querystring(self, req, schema):
        data = super().load_querystring(req, schema)
        _refuse_lone_surrogates(dict(data))
        return data

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        messages = error.messages
        if isinstance(messages, dict) and len(messages) == 1 and next(iter(messages)) in self.__location_map__:
            messages = next(iter(messages.values()))  # webargs files the fields under where they came from
        raise _refused(messages)


class ApiBlueprint(Blueprint):
    """A blueprint of a JSON API (flask-smorest): a route declares what it takes (``arguments``) and answers
    (``response``), and the OpenAPI document is written from that. Unsafe calls of the member API carry the CSRF
    token in a header, which the document says."""

    ARGUMENTS_PARSER = Parser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._csrf_header)

    @staticmethod
    def _csrf_header(doc, doc_info, *, api, method, **kwargs):
        if getattr(api, 'csrf', False) and method != 'get':
            doc.setdefault('parameters', []).append(
                {'name': 'X-CSRF-Token', 'in': 'header', 'required': True, 'schema': {'type': 'string'}})
        return doc


# --- what every form page shares -------------------------------------------------------------------------

def local_target(target, default='/'):
    """Return ``target`` if it is a path on this site, else ``default`` (no open redirects)."""
    if (isinstance(target, str) and target.startswith('/') and not target.startswith('//')
            and '\\' not in target and all(ord(char) > 31 for char in target)):
        return target
    return default


def form_data(*names):
    """Return the named form fields as a dict, leaving out absent ones."""
    return {name: request.form[name] for name in names if name in request.form}


def form_int(value, digits=11):
    """A whole number typed in a form (ASCII digits only: "²" is a digit to Python, not to int), else the text
    itself, so that the schema says plainly it is not a number."""
    text = value.strip() if isinstance(value, str) else value
    return int(text) if isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= digits else value


def error_status(exc) -> int:
    """The status a form page answers with: 422 for input to correct, else the refusal's own (403, 404, 409)."""
    return 422 if isinstance(exc, ValidationError) else getattr(exc, 'status', 422)


def uploaded(name, limit):
    """The bytes of a file sent with a form (at most ``limit`` + 1, so a larger one is seen), or None when no file
    was chosen (a form sends an empty part then)."""
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        return None
    return upload.stream.read(limit + 1)


#: endpoint -> the largest body it takes, when more than MAX_CONTENT_LENGTH (allow_large_body)
LARGE_BODIES = {}


def allow_large_body(endpoint, file_bytes):
    """Let ``endpoint`` take a file of ``file_bytes`` and 1 MB of form around it (the others keep the default)."""
    LARGE_BODIES[endpoint] = file_bytes + 1024 * 1024


def nameless_form_parts():
    """Before the CSRF check reads the form: refuse a form part without a name (Flask-WTF fails on one: a 500)."""
    if request.mimetype in ('multipart/form-data', 'application/x-www-form-urlencoded') and (
            None in request.form or None in request.files):
        raise AppError(HTTP_ERRORS[400][1], code='bad_request', status=400)


def large_body():
    """Before anything reads the body (the CSRF check reads the form): raise the limit for the endpoints that may."""
    size = LARGE_BODIES.get(request.endpoint)
    if size:
        request.max_content_length = size


def uploaded_file(name, limit):
    """(file name, type the browser gave, bytes) of a file sent with a form or request, at most ``limit`` + 1 bytes
    (a larger one is seen); None when no file was chosen. The endpoint must allow the size (allow_large_body)."""
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        return None
    return upload.filename, upload.mimetype, upload.stream.read(limit + 1)


def jpeg_response(data: bytes):
    """A photo as carehub sends it: JPEG, for the person asking only (never kept by a cache on the way)."""
    response = make_response(data)
    response.headers['Content-Type'] = 'image/jpeg'
    response.headers['Cache-Control'] = 'private, no-store'
    return response


def file_response(data: bytes, content_type: str, name: str, inline: bool):
    """A document as carehub hands it out: for the person asking only, never run as a page (a sandbox, no sniffing);
    shown in the browser when ``inline`` (PDF, JPEG, PNG), else downloaded."""
    response = make_response(data)
    response.headers['Content-Type'] = content_type
    response.headers['Content-Disposition'] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    response.headers['Content-Security-Policy'] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response.headers['Cache-Control'] = 'private, no-store'
    return response


def error_lines(errors) -> list:
    """The (field, message) lines of a form's errors for its summary, in order (nested ones under their field)."""
    lines = []
    for name, problems in (errors or {}).items():
        if name.startswith('_') or isinstance(problems, bool):
            continue
        if isinstance(problems, dict):
            lines += [(name, str(p)) for inner in problems.values() for p in (inner if isinstance(inner, list) else [inner])]
        elif isinstance(problems, (list, tuple)):
            lines += [(name, str(p)) for p in problems]
        else:
            lines.append((name, str(problems)))
    return lines


def field_errors(exc):
    """Turn a ValidationError or AppError into {field: [messages]} for a form."""
    if isinstance(exc, ValidationError):
        messages = translate_errors(exc.messages)
        return {key: value if isinstance(value, list) else [str(value)] for key, value in messages.items()}
    return exc.fields or {'_form': [exc.message]}


class FormStep:
    """What a form step came to: nothing wrong (``ok``), or the errors per field and the status to answer with."""

    def __init__(self):
        self.errors, self.status, self.error = {}, 200, None

    @property
    def ok(self):
        return not self.errors


@contextmanager
def form_step():
    """Run one step of a form page: a refusal is undone and kept as field errors with the API's status.

    ``with form_step() as step: ...`` then ``if step.ok: return redirect(...)``; otherwise show the
    form again with ``step.errors``, answered with ``step.status`` (422 for input, else 403, 404, 409, 429).
    """
    step = FormStep()
    try:
        with undo_on_refusal():
            yield step
    except (ValidationError, AppError) as exc:
        step.errors, step.status, step.error = field_errors(exc), error_status(exc), exc


def parse_id(value):
    """Return the UUID in a URL, or raise NotFound for anything else."""
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError):
        raise NotFound(HTTP_ERRORS[404][1]) from None


def _handle_app_error(exc):
    response = error_response(exc.code, exc.message, exc.status, exc.fields, exc.extra)
    if getattr(exc, 'retry_after', None):
        response[0].headers['Retry-After'] = str(exc.retry_after)
    return response


def _handle_csrf(exc):
    return error_response('csrf_failed', _l('The form has expired or the security token is missing. '
                                            'Reload the page and try again.'), 400)


def _handle_http(exc):
    code, message = HTTP_ERRORS.get(exc.code, ('error', exc.description))
    response = error_response(code, message, exc.code)
    if exc.code == 405 and exc.valid_methods:
        response[0].headers['Allow'] = ', '.join(exc.valid_methods)
    return response


def _handle_integrity(exc):
    """Answer a race that a unique constraint caught (two people doing the same thing at once)."""
    log.warning('integrity error on %s %s', request.method, request.url_rule)
    db.session.rollback()
    return error_response('conflict', _l('Someone else changed this at the same moment. Reload and try again.'), 409)


def _handle_unexpected(exc):
    log.exception('unhandled error on %s %s', request.method, request.url_rule)
    db.session.rollback()
    return error_response(*HTTP_ERRORS[500], 500)


def content_security_policy(form_target: str = '') -> str:
    """The pages' Content-Security-Policy; ``form_target``: one more place a form may send to (or be redirected
    to after sending: browsers hold the redirect to form-action too), e.g. an app's address after its consent."""
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "media-src 'self' blob:; "  # read aloud by the server: the audio fetched, then played from a blob
            f"object-src 'none'; base-uri 'none'; form-action 'self'{' ' + form_target if form_target else ''}; "
            "frame-ancestors 'none'")


def _security_headers(response):
    response.headers.setdefault('Content-Security-Policy', content_security_policy())
    response.headers.setdefault('X-Content-Type-Options', 'nosniff')
    response.headers.setdefault('Referrer-Policy', 'same-origin')
    response.headers.setdefault('X-Frame-Options', 'DENY')
    if request.is_secure:
        response.headers.setdefault('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
    if wants_json() or request.endpoint not in (None, 'static'):
        response.headers.setdefault('Cache-Control', 'no-store')
    return response


def init_app(app):
    """Register the shared routes, error handlers and headers."""
    app.register_error_handler(AppError, _handle_app_error)
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(IntegrityError, _handle_integrity)
    app.register_error_handler(Exception, _handle_unexpected)
    app.after_request(_security_headers)
    app.context_processor(lambda: {'current_language': lambda: str(get_locale()),
                                   'contact_email': setting('CONTACT_EMAIL')})

    @app.get('/healthz')
    def healthz():
        db.session.execute(text('SELECT 1'))
        return {'status': 'ok'}

    @app.get('/api/v1/csrf')
    def csrf_token():
        return {'csrf_token': generate_csrf()}

    @app.post('/language')
    def set_language():
        lang = request.form.get('lang')
        if lang in LANGUAGES:
            session['lang'] = lang
        return redirect(local_target(request.form.get('next')), 303)
