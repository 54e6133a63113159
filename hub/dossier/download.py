"""The Blue Button download as an HTTP answer (the API and the page share it): a FHIR Bundle or a readable page."""

import json

from flask import Response, render_template
from flask_babel import lazy_gettext as _l

from hub.core.errors import InvalidInput
from hub.dossier import export, operations

SERIES_LABELS = {'body_weight': _l('Weight'), 'blood_pressure': _l('Blood pressure'),
                 'body_temperature': _l('Temperature'), 'heart_rate': _l('Pulse'),
                 'respiratory_rate': _l('Breathing rate'), 'body_height': _l('Height'),
                 'oxygen_saturation': _l('Oxygen in the blood')}
LINE_LABELS = {'value': '', 'systolic': _l('upper pressure'), 'diastolic': _l('lower pressure'), 'pulse': _l('pulse')}


def download_detail(args) -> str:
    """What a download held, for the audit record: its months and format."""
    return f"{(args.get('from') or '')[:7]}..{(args.get('to') or '')[:7]} {(args.get('format') or 'fhir')[:4]}"


def download(member, args):
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
        grouped = {}
        for row in rows:
            grouped.setdefault(row.Record.kind, []).append(row)
        body = render_template('dossier/export_page.html', member=member, grouped=grouped, kinds=export.KINDS,
                               start=start, end=end, values=operations.point_values, labels=SERIES_LABELS)
        mimetype, name = 'text/html', f'{name}.html'
    response = Response(body, mimetype=mimetype)
    response.headers['Content-Disposition'] = f'attachment; filename="{name}"'
    response.headers['Cache-Control'] = 'no-store'
    return response
