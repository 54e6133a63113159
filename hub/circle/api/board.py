"""The board: posts, photos and reactions."""

from flask import request

from hub.account.access import account_key, current_account, photo_limit
from hub.account.photos import MAX_BYTES
from hub.circle import board
from hub.circle.access import (
    require,
)
from hub.circle.answer_schemas import PostSchema, ReactionSchema
from hub.circle.api.base import bp
from hub.circle.schemas import (
    BoardSchema,
)
from hub.core.schemas import CursorSchema, page_of
from hub.extensions import limiter
from hub.web import JPEG, jpeg_response, load_form, load_json, multipart_body, parse_id, uploaded

#: a post comes as JSON, or as a form with a photo
POST_BODY = {'required': True, 'content': {'application/json': {'schema': BoardSchema},
                                           **multipart_body('photo', 'text')['content']}}


@bp.get('/circles/<circle_id>/board', endpoint='board')
@bp.arguments(CursorSchema, location='query')
@bp.response(200, page_of(PostSchema))
def board_list(query, circle_id):
    """The board, newest first: posts with `photo`, their newest reactions (oldest of them first) and
    `reactions_count`"""
    account = current_account()
    member = require(account, circle_id)
    items, next_cursor = board.posts(member, query.get('cursor'))
    return {'items': [board.post_json(post, account) for post in items], 'next': next_cursor}


@bp.post('/circles/<circle_id>/board')
@bp.doc(requestBody=POST_BODY)
@bp.response(201, PostSchema)
@limiter.limit(photo_limit, key_func=account_key, methods=['POST'],
               exempt_when=lambda: request.mimetype != 'multipart/form-data')
def add_board_post(circle_id):
    """Post on the board (data.board_post): JSON `{text}`, or a multipart form with `text` and a `photo` (JPEG or
    PNG, at most 5 MB)"""
    account = current_account()
    member = require(account, circle_id)
    if request.mimetype == 'multipart/form-data':
        text = load_form(BoardSchema(), 'text')['text']
        data = uploaded('photo', MAX_BYTES)
    else:
        text, data = load_json(BoardSchema())['text'], None
    post = board.add_post(member, account, text, data)
    return board.post_json(board.Shown(post, [], 0), account)


@bp.get('/circles/<circle_id>/board/<post_id>/photo')
@bp.doc(responses={'200': JPEG})
def board_photo(circle_id, post_id):
    """A post's photo (members of the care page only; never cached by others)"""
    return jpeg_response(board.photo(require(current_account(), circle_id), parse_id(post_id)))


@bp.get('/circles/<circle_id>/board/<post_id>/reactions')
@bp.arguments(CursorSchema, location='query')
@bp.response(200, page_of(ReactionSchema))
def board_reactions(query, circle_id, post_id):
    """All reactions of a post, newest first, by page ("Toon oudere reacties")"""
    account = current_account()
    _, found, next_cursor = board.reactions(require(account, circle_id), parse_id(post_id), query.get('cursor'))
    return {'items': [board.reaction_json(r, account) for r in found], 'next': next_cursor}


@bp.post('/circles/<circle_id>/board/<post_id>/reactions')
@bp.arguments(BoardSchema)
@bp.response(201, ReactionSchema)
def react_on_board(data, circle_id, post_id):
    """React to a post (data.board_react)"""
    account = current_account()
    member = require(account, circle_id)
    reaction = board.react(member, account, parse_id(post_id), data['text'])
    return board.reaction_json(reaction, account)


@bp.delete('/circles/<circle_id>/board/<post_id>')
@bp.response(204)
def delete_board_post(circle_id, post_id):
    """Delete a post (your own, or with data.board_delete)"""
    account = current_account()
    board.delete_post(require(account, circle_id), account, parse_id(post_id))
    return '', 204


@bp.delete('/circles/<circle_id>/board/<post_id>/reactions/<reaction_id>')
@bp.response(204)
def delete_board_reaction(circle_id, post_id, reaction_id):
    """Delete a reaction (your own, or with data.board_delete)"""
    account = current_account()
    board.delete_reaction(require(account, circle_id), account, parse_id(post_id), parse_id(reaction_id))
    return '', 204
