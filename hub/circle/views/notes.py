"""Notes: what members write down, and send to the care provider."""

from flask import g, redirect, render_template, request, url_for

from hub.account.access import login_required
from hub.circle import notes
from hub.circle.access import (
    MANAGE,
    can,
    may_send_note,
    require,
)
from hub.circle.dossiers import providers_of
from hub.circle.schemas import (
    NoteChangeSchema,
    NoteSchema,
)
from hub.circle.views.base import bp
from hub.web import form_data, form_int, form_step, parse_id


@bp.route('/circles/<circle_id>/notes', methods=['GET', 'POST'])
@login_required
def notes_page(circle_id):
    """Notes for everyone on the care page: write, change or delete your own; the manager can send one on."""
    member = require(g.account, circle_id)
    errors, values, done, status = {}, {}, None, 200
    if request.method == 'POST':
        action = request.form.get('action', 'save')
        note_id = parse_id(request.form['note_id']) if request.form.get('note_id') else None
        with form_step() as step:
            if action == 'delete':
                notes.delete_note(member, g.account, note_id)
                done = 'deleted'
            elif action == 'share':
                provider = request.form.get('provider_id')
                notes.share_note(member, g.account, note_id, parse_id(provider) if provider else None)
                done = 'shared'
            elif note_id is None:
                values = form_data('text')
                notes.write_note(member, g.account, NoteSchema().load(values)['text'])
                done = 'saved'
            else:
                values = form_data('text', 'version')
                data = NoteChangeSchema().load({'text': values['text'], 'version': form_int(values['version'])})
                notes.write_note(member, g.account, data['text'], note_id, data['version'])
                done = 'saved'
        if step.ok:
            return redirect(url_for('circle.notes_page', circle_id=member.circle_id, done=done), 303)
        errors, status = step.errors, step.status
        if note_id is not None:  # the text stays in the form of that note, nothing typed is lost
            values = dict(values, note_id=str(note_id))
            if isinstance(step.error, notes.VersionConflict):
                values['conflict'] = step.error.extra['current']
    items, next_cursor = notes.notes(member, request.args.get('cursor'))
    return (render_template('circle/notes.html', member=member, notes=items, next_cursor=next_cursor, errors=errors,
                            values=values, done=request.args.get('done'), may_send=may_send_note, received=notes.received,
                            providers=providers_of(member.circle_id)
                            if can(member, MANAGE) or can(member, 'messages.provider') else []), status)
