"""The board (prikbord): short posts for everyone on the care page, with a photo if one likes, and reactions.

Posting needs ``data.board_post``, reacting ``data.board_react``; everyone deletes their own, and
``data.board_delete`` (the manager, the trust group) deletes others' posts and reactions too. A list shows the
newest reactions of each post; the older ones page ("Toon oudere reacties").
"""

from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from hub.account.photos import reencode
from hub.circle.access import can, require_author_or
from hub.circle.models import BoardPhoto, BoardPost, BoardReaction, Member
from hub.core.audit import audit
from hub.core.cursor import after_cursor, encode_cursor
from hub.core.errors import Forbidden, NotFound
from hub.core.timeutil import utcnow
from hub.extensions import db

PAGE_SIZE = 20
#: the newest reactions a list shows of each post
SHOWN_REACTIONS = 3
#: a board photo's longest side (a profile photo keeps 512)
PHOTO_SIDE = 1280


class Shown(NamedTuple):
    """A post as a list shows it: its newest reactions (oldest of them first) and how many it has."""
    post: BoardPost
    reactions: list
    count: int


def posts(member: Member, cursor=None, limit=PAGE_SIZE):
    """Return (posts as Shown, next cursor), newest first, in one statement: the page of posts, and of each its
    newest reactions (their rank in their post and its count come from window functions), with their authors."""
    query = select(BoardPost.id).where(BoardPost.circle_id == member.circle_id)
    page = after_cursor(query, BoardPost.created_at, BoardPost.id, cursor).order_by(
        BoardPost.created_at.desc(), BoardPost.id.desc()).limit(limit + 1).subquery()
    rank = func.row_number().over(partition_by=BoardReaction.post_id,
                                  order_by=(BoardReaction.created_at.desc(), BoardReaction.id.desc())).label('rank')
    total = func.count().over(partition_by=BoardReaction.post_id).label('total')
    ranked = (select(BoardReaction.id, BoardReaction.post_id, rank, total)
              .where(BoardReaction.post_id.in_(select(page.c.id))).subquery())
    found: dict = {}
    for post, reaction, count in db.session.execute(
            select(BoardPost, BoardReaction, ranked.c.total).join(page, page.c.id == BoardPost.id)
            .outerjoin(ranked, and_(ranked.c.post_id == BoardPost.id, ranked.c.rank <= SHOWN_REACTIONS))
            .outerjoin(BoardReaction, BoardReaction.id == ranked.c.id)
            .options(joinedload(BoardPost.author), joinedload(BoardReaction.author))
            .order_by(BoardPost.created_at.desc(), BoardPost.id.desc(), BoardReaction.created_at, BoardReaction.id)):
        shown = found.setdefault(post, Shown(post, [], count or 0))
        if reaction is not None:
            shown.reactions.append(reaction)
    posts = list(found.values())
    last = posts[limit - 1].post if len(posts) > limit else None
    return posts[:limit], encode_cursor(last.created_at, last.id) if last else None


def reactions(member: Member, post_id, cursor=None, limit=PAGE_SIZE):
    """Return (the post, a page of its reactions newest first, next cursor): "Toon oudere reacties"."""
    post = _post(member, post_id)
    query = after_cursor(select(BoardReaction).options(joinedload(BoardReaction.author))
                         .where(BoardReaction.post_id == post.id), BoardReaction.created_at, BoardReaction.id, cursor)
    found = db.session.execute(query.order_by(BoardReaction.created_at.desc(), BoardReaction.id.desc())
                               .limit(limit + 1)).scalars().all()
    last = found[limit - 1] if len(found) > limit else None
    return post, found[:limit], encode_cursor(last.created_at, last.id) if last else None


def photo(member: Member, post_id) -> bytes:
    """The photo of a post on the member's care page, or raise NotFound."""
    post = _post(member, post_id)
    found = db.session.get(BoardPhoto, post.id) if post.has_photo else None
    if found is None:
        raise NotFound(_l('This post has no photo.'))
    return found.data


def _post(member: Member, post_id) -> BoardPost:
    post = db.session.get(BoardPost, post_id)
    if post is None or post.circle_id != member.circle_id:
        raise NotFound(_l('There is no such post on this board.'))
    return post


def add_post(member: Member, account, text, photo_data=None) -> BoardPost:
    """Post on the board, with a photo if one is given (checked by content, re-encoded, no metadata kept)."""
    if not can(member, 'data.board_post'):
        raise Forbidden(_l('You may not post on the board of this care page.'))
    encoded = reencode(photo_data, side=PHOTO_SIDE) if photo_data is not None else None
    post = BoardPost(circle_id=member.circle_id, author_id=account.id, text=text, created_at=utcnow(),
                     has_photo=encoded is not None)
    db.session.add(post)
    db.session.flush()
    if encoded is not None:
        db.session.add(BoardPhoto(post_id=post.id, data=encoded))
    audit('circle.board_post', 'C', actor=account, role=member.role, circle=member.circle_id, target=f'post:{post.id}')
    return post


def react(member: Member, account, post_id, text) -> BoardReaction:
    if not can(member, 'data.board_react'):
        raise Forbidden(_l('You may not react on the board of this care page.'))
    post = _post(member, post_id)
    reaction = BoardReaction(post_id=post.id, author_id=account.id, text=text, created_at=utcnow())
    db.session.add(reaction)
    db.session.flush()
    audit('circle.board_react', 'C', actor=account, role=member.role, circle=member.circle_id,
          target=f'reaction:{reaction.id}')
    return reaction


def _may_delete(member: Member, account, author_id):
    require_author_or(member, account, author_id, 'data.board_delete',
                      _l('You can only delete your own posts and reactions.'))


def delete_post(member: Member, account, post_id):
    post = _post(member, post_id)
    _may_delete(member, account, post.author_id)
    audit('circle.board_post', 'D', actor=account, role=member.role, circle=member.circle_id, target=f'post:{post.id}')
    db.session.delete(post)


def delete_reaction(member: Member, account, post_id, reaction_id):
    post = _post(member, post_id)
    reaction = db.session.get(BoardReaction, reaction_id)
    if reaction is None or reaction.post_id != post.id:
        raise NotFound(_l('There is no such reaction.'))
    _may_delete(member, account, reaction.author_id)
    audit('circle.board_react', 'D', actor=account, role=member.role, circle=member.circle_id,
          target=f'reaction:{reaction.id}')
    db.session.delete(reaction)


def reaction_json(reaction, account=None) -> dict:
    return {'id': str(reaction.id), 'text': reaction.text, 'created_at': reaction.created_at.isoformat(),
            'author': {'name': reaction.author.name}, 'mine': account is not None and reaction.author_id == account.id}


def post_json(shown, account=None) -> dict:
    """A post with its newest reactions (``reactions``, oldest first) and how many it has (``reactions_count``)."""
    post = shown.post
    return {'id': str(post.id), 'text': post.text, 'created_at': post.created_at.isoformat(),
            'author': {'name': post.author.name}, 'mine': account is not None and post.author_id == account.id,
            'photo': post.has_photo, 'reactions': [reaction_json(r, account) for r in shown.reactions],
            'reactions_count': shown.count}
