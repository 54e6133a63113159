"""The account pages: register, activate, log in, log out."""

import base64

from flask import g, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from hub.account import factors, operations, passwords
from hub.account.access import (
    device_label,
    known_browser,
    log_in,
    log_out,
    login_limited,
    login_required,
    login_source,
    mark_known_browser,
    register_limit,
    set_device_cookie,
    start_login,
)
from hub.account.codes import send_code
from hub.account.schemas import LoginSchema, RegisterSchema
from hub.account.views.base import bp
from hub.config import setting
from hub.core.errors import AppError
from hub.extensions import limiter
from hub.web import form_data, form_step, local_target


def typed_twice():
    """Return the new password from a form that asks it twice, and the error if the two differ."""
    password = request.form.get('password', '')
    if password != request.form.get('password_confirm', ''):
        return password, {'password_confirm': [_l('The two passwords are not the same.')]}
    return password, {}


@bp.get('/')
def home():
    if g.account is not None:
        return redirect(url_for('circle.dashboard'), 303)
    return render_template('account/home.html')


@bp.get('/terms')
def terms():
    """The terms of use, in the person's language, with their version (TERMS_VERSION)."""
    return _legal('terms', _l('Terms of use'))


@bp.get('/privacy')
def privacy():
    """The privacy statement: what carehub keeps, why, how long, who sees what, and the person's rights."""
    return _legal('privacy', _l('Privacy statement'))


@bp.get('/informatie')
def information():
    """How carehub works, in plain words: an account, linking, the code, inviting, the groups, approving, mails."""

    language = 'en' if str(get_locale()) == 'en' else 'nl'
    return render_template('account/info.html', language=language)


@bp.get('/help')
def help_page():
    return redirect(url_for('account.information'), 301)


@bp.get('/voorwaarden')
def terms_nl():
    return redirect(url_for('account.terms'), 301)


@bp.get('/privacyverklaring')
def privacy_nl():
    return redirect(url_for('account.privacy'), 301)


@bp.route('/terms/accept', methods=['GET', 'POST'])
@login_required
def accept_terms_page():
    """The terms changed since the person accepted them: read and accept the new version to go on."""
    next_path = local_target(request.values.get('next'), url_for('circle.dashboard'))
    errors, status = {}, 200
    if request.method == 'POST':
        if request.form.get('accept_terms') != 'yes':
            errors, status = {'accept_terms': [_l('Tick the box to accept the new terms, or log out.')]}, 422
        else:
            with form_step() as step:
                operations.accept_terms(g.account, request.form.get('version', ''))
            if step.ok:
                return redirect(next_path, 303)
            errors, status = step.errors, step.status
    return (render_template('account/accept_terms.html', version=setting('TERMS_VERSION'), next=next_path,
                            errors=errors), status)


def _legal(document, title):

    language = 'en' if str(get_locale()) == 'en' else 'nl'
    return render_template('account/legal.html', document=document, title=title, language=language,
                           version=setting('TERMS_VERSION'))


@bp.route('/register', methods=['GET', 'POST'])
@limiter.limit(register_limit, methods=['POST'])
def register():
    errors, status = {}, 200
    next_path = local_target(request.values.get('next'), None)
    # from an invitation's page: the invited address and name filled in
    values = {key: request.args[key][:254] for key in ('email', 'first_name', 'last_name') if request.args.get(key)}
    if request.method == 'POST':
        values = form_data('email', 'first_name', 'last_name')
        data = dict(values, accept_terms=request.form.get('accept_terms') == 'yes', language=_lang())
        with form_step() as step:
            operations.register(RegisterSchema().load(data), next_path=next_path)
        if step.ok:
            return render_template('account/check_email.html', email=values.get('email'), values=values,
                                   next=next_path, again=request.form.get('again') == '1')
        errors, status = step.errors, step.status
    return render_template('account/register.html', errors=errors, values=values, next=next_path), status


def _lang():
    return str(get_locale())


@bp.route('/activate', methods=['GET', 'POST'])
def activate():
    token = request.values.get('token', '')
    next_path = local_target(request.values.get('next'), None)
    account = operations.account_for_activation(token)
    errors, status = {}, 200
    if request.method == 'POST':
        password, errors = typed_twice()
        status = 422 if errors else 200
        if not errors:
            with form_step() as step:
                account = operations.activate(token, password)
            if step.ok:
                log_in(account)
                return redirect(next_path or url_for('circle.dashboard'), 303)
            errors, status = step.errors, step.status
    return (render_template('account/activate.html', account=account, token=token, next=next_path, errors=errors),
            status)


@bp.route('/login', methods=['GET', 'POST'])
@login_limited(methods=['POST'])
def login():
    next_path = local_target(request.values.get('next'))
    errors, values, status = {}, {}, 200
    if request.method == 'POST':
        values = form_data('email')
        with form_step() as step:
            data = LoginSchema().load(form_data('email', 'password'))
            account = operations.authenticate(data['email'], data['password'], login_source(),
                                              known_browser(data['email']))
        if step.ok and account is not None:
            if start_login(account):
                return redirect(url_for('account.second_factor', next=next_path), 303)
            return redirect(after_login(account, next_path), 303)
        errors, status = step.errors, step.status
        if step.ok:  # a wrong address or password
            errors, status = {'_form': [operations.WRONG_CREDENTIALS]}, 401
    response = make_response(render_template('account/login.html', errors=errors, values=values, next=next_path),
                             status)
    retry_after = getattr(step.error, 'retry_after', None) if request.method == 'POST' else None
    if retry_after:  # throttled: how long to wait, as the API says it
        response.headers['Retry-After'] = str(retry_after)
    return response


def after_login(account, next_path):
    """Where a login goes: the page asked for, or first the password page when the password (almost) expired."""
    age = operations.password_age(account)
    if age is None or age['status'] == 'ok':
        return next_path
    if age['status'] == 'expired':
        return url_for('account.change_password_page', expired=1)
    return url_for('account.change_password_page', expiring=age['days_left'], next=next_path)


@bp.route('/logout', methods=['GET', 'POST'])
@login_required
def logout():
    if request.method == 'POST':
        log_out()
        return render_template('account/logged_out.html')
    return render_template('account/logout.html')


def _code_page(template, action, verify, send=None, **context):
    """Show a code form: send a code by SMS or a call, or check a code and go on with ``verify``'s answer."""
    errors, sent = {}, None
    method = request.form.get('method', 'totp')
    status = 200
    if request.method == 'POST' and request.form.get('send') in ('sms', 'voice', 'email') and send is not None:
        with form_step() as step:
            send(request.form['send'])
        if step.ok:
            sent, method = request.form['send'], request.form['send']
        errors, status = step.errors, step.status
    elif request.method == 'POST':
        with form_step() as step:
            result = verify(request.form.get('code', ''),
                            method if method in ('totp', 'sms', 'voice', 'email', 'recovery') else 'totp')
        if step.ok and result is not False:
            return result
        errors, status = step.errors, step.status
        if step.ok:  # a wrong code (counted)
            errors, status = {'code': [str(factors.wrong_code_error().fields['code'][0])]}, 422
    code_methods = [m for m in context.get('methods') or () if m in CODE_METHODS]
    return render_template(template, errors=errors, action=action, sent=sent, method=method,
                           code_methods=code_methods, **context), status


#: the ways of the code form, in the order it offers them (a passkey has a button of its own)
CODE_METHODS = ('totp', 'sms', 'voice')


def _sender(account, auth_session, purpose, by_mail=False):
    if by_mail:
        return lambda channel: send_code(account, auth_session, purpose, 'email', account.email)
    return (lambda channel: send_code(account, auth_session, purpose, channel, account.phone)) if account.phone \
        else None


@bp.route('/login/second-factor', methods=['GET', 'POST'])
@login_limited(methods=['POST'])
def second_factor():
    next_path = local_target(request.values.get('next'))
    pending = g.get('pending_session')
    if pending is None:
        return redirect(url_for('account.login', next=next_path), 303)

    def verify(code, method):
        account = pending.account
        if not factors.verify_factor(account, pending, method, code, 'account.login_second_factor'):
            return False
        log_in(account, second_factor=bool(account.second_factors), keep_age=True)
        response = make_response(redirect(after_login(account, next_path), 303))
        if request.form.get('remember_device') == 'yes' and account.second_factors:
            set_device_cookie(response, factors.remember_device(account, device_label()))
        return response
    account = pending.account
    by_mail = not account.second_factors
    return _code_page('account/second_factor.html', url_for('account.second_factor'), verify, next=next_path,
                      remember=not by_mail, send=_sender(account, pending, 'login', by_mail),
                      methods=factors.login_methods(account), by_mail=by_mail, done=after_login(account, next_path))


@bp.route('/step-up', methods=['GET', 'POST'])
@login_required
@login_limited(methods=['POST'])
def step_up():
    next_path = local_target(request.values.get('next'))
    if not g.account.second_factors:
        return redirect(url_for('account.second_step', next=next_path), 303)

    def verify(code, method):
        if not factors.verify_factor(g.account, g.auth_session, method, code, 'account.step_up'):
            return False
        log_in(g.account, second_factor=True, keep_age=True)
        return redirect(next_path, 303)
    return _code_page('account/step_up.html', url_for('account.step_up'), verify, next=next_path, remember=False,
                      send=_sender(g.account, g.auth_session, 'step_up'), methods=g.account.second_factors)


@bp.route('/profile/totp', methods=['GET', 'POST'])
@login_required
def totp():
    next_path = local_target(request.values.get('next'), url_for('circle.dashboard'))
    if g.account.second_factors and request.method == 'GET' and not request.args.get('renew'):
        return render_template('account/totp_done.html', next=next_path)
    blocked = factor_change_redirect()
    if blocked:
        return blocked
    if request.method == 'GET' or g.account.totp_pending is None:
        enrolment = factors.start_totp(g.account)
    else:
        enrolment = factors.pending_enrolment(g.account)

    first = not g.account.second_factors

    def verify(code, method):
        if not factors.confirm_totp(g.account, g.auth_session, code):
            return False
        return redirect(after_first_way(next_path) if first else next_path, 303)
    qr = base64.b64encode(factors.qr_svg(enrolment['otpauth_uri']).encode()).decode()
    return _code_page('account/totp.html', url_for('account.totp'), verify, next=next_path, qr=qr,
                      secret=' '.join(enrolment['secret'][i:i + 4] for i in range(0, len(enrolment['secret']), 4)))


def after_first_way(next_path):
    """Where the first second step leads: to the recovery codes, for the day the phone is lost."""
    return url_for('account.recovery_codes_page', first=1, next=next_path)


def factor_change_redirect():
    """Return where to send a person who may not change a second factor yet (log in again, or step up)."""
    try:
        factors.require_factor_change(g.auth_session)
    except AppError as exc:
        if exc.code == 'login_again':
            log_out()
            return redirect(url_for('account.login', next=request.full_path), 303)
        return redirect(url_for('account.step_up', next=request.full_path), 303)
    return None


@bp.route('/password/forgot', methods=['GET', 'POST'])
@login_limited(methods=['POST'])
def forgot():
    if request.method == 'POST':
        email = request.form.get('email', '').strip()
        if not email or '@' not in email or len(email) > 254 or any(ord(char) <= 31 for char in email):
            message = _l('Fill in the email address you log in with, for example naam@voorbeeld.nl.')
            return render_template('account/forgot.html', errors={'email': [message]}, values={'email': email}), 422
        passwords.request_reset(email)
        return render_template('account/reset_sent.html')
    return render_template('account/forgot.html', errors={}, values={})


@bp.route('/password/reset', methods=['GET', 'POST'])
@login_limited(methods=['POST'])
def reset():
    token = request.values.get('token', '')
    account = passwords.account_for_reset(token)
    errors, sent, status = {}, None, 200
    if request.method == 'POST' and request.form.get('send') in ('sms', 'voice'):
        with form_step() as step:
            passwords.send_reset_code(token, request.form['send'])
        sent = request.form['send'] if step.ok else None
        errors, status = step.errors, step.status
    elif request.method == 'POST':
        password, errors = typed_twice()
        status = 422 if errors else 200
        if not errors:
            with form_step() as step:
                done = passwords.reset_password(token, password, request.form.get('method', 'totp'),
                                                request.form.get('code'))
            if step.ok and done is not None:
                mark_known_browser(done.email)  # as the API does: the owner's browser, never throttled by others
                return render_template('account/reset_done.html')
            errors, status = step.errors, step.status
            if step.ok:  # a wrong code (counted)
                errors, status = {'code': [str(factors.wrong_code_error().fields['code'][0])]}, 422
    return (render_template('account/reset.html', account=account, token=token, errors=errors, sent=sent,
                            method=sent or request.form.get('method', 'totp')), status)
