"""Messages: threads, replies."""

from flask import request

from hub.account.access import current_account
from hub.circle import messages
from hub.circle.access import (
    require,
)
from hub.circle.api.base import bp
from hub.circle.schemas import (
    MessageSchema,
    ReplySchema,
)
from hub.web import load_json, parse_id


@bp.get('/circles/<circle_id>/messages', endpoint='messages')
def messages_list(circle_id):
    """My threads on this care page, the newest message first, each with its unread count."""
    member = require(current_account(), circle_id, 'messages')
    found, counts, next_cursor = messages.threads(member, request.args.get('cursor'))
    ids = messages.member_ids(member.circle_id)
    return {'items': [messages.thread_json(t, counts.get(t.id, 0), ids) for t in found], 'next': next_cursor}


@bp.post('/circles/<circle_id>/messages')
def post_message(circle_id):
    """Begin a thread for an audience or chosen members (one with the provider goes to them through the outbox)."""
    account = current_account()
    member = require(account, circle_id, 'messages')
    body = load_json(MessageSchema())
    found, message = messages.start_thread(member, account, body['text'], body['subject'], body.get('audience'),
                                        body.get('recipients'), body['provider_id'])
    return {**messages.thread_json(found, 0, messages.member_ids(member.circle_id)),
            'messages': [messages.message_json(message, account)]}, 201


@bp.get('/circles/<circle_id>/messages/<thread_id>')
def message_thread(circle_id, thread_id):
    """One thread with its messages in order; reading it marks it read."""
    account = current_account()
    member = require(account, circle_id, 'messages')
    found, items = messages.read_thread(member, parse_id(thread_id))
    return {**messages.thread_json(found, 0, messages.member_ids(member.circle_id)),
            'messages': [messages.message_json(m, account) for m in items]}


@bp.post('/circles/<circle_id>/messages/<thread_id>/replies')
def reply(circle_id, thread_id):
    account = current_account()
    member = require(account, circle_id, 'messages')
    body = load_json(ReplySchema())
    return messages.message_json(messages.reply(member, account, parse_id(thread_id), body['text']), account), 201


@bp.delete('/circles/<circle_id>/messages/<thread_id>')
def remove_thread(circle_id, thread_id):
    """Take a thread off my own list (the others keep it; a new message brings it back)."""
    member = require(current_account(), circle_id, 'messages')
    messages.remove_thread(member, parse_id(thread_id))
    return '', 204
