"""The care page pages: choose a care page, members, invite, invitations."""

from flask import Blueprint, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from hub.account.access import account_key, log_out, login_limited, login_required, photo_limit, step_up_redirect
from hub.account.lost_phone import pending_for
from hub.account.notifications import change_settings, settings_of
from hub.account.operations import link
from hub.account.photos import MAX_BYTES, with_photo
from hub.circle import board as prikbord
from hub.circle import calendar, operations, wellbeing
from hub.circle import help as helping
from hub.circle import messages as board
from hub.circle import notes as pad
from hub.circle.access import (
    MANAGE,
    access_ended,
    can,
    may_send_note,
    message_audiences,
    permissions_of,
    read_dossier,
    require,
    require_calendar,
    require_helper,
    require_member_change,
    require_removal,
    sees_calendar,
)
from hub.circle.dossiers import client_name, dossiers_of, providers_of, suggested_invitations
from hub.circle.permissions import BASIS_HINTS, BASIS_LABELS, CATALOGUE, GRANTABLE, ROLE_LABELS
from hub.circle.schemas import (
    AppointmentChangeSchema,
    AppointmentSchema,
    BoardSchema,
    HelpRequestSchema,
    InvitationSchema,
    MemberChangeSchema,
    MessageSchema,
    NoteChangeSchema,
    NoteSchema,
    ReplySchema,
    WellbeingSchema,
)
from hub.core.errors import Conflict, InvalidInput
from hub.core.timeutil import utcnow
from hub.extensions import limiter
from hub.web import form_data, form_int, form_step, jpeg_response, parse_id, uploaded

bp = Blueprint('circle', __name__, template_folder='templates')




def template_helpers():
    """What the templates of every package use from circle: permissions, names, labels (create_app adds them)."""
    return {'can': can, 'client_name': client_name, 'role_label': lambda role: ROLE_LABELS.get(role, role),
            'audience_label': lambda audience: AUDIENCE_LABELS.get(audience, audience), 'sees_calendar': sees_calendar,
            'open_invitations': lambda: len(operations.invitations_for(g.account)) if g.get('account') else 0,
            'basis_label': lambda basis: BASIS_LABELS.get(basis, basis), 'access_ended': access_ended}


@bp.get('/circles')
@login_required
def dashboard():
    members = operations.circles_of(g.account)
    last, open_ = session.get('circle'), [m for m in members if not access_ended(m)]
    chosen = next((m for m in open_ if str(m.circle_id) == last), open_[0] if len(members) == 1 and open_ else None)
    if chosen is not None and not request.args.get('all'):
        return redirect(url_for('dossier.overview', circle_id=chosen.circle_id), 303)
    return render_template('circle/choose.html', members=members,
                           invitations=operations.invitations_for(g.account))


@bp.get('/circles/<circle_id>/members')
@login_required
def members(circle_id):
    member = require(g.account, circle_id)
    invitations = operations.pending_invitations(member) if can(member, MANAGE) else []
    everyone = operations.members_of(member.circle_id)
    photos = with_photo(m.account_id for m in everyone if m.id == member.id or can(m, 'settings.photo'))
    # a member's second step that will be removed (a lost phone): the manager sees it coming (hub.account.lost_phone)
    resets = pending_for([m.account_id for m in everyone if m.id != member.id]) if can(member, MANAGE) else {}
    return render_template('circle/members.html', member=member, members=everyone, photos=photos,
                           permissions_of=permissions_of, invitations=invitations, resets=resets,
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
    saved = {'basis': helper.basis or '', 'ends_on': helper.ends_on.isoformat() if helper.ends_on else ''}
    period = dict(saved)
    choice, role, granted = 'group' if helper.permissions is None else 'own', helper.role, permissions_of(helper)
    if request.method == 'POST':
        if request.form.get('action') == 'renew':  # the button on the members page
            data = {'ends_on': operations.renewed_until(helper).isoformat()}
        else:  # one form: the group, what they may (the group's or one's own answers), why and how long
            choice = request.form.get('choice') or ('group' if request.form.get('standard') else 'own')
            chosen = None if choice == 'group' else sorted(
                code for code in GRANTABLE if request.form.get(f'cap-{code}') == 'yes')
            role = request.form.get('role', helper.role)
            granted = granted if chosen is None else frozenset(chosen)
            data = {'role': role, 'permissions': chosen}
            for key in ('basis', 'ends_on'):
                if key in request.form:
                    period[key] = request.form[key].strip()
                    if period[key] != saved[key]:  # an unchanged last day, even one past, is not asked again
                        data[key] = period[key] or None
        with form_step() as step:
            operations.change_member(manager, helper, MemberChangeSchema().load(data))
        if step.ok:
            return redirect(url_for('circle.members', circle_id=manager.circle_id, changed=helper.id), 303)
        errors, status = step.errors, step.status
    return render_template('circle/member_access.html', member=manager, helper=helper, catalogue=CATALOGUE,
                           areas=AREA_LABELS, granted=granted, grantable=GRANTABLE, role=role,
                           errors=errors, period=period, choice=choice, bases=BASIS_LABELS,
                           basis_hints=BASIS_HINTS), status


@bp.route('/circles/<circle_id>/members/<member_id>/profile', methods=['GET', 'POST'])
@login_required
def member_profile(circle_id, member_id):
    """A member changes their own profile on this care page: how they are related to the client, a phone number."""
    member = require(g.account, circle_id)
    require_member_change(member, operations.member_of(member.circle_id, parse_id(member_id)), profile=True)
    errors, status = {}, 200
    values = {'relation': member.relation or '', 'phone': member.phone or ''}
    if request.method == 'POST':
        values = form_data('relation', 'phone')
        with form_step() as step:
            data = MemberChangeSchema().load({key: values.get(key) or None for key in ('relation', 'phone')})
            operations.change_profile(member, member, data)
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
        values = form_data('email', 'first_name', 'last_name', 'phone', 'role', 'basis', 'ends_on')
        for optional in ('phone', 'ends_on'):
            if not values.get(optional):
                values.pop(optional, None)
        with form_step() as step:
            # the page asks why, always (the API may leave it out); every problem is shown at once
            problems = {} if values.get('basis') else {'basis': [_l('Choose why this person gets access.')]}
            try:
                data = InvitationSchema().load(values)
            except ValidationError as exc:
                raise ValidationError({**exc.messages, **problems}) from None
            if problems:
                raise ValidationError(problems)
            invitation = operations.invite_helper(manager, data)
        if step.ok:
            return render_template('circle/invited.html', member=manager, invitation=invitation)
        errors, status = step.errors, step.status
    else:
        values = {key: request.args[key] for key in ('first_name', 'last_name', 'email', 'phone') if key in request.args}
    return (render_template('circle/invite.html', member=manager, errors=errors, values=values, catalogue=CATALOGUE,
                            bases=BASIS_LABELS, basis_hints=BASIS_HINTS,
                            suggestions=_suggestions(manager), unlock=step_up_redirect()), status)


def _suggestions(manager):
    """Contact persons from the dossiers to invite with one click (dossier data: after the step-up)."""
    if step_up_redirect() is not None:
        return []
    read_dossier(g.account, manager.circle_id, 'contacts')
    known = {m.account.email for m in operations.members_of(manager.circle_id)}
    known |= {i.email for i in operations.pending_invitations(manager)}
    return suggested_invitations(manager.circle_id, known)


@bp.get('/invitations')
@login_required
def invitations():
    return render_template('circle/invitations.html', invitations=operations.invitations_for(g.account))


@bp.get('/invitations/<invitation_id>')
def invitation(invitation_id):
    token = request.args.get('token')
    if g.account is None:
        preview = operations.invitation_preview(parse_id(invitation_id), token)
        return render_template('circle/invitation_login.html', next=request.full_path, invitation=preview)
    item = operations.invitation_for(g.account, parse_id(invitation_id), token)
    return render_template('circle/invitation.html', invitation=item, token=token)


@bp.post('/invitations/<invitation_id>/<answer>')
@login_required
def respond(invitation_id, answer):
    item = operations.invitation_for(g.account, parse_id(invitation_id), request.form.get('token') or None)
    if answer == 'accept':
        member = operations.accept_invitation(g.account, item)
        return redirect(url_for('dossier.overview', circle_id=member.circle_id, welcome=1), 303)
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
    require_removal(actor, member)  # before the question too: a helper is not asked to remove another
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
    if action == 'resend':
        operations.resend_invitation(manager, parse_id(invitation_id))
    elif action == 'revoke':
        operations.revoke_invitation(manager, parse_id(invitation_id))
    else:
        operations.open_invitation(manager, parse_id(invitation_id))  # another action: as before, 404 if none
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


CALENDAR_VIEWS = {'list': 28, 'week': 7, 'day': 1}
#: a form's field -> the schema's, for the messages of both
_FORM_FIELDS = {'starts_at': 'start', 'ends_at': 'end', 'date': 'day'}


@bp.get('/circles/<circle_id>/calendar')
@login_required
def calendar_page(circle_id):
    """The calendar as a list (four weeks), a week or a day, with previous, next and today; helpers' appointments
    beside the care appointments."""
    from datetime import date, timedelta

    member = require_calendar(g.account, circle_id)
    view = request.args.get('view') if request.args.get('view') in CALENDAR_VIEWS else 'list'
    today = utcnow().astimezone(calendar.zone()).date()
    try:
        first = date.fromisoformat(request.args.get('day') or today.isoformat())
    except ValueError:
        first = today
    if not 1900 < first.year < 2200:
        first = today
    if view == 'week':
        first -= timedelta(days=first.weekday())
    length = CALENDAR_VIEWS[view]
    start, _ = calendar.day_bounds(first)
    _, end = calendar.day_bounds(first + timedelta(days=length - 1))
    days = {first + timedelta(days=n): [] for n in range(length)}
    for kind, item in calendar.entries(member, g.account, start, end):
        moment = item.Record.occurred_at if kind == 'care' else item.starts_at
        days.setdefault(moment.astimezone(calendar.zone()).date(), []).append((kind, item, moment))
    if view == 'list':
        days = {day: rows for day, rows in days.items() if rows}
    step = timedelta(days=length)
    return render_template('circle/calendar.html', member=member, days=days, view=view, first=first, today=today,
                           previous=(first - step).isoformat(), following=(first + step).isoformat(),
                           done=request.args.get('done'), feed_url=None, has_feed=calendar.has_feed(member))


def _appointment_values(values):
    """What the form says, as the API takes it (times in the person's zone; a repeat only when chosen)."""
    data = {'title': values.get('title', ''), 'location': values.get('location') or None,
            'description': values.get('description') or None, 'visibility': values.get('visibility') or 'public'}
    if values.get('all_day'):
        data.update(all_day=True, date=values.get('day') or None)
    else:
        starts_at = _local_moment(values.get('day'), values.get('start'))
        ends_at = _local_moment(values.get('day'), values.get('end')) if values.get('end') else None
        if starts_at is None:
            raise InvalidInput(_l('Choose a day and a start time.'),
                               fields={'start': [_l('Choose a day and a start time.')]})
        if values.get('end') and ends_at is None:
            raise InvalidInput(_l('Choose an end time, or leave it empty.'),
                               fields={'end': [_l('Choose an end time, or leave it empty.')]})
        data.update(all_day=False, starts_at=starts_at.isoformat(), ends_at=ends_at.isoformat() if ends_at else None)
    if values.get('repeat') in calendar.FREQUENCIES:
        data['repeat'] = {'freq': values['repeat'], 'interval': form_int(values.get('interval') or '1')}
        if values.get('count'):
            data['repeat']['count'] = form_int(values['count'])
        elif values.get('until'):
            data['repeat']['until'] = values['until']
    else:
        data['repeat'] = None
    return data


def _form_errors(errors):
    """The schema's field names as the form's, a repeat's parts flattened (repeat.count -> count)."""
    flat = {}
    for key, value in errors.items():
        if isinstance(value, dict):
            for inner, problems in value.items():
                flat[inner if inner in ('interval', 'until', 'count') else 'repeat'] = problems
        else:
            flat[_FORM_FIELDS.get(key, key)] = value
    return flat


APPOINTMENT_FIELDS = ('title', 'all_day', 'day', 'start', 'end', 'location', 'description', 'visibility', 'repeat',
                      'interval', 'until', 'count', 'scope')


@bp.route('/circles/<circle_id>/calendar/new', methods=['GET', 'POST'])
@login_required
def new_appointment(circle_id):
    """Put an appointment on the calendar: once, all day, or repeating."""
    member = require(g.account, circle_id, 'appointments.add')
    errors, status = {}, 200
    values = {'visibility': 'public', 'repeat': 'none', 'day': request.args.get('day', '')}
    if request.method == 'POST':
        values = form_data(*APPOINTMENT_FIELDS)
        with form_step() as step:
            calendar.add_entry(member, g.account, AppointmentSchema().load(_appointment_values(values)))
        if step.ok:
            return redirect(url_for('circle.calendar_page', circle_id=member.circle_id, done='added'), 303)
        errors, status = _form_errors(step.errors), step.status
    return render_template('circle/appointment.html', member=member, values=values, errors=errors, entry=None,
                           occurrence=None), status


@bp.route('/circles/<circle_id>/calendar/<entry_id>/edit', methods=['GET', 'POST'])
@login_required
def edit_appointment(circle_id, entry_id):
    """Change an appointment (its author, or the manager): one time of a series, or all of it."""
    member = require_calendar(g.account, circle_id)
    entry = calendar.appointment(member, g.account, parse_id(entry_id))
    occurrence = calendar.occurrence_of(entry, request.values.get('occurrence'))  # a bad day: said plainly
    errors, status = {}, 200
    if request.method == 'POST':
        values = form_data(*APPOINTMENT_FIELDS)
        with form_step() as step:
            data = _appointment_values(values)
            one = occurrence if values.get('scope') == 'one' else None
            if one:
                data.pop('repeat', None)  # one time of a series does not repeat
            changed = calendar.change_entry(member, g.account, entry.id, AppointmentChangeSchema().load(data), one)
        if step.ok:
            return redirect(url_for('circle.calendar_page', circle_id=member.circle_id, done='changed',
                                    day=changed.starts_at.astimezone(calendar.zone()).date().isoformat()), 303)
        errors, status = _form_errors(step.errors), step.status
    else:
        values = _entry_values(entry, occurrence)
    return render_template('circle/appointment.html', member=member, values=values, errors=errors, entry=entry,
                           occurrence=occurrence), status


def _entry_values(entry, occurrence):
    """An appointment as its form shows it (for one time of a series: that time)."""
    local = entry.starts_at.astimezone(calendar.zone())
    finish = entry.ends_at.astimezone(calendar.zone()) if entry.ends_at else None
    repeat = calendar.repeat_of(entry) or {'freq': 'none', 'interval': 1}
    return {'title': entry.title, 'all_day': 'yes' if entry.all_day else '',
            'day': occurrence or local.date().isoformat(), 'start': '' if entry.all_day else local.strftime('%H:%M'),
            'end': finish.strftime('%H:%M') if finish and not entry.all_day else '', 'location': entry.location or '',
            'description': entry.description or '', 'visibility': entry.visibility, 'repeat': repeat['freq'],
            'interval': str(repeat['interval']), 'count': str(repeat.get('count') or ''),
            'until': repeat['until'].isoformat() if repeat.get('until') else '', 'scope': 'one' if occurrence else 'all'}


@bp.post('/circles/<circle_id>/calendar/<entry_id>/remove')
@login_required
def remove_calendar_entry(circle_id, entry_id):
    """Remove an appointment, or (``occurrence``) one time of its series."""
    member = require(g.account, circle_id)
    calendar.remove_entry(member, g.account, parse_id(entry_id), request.form.get('occurrence') or None)
    return redirect(url_for('circle.calendar_page', circle_id=member.circle_id, done='removed',
                            day=request.form.get('day') or None), 303)


@bp.post('/circles/<circle_id>/calendar/feed')
@login_required
def calendar_feed_page(circle_id):
    """Make a (new) iCal address, shown once; or stop it."""
    member = require_calendar(g.account, circle_id)
    if request.form.get('stop'):
        calendar.revoke_feed(member)
        return redirect(url_for('circle.calendar_page', circle_id=member.circle_id, done='feed_stopped'), 303)
    token = calendar.create_feed(member)
    return render_template('circle/calendar_feed.html', member=member, feed_url=link(f'/calendar/{token}.ics'))


@bp.get('/calendar/<token>.ics')
@login_limited()
def calendar_feed(token):
    """A member's calendar for a phone (no login: the secret address is the key); 404 once revoked."""
    member = calendar.feed_member(token)
    body = calendar.feed_calendar(member, client_name(member.circle) or str(_l('Care page')))
    response = make_response(body)
    response.headers['Content-Type'] = 'text/calendar; charset=utf-8'
    response.headers['Cache-Control'] = 'private, max-age=300'
    response.headers['Content-Disposition'] = 'inline; filename="zorgpagina.ics"'
    return response


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
                data = NoteChangeSchema().load({'text': values['text'], 'version': form_int(values['version'])})
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
                prikbord.delete_post(member, g.account, post_id)
            elif action == 'delete_reaction':
                prikbord.delete_reaction(member, g.account, post_id, parse_id(request.form.get('reaction_id')))
            elif action == 'react':
                values = {'text': request.form.get('text', '')}
                prikbord.react(member, g.account, post_id, BoardSchema().load(values)['text'])
            else:
                values = form_data('text')
                data = uploaded('photo', MAX_BYTES)
                prikbord.add_post(member, g.account, BoardSchema().load(values)['text'], data)
        if step.ok:
            return redirect(url_for('circle.board_page', circle_id=member.circle_id), 303)
        errors, status = step.errors, step.status
        if action == 'react':
            errors = {f'reaction-{post_id}': errors.get('text', [_l('Write a reaction first.')]), '_react': True}
    items, next_cursor = prikbord.posts(member, request.args.get('cursor'))
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
    post, found, next_cursor = prikbord.reactions(member, parse_id(post_id), request.args.get('cursor'))
    return render_template('circle/board_post.html', member=member, post=post, reactions=found,
                           next_cursor=next_cursor)


@bp.get('/circles/<circle_id>/board/<post_id>/photo')
@login_required
def board_photo_page(circle_id, post_id):
    return jpeg_response(prikbord.photo(require(g.account, circle_id), parse_id(post_id)))


@bp.route('/profile/delete', methods=['GET', 'POST'])
@login_required
@login_limited(methods=['POST'])
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


HELP_FIELDS = ('title', 'kind', 'day', 'start', 'end', 'places', 'description')


@bp.route('/circles/<circle_id>/help', methods=['GET', 'POST'])
@login_required
def help_page(circle_id):
    """Help requests: ask for help, sign up, withdraw (the members who see the calendar)."""
    member = require_calendar(g.account, circle_id)
    errors, status, values = {}, 200, {'kind': 'ride', 'places': '1'}
    if request.method == 'POST':
        action = request.form.get('action', 'ask')
        if action in ('signup', 'withdraw', 'remove'):
            request_id = parse_id(request.form.get('request_id'))
            with form_step() as step:
                {'signup': helping.sign_up, 'withdraw': helping.withdraw,
                 'remove': helping.remove}[action](member, g.account, request_id)
            if step.ok:
                return redirect(url_for('circle.help_page', circle_id=member.circle_id, done=action), 303)
        else:
            values = form_data(*HELP_FIELDS)
            with form_step() as step:
                helping.ask(member, g.account, HelpRequestSchema().load(_help_values(values)))
            if step.ok:
                return redirect(url_for('circle.help_page', circle_id=member.circle_id, done='asked'), 303)
        errors, status = {_FORM_FIELDS.get(k, k): v for k, v in step.errors.items()}, step.status
    return render_template('circle/help.html', member=member, errors=errors, values=values,
                           requests=helping.listed(member),
                           kinds=helping.KIND_LABELS, done=request.args.get('done')), status


def _help_values(values):
    """What the help form says, as the API takes it (times in the person's zone)."""
    starts_at = _local_moment(values.get('day'), values.get('start'))
    ends_at = _local_moment(values.get('day'), values.get('end')) if values.get('end') else None
    if starts_at is None:
        raise InvalidInput(_l('Choose a day and a start time.'), fields={'start': [_l('Choose a day and a start time.')]})
    if values.get('end') and ends_at is None:
        raise InvalidInput(_l('Choose an end time, or leave it empty.'),
                           fields={'end': [_l('Choose an end time, or leave it empty.')]})
    return {'title': values.get('title', ''), 'kind': values.get('kind', ''), 'starts_at': starts_at.isoformat(),
            'ends_at': ends_at.isoformat() if ends_at else None, 'places': form_int(values.get('places') or '1'),
            'description': values.get('description') or None}


@bp.route('/wellbeing', methods=['GET', 'POST'])
@login_required
def wellbeing_page():
    """How am I doing: the nine statements of the EDIZ, my score over time (for me alone), support when it is high,
    and the monthly reminder on or off."""
    require_helper(g.account)
    errors, status, values = {}, 200, {}
    if request.method == 'POST' and request.form.get('action') == 'remove':
        wellbeing.remove(g.account, parse_id(request.form.get('check_id')))
        return redirect(url_for('circle.wellbeing_page', removed=1), 303)
    if request.method == 'POST' and request.form.get('action') == 'reminder':
        change_settings(g.account, {'wellbeing': 'off' if request.form.get('reminder') == 'off' else 'immediate'})
        return redirect(url_for('circle.wellbeing_page', reminder=1), 303)
    if request.method == 'POST':
        values = {f'q{number}': request.form.get(f'q{number}') for number in range(1, len(wellbeing.QUESTIONS) + 1)}
        errors = {key: [_l('Choose an answer.')] for key, value in values.items()
                  if value not in {str(answer) for answer in range(len(wellbeing.SCALE))}}
        status = 422
        if not errors:
            with form_step() as step:
                check = wellbeing.fill_in(g.account, WellbeingSchema().load(
                    {'answers': [int(value) for value in values.values()]})['answers'])
            if step.ok:
                return redirect(url_for('circle.wellbeing_page', done=check.id), 303)
            errors, status = step.errors, step.status
    checks = wellbeing.history(g.account)
    done = next((c for c in checks if str(c.id) == request.args.get('done')), None)
    return render_template('circle/wellbeing.html', errors=errors, values=values, checks=checks, done=done,
                           questions=wellbeing.QUESTIONS, scale=wellbeing.SCALE, level=wellbeing.level,
                           support=wellbeing.needs_support, due=wellbeing.due(checks),
                           reminder=settings_of(g.account)['wellbeing']), status
