"""The FHIR R4 API apps read with their token (/fhir/R4): the care page as a Patient, its resources read and
searched, and the CapabilityStatement. Answers are ``application/fhir+json``; an error is an OperationOutcome."""

from urllib.parse import urlencode

from flask import Blueprint, jsonify, request

from hub.apps import fhir
from hub.apps.oauth import current_grant, fhir_base
from hub.apps.scopes import TYPES
from hub.core.errors import AppError, NotFound
from hub.extensions import csrf

bp = Blueprint('apps_fhir', __name__, url_prefix='/fhir/R4')
csrf.exempt(bp)  # a bearer token, never a cookie
FHIR_JSON = 'application/fhir+json'
#: when what this API serves last changed (the CapabilityStatement's date): change it with the API
API_CHANGED = '2026-12-05'
#: FHIR's issue type for each HTTP status of an error
ISSUE_TYPES = {400: 'invalid', 401: 'login', 403: 'forbidden', 404: 'not-found', 429: 'throttled'}


def _fhir(body, status=200):
    response = jsonify(body)
    response.status_code = status
    response.mimetype = FHIR_JSON
    return response


@bp.after_request
def _any_origin(response):
    response.headers['Access-Control-Allow-Origin'] = '*'
    response.headers['Access-Control-Allow-Headers'] = 'Authorization, Content-Type'
    response.headers['Cache-Control'] = 'no-store'
    return response


@bp.errorhandler(AppError)
def _outcome(error: AppError):
    status = 400 if error.status == 422 else error.status  # FHIR answers a bad search with 400
    response = _fhir({'resourceType': 'OperationOutcome', 'issue': [{
        'severity': 'error', 'code': ISSUE_TYPES.get(status, 'processing'), 'diagnostics': str(error.message),
        'details': {'text': error.code}}]}, status)
    if status == 401:
        response.headers['WWW-Authenticate'] = 'Bearer error="invalid_token"'
    return response


@bp.get('/metadata')
def metadata():
    """What this server serves (no token needed): read and search of each type, and how to get a token."""
    base = fhir_base().removesuffix('/fhir/R4')
    searches = {kind: ['patient', '_count', '_lastUpdated', *fhir.PARAMETERS[kind]] for kind in fhir.PARAMETERS}
    return _fhir({
        'resourceType': 'CapabilityStatement', 'status': 'active', 'date': API_CHANGED, 'kind': 'instance',
        'fhirVersion': '4.0.1', 'format': ['json'], 'software': {'name': 'carehub'},
        'implementation': {'description': 'carehub: the FHIR API of a care page', 'url': fhir_base()},
        'rest': [{'mode': 'server', 'security': {
            'service': [{'coding': [{'system': 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                                     'code': 'SMART-on-FHIR'}]}],
            'extension': [{'url': 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
                           'extension': [{'url': 'authorize', 'valueUri': f'{base}/oauth/authorize'},
                                         {'url': 'token', 'valueUri': f'{base}/oauth/token'},
                                         {'url': 'revoke', 'valueUri': f'{base}/oauth/revoke'}]}]},
            'resource': [{'type': 'Patient', 'interaction': [{'code': 'read'}]}] + [
                {'type': kind, 'interaction': [{'code': 'read'}, {'code': 'search-type'}],
                 'searchParam': [{'name': name, 'type': _param_type(name)} for name in searches[kind]]}
                for kind in TYPES if kind in searches]}]})


def _param_type(name: str) -> str:
    return {'patient': 'reference', '_count': 'number', '_lastUpdated': 'date', 'date': 'date'}.get(name, 'token')


@bp.get('/Patient/<patient_id>')
def patient(patient_id):
    grant, scope = current_grant()
    return _fhir(fhir.patient(grant, scope, patient_id))


@bp.get('/Binary/<document_id>')
def binary(document_id):
    """A document's file, as a DocumentReference names it (fetched from the provider now)."""
    grant, scope = current_grant()
    content_type, data = fhir.binary(grant, scope, document_id)
    return data, 200, {'Content-Type': content_type, 'Content-Disposition': 'attachment',
                       'X-Content-Type-Options': 'nosniff'}


@bp.get('/<kind>/<resource_id>')
def read(kind, resource_id):
    if kind not in fhir.KINDS:
        raise NotFound(f'This server does not serve {kind[:40]}.')
    grant, scope = current_grant()
    return _fhir(fhir.read(grant, scope, kind, resource_id))


@bp.get('/<kind>')
def search(kind):
    if kind not in fhir.KINDS and kind != 'Patient':
        raise NotFound(f'This server does not serve {kind[:40]}.')
    grant, scope = current_grant()
    params = {key: value for key, value in request.args.items()}
    if kind == 'Patient':  # the one patient this token may read
        resources, cursor = [fhir.patient(grant, scope, str(grant.circle_id))], None
    else:
        resources, cursor = fhir.search(grant, scope, kind, params)
    here = f'{fhir_base()}/{kind}'
    links = [{'relation': 'self', 'url': f'{here}?{urlencode(params)}' if params else here}]
    if cursor:
        links.append({'relation': 'next', 'url': f"{here}?{urlencode({**params, '_cursor': cursor})}"})
    bundle = {'resourceType': 'Bundle', 'type': 'searchset', 'link': links}
    if resources:  # FHIR has no empty lists
        bundle['entry'] = [{'fullUrl': f"{fhir_base()}/{item['resourceType']}/{item['id']}", 'resource': item,
                            'search': {'mode': 'match'}} for item in resources]
    return _fhir(bundle)
