"""The provider API's token endpoint: OAuth 2 client credentials (/provider/v1/oauth/token)."""

from flask import Blueprint

from hub.careprovider.oauth import server
from hub.extensions import csrf, limiter

bp = Blueprint('provider_oauth', __name__, url_prefix='/provider/v1')
csrf.exempt(bp)  # provider systems authenticate with client credentials and bearer tokens, not cookies


@bp.post('/oauth/token')
@limiter.limit('30 per minute')
def token():
    return server.create_token_response()
