"""Measurements: the series of a care page (a window of days, with the latest of older series), their units and
values."""

from datetime import timedelta

from hub.careprovider.models import Record
from hub.circle.access import READ_DOSSIER, check
from hub.circle.dossiers import records_of
from hub.circle.models import Member
from hub.core.timeutil import utcnow
from hub.extensions import db

#: how far back the measurements go unless asked otherwise
MEASUREMENT_DAYS = 365


#: a series with nothing in the window still shows this many of its latest measurements
LATEST_OUTSIDE_WINDOW = 10


def measurements(member: Member, days=MEASUREMENT_DAYS):
    """Return series name -> its measurements (rows of Record and Dossier), oldest first, of the last ``days``.

    A series measured only before the window shows its latest measurements all the same: a weight
    taken two years ago is old news, not no news.
    """
    check(member, READ_DOSSIER)
    since = utcnow() - timedelta(days=days)
    series = {}
    for row in db.session.execute(records_of(member, member.circle_id, ('measurement',)).where(
            Record.occurred_at >= since).order_by(Record.code, Record.occurred_at)):
        series.setdefault(row.Record.code, []).append(row)
    older = records_of(member, member.circle_id, ('measurement',)).where(Record.occurred_at < since)
    if series:
        older = older.where(Record.code.not_in(list(series)))
    codes = db.session.execute(older.with_only_columns(Record.code).distinct()).scalars().all()
    for code in sorted(codes, key=lambda c: c or ''):
        rows = db.session.execute(older.where(Record.code == code).order_by(Record.occurred_at.desc())
                                  .limit(LATEST_OUTSIDE_WINDOW)).all()
        series[code] = rows[::-1]
    return series


def unit_of(record) -> str | None:
    """Return the unit of a measurement: its own, or its components' (blood pressure: mm[Hg] for both)."""
    if record.data.get('unit'):
        return record.data['unit']
    units = {component.get('unit') for component in record.data.get('components') or [] if component.get('unit')}
    return units.pop() if len(units) == 1 else None


def point_values(record) -> dict:
    """The numbers of one measurement: ``value``, or one per component (blood pressure: systolic, diastolic)."""
    values = {}
    if record.data.get('value') is not None:
        values['value'] = record.data['value']
    names = {'8480-6': 'systolic', '8462-4': 'diastolic', '8867-4': 'pulse'}
    for component in record.data.get('components') or []:
        code = (component.get('code') or {}).get('code')
        values[names.get(code, code or 'value')] = component['value']
    return values
