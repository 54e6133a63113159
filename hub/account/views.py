"""The account pages: register, activate, log in, log out."""

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from hub.account import operations
from hub.account.access import log_in, log_out, login_required
from hub.account.schemas import LoginSchema, RegisterSchema
from hub.core.errors import AppError

bp = Blueprint('account', __name__, template_folder='templates')


def local_target(target, default='/'):
    """Return ``target`` if it is a path on this site, else ``default`` (no open redirects)."""
    if (isinstance(target, str) and target.startswith('/') and not target.startswith('//')
            and '\\' not in target and all(ord(char) > 31 for char in target)):
        return target
    return default


def form_data(*names):
    """Return the named form fields as a dict, leaving out absent ones."""
    return {name: request.form[name] for name in names if name in request.form}


def field_errors(exc):
    """Turn a ValidationError or AppError into {field: [messages]} for a form."""
    if isinstance(exc, ValidationError):
        return {key: value if isinstance(value, list) else [str(value)] for key, value in exc.messages.items()}
    return exc.fields or {'_form': [exc.message]}


@bp.get('/')
def home():
    if g.account is not None:
        return redirect(url_for('circle.dashboard'), 303)
    return render_template('account/home.html')


@bp.route('/register', methods=['GET', 'POST'])
def register():
    errors, values = {}, {}
    next_path = local_target(request.values.get('next'), None)
    if request.method == 'POST':
        values = form_data('email', 'first_name', 'last_name')
        data = dict(values, accept_terms=request.form.get('accept_terms') == 'yes', language=_lang())
        try:
            operations.register(RegisterSchema().load(data), next_path=next_path)
        except ValidationError as exc:
            errors = field_errors(exc)
        else:
            return render_template('account/check_email.html', email=values.get('email'))
    return render_template('account/register.html', errors=errors, values=values, next=next_path), 422 if errors else 200


def _lang():
    from flask_babel import get_locale
    return str(get_locale())


@bp.route('/activate', methods=['GET', 'POST'])
def activate():
    token = request.values.get('token', '')
    next_path = local_target(request.values.get('next'), None)
    account = operations.account_for_activation(token)
    errors = {}
    if request.method == 'POST':
        password = request.form.get('password', '')
        if password != request.form.get('password_confirm', ''):
            errors = {'password_confirm': [_l('The two passwords are not the same.')]}
        else:
            try:
                account = operations.activate(token, password)
            except AppError as exc:
                errors = field_errors(exc)
            else:
                log_in(account)
                return redirect(next_path or url_for('circle.dashboard'), 303)
    return (render_template('account/activate.html', account=account, token=token, next=next_path, errors=errors),
            422 if errors else 200)


@bp.route('/login', methods=['GET', 'POST'])
def login():
    next_path = local_target(request.values.get('next'))
    errors, values = {}, {}
    if request.method == 'POST':
        values = form_data('email')
        try:
            data = LoginSchema().load(form_data('email', 'password'))
        except ValidationError as exc:
            errors = field_errors(exc)
        else:
            account = operations.authenticate(data['email'], data['password'])
            if account is not None:
                log_in(account)
                return redirect(next_path, 303)
            errors = {'_form': [_l('The email address or password is not right.')]}
    return (render_template('account/login.html', errors=errors, values=values, next=next_path),
            401 if '_form' in errors else 422 if errors else 200)


@bp.route('/logout', methods=['GET', 'POST'])
@login_required
def logout():
    if request.method == 'POST':
        log_out()
        return render_template('account/logged_out.html')
    return render_template('account/logout.html')
