"""The provider API for coupling: issue, list and revoke codes; unlink a dossier."""

from flask import Blueprint, request

from hub.careprovider.oauth import current_provider
from hub.careprovider.operations import dossier_of
from hub.connect import operations
from hub.connect.schemas import IssueSchema
from hub.extensions import csrf
from hub.web import load_json, parse_id

bp = Blueprint('connect_provider_api', __name__, url_prefix='/provider/v1')
csrf.exempt(bp)


def code_json(coupling, code=None) -> dict:
    data = {'id': str(coupling.id), 'client_id': coupling.client_id, 'state': operations.code_state(coupling),
            'transfer': coupling.transfer, 'expires_at': coupling.expires_at.isoformat(),
            'redeemed_at': coupling.redeemed_at.isoformat() if coupling.redeemed_at else None,
            'revoked_at': coupling.revoked_at.isoformat() if coupling.revoked_at else None}
    if code is not None:
        data['code'] = code  # only in the answer that issues it: the hub keeps a keyed hash
    return data


@bp.post('/coupling-codes')
def issue():
    provider = current_provider('codes')
    data = load_json(IssueSchema())
    coupling, code = operations.issue_code(provider, data['client_id'], transfer=data['transfer'])
    return code_json(coupling, code), 201


@bp.get('/coupling-codes')
def codes():
    provider = current_provider('codes')
    client_id = request.args.get('client_id')
    items = [c for c in operations.codes_of(provider) if client_id is None or c.client_id == client_id]
    return {'items': [code_json(c) for c in items], 'next': None}


@bp.post('/coupling-codes/<code_id>/revoke')
def revoke_code(code_id):
    provider = current_provider('codes')
    return code_json(operations.revoke_code(provider, parse_id(code_id)))


@bp.delete('/dossiers/<client_id>/link')
def unlink(client_id):
    provider = current_provider('codes')
    operations.provider_unlink(dossier_of(provider, client_id))
    return '', 204
