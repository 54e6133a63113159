"""The coupling routes of the JSON API."""

from flask import Blueprint

from hub.account.access import current_account, login_limited, step_up_required
from hub.circle.access import MANAGE, membership, require
from hub.circle.api import circle_json
from hub.circle.dossiers import dossiers_of
from hub.connect import operations
from hub.connect.schemas import RedeemSchema
from hub.web import load_json, parse_id

bp = Blueprint('connect_api', __name__, url_prefix='/api/v1')


@bp.post('/connections')
@login_limited()
def redeem():
    account = current_account()
    data = load_json(RedeemSchema())
    circle = operations.redeem(account, data['code'], data['circle_id'])
    return circle_json(membership(account, circle.id)), 201


def dossier_json(dossier) -> dict:
    return {'id': str(dossier.id), 'provider': {'id': str(dossier.provider.id), 'name': dossier.provider.name},
            'last_synced_at': dossier.last_synced_at.isoformat() if dossier.last_synced_at else None}


@bp.get('/circles/<circle_id>/dossiers')
def dossiers(circle_id):
    member = require(current_account(), circle_id)
    return {'items': [dossier_json(d) for d in dossiers_of(member.circle_id)], 'next': None}


@bp.delete('/circles/<circle_id>/dossiers/<dossier_id>')
def unlink(circle_id, dossier_id):
    manager = require(current_account(), circle_id, MANAGE)
    operations.unlink_dossier(manager, parse_id(dossier_id))
    return '', 204


@bp.delete('/circles/<circle_id>')
def delete_circle(circle_id):
    manager = require(current_account(), circle_id, MANAGE)
    step_up_required()  # it cannot be undone: a fresh second step first, as for dossier data
    operations.delete_care_page(manager)
    return '', 204
