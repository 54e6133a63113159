"""The dossier routes of the JSON API."""

from flask import Blueprint, request

from hub.account.access import current_account
from hub.dossier import operations
from hub.dossier.access import read_dossier

bp = Blueprint('dossier_api', __name__, url_prefix='/api/v1')


@bp.get('/circles/<circle_id>/timeline')
def timeline(circle_id):
    member = read_dossier(current_account(), circle_id, 'timeline')
    rows, next_cursor = operations.timeline(member.circle_id, request.args.get('cursor'))
    return {'items': [operations.record_json(row) for row in rows], 'next': next_cursor}
