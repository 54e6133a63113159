"""How dates and times are shown: one format for each, through Babel in the person's language and time zone.

A day is "29 november 2026" (with the weekday where the day matters: agenda, appointments, messages), a moment
that day plus "15:30". Every page and mail uses these filters (``|day``, ``|day_time``, ``|clock``, ``|month``).
"""

from datetime import date, datetime

from flask_babel import format_date, format_datetime

DAY = 'd MMMM y'
WEEKDAY = 'EEEE d MMMM y'
TIME = 'HH:mm'
MONTH = 'MMMM y'


def _date_of(value):
    """A stored ISO date or moment (text) as a date or datetime; dates and datetimes as they are."""
    if isinstance(value, str):
        return datetime.fromisoformat(value) if 'T' in value else date.fromisoformat(value)
    return value


def day(value, weekday=False) -> str:
    """The day of a date or a moment (in the person's time zone), e.g. "29 november 2026"."""
    value = _date_of(value)
    if value is None:
        return ''
    pattern = WEEKDAY if weekday else DAY
    if isinstance(value, datetime):
        return format_datetime(value, pattern)
    return format_date(value, pattern)


def day_time(value: datetime | None, weekday=False) -> str:
    """A moment as its day and time, e.g. "29 november 2026, 15:30"."""
    if value is None:
        return ''
    return format_datetime(value, f'{WEEKDAY if weekday else DAY}, {TIME}')


def clock(value: datetime | None) -> str:
    """The time of a moment, e.g. "15:30"."""
    return '' if value is None else format_datetime(value, TIME)


def month(value) -> str:
    """A month, e.g. "november 2026"."""
    value = _date_of(value)
    if value is None:
        return ''
    return format_datetime(value, MONTH) if isinstance(value, datetime) else format_date(value, MONTH)


FILTERS = {'day': day, 'day_time': day_time, 'clock': clock, 'month': month}
