"""The board (prikbord): short posts for everyone on the care page, with reactions.

Posting needs ``data.board_post``, reacting ``data.board_react``; everyone deletes their own, and
``data.board_delete`` (the manager, the trust group) deletes others' posts and reactions too.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from hub.circle.access import can, require_author_or
from hub.circle.models import BoardPost, BoardReaction
from hub.core.audit import audit
from hub.core.cursor import after_cursor, encode_cursor
from hub.core.errors import Forbidden, NotFound
from hub.core.timeutil import utcnow
from hub.extensions import db

PAGE_SIZE = 20


def posts(member, cursor=None, limit=PAGE_SIZE):
    """Return (posts with their reactions, next cursor), newest first."""
    query = select(BoardPost).options(  # with their authors: no query per post or reaction
        joinedload(BoardPost.author), selectinload(BoardPost.reactions).joinedload(BoardReaction.author)
    ).where(BoardPost.circle_id == member.circle_id)
    query = after_cursor(query, BoardPost.created_at, BoardPost.id, cursor)
    found = db.session.execute(query.order_by(BoardPost.created_at.desc(), BoardPost.id.desc())
                               .limit(limit + 1)).scalars().all()
    last = found[limit - 1] if len(found) > limit else None
    return found[:limit], encode_cursor(last.created_at, last.id) if last else None


def _post(member, post_id) -> BoardPost:
    post = db.session.get(BoardPost, post_id)
    if post is None or post.circle_id != member.circle_id:
        raise NotFound(_l('There is no such post on this board.'))
    return post


def add_post(member, account, text) -> BoardPost:
    if not can(member, 'data.board_post'):
        raise Forbidden(_l('You may not post on the board of this care page.'))
    post = BoardPost(circle_id=member.circle_id, author_id=account.id, text=text, created_at=utcnow())
    db.session.add(post)
    db.session.flush()
    audit('circle.board_post', 'C', actor=account, role=member.role, circle=member.circle_id, target=f'post:{post.id}')
    return post


def react(member, account, post_id, text) -> BoardReaction:
    if not can(member, 'data.board_react'):
        raise Forbidden(_l('You may not react on the board of this care page.'))
    post = _post(member, post_id)
    reaction = BoardReaction(post_id=post.id, author_id=account.id, text=text, created_at=utcnow())
    db.session.add(reaction)
    db.session.flush()
    audit('circle.board_react', 'C', actor=account, role=member.role, circle=member.circle_id,
          target=f'reaction:{reaction.id}')
    return reaction


def _may_delete(member, account, author_id):
    require_author_or(member, account, author_id, 'data.board_delete',
                      _l('You can only delete your own posts and reactions.'))


def delete_post(member, account, post_id):
    post = _post(member, post_id)
    _may_delete(member, account, post.author_id)
    audit('circle.board_post', 'D', actor=account, role=member.role, circle=member.circle_id, target=f'post:{post.id}')
    db.session.delete(post)


def delete_reaction(member, account, post_id, reaction_id):
    post = _post(member, post_id)
    reaction = db.session.get(BoardReaction, reaction_id)
    if reaction is None or reaction.post_id != post.id:
        raise NotFound(_l('There is no such reaction.'))
    _may_delete(member, account, reaction.author_id)
    audit('circle.board_react', 'D', actor=account, role=member.role, circle=member.circle_id,
          target=f'reaction:{reaction.id}')
    db.session.delete(reaction)


def post_json(post, account=None) -> dict:
    return {'id': str(post.id), 'text': post.text, 'created_at': post.created_at.isoformat(),
            'author': {'name': post.author.name}, 'mine': account is not None and post.author_id == account.id,
            'reactions': [{'id': str(r.id), 'text': r.text, 'created_at': r.created_at.isoformat(),
                           'author': {'name': r.author.name}, 'mine': account is not None and r.author_id == account.id}
                          for r in post.reactions]}
