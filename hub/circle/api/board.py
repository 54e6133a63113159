"""The board: posts, photos and reactions."""

from flask import request

from hub.account.access import account_key, current_account, photo_limit
from hub.account.photos import MAX_BYTES
from hub.circle import board
from hub.circle.access import (
    require,
)
from hub.circle.api.base import bp
from hub.circle.schemas import (
    BoardSchema,
)
from hub.extensions import limiter
from hub.web import jpeg_response, load_form, load_json, parse_id, uploaded


@bp.get('/circles/<circle_id>/board', endpoint='board')
def board_list(circle_id):
    account = current_account()
    member = require(account, circle_id)
    items, next_cursor = board.posts(member, request.args.get('cursor'))
    return {'items': [board.post_json(post, account) for post in items], 'next': next_cursor}


@bp.post('/circles/<circle_id>/board')
@limiter.limit(photo_limit, key_func=account_key, methods=['POST'],
               exempt_when=lambda: request.mimetype != 'multipart/form-data')
def add_board_post(circle_id):
    """Post on the board: JSON ``{text}``, or a multipart form with ``text`` and a ``photo`` (JPEG or PNG)."""
    account = current_account()
    member = require(account, circle_id)
    if request.mimetype == 'multipart/form-data':
        text = load_form(BoardSchema(), 'text')['text']
        data = uploaded('photo', MAX_BYTES)
    else:
        text, data = load_json(BoardSchema())['text'], None
    post = board.add_post(member, account, text, data)
    return board.post_json(board.Shown(post, [], 0), account), 201


@bp.get('/circles/<circle_id>/board/<post_id>/photo')
def board_photo(circle_id, post_id):
    """The photo of a post (members of the care page only; never cached by others)."""
    return jpeg_response(board.photo(require(current_account(), circle_id), parse_id(post_id)))


@bp.get('/circles/<circle_id>/board/<post_id>/reactions')
def board_reactions(circle_id, post_id):
    """All reactions of a post, newest first, by page ("Toon oudere reacties")."""
    account = current_account()
    _, found, next_cursor = board.reactions(require(account, circle_id), parse_id(post_id),
                                               request.args.get('cursor'))
    return {'items': [board.reaction_json(r, account) for r in found], 'next': next_cursor}


@bp.post('/circles/<circle_id>/board/<post_id>/reactions')
def react_on_board(circle_id, post_id):
    account = current_account()
    member = require(account, circle_id)
    reaction = board.react(member, account, parse_id(post_id), load_json(BoardSchema())['text'])
    return board.reaction_json(reaction, account), 201


@bp.delete('/circles/<circle_id>/board/<post_id>')
def delete_board_post(circle_id, post_id):
    account = current_account()
    board.delete_post(require(account, circle_id), account, parse_id(post_id))
    return '', 204


@bp.delete('/circles/<circle_id>/board/<post_id>/reactions/<reaction_id>')
def delete_board_reaction(circle_id, post_id, reaction_id):
    account = current_account()
    board.delete_reaction(require(account, circle_id), account, parse_id(post_id), parse_id(reaction_id))
    return '', 204
