"""The geometry of a measurement chart (an SVG drawn by dossier/measurements.html): points, lines, a reference
band, scaled to the values."""

from hub.dossier.measurements import point_values

#: the smallest span of values a chart shows, as a share of the values' size: a weight from 70.1 to 70.3 kg is
#: drawn as the small change it is, not across the whole height
LEAST_SPAN = 0.1
#: points are marked (with their value on hover and focus) up to this many
MARKED_POINTS = 60


def chart(rows, width=600, height=220, pad=16):
    """Return what an SVG line chart of a series needs: polylines and points per line, the value axis, the range
    the source gives (a band), the first and last day. Labels go beside it in HTML, readable at any width."""
    points = [(row.Record.occurred_at, point_values(row.Record)) for row in rows]
    numbers = [v for _, values in points for v in values.values()]
    if not numbers:
        return None
    latest = rows[-1].Record.data
    band = (latest.get('range_low'), latest.get('range_high'))
    low, high = min(numbers + [b for b in band if b is not None]), max(numbers + [b for b in band if b is not None])
    least = LEAST_SPAN * max(abs(low), abs(high), 1)
    if high - low < least:  # widen around the middle: small changes stay small
        middle = (high + low) / 2
        low, high = middle - least / 2, middle + least / 2
    margin = (high - low) * 0.1
    bottom, top = low - margin, high + margin
    start, end = points[0][0], points[-1][0]
    span = (end - start).total_seconds() or 1

    def x(moment):
        return round(pad + (width - 2 * pad) * (moment - start).total_seconds() / span, 1)

    def y(value):
        return round(height - pad - (height - 2 * pad) * (value - bottom) / (top - bottom), 1)
    lines, marks = {}, []
    for (moment, values), row in zip(points, rows, strict=True):
        for name, value in values.items():
            lines.setdefault(name, []).append(f'{x(moment)},{y(value)}')
            if len(rows) <= MARKED_POINTS:
                marks.append({'x': x(moment), 'y': y(value), 'line': name, 'at': moment, 'value': value,
                              'record': row.Record})
    return {'width': width, 'height': height, 'pad': pad, 'lines': {k: ' '.join(v) for k, v in lines.items()},
            'marks': marks, 'low': min(numbers), 'high': max(numbers), 'start': start, 'end': end,
            'band': {'y_top': y(band[1]), 'y_bottom': y(band[0]), 'low': band[0], 'high': band[1]}
            if None not in band else None}
