"""What the pages of a care page share: the blueprint ("circle"), the helpers every template uses, labels."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Blueprint, g, render_template
from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l

from hub.circle import operations
from hub.circle.access import (
    access_ended,
    can,
    is_the_client,
    reads,
    sees_calendar,
)
from hub.circle.dossiers import client_name
from hub.circle.permissions import BASIS_LABELS, ROLE_LABELS
from hub.circle.views.menu import menu

bp = Blueprint('circle', __name__, template_folder=str(Path(__file__).parent.parent / 'templates'))


def template_helpers():
    """What the templates of every package use from circle: permissions, names, labels (create_app adds them)."""
    return {'can': can, 'client_name': client_name, 'role_label': lambda role: ROLE_LABELS.get(role, role),
            'audience_label': lambda audience: AUDIENCE_LABELS.get(audience, audience), 'sees_calendar': sees_calendar,
            'reads': reads, 'is_the_client': is_the_client,
            'open_invitations': lambda: operations.open_invitation_count(g.account) if g.get('account') else 0,
            'basis_label': lambda basis: BASIS_LABELS.get(basis, basis), 'access_ended': access_ended, 'menu': menu}


AUDIENCE_LABELS = {'all': _l('All helpers'), 'trust': _l('Only the trust group'),
                   'provider': _l('The care provider and the trust group'), 'chosen': _l('Chosen people')}


def _confirm(title, text, action, button, back):
    return render_template('confirm.html', title=title, text=text, action=action, button=button, back=back)


def _local_moment(day, clock):
    """A date and a time typed on a form, in the person's time zone, as an aware datetime (or None)."""
    try:
        return datetime.strptime(f'{day} {clock}', '%Y-%m-%d %H:%M').replace(tzinfo=ZoneInfo(str(get_timezone())))
    except ValueError:
        return None


#: a form's field -> the schema's, for the messages of both
_FORM_FIELDS = {'starts_at': 'start', 'ends_at': 'end', 'date': 'day'}
