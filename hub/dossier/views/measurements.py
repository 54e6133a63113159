"""Measurements as charts and tables."""


from flask import (
    render_template,
)

from hub.account.access import login_required
from hub.dossier import (
    chart,
    measurements,
)
from hub.dossier.download import LINE_LABELS, SERIES_LABELS
from hub.dossier.views.base import _dossier_page, bp


@bp.get('/circles/<circle_id>/measurements', endpoint='measurements')
@login_required
def measurements_page(circle_id):
    member, unlock = _dossier_page(circle_id, 'measurements')
    if unlock:
        return unlock
    series = measurements.measurements(member)
    return render_template('dossier/measurements.html', member=member, series=series,
                           charts={name: chart.chart(rows) for name, rows in series.items()},
                           values=measurements.point_values, unit_of=measurements.unit_of, labels=SERIES_LABELS,
                           line_labels=LINE_LABELS)
