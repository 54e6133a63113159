"""The apps a member connected, and those connected to a care page (its manager sees and stops them)."""

from hub.account.access import current_account
from hub.apps import operations
from hub.apps.schemas import ConnectedAppSchema, connected_app
from hub.circle.access import MANAGE, member_first, require
from hub.core.schemas import page_of
from hub.web import ApiBlueprint, parse_id

bp = ApiBlueprint('apps_api', __name__, url_prefix='/api/v1')
bp.before_request(member_first)  # who asks, before what they sent


@bp.get('/me/apps')
@bp.response(200, page_of(ConnectedAppSchema))
def my_apps():
    """The apps I let read a care page for me"""
    return {'items': [connected_app(grant) for grant in operations.my_grants(current_account())]}


@bp.delete('/me/apps/<grant_id>')
@bp.response(204)
def stop_my_app(grant_id):
    """Stop an app I connected: its tokens stop at once"""
    operations.stop_mine(current_account(), parse_id(grant_id))
    return '', 204


@bp.get('/circles/<circle_id>/apps')
@bp.response(200, page_of(ConnectedAppSchema))
def page_apps(circle_id):
    """The apps members connected to this care page (manager)"""
    manager = require(current_account(), circle_id, MANAGE)
    return {'items': [connected_app(grant) for grant in operations.page_grants(manager)]}


@bp.delete('/circles/<circle_id>/apps/<grant_id>')
@bp.response(204)
def stop_page_app(circle_id, grant_id):
    """Stop an app a member connected to this care page (manager)"""
    manager = require(current_account(), circle_id, MANAGE)
    operations.stop_on_page(manager, parse_id(grant_id))
    return '', 204
