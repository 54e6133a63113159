"""The provider API for provider systems: OAuth 2 tokens, pushed records, signed webhooks and the outbox (/provider/v1)."""

from authlib.oauth2.rfc6749.errors import InsecureTransportError
from flask import request
from flask_babel import lazy_gettext as _l

from hub.careprovider import outbound  # noqa: F401  registers the outbox transport for provider items
from hub.careprovider.adapter import AdapterError
from hub.careprovider.events import receive
from hub.careprovider.models import Provider
from hub.careprovider.oauth import current_provider, server
from hub.careprovider.operations import adapter_for, dossier_of
from hub.careprovider.outbound import acknowledge, pending_for
from hub.careprovider.push import ingest
from hub.careprovider.schemas import (
    OAuthErrorSchema,
    OutboxItemSchema,
    PushedSchema,
    ReceivedSchema,
    TokenRequestSchema,
    TokenSchema,
)
from hub.core.errors import AppError, Forbidden, InvalidInput, NotFound
from hub.core.schemas import CursorSchema, ErrorSchema, page_of
from hub.extensions import csrf, db, limiter
from hub.web import ApiBlueprint, error_response, parse_id

bp = ApiBlueprint('provider_oauth', __name__, url_prefix='/provider/v1')
csrf.exempt(bp)  # provider systems authenticate with client credentials and bearer tokens, not cookies


def _json(schema):
    return {'application/json': {'schema': schema}}


@bp.post('/oauth/token')
@bp.doc(requestBody={'required': True, 'content': {'application/x-www-form-urlencoded': {
    'schema': TokenRequestSchema}}}, responses={
    '200': {'description': 'OK', 'content': _json(TokenSchema)},
    '429': {'description': 'Too many tries: wait as Retry-After says', 'content': _json(ErrorSchema)},
    'default': {'description': 'An error, as RFC 6749 says', 'content': _json(OAuthErrorSchema)}})
@limiter.limit('30 per minute')
def token():
    """Get an access token (client credentials, HTTP Basic; form fields grant_type and scope)"""
    try:
        return server.create_token_response()
    except InsecureTransportError:
        return error_response('https_required', 'Ask for tokens over HTTPS. Behind a proxy, set CAREHUB_PROXY_HOPS.',
                              400)


@bp.post('/dossiers/<client_id>/records')
@bp.doc(requestBody={'required': True, 'content': _json({'type': 'object'})})
@bp.response(200, PushedSchema)
def push(client_id):
    """Push records in the adapter's format, e.g. a FHIR Bundle (scope records); each refused record is listed,
    the rest is taken"""
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
@bp.response(200, ReceivedSchema)
# Nedap sends hundreds of events a second in bulk changes: only refused ones (a wrong signature) count to a limit
@limiter.limit('30 per minute', deduct_when=lambda response: response.status_code == 401)
def webhook(provider):
    """A change notification from the provider system, signed with the shared secret

    For Nedap Ons: HMAC-SHA512 of the body in X-Signature-SHA512. No bearer token; 401 when the signature is wrong.
    {provider} is the id `carehub provider list` shows.
    """
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
@bp.arguments(CursorSchema, location='query')
@bp.response(200, page_of(OutboxItemSchema))
def outbox(query):
    """Messages, plan approvals and notes for this provider that are not yet delivered, oldest first (scope
    outbox); each carries its resource in the adapter format"""
    items, next_cursor = pending_for(current_provider('outbox'), query.get('cursor'))
    return {'items': items, 'next': next_cursor}


@bp.post('/outbox/<item_id>/ack')
@bp.response(200, OutboxItemSchema)
def outbox_ack(item_id):
    """Acknowledge an item once it is stored (scope outbox); again: no change"""
    return acknowledge(current_provider('outbox'), parse_id(item_id))
