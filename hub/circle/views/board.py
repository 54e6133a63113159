"""The board ("prikbord"): posts with a photo, reactions and smileys."""

from flask import g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from hub.account.access import account_key, login_required, photo_limit
from hub.account.photos import MAX_BYTES
from hub.circle import board
from hub.circle.access import (
    require,
)
from hub.circle.schemas import (
    BoardSchema,
)
from hub.circle.views.base import bp
from hub.extensions import limiter
from hub.web import form_data, form_step, jpeg_response, parse_id, uploaded


@bp.route('/circles/<circle_id>/board', methods=['GET', 'POST'])
@login_required
@limiter.limit(photo_limit, key_func=account_key, methods=['POST'],
               exempt_when=lambda: not getattr(request.files.get('photo'), 'filename', None))
def board_page(circle_id):
    """The board: short posts with reactions."""
    member = require(g.account, circle_id)
    errors, values, status = {}, {}, 200
    if request.method == 'POST':
        action = request.form.get('action', 'post')
        post_id = parse_id(request.form['post_id']) if request.form.get('post_id') else None
        with form_step() as step:
            if action == 'delete':
                board.delete_post(member, g.account, post_id)
            elif action == 'delete_reaction':
                board.delete_reaction(member, g.account, post_id, parse_id(request.form.get('reaction_id')))
            elif action == 'react':
                values = {'text': request.form.get('text', '')}
                board.react(member, g.account, post_id, BoardSchema().load(values)['text'])
            else:
                values = form_data('text')
                data = uploaded('photo', MAX_BYTES)
                board.add_post(member, g.account, BoardSchema().load(values)['text'], data)
        if step.ok:
            return redirect(url_for('circle.board_page', circle_id=member.circle_id), 303)
        errors, status = step.errors, step.status
        if action == 'react':
            errors = {f'reaction-{post_id}': errors.get('text', [_l('Write a reaction first.')]), '_react': True}
    items, next_cursor = board.posts(member, request.args.get('cursor'))
    return (render_template('circle/board.html', member=member, posts=items, next_cursor=next_cursor, errors=errors,
                            values=values, smileys=SMILEYS), status)


#: the smileys the picker offers, with what a screen reader says of each
SMILEYS = (('😊', _l('Happy')), ('😂', _l('Laughing')), ('❤️', _l('Heart')), ('👍', _l('Thumbs up')),
           ('👏', _l('Applause')), ('🌞', _l('Sun')), ('🎉', _l('Party')), ('😢', _l('Sad')), ('🙏', _l('Thank you')),
           ('💐', _l('Flowers')))


@bp.get('/circles/<circle_id>/board/<post_id>')
@login_required
def board_post_page(circle_id, post_id):
    """One post with all its reactions, newest first, by page ("Toon oudere reacties")."""
    member = require(g.account, circle_id)
    post, found, next_cursor = board.reactions(member, parse_id(post_id), request.args.get('cursor'))
    return render_template('circle/board_post.html', member=member, post=post, reactions=found,
                           next_cursor=next_cursor)


@bp.get('/circles/<circle_id>/board/<post_id>/photo')
@login_required
def board_photo_page(circle_id, post_id):
    return jpeg_response(board.photo(require(g.account, circle_id), parse_id(post_id)))
