"""The coupling routes of the JSON API."""

from hub.account.access import current_account, login_limited, step_up_required
from hub.circle.access import MANAGE, member_first, membership, require
from hub.circle.answer_schemas import CircleSchema
from hub.circle.dossiers import dossiers_of
from hub.connect import operations
from hub.connect.schemas import DossierSchema, RedeemSchema
from hub.core.schemas import page_of
from hub.web import ApiBlueprint, parse_id

bp = ApiBlueprint('connect_api', __name__, url_prefix='/api/v1')
bp.before_request(member_first)  # who asks, before what they sent


@bp.post('/connections')
@bp.response(201, CircleSchema)
@login_limited()
@bp.arguments(RedeemSchema)
def redeem(data):
    """Redeem a coupling code: a new care page (`for_self`: you are the client), or `circle_id` one you manage"""
    account = current_account()
    circle = operations.redeem(account, data['code'], data['circle_id'], data['for_self'])
    return membership(account, circle.id)


@bp.get('/circles/<circle_id>/dossiers')
@bp.response(200, page_of(DossierSchema))
def dossiers(circle_id):
    """Dossiers linked to a care page"""
    member = require(current_account(), circle_id)
    return {'items': dossiers_of(member.circle_id)}


@bp.delete('/circles/<circle_id>/dossiers/<dossier_id>')
@bp.response(204)
def unlink(circle_id, dossier_id):
    """Unlink a dossier (manager)"""
    manager = require(current_account(), circle_id, MANAGE)
    operations.unlink_dossier(manager, parse_id(dossier_id))
    return '', 204


@bp.delete('/circles/<circle_id>')
@bp.response(204)
def delete_circle(circle_id):
    """Delete a care page (manager)"""
    manager = require(current_account(), circle_id, MANAGE)
    step_up_required()  # it cannot be undone: a fresh second step first, as for dossier data
    operations.delete_care_page(manager)
    return '', 204
