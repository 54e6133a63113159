"""The care page pages: choose a care page, members, invite, invitations."""

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from hub.account.access import log_out, login_limit, login_required, step_up_redirect
from hub.circle import board as prikbord
from hub.circle import calendar, operations
from hub.circle import messages as board
from hub.circle import notes as pad
from hub.circle.access import (
    MANAGE,
    can,
    may_edit_profile,
    may_send_note,
    message_audiences,
    permissions_of,
    read_dossier,
    require,
    sees_calendar,
)
from hub.circle.dossiers import client_name, dossiers_of, providers_of, suggested_invitations
from hub.circle.permissions import CATALOGUE, GRANTABLE, ROLE_LABELS
from hub.circle.schemas import (
    AppointmentSchema,
    BoardSchema,
    InvitationSchema,
    MemberChangeSchema,
    MessageSchema,
    NoteChangeSchema,
    NoteSchema,
    ReplySchema,
)
from hub.core.errors import Conflict, Forbidden
from hub.core.timeutil import utcnow
from hub.extensions import limiter
from hub.web import field_errors, form_data, form_step, parse_id

bp = Blueprint('circle', __name__, template_folder='templates')




def template_helpers():
    """What the templates of every package use from circle: permissions, names, labels (create_app adds them)."""
    return {'can': can, 'client_name': client_name, 'role_label': lambda role: ROLE_LABELS.get(role, role),
            'audience_label': lambda audience: AUDIENCE_LABELS.get(audience, audience), 'sees_calendar': sees_calendar,
            'open_invitations': lambda: len(operations.invitations_for(g.account)) if g.get('account') else 0}


@bp.get('/circles')
@login_required
def dashboard():
    members = operations.circles_of(g.account)
    last = session.get('circle')
    chosen = next((m for m in members if str(m.circle_id) == last), members[0] if len(members) == 1 else None)
    if chosen is not None and not request.args.get('all'):
        return redirect(url_for('dossier.overview', circle_id=chosen.circle_id), 303)
    return render_template('circle/choose.html', members=members,
                           invitations=operations.invitations_for(g.account))


@bp.get('/circles/<circle_id>/members')
@login_required
def members(circle_id):
    member = require(g.account, circle_id)
    invitations = operations.pending_invitations(member.circle_id) if can(member, MANAGE) else []
    return render_template('circle/members.html', member=member, members=operations.members_of(member.circle_id),
                           permissions_of=permissions_of, invitations=invitations,
                           dossiers=dossiers_of(member.circle_id))


AREA_LABELS = {'messages': _l('Messages'), 'appointments': _l('Calendar'), 'dossier': _l('Dossier (medical data)'),
               'data': _l('Data and board'), 'settings': _l('Settings')}


@bp.route('/circles/<circle_id>/members/<member_id>/access', methods=['GET', 'POST'])
@login_required
def member_access(circle_id, member_id):
    """The manager sets a helper's role and answers, yes or no, what they may see and do (seed 000)."""
    manager = require(g.account, circle_id, MANAGE)
    helper = operations.member_of(manager.circle_id, parse_id(member_id))
    if helper.role == 'manager':
        raise Conflict(_l('The role of the manager cannot be changed here.'), code='manager_role')
    errors, status = {}, 200
    if request.method == 'POST':
        role = request.form.get('role', helper.role)
        if request.form.get('standard'):
            chosen = None  # back to what the role gives
        else:
            chosen = sorted(code for code in GRANTABLE if request.form.get(f'cap-{code}') == 'yes')
        with form_step() as step:
            operations.change_member(manager, helper, MemberChangeSchema().load({'role': role, 'permissions': chosen}))
        if step.ok:
            return redirect(url_for('circle.members', circle_id=manager.circle_id, changed=helper.id), 303)
        errors, status = step.errors, step.status
    return render_template('circle/member_access.html', member=manager, helper=helper, catalogue=CATALOGUE,
                           areas=AREA_LABELS, granted=permissions_of(helper), grantable=GRANTABLE,
                           errors=errors), status


@bp.route('/circles/<circle_id>/members/<member_id>/profile', methods=['GET', 'POST'])
@login_required
def member_profile(circle_id, member_id):
    """A member changes their own profile on this care page: how they are related to the client, a phone number."""
    member = require(g.account, circle_id)
    if not may_edit_profile(member, operations.member_of(member.circle_id, parse_id(member_id))):
        raise Forbidden(_l('Only the person themself changes their profile, if they may.'))
    errors, status = {}, 200
    values = {'relation': member.relation or '', 'phone': member.phone or ''}
    if request.method == 'POST':
        values = form_data('relation', 'phone')
        with form_step() as step:
            data = MemberChangeSchema().load({key: values.get(key) or None for key in ('relation', 'phone')})
            operations.change_profile(member, data)
        if step.ok:
            return redirect(url_for('circle.members', circle_id=member.circle_id), 303)
        errors, status = step.errors, step.status
    return render_template('circle/member_profile.html', member=member, values=values, errors=errors), status


@bp.route('/circles/<circle_id>/invite', methods=['GET', 'POST'])
@login_required
def invite(circle_id):
    manager = require(g.account, circle_id, MANAGE)
    errors, values, status = {}, {}, 200
    if request.method == 'POST':
        values = form_data('email', 'first_name', 'last_name', 'phone', 'role')
        if not values.get('phone'):
            values.pop('phone', None)
        with form_step() as step:
            data = InvitationSchema().load(values)
            invitation = operations.invite_helper(manager.circle, manager, data, client_name(manager.circle) or '')
        if step.ok:
            return render_template('circle/invited.html', member=manager, invitation=invitation)
        errors, status = step.errors, step.status
    else:
        values = {key: request.args[key] for key in ('first_name', 'last_name', 'email', 'phone') if key in request.args}
    return (render_template('circle/invite.html', member=manager, errors=errors, values=values, catalogue=CATALOGUE,
                            suggestions=_suggestions(manager), unlock=step_up_redirect()), status)


def _suggestions(manager):
    """Contact persons from the dossiers to invite with one click (dossier data: after the step-up)."""
    if step_up_redirect() is not None:
        return []
    read_dossier(g.account, manager.circle_id, 'contacts')
    known = {m.account.email for m in operations.members_of(manager.circle_id)}
    known |= {i.email for i in operations.pending_invitations(manager.circle_id)}
    return suggested_invitations(manager.circle_id, known)


@bp.get('/invitations')
@login_required
def invitations():
    return render_template('circle/invitations.html', invitations=operations.invitations_for(g.account))


@bp.get('/invitations/<invitation_id>')
def invitation(invitation_id):
    token = request.args.get('token')
    if g.account is None:
        return render_template('circle/invitation_login.html', next=request.full_path)
    item = operations.invitation_for(g.account, parse_id(invitation_id), token)
    return render_template('circle/invitation.html', invitation=item, token=token)


@bp.post('/invitations/<invitation_id>/<answer>')
@login_required
def respond(invitation_id, answer):
    item = operations.invitation_for(g.account, parse_id(invitation_id), request.form.get('token') or None)
    if answer == 'accept':
        member = operations.accept_invitation(g.account, item)
        return redirect(url_for('dossier.overview', circle_id=member.circle_id), 303)
    if answer == 'decline':
        operations.decline_invitation(g.account, item)
        return redirect(url_for('circle.invitations'), 303)
    return redirect(url_for('circle.invitation', invitation_id=invitation_id), 303)


def _confirm(title, text, action, button, back):
    return render_template('confirm.html', title=title, text=text, action=action, button=button, back=back)


@bp.route('/circles/<circle_id>/members/<member_id>/remove', methods=['GET', 'POST'])
@login_required
def remove_member(circle_id, member_id):
    actor = require(g.account, circle_id)
    member = operations.member_of(actor.circle_id, parse_id(member_id))
    leaving = member.id == actor.id
    if not leaving:
        require(g.account, circle_id, MANAGE)
    back = url_for('circle.members', circle_id=actor.circle_id)
    if request.method == 'POST':
        operations.remove_member(actor, member)  # a refusal raises: the wrapper rolls back and answers
        return redirect(url_for('circle.dashboard', all=1) if leaving else back, 303)
    if leaving:
        return _confirm(_l('Leave this care page'), _l('You will no longer see this care page. The manager can invite '
                                                       'you again later.'),
                        request.path, _l('Yes, leave'), back)
    return _confirm(_l('Remove %(name)s', name=member.account.name),
                    _l('%(name)s will no longer see this care page, from now on.', name=member.account.name),
                    request.path, _l('Yes, remove'), back)


@bp.post('/circles/<circle_id>/invitations/<invitation_id>/<action>')
@login_required
def manage_invitation(circle_id, invitation_id, action):
    manager = require(g.account, circle_id, MANAGE)
    invitation = operations.open_invitation(manager.circle_id, parse_id(invitation_id))
    if action == 'resend':
        operations.resend_invitation(manager, invitation, client_name(manager.circle) or '')
    elif action == 'revoke':
        operations.revoke_invitation(manager, invitation)
    return redirect(url_for('circle.members', circle_id=manager.circle_id), 303)




@bp.get('/circles/<circle_id>/messages')
@login_required
def messages(circle_id):
    """My conversations, the newest message first, with what is unread."""
    member = require(g.account, circle_id, 'messages')
    found, counts, next_cursor = board.threads(member, request.args.get('cursor'))
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
            found, _ = board.start_thread(member, g.account, data['text'], data['subject'], data.get('audience'),
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
def message_thread(circle_id, thread_id):
    """One conversation in order, with a reply form; reading it marks it read."""
    member = require(g.account, circle_id, 'messages')
    errors, values, status = {}, {}, 200
    if request.method == 'POST':
        values = form_data('text')
        with form_step() as step:
            board.reply(member, g.account, parse_id(thread_id), ReplySchema().load({'text': values.get('text', '')})[
                'text'])
        if step.ok:
            return redirect(url_for('circle.message_thread', circle_id=member.circle_id, thread_id=thread_id,
                                    sent=1) + '#reply', 303)
        errors, status = step.errors, step.status
    found, items = board.read_thread(member, parse_id(thread_id))
    names = {m.account_id: m.account.name for m in operations.members_of(member.circle_id)}
    return (render_template('circle/message_thread.html', member=member, thread=found, items=items, errors=errors,
                            values=values, sent=request.args.get('sent'), names=names), status)


@bp.post('/circles/<circle_id>/messages/<thread_id>/remove')
@login_required
def remove_thread(circle_id, thread_id):
    member = require(g.account, circle_id, 'messages')
    board.remove_thread(member, parse_id(thread_id))
    return redirect(url_for('circle.messages', circle_id=member.circle_id, removed=1), 303)


AUDIENCE_LABELS = {'all': _l('All helpers'), 'trust': _l('Only the trust group'),
                   'provider': _l('The care provider and the trust group'), 'chosen': _l('Chosen people')}


def _local_moment(day, clock):
    """A date and a time typed on a form, in the person's time zone, as an aware datetime (or None)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from flask_babel import get_timezone
    try:
        naive = datetime.strptime(f'{day} {clock}', '%Y-%m-%d %H:%M')
    except ValueError:
        return None
    return naive.replace(tzinfo=ZoneInfo(str(get_timezone())))


@bp.route('/circles/<circle_id>/calendar', methods=['GET', 'POST'])
@login_required
def calendar_page(circle_id):
    """The calendar: appointments of helpers and care appointments, by day; and a form to add one."""
    member = require(g.account, circle_id)
    if not sees_calendar(member):
        require(g.account, circle_id, 'appointments.own')  # says in plain words that this is not allowed
    errors, values, status = {}, {'visibility': 'public'}, 200
    if request.method == 'POST':
        values = form_data('title', 'day', 'start', 'end', 'location', 'visibility')
        starts_at = _local_moment(values.get('day'), values.get('start'))
        ends_at = _local_moment(values.get('day'), values.get('end')) if values.get('end') else None
        if starts_at is None:
            errors['start'] = [_l('Choose a day and a start time.')]
        if values.get('end') and ends_at is None:
            errors['end'] = [_l('Choose an end time, or leave it empty.')]
        try:  # the same rules as the API: lengths, characters, who may see it
            data = AppointmentSchema().load({
                'title': values.get('title', ''), 'location': values.get('location') or None,
                'visibility': values.get('visibility', ''),
                'starts_at': (starts_at or utcnow()).isoformat(), 'ends_at': ends_at.isoformat() if ends_at else None})
        except ValidationError as exc:
            names = {'starts_at': 'start', 'ends_at': 'end'}
            errors.update({names.get(key, key): value for key, value in field_errors(exc).items()})
        if errors:
            status = 422
        else:
            with form_step() as step:
                calendar.add_entry(member, g.account, **data)
            if step.ok:
                return redirect(url_for('circle.calendar_page', circle_id=member.circle_id, added=1), 303)
            errors = {{'starts_at': 'start', 'ends_at': 'end'}.get(k, k): v for k, v in step.errors.items()}
            status = step.status
    items = calendar.entries(member, g.account, *calendar.window())
    days = {}
    for kind, item in items:
        moment = item.starts_at if kind == 'own' else item.Record.occurred_at
        days.setdefault(format_date(moment, 'EEEE d MMMM'), []).append((kind, item, moment))
    return (render_template('circle/calendar.html', member=member, days=days, errors=errors, values=values,
                            added=request.args.get('added')), status)


@bp.post('/circles/<circle_id>/calendar/<entry_id>/remove')
@login_required
def remove_calendar_entry(circle_id, entry_id):
    member = require(g.account, circle_id)
    calendar.remove_entry(member, g.account, parse_id(entry_id))
    return redirect(url_for('circle.calendar_page', circle_id=member.circle_id), 303)


def _int(value):
    """Return a form's number as an int, or the text itself (the schema then says it is not a number)."""
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 12 else value


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
                pad.delete_note(member, g.account, note_id)
                done = 'deleted'
            elif action == 'share':
                provider = request.form.get('provider_id')
                pad.share_note(member, g.account, note_id, parse_id(provider) if provider else None)
                done = 'shared'
            elif note_id is None:
                values = form_data('text')
                pad.write_note(member, g.account, NoteSchema().load(values)['text'])
                done = 'saved'
            else:
                values = form_data('text', 'version')
                data = NoteChangeSchema().load({'text': values['text'], 'version': _int(values['version'])})
                pad.write_note(member, g.account, data['text'], note_id, data['version'])
                done = 'saved'
        if step.ok:
            return redirect(url_for('circle.notes_page', circle_id=member.circle_id, done=done), 303)
        errors, status = step.errors, step.status
        if note_id is not None:  # the text stays in the form of that note, nothing typed is lost
            values = dict(values, note_id=str(note_id))
            if isinstance(step.error, pad.VersionConflict):
                values['conflict'] = step.error.extra['current']
    items, next_cursor = pad.notes(member, request.args.get('cursor'))
    return (render_template('circle/notes.html', member=member, notes=items, next_cursor=next_cursor, errors=errors,
                            values=values, done=request.args.get('done'), may_send=may_send_note, received=pad.received,
                            providers=providers_of(member.circle_id)
                            if can(member, MANAGE) or can(member, 'messages.provider') else []), status)


@bp.route('/circles/<circle_id>/board', methods=['GET', 'POST'])
@login_required
def board_page(circle_id):
    """The board: short posts with reactions."""
    member = require(g.account, circle_id)
    errors, values, status = {}, {}, 200
    if request.method == 'POST':
        action = request.form.get('action', 'post')
        post_id = parse_id(request.form['post_id']) if request.form.get('post_id') else None
        with form_step() as step:
            if action == 'delete':
                prikbord.delete_post(member, g.account, post_id)
            elif action == 'delete_reaction':
                prikbord.delete_reaction(member, g.account, post_id, parse_id(request.form.get('reaction_id')))
            elif action == 'react':
                values = {'text': request.form.get('text', '')}
                prikbord.react(member, g.account, post_id, BoardSchema().load(values)['text'])
            else:
                values = form_data('text')
                prikbord.add_post(member, g.account, BoardSchema().load(values)['text'])
        if step.ok:
            return redirect(url_for('circle.board_page', circle_id=member.circle_id), 303)
        errors, status = step.errors, step.status
        if action == 'react':
            errors = {f'reaction-{post_id}': errors.get('text', [_l('Write a reaction first.')]), '_react': True}
    items, next_cursor = prikbord.posts(member, request.args.get('cursor'))
    return (render_template('circle/board.html', member=member, posts=items, next_cursor=next_cursor, errors=errors,
                            values=values), status)


@bp.route('/profile/delete', methods=['GET', 'POST'])
@login_required
@limiter.limit(login_limit, methods=['POST'])
def delete_account_page():
    """Delete my account: first hand over or delete the care pages I manage."""
    managed = operations.managed_circles(g.account)
    errors, status = {}, 200
    if request.method == 'POST' and not managed:
        with form_step() as step:
            operations.delete_account(g.account, request.form.get('password', ''))
        if step.ok:
            log_out()
            return render_template('account/deleted.html')
        errors, status = step.errors, step.status
    return render_template('account/delete.html', managed=managed, errors=errors), status
