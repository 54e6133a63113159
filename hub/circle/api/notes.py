"""Notes."""

from hub.account.access import current_account
from hub.circle import notes
from hub.circle.access import (
    require,
)
from hub.circle.answer_schemas import NoteAnswerSchema
from hub.circle.api.base import bp
from hub.circle.schemas import (
    NoteChangeSchema,
    NoteSchema,
    ShareSchema,
)
from hub.core.schemas import CursorSchema, page_of
from hub.web import parse_id


@bp.get('/circles/<circle_id>/notes', endpoint='notes')
@bp.arguments(CursorSchema, location='query')
@bp.response(200, page_of(NoteAnswerSchema))
def notes_list(query, circle_id):
    """The notes of the care page, the last changed first"""
    account = current_account()
    member = require(account, circle_id)
    items, next_cursor = notes.notes(member, query.get('cursor'))
    return {'items': [notes.note_json(note, account) for note in items], 'next': next_cursor}


@bp.post('/circles/<circle_id>/notes')
@bp.arguments(NoteSchema)
@bp.response(201, NoteAnswerSchema)
def add_note(data, circle_id):
    """Write a note (every member reads it)"""
    account = current_account()
    member = require(account, circle_id)
    return notes.note_json(notes.write_note(member, account, data['text']), account)


@bp.patch('/circles/<circle_id>/notes/<note_id>')
@bp.arguments(NoteChangeSchema)
@bp.response(200, NoteAnswerSchema)
def change_note(data, circle_id, note_id):
    """Change your own note, as it was at `version` (409 version_conflict with the current note when it changed)"""
    account = current_account()
    member = require(account, circle_id)
    return notes.note_json(notes.write_note(member, account, data['text'], parse_id(note_id), data['version']), account)


@bp.delete('/circles/<circle_id>/notes/<note_id>')
@bp.response(204)
def delete_note(circle_id, note_id):
    """Delete a note (its author, or the manager)"""
    account = current_account()
    notes.delete_note(require(account, circle_id), account, parse_id(note_id))
    return '', 204


@bp.post('/circles/<circle_id>/notes/<note_id>/share')
@bp.arguments(ShareSchema)
@bp.response(200, NoteAnswerSchema)
def share_note(data, circle_id, note_id):
    """Send a note to the care provider (manager; `provider_id` when the page has several)"""
    account = current_account()
    member = require(account, circle_id)
    return notes.note_json(notes.share_note(member, account, parse_id(note_id), data['provider_id']), account)
