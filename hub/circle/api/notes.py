"""Notes."""

from flask import request

from hub.account.access import current_account
from hub.circle import notes
from hub.circle.access import (
    require,
)
from hub.circle.api.base import bp
from hub.circle.schemas import (
    NoteChangeSchema,
    NoteSchema,
    ShareSchema,
)
from hub.web import load_json, parse_id


@bp.get('/circles/<circle_id>/notes', endpoint='notes')
def notes_list(circle_id):
    account = current_account()
    member = require(account, circle_id)
    items, next_cursor = notes.notes(member, request.args.get('cursor'))
    return {'items': [notes.note_json(note, account) for note in items], 'next': next_cursor}


@bp.post('/circles/<circle_id>/notes')
def add_note(circle_id):
    account = current_account()
    member = require(account, circle_id)
    return notes.note_json(notes.write_note(member, account, load_json(NoteSchema())['text']), account), 201


@bp.patch('/circles/<circle_id>/notes/<note_id>')
def change_note(circle_id, note_id):
    account = current_account()
    member = require(account, circle_id)
    data = load_json(NoteChangeSchema())
    return notes.note_json(notes.write_note(member, account, data['text'], parse_id(note_id), data['version']), account)


@bp.delete('/circles/<circle_id>/notes/<note_id>')
def delete_note(circle_id, note_id):
    account = current_account()
    notes.delete_note(require(account, circle_id), account, parse_id(note_id))
    return '', 204


@bp.post('/circles/<circle_id>/notes/<note_id>/share')
def share_note(circle_id, note_id):
    """The manager sends a note to a care provider (``provider_id`` when the page has several)."""
    account = current_account()
    member = require(account, circle_id)
    data = load_json(ShareSchema())
    return notes.note_json(notes.share_note(member, account, parse_id(note_id), data['provider_id']), account)
