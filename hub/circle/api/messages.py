"""Messages: threads, replies, photos."""

from flask_babel import lazy_gettext as _l

from hub.account.access import account_key, current_account, photo_limit
from hub.account.photos import MAX_BYTES
from hub.circle import messages
from hub.circle.access import (
    require,
)
from hub.circle.answer_schemas import MessageAnswerSchema, ThreadSchema, ThreadWithMessagesSchema
from hub.circle.api.base import bp
from hub.circle.schemas import (
    MessageSchema,
    PhotoReplySchema,
    ReplySchema,
)
from hub.core.errors import InvalidInput
from hub.core.schemas import CursorSchema, page_of
from hub.extensions import limiter
from hub.web import JPEG, jpeg_response, load_form, multipart_body, parse_id, uploaded


@bp.get('/circles/<circle_id>/messages', endpoint='messages')
@bp.arguments(CursorSchema, location='query')
@bp.response(200, page_of(ThreadSchema))
def messages_list(query, circle_id):
    """My threads, the newest message first, each with its unread count"""
    member = require(current_account(), circle_id, 'messages')
    found, counts, next_cursor = messages.threads(member, query.get('cursor'))
    chosen = messages.recipients_of(member.circle_id, found)
    return {'items': [messages.thread_json(t, counts.get(t.id, 0), chosen) for t in found], 'next': next_cursor}


@bp.post('/circles/<circle_id>/messages')
@bp.arguments(MessageSchema)
@bp.response(201, ThreadWithMessagesSchema)
def post_message(body, circle_id):
    """Begin a thread: `{subject?, text, audience}` (all, trust, or provider and the trust group; to the provider
    through the outbox) or `{subject?, text, recipients: [member ids]}`"""
    account = current_account()
    member = require(account, circle_id, 'messages')
    found, message = messages.start_thread(member, account, body['text'], body['subject'], body.get('audience'),
                                           body.get('recipients'), body['provider_id'])
    return {**messages.thread_json(found, 0, messages.recipients_of(member.circle_id, [found])),
            'messages': [messages.message_json(message, account)]}


@bp.get('/circles/<circle_id>/messages/<thread_id>')
@bp.response(200, ThreadWithMessagesSchema)
def message_thread(circle_id, thread_id):
    """A thread with its messages in order (marks it read)"""
    account = current_account()
    member = require(account, circle_id, 'messages')
    found, items = messages.read_thread(member, parse_id(thread_id))
    return {**messages.thread_json(found, 0, messages.recipients_of(member.circle_id, [found])),
            'messages': [messages.message_json(m, account) for m in items]}


@bp.post('/circles/<circle_id>/messages/<thread_id>/replies')
@bp.arguments(ReplySchema)
@bp.response(201, MessageAnswerSchema)
def reply(body, circle_id, thread_id):
    """Reply in a thread"""
    account = current_account()
    member = require(account, circle_id, 'messages')
    return messages.message_json(messages.reply(member, account, parse_id(thread_id), body['text']), account)


@bp.post('/circles/<circle_id>/messages/<thread_id>/photos')
@bp.doc(requestBody=multipart_body('photo', 'text'))
@bp.response(201, MessageAnswerSchema)
@limiter.limit(photo_limit, key_func=account_key)
def reply_with_photo(circle_id, thread_id):
    """Send a photo in a thread (JPEG or PNG, at most 5 MB; re-encoded, no metadata kept), with `text` if you like;
    not in a thread with the care provider (422 `photo_not_sent`)"""
    account = current_account()
    member = require(account, circle_id, 'messages')
    thread_uuid = parse_id(thread_id)
    text = load_form(PhotoReplySchema(), 'text')['text'] or ''
    data = uploaded('photo', MAX_BYTES)
    if data is None:
        raise InvalidInput(_l('Choose a photo to send.'), fields={'photo': [_l('Choose a photo to send.')]})
    return messages.message_json(messages.reply(member, account, thread_uuid, text, data), account)


@bp.get('/circles/<circle_id>/messages/<thread_id>/<message_id>/photo')
@bp.doc(responses={'200': JPEG})
def message_photo(circle_id, thread_id, message_id):
    """The photo of a message in a thread you may read (never cached by others)"""
    member = require(current_account(), circle_id, 'messages')
    return jpeg_response(messages.photo(member, parse_id(thread_id), parse_id(message_id)))


@bp.delete('/circles/<circle_id>/messages/<thread_id>')
@bp.response(204)
def remove_thread(circle_id, thread_id):
    """Remove a thread from the caller's list only (the others keep it; a new message brings it back)"""
    member = require(current_account(), circle_id, 'messages')
    messages.remove_thread(member, parse_id(thread_id))
    return '', 204
