"""The coupling routes of the JSON API."""

from flask import Blueprint
from marshmallow import fields, validate

from hub.account.access import current_account
from hub.circle.access import membership
from hub.circle.api import circle_json
from hub.connect import operations
from hub.core.schemas import StrictSchema
from hub.account.api import login_limit
from hub.extensions import limiter
from hub.web import load_json

bp = Blueprint('connect_api', __name__, url_prefix='/api/v1')


class RedeemSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    circle_id = fields.UUID(load_default=None)


@bp.post('/connections')
@limiter.limit(login_limit)
def redeem():
    account = current_account()
    data = load_json(RedeemSchema())
    circle = operations.redeem(account, data['code'], data['circle_id'])
    return circle_json(membership(account, circle.id)), 201
