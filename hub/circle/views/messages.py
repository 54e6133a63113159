"""Messages: the threads of a care page, a new message, a thread and its replies."""

from flask import g, redirect, render_template, request, url_for

from hub.account.access import account_key, login_required, photo_limit
from hub.account.photos import MAX_BYTES
from hub.circle import messages, operations
from hub.circle.access import (
    can,
    message_audiences,
    require,
)
from hub.circle.dossiers import providers_of
from hub.circle.schemas import (
    MessageSchema,
    PhotoReplySchema,
    ReplySchema,
)
from hub.circle.views.base import AUDIENCE_LABELS, bp
from hub.extensions import limiter
from hub.web import form_data, form_step, parse_id, uploaded


@bp.get('/circles/<circle_id>/messages', endpoint='messages')
@login_required
def messages_page(circle_id):
    """My conversations, the newest message first, with what is unread."""
    member = require(g.account, circle_id, 'messages')
    found, counts, next_cursor = messages.threads(member, request.args.get('cursor'))
    return render_template('circle/messages.html', member=member, threads=found, counts=counts,
                           next_cursor=next_cursor, removed=request.args.get('removed'))


def _for_whom(values, chosen):
    """The form's choice as the API takes it: an audience, or the chosen members."""
    if values.get('audience') == 'chosen':
        return {'recipients': chosen}
    return {'audience': values.get('audience') or 'all'}


@bp.route('/circles/<circle_id>/messages/new', methods=['GET', 'POST'])
@login_required
def new_message(circle_id):
    """Write a new message: a subject, the text, and for whom (a group, or chosen people)."""
    member = require(g.account, circle_id, 'messages')
    errors, values, status, chosen = {}, {'audience': 'all'}, 200, []
    if request.method == 'POST':
        values = form_data('subject', 'text', 'audience', 'provider_id')
        chosen = request.form.getlist('recipients')
        with form_step() as step:
            data = MessageSchema().load({'subject': values.get('subject') or None, 'text': values.get('text', ''),
                                         'provider_id': values.get('provider_id') or None,
                                         **_for_whom(values, chosen)})
            found, _ = messages.start_thread(member, g.account, data['text'], data['subject'], data.get('audience'),
                                          data.get('recipients'), data['provider_id'])
        if step.ok:
            return redirect(url_for('circle.message_thread', circle_id=member.circle_id, thread_id=found.id,
                                    sent=1), 303)
        errors, status = step.errors, step.status
    audiences = message_audiences(member)
    others = [m for m in operations.members_of(member.circle_id) if m.id != member.id and can(m, 'messages')]
    return (render_template('circle/message_new.html', member=member, errors=errors, values=values, chosen=chosen,
                            audiences=[(a, AUDIENCE_LABELS[a]) for a in audiences], others=others,
                            providers=providers_of(member.circle_id) if 'provider' in audiences else []), status)


@bp.route('/circles/<circle_id>/messages/<thread_id>', methods=['GET', 'POST'])
@login_required
@limiter.limit(photo_limit, key_func=account_key, methods=['POST'],
               exempt_when=lambda: not getattr(request.files.get('photo'), 'filename', None))
def message_thread(circle_id, thread_id):
    """One conversation in order, with a reply form (a photo may go with it: then words are optional); reading it
    marks it read."""
    member = require(g.account, circle_id, 'messages')
    errors, values, status = {}, {}, 200
    if request.method == 'POST':
        values = form_data('text')
        with form_step() as step:
            photo = uploaded('photo', MAX_BYTES)
            schema = ReplySchema() if photo is None else PhotoReplySchema()
            messages.reply(member, g.account, parse_id(thread_id),
                           schema.load({'text': values.get('text', '')})['text'] or '', photo)
        if step.ok:
            return redirect(url_for('circle.message_thread', circle_id=member.circle_id, thread_id=thread_id,
                                    sent=1) + '#reply', 303)
        errors, status = step.errors, step.status
    found, items = messages.read_thread(member, parse_id(thread_id))
    chosen = [name for _, name in messages.recipients_of(member.circle_id, [found]).get(found.id, [])]
    return (render_template('circle/message_thread.html', member=member, thread=found, items=items, errors=errors,
                            values=values, sent=request.args.get('sent'), chosen=chosen), status)


@bp.post('/circles/<circle_id>/messages/<thread_id>/remove')
@login_required
def remove_thread(circle_id, thread_id):
    member = require(g.account, circle_id, 'messages')
    messages.remove_thread(member, parse_id(thread_id))
    return redirect(url_for('circle.messages', circle_id=member.circle_id, removed=1), 303)
