"""The provider API for provider systems: OAuth 2 tokens, pushed records, signed webhooks and the outbox (/provider/v1)."""

from authlib.oauth2.rfc6749.errors import InsecureTransportError
from flask import Blueprint, request
from flask_babel import lazy_gettext as _l

from hub.careprovider import outbound  # noqa: F401  registers the outbox transport for provider items
from hub.careprovider.adapter import AdapterError
from hub.careprovider.events import receive
from hub.careprovider.models import Provider
from hub.careprovider.oauth import current_provider, server
from hub.careprovider.operations import adapter_for, dossier_of
from hub.careprovider.outbound import acknowledge, item_json, pending_for
from hub.careprovider.push import ingest
from hub.core.errors import AppError, Forbidden, InvalidInput, NotFound
from hub.extensions import csrf, db, limiter
from hub.web import error_response, parse_id

bp = Blueprint('provider_oauth', __name__, url_prefix='/provider/v1')
csrf.exempt(bp)  # provider systems authenticate with client credentials and bearer tokens, not cookies


@bp.post('/oauth/token')
@limiter.limit('30 per minute')
def token():

    try:
        return server.create_token_response()
    except InsecureTransportError:
        return error_response('https_required', 'Ask for tokens over HTTPS. Behind a proxy, set CAREHUB_PROXY_HOPS.',
                              400)


@bp.post('/dossiers/<client_id>/records')
def push(client_id):
    """Take records in the adapter's format for one of this provider's linked dossiers."""
    provider = current_provider('records')
    try:
        dossier = dossier_of(provider, client_id)
    except NotFound:  # the same answer whether the client is linked elsewhere or nowhere: nothing is revealed
        raise Forbidden(_l('You can only send records for clients who linked their dossier with you.'),
                        code='not_your_dossier') from None
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # absurdly deep nesting
        payload = None
    if payload is None:
        raise InvalidInput(_l('The body is not valid JSON.'), code='invalid_json')
    try:
        counts, refused = ingest(dossier, adapter_for(provider), payload)
    except AdapterError as exc:  # this kind of system does not push records (its changes come as webhooks)
        raise AppError(_l('This care provider system cannot send records this way.'), code='push_not_supported',
                       status=400) from exc
    if refused and not counts.get('received'):
        raise InvalidInput(_l('None of the records could be taken.'), code='invalid_records',
                           fields={'records': refused})
    return {'counts': counts, 'refused': refused}


#: a webhook body carries ids only; anything bigger is not one
WEBHOOK_MAX_BYTES = 64 * 1024


@bp.post('/webhooks/<provider>')
# Nedap sends hundreds of events a second in bulk changes: only refused ones (a wrong signature) count to a limit
@limiter.limit('30 per minute', deduct_when=lambda response: response.status_code == 401)
def webhook(provider):
    """Take a signed change notification (HMAC-SHA512 in X-Signature-SHA512); 401 when the signature is wrong."""
    provider = db.session.get(Provider, parse_id(provider))
    if provider is None:
        raise NotFound(_l('There is no care provider here with this id.'))
    if (request.content_length or 0) > WEBHOOK_MAX_BYTES:
        raise AppError(_l('The event is too large.'), code='too_large', status=413)
    body = request.get_data(cache=True)
    if len(body) > WEBHOOK_MAX_BYTES:
        raise AppError(_l('The event is too large.'), code='too_large', status=413)
    return {'received': receive(provider, request.headers, body)}


@bp.get('/outbox')
def outbox():
    """The messages, plan approvals and notes waiting for this provider, oldest first (scope outbox)."""
    items, next_cursor = pending_for(current_provider('outbox'), request.args.get('cursor'))
    return {'items': [item_json(item) for item in items], 'next': next_cursor}


@bp.post('/outbox/<item_id>/ack')
def outbox_ack(item_id):
    """Acknowledge an item: it was received and stored; it leaves the outbox (again: no change)."""
    return item_json(acknowledge(current_provider('outbox'), parse_id(item_id)))
