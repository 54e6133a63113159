"""The downloads as HTTP answers: the Blue Button (the API and the page share it: a FHIR Bundle or a readable
page) and the access log as CSV."""

import csv
import io
import json

from flask import Response, render_template
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hub.circle.models import Member
from hub.circle.permissions import ROLE_LABELS
from hub.core.errors import InvalidInput
from hub.dossier import accesses, export, measurements, operations

SERIES_LABELS = {'body_weight': _l('Weight'), 'blood_pressure': _l('Blood pressure'),
                 'body_temperature': _l('Temperature'), 'heart_rate': _l('Pulse'),
                 'respiratory_rate': _l('Breathing rate'), 'body_height': _l('Height'),
                 'oxygen_saturation': _l('Oxygen in the blood')}
LINE_LABELS = {'value': '', 'systolic': _l('upper pressure'), 'diastolic': _l('lower pressure'), 'pulse': _l('pulse')}


def download_detail(args) -> str:
    """What a download held, for the audit record: its months and format."""
    return f"{(args.get('from') or '')[:7]}..{(args.get('to') or '')[:7]} {(args.get('format') or 'fhir')[:4]}"


def download(member: Member, args):
    """The download itself: ``format`` fhir (default) or html; ``from`` and ``to`` months."""
    start, end = export.month_range(args.get('from') or None, args.get('to') or None)
    kind = args.get('format', 'fhir')
    if kind not in ('fhir', 'html'):
        raise InvalidInput(_l('Choose the format fhir or html.'), code='invalid_format')
    rows = operations.export_rows(member, start, end)
    name = f'dossier-{export.today().isoformat()}'
    if kind == 'fhir':
        body, mimetype, name = json.dumps(export.bundle(rows), ensure_ascii=False, indent=1), \
            'application/fhir+json', f'{name}.json'
    else:
        body = render_template('dossier/export_page.html', member=member, grouped=export.by_kind(rows), kinds=export.KINDS,
                               start=start, end=end, values=measurements.point_values, labels=SERIES_LABELS)
        mimetype, name = 'text/html', f'{name}.html'
    response = Response(body, mimetype=mimetype)
    response.headers['Content-Disposition'] = f'attachment; filename="{name}"'
    response.headers['Cache-Control'] = 'no-store'
    return response


def access_log_lines(circle_id, client):
    """The whole access log of a care page as CSV lines, for a spreadsheet (``;``: Dutch spreadsheets' separator).

    Every word is put in the language of the request now: the lines are made while the answer streams, after
    the request's own session has gone.
    """
    header = [_('When'), _('Who'), _('Role'), _('What'), _('Outcome'), _('Dossier'), _('On behalf of'), _('From')]
    events = {key: str(value) for key, value in accesses.ACCESS_LABELS.items()}
    roles = {key: str(value) for key, value in ROLE_LABELS.items()}
    allowed, refused, gone = _('allowed'), _('refused'), _('An account that no longer exists')
    outsider = _('Someone outside the care page (a shared link)')
    zone = get_timezone()

    def lines():
        out = io.StringIO()
        writer = csv.writer(out, delimiter=';')
        writer.writerow(header)
        for row in accesses.access_log_all(circle_id):
            writer.writerow([_cell(value) for value in (
                row.at.astimezone(zone).strftime('%Y-%m-%d %H:%M:%S'),
                outsider if row.actor_role == 'outsider' else accesses.who(
                    row.event, row.target, f'{row.first_name} {row.last_name}', row.first_name) if row.first_name
                else gone,
                roles.get(row.actor_role, row.actor_role or ''), events.get(row.event, row.event),
                allowed if row.outcome == 'success' else refused, row.provider or '', client, row.source or '')])
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    return lines()


def _cell(value) -> str:
    """A CSV cell a spreadsheet shows as text: never a formula (OWASP CSV injection)."""
    value = str(value)
    return f"'{value}" if value[:1] in ('=', '+', '-', '@', '\t', '\r') else value
