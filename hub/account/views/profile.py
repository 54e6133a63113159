"""The profile pages: details and language, sessions and browsers, password, phone, photo, deleting the account.
"""

from flask import g, redirect, render_template, request, session, url_for

from hub.account import factors, lost_phone, notifications, passkeys, passwords, profile, recovery
from hub.account.access import account_key, log_in, log_out, login_limited, login_required, photo_limit
from hub.account.photos import MAX_BYTES, remove_photo, set_photo, with_photo
from hub.account.schemas import ProfileSchema
from hub.account.views.base import bp
from hub.account.views.signin import after_first_way, factor_change_redirect, typed_twice
from hub.extensions import csrf, limiter
from hub.web import form_data, form_step, local_target, parse_id, uploaded


@bp.route('/profile', methods=['GET', 'POST'])
@login_required
def profile_page():
    errors, saved, status = {}, request.args.get('saved'), 200
    if request.method == 'POST':
        with form_step() as step:
            values = form_data('first_name', 'last_name', 'language')
            if request.form.get('easy_read') in ('on', 'off'):
                values['easy_read'] = request.form['easy_read'] == 'on'
            profile.update_profile(g.account, ProfileSchema().load(values))
        if step.ok:
            session.pop('lang', None)  # the chosen language now follows the profile
            return redirect(url_for('account.profile_page', saved=1), 303)
        errors, status = step.errors, step.status
    return _profile(errors, status, saved)


@bp.post('/easy-read')
@login_required
def easy_read_switch():
    """The footer's switch: easy read on (``on``) or off (``off``), then back to the page one was on."""
    with form_step() as step:
        profile.update_profile(g.account, ProfileSchema().load({'easy_read': request.form.get('easy_read') == 'on'}))
    if not step.ok:
        return _profile(step.errors, step.status)
    return redirect(local_target(request.form.get('next'), url_for('account.profile_page')), 303)


def _profile(errors=None, status=200, saved=None):
    """The profile page, with what a form on it found wrong."""
    return (render_template('account/profile.html', errors=errors or {}, saved=saved, events=notifications.EVENTS,
                            chosen=notifications.settings_of(g.account), sessions=profile.sessions_of(g.account),
                            devices=profile.devices_of(g.account), has_photo=bool(with_photo([g.account.id])),
                            passkeys=passkeys.passkeys_of(g.account), lost_phone=lost_phone.pending_reset(g.account),
                            recovery_left=recovery.remaining(g.account) if g.account.second_factors else None,
                            few=recovery.FEW),
            status)


@bp.post('/profile/notifications')
@login_required
def notifications_page():
    """Choose, per kind of event, a mail at once, a daily digest, or nothing."""
    every = request.form.get('mode-all')
    if every in notifications.MODES:  # one choice for every kind of mail
        chosen = dict.fromkeys(notifications.EVENTS, every)
    else:  # "per soort aanpassen"
        chosen = {event: request.form.get(f'mode-{event}') for event in notifications.EVENTS
                  if request.form.get(f'mode-{event}')}
    with form_step() as step:
        notifications.change_settings(g.account, chosen)
    if step.ok:
        return redirect(url_for('account.profile_page', saved=1) + '#notifications', 303)
    return _profile(step.errors, step.status)


@bp.get('/unsubscribe/<token>')
def unsubscribe_page(token):
    """The link in a mail: say what stops, with one button (a mail program may also POST, RFC 8058)."""
    _, event = notifications.read_unsubscribe(token)
    return render_template('account/unsubscribe.html', token=token, event=event,
                           label=notifications.EVENTS.get(event), done=False)


@bp.post('/unsubscribe/<token>')
@login_limited()
def unsubscribe_now(token):
    """Stop the mails the token names: one click in a mail program (RFC 8058), or the button on the page."""
    _, event = notifications.unsubscribe(token)
    return render_template('account/unsubscribe.html', token=token, event=event,
                           label=notifications.EVENTS.get(event), done=True)


csrf.exempt(unsubscribe_now)  # a mail program posts it without a session: the signed token is the key


@bp.post('/profile/sessions/<session_id>/end')
@login_required
def end_session_page(session_id):
    if session_id == 'all':
        profile.end_every_session(g.account, but=g.auth_session)
        log_out()
        return render_template('account/logged_out.html')
    profile.end_session_of(g.account, parse_id(session_id))
    return redirect(url_for('account.profile_page'), 303)


@bp.post('/profile/devices/<device_id>/forget')
@login_required
def forget_device_page(device_id):
    profile.forget_device(g.account, parse_id(device_id))
    return redirect(url_for('account.profile_page'), 303)


@bp.route('/profile/password', methods=['GET', 'POST'])
@login_required
@login_limited(methods=['POST'])
def change_password_page():
    errors, status = {}, 200
    if request.method == 'POST':
        password, errors = typed_twice()
        status = 422 if errors else 200
        if not errors:
            with form_step() as step:
                passwords.change_password(g.account, request.form.get('current_password', ''), password)
            if step.ok:
                log_in(g.account)
                next_path = local_target(request.values.get('next'), None)
                return redirect(next_path or url_for('account.profile_page', saved=1), 303)
            errors, status = step.errors, step.status
    return (render_template('account/change_password.html', errors=errors, expired=request.args.get('expired'),
                            expiring=request.args.get('expiring', type=int),
                            next=local_target(request.values.get('next'), None)), status)


@bp.route('/profile/phone', methods=['GET', 'POST'])
@login_required
def phone_page():
    errors, values = {}, {}
    next_path = local_target(request.values.get('next'), None)
    blocked = factor_change_redirect()
    if blocked:
        return blocked
    if request.method == 'POST' and 'code' in request.form:
        first = not g.account.second_factors
        if profile.confirm_phone(g.account, g.auth_session, request.form['code']):
            if first:  # the first second step: on to the recovery codes
                return redirect(after_first_way(next_path or url_for('circle.dashboard')), 303)
            return redirect(next_path or url_for('account.profile_page', saved=1), 303)
        errors = {'code': [str(factors.wrong_code_error().fields['code'][0])]}
    elif request.method == 'POST':
        values = form_data('phone')
        with form_step() as step:
            profile.change_phone(g.account, g.auth_session, values.get('phone', '').strip())
        if step.ok and g.account.phone_pending is None:
            return redirect(url_for('account.profile_page', saved=1), 303)
        errors = step.errors
    return (render_template('account/phone.html', errors=errors, values=values, next=next_path,
                            waiting=g.account.phone_pending), 422 if errors else 200)


@bp.post('/profile/photo')
@login_required
@limiter.limit(photo_limit, key_func=account_key)
def photo_page():
    if request.form.get('remove') == 'yes':
        remove_photo(g.account)
        return redirect(url_for('account.profile_page', saved=1), 303)
    with form_step() as step:
        set_photo(g.account, uploaded('photo', MAX_BYTES) or b'')
    if not step.ok:
        return _profile(step.errors, step.status)
    return redirect(url_for('account.profile_page', saved=1), 303)
