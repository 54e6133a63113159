"""The pages of the second step: choosing one (a passkey, a phone number, an app), recovery codes, removing a
passkey, and a lost phone (a recovery code, or the second step removed after 7 days).
"""

from flask import g, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from hub.account import factors, lost_phone, passwords, recovery
from hub.account.access import device_label, log_in, login_limited, login_required, set_device_cookie
from hub.account.views.base import bp
from hub.account.views.signin import after_first_way, after_login, factor_change_redirect
from hub.core.errors import NotFound
from hub.web import form_step, local_target, parse_id


@bp.get('/profile/second-step')
@login_required
def second_step():
    """Choose a second step, the easiest first: a passkey (where the browser can), a phone number, an app."""
    next_path = local_target(request.values.get('next'), url_for('account.profile_page'))
    blocked = factor_change_redirect()
    if blocked:
        return blocked
    first = not g.account.second_factors
    return render_template('account/second_step.html', next=next_path, first=first,
                           after=after_first_way(next_path) if first else url_for('account.profile_page', saved=1))


@bp.route('/profile/recovery-codes', methods=['GET', 'POST'])
@login_required
def recovery_codes_page():
    """Ten recovery codes for a lost phone: made after the step-up and shown only once, to download or print."""
    next_path = local_target(request.values.get('next'), url_for('account.profile_page'))
    first = request.values.get('first') == '1'
    if not g.account.second_factors:
        return redirect(url_for('account.second_step', next=next_path), 303)
    codes = None
    if request.method == 'POST':
        blocked = factor_change_redirect()
        if blocked:
            return blocked
        codes = recovery.new_codes(g.account)
        factors.notify_factor_change(g.account, 'recovery')
    response = make_response(render_template(
        'account/recovery_codes.html', codes=codes, next=next_path, first=first,
        remaining=None if codes else recovery.remaining(g.account), few=recovery.FEW))
    if codes:
        response.headers['Cache-Control'] = 'no-store'  # shown once: not kept by the browser either
    return response


@bp.post('/profile/passkeys/<passkey_id>/remove')
@login_required
def remove_passkey_page(passkey_id):
    blocked = factor_change_redirect()
    if blocked:
        return blocked
    factors.remove_passkey(g.account, parse_id(passkey_id))
    return redirect(url_for('account.profile_page', saved=1) + '#security-heading', 303)


@bp.route('/login/lost-phone', methods=['GET', 'POST'])
@login_limited(methods=['POST'])
def lost_phone_page():
    """Phone lost, or no code: log in with a recovery code (at login), or have the second step removed in 7 days.

    Asked at login (the password was right), by a logged-in person at the step-up, or from a password reset link
    (the mailbox; the week and the cancel mail are what protect the dossier then)."""
    next_path = local_target(request.values.get('next'))
    pending = g.get('pending_session')
    account = pending.account if pending is not None else g.get('account')
    token = request.values.get('token') if account is None else None
    if token:
        account = passwords.account_for_reset(token)
    if account is None:
        return redirect(url_for('account.login', next=next_path), 303)
    errors, status = {}, 200
    if request.method == 'POST' and request.form.get('action') == 'reset' and account.second_factors:
        lost_phone.request_reset(account)
    elif request.method == 'POST' and pending is not None:
        with form_step() as step:
            right = factors.verify_factor(account, pending, 'recovery', request.form.get('code', ''),
                                          'account.login_second_factor')
        if step.ok and right:
            log_in(account, second_factor=True, keep_age=True)
            response = make_response(redirect(after_login(account, next_path), 303))
            if request.form.get('remember_device') == 'yes':
                set_device_cookie(response, factors.remember_device(account, device_label()))
            return response
        errors, status = step.errors, step.status
        if step.ok:
            errors, status = {'code': [str(factors.wrong_code_error().fields['code'][0])]}, 422
    if token:
        back = url_for('account.reset', token=token)
    else:
        back = url_for('account.second_factor' if pending is not None else 'account.step_up', next=next_path)
    return render_template('account/lost_phone.html', at_login=pending is not None, errors=errors, next=next_path,
                           back=back, reset=lost_phone.pending_reset(account), token=token,
                           has_factor=bool(account.second_factors)), status


@bp.route('/lost-phone/cancel', methods=['GET', 'POST'])
@login_limited(methods=['POST'])
def lost_phone_cancel():
    """The link in the mail: stop the removal of the second step (no login needed: the address is the owner's)."""
    token = request.values.get('token', '')
    reset = lost_phone.reset_for_token(token)
    done = False
    if request.method == 'POST' and reset is not None:
        done = lost_phone.cancel_reset(reset, reset.account)
    return render_template('account/lost_phone_cancel.html', token=token, reset=reset, done=done)


@bp.post('/profile/lost-phone/cancel')
@login_required
def lost_phone_stop():
    """The owner, logged in, stops the removal of their second step."""
    if not lost_phone.cancel_reset(lost_phone.pending_reset(g.account), g.account):
        raise NotFound(_l('No removal of your second step is waiting.'))
    return redirect(url_for('account.profile_page', saved=1) + '#security-heading', 303)
