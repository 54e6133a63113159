"""The care pages of an account, the people on one and what each may do, invitations, leaving and deleting
an account."""

from flask import g, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from hub.account.access import log_out, login_limited, login_required, step_up_redirect
from hub.account.lost_phone import pending_for
from hub.account.photos import with_photo
from hub.circle import operations
from hub.circle.access import (
    MANAGE,
    access_ended,
    can,
    permissions_of,
    read_dossier,
    require,
    require_member_change,
    require_removal,
)
from hub.circle.dossiers import dossiers_of, suggested_invitations
from hub.circle.permissions import BASIS_HINTS, BASIS_LABELS, CATALOGUE, GRANTABLE, PRESETS
from hub.circle.schemas import (
    CircleChangeSchema,
    InvitationSchema,
    MemberChangeSchema,
)
from hub.circle.views.base import _confirm, bp
from hub.core.errors import Conflict
from hub.web import form_data, form_step, parse_id


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
                           dossiers=dossiers_of(member.circle_id),
                           has_client=can(member, MANAGE) and operations.has_client(member.circle_id))


@bp.post('/circles/<circle_id>/client-manages')
@login_required
def client_manages_switch(circle_id):
    """The manager says they are the client (their own care page), or that they are not."""
    manager = require(g.account, circle_id)
    data = CircleChangeSchema().load({'client_manages': request.form.get('client_manages') == 'yes'})
    operations.set_client_manages(manager, data['client_manages'])
    return redirect(url_for('circle.members', circle_id=manager.circle_id), 303)


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
    if helper.role == 'client' and granted == PRESETS['client'] | {'dossier.reports'}:
        choice = 'group'  # the client's own set with the reports ticked
    if request.method == 'POST':
        if request.form.get('action') == 'renew':  # the button on the members page
            data = {'ends_on': operations.renewed_until(helper).isoformat()}
        else:  # one form: the group, what they may (the group's or one's own answers), why and how long
            choice = request.form.get('choice') or ('group' if request.form.get('standard') else 'own')
            chosen = None if choice == 'group' else sorted(
                code for code in GRANTABLE if request.form.get(f'cap-{code}') == 'yes')
            if helper.role == 'client' and choice == 'group':  # the client's own set, the reports if ticked
                chosen = sorted(PRESETS['client'] | ({'dossier.reports'} if request.form.get('reports') == 'yes'
                                                     else set()))
            role = request.form.get('role', helper.role)
            granted = granted if chosen is None else frozenset(chosen)
            data = {'permissions': chosen} if helper.role == 'client' else {'role': role, 'permissions': chosen}
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
            # the client is on their own page: no reason to give
            needed = not values.get('basis') and values.get('role') != 'client'
            problems = {'basis': [_l('Choose why this person gets access.')]} if needed else {}
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
                            bases=BASIS_LABELS, basis_hints=BASIS_HINTS, has_client=operations.has_client(manager.circle_id),
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
