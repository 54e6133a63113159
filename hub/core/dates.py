"""How dates and times are shown: one format for each, through Babel in the person's language and time zone.

A day is "29 november 2026" (with the weekday where the day matters: agenda, appointments, messages), a moment
that day plus "15:30". Every page and mail uses these filters (``|day``, ``|day_time``, ``|clock``, ``|month``).
"""

from datetime import UTC, date, datetime

from flask_babel import format_date, format_datetime, get_locale, get_timezone
from flask_babel import gettext as _

DAY = 'd MMMM y'
WEEKDAY = 'EEEE d MMMM y'
TIME = 'HH:mm'
MONTH = 'MMMM y'


def _date_of(value):
    """A stored ISO date or moment (text) as a date or datetime; dates and datetimes as they are."""
    if isinstance(value, str):
        return datetime.fromisoformat(value) if 'T' in value else date.fromisoformat(value)
    return value


def _local(value: datetime) -> datetime:
    """A moment in the person's time zone (a naive one is UTC), as Babel's ``format_datetime`` takes it."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(get_timezone())


def _day_text(value: date, weekday: bool) -> str:
    """``DAY`` or ``WEEKDAY`` of a date, written from the locale's names of months and weekdays (a page shows dozens:
    the same words as Babel's ``format_date`` with that pattern, for a fraction of its cost; tested against it)."""
    locale = get_locale()
    text = f"{value.day} {locale.months['format']['wide'][value.month]} {value.year}"
    return f"{locale.days['format']['wide'][value.weekday()]} {text}" if weekday else text


def day(value, weekday=False) -> str:
    """The day of a date or a moment (in the person's time zone), e.g. "29 november 2026"."""
    value = _date_of(value)
    if value is None:
        return ''
    return _day_text(_local(value) if isinstance(value, datetime) else value, weekday)


def day_time(value: datetime | None, weekday=False) -> str:
    """A moment as its day and time, e.g. "29 november 2026, 15:30"."""
    if value is None:
        return ''
    local = _local(value)
    return f'{_day_text(local, weekday)}, {local.hour:02d}:{local.minute:02d}'


def clock(value: datetime | None) -> str:
    """The time of a moment, e.g. "15:30" (``TIME``)."""
    if value is None:
        return ''
    local = _local(value)
    return f'{local.hour:02d}:{local.minute:02d}'


def clock_words(value: datetime | None) -> str:
    """The time of a moment in words and digits, as easy read says it: "om 10 uur (10:00)", "om half 11 (10:30)",
    "om kwart over 10 (10:15)", "om kwart voor 11 (10:45)", else "om 10:20"."""
    if value is None:
        return ''
    local = value.astimezone(get_timezone())
    hour, minute = local.hour, local.minute
    digits = clock(value)
    following = hour % 24 + 1
    # Dutch counts a half hour towards the next one ("half 11" is 10:30), English from the last ("half past 10")
    half = following if get_locale().language == 'nl' else hour
    words = {0: _('at %(hour)d o\'clock', hour=hour), 15: _('at quarter past %(hour)d', hour=hour),
             30: _('at half past %(hour)d', hour=half), 45: _('at quarter to %(hour)d', hour=following)}.get(minute)
    return f'{words} ({digits})' if words else _('at %(time)s', time=digits)


def month(value) -> str:
    """A month, e.g. "november 2026"."""
    value = _date_of(value)
    if value is None:
        return ''
    return format_datetime(value, MONTH) if isinstance(value, datetime) else format_date(value, MONTH)


FILTERS = {'day': day, 'day_time': day_time, 'clock': clock, 'clock_words': clock_words, 'month': month}
