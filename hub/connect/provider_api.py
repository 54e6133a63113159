"""The provider API for coupling: issue, list and revoke codes; unlink a dossier."""

from hub.careprovider.oauth import current_provider
from hub.careprovider.operations import dossier_of
from hub.connect import operations
from hub.connect.schemas import CodesQuerySchema, CouplingCodeSchema, IssuedCodeSchema, IssueSchema
from hub.core.schemas import page_of
from hub.extensions import csrf
from hub.web import ApiBlueprint, parse_id

bp = ApiBlueprint('connect_provider_api', __name__, url_prefix='/provider/v1')
csrf.exempt(bp)


@bp.post('/coupling-codes')
@bp.response(201, IssuedCodeSchema)
@bp.arguments(IssueSchema)
def issue(data):
    """Issue a coupling code for a client (scope codes)"""
    provider = current_provider('codes')
    coupling, code = operations.issue_code(provider, data['client_id'], transfer=data['transfer'])
    coupling.code = code  # for this answer only (not a column): the hub keeps a keyed hash
    return coupling


@bp.get('/coupling-codes')
@bp.arguments(CodesQuerySchema, location='query')
@bp.response(200, page_of(CouplingCodeSchema))
def codes(query):
    """The codes this provider issued, with their state (scope codes)"""
    provider = current_provider('codes')
    client_id = query.get('client_id')
    return {'items': [c for c in operations.codes_of(provider) if client_id is None or c.client_id == client_id]}


@bp.post('/coupling-codes/<code_id>/revoke')
@bp.response(200, CouplingCodeSchema)
def revoke_code(code_id):
    """Revoke a code that is still valid (scope codes)"""
    provider = current_provider('codes')
    return operations.revoke_code(provider, parse_id(code_id))


@bp.delete('/dossiers/<client_id>/link')
@bp.response(204)
def unlink(client_id):
    """Unlink a client's dossier from its care page (scope codes)"""
    provider = current_provider('codes')
    operations.provider_unlink(dossier_of(provider, client_id))
    return '', 204
