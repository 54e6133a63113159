"""Time helpers: everything is stored in UTC; days are counted where the care pages are (DEFAULT_TIMEZONE)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hub.config import setting


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """Return ``value`` as an aware UTC datetime (SQLite hands back naive ones)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


#: the years a date a person gives may fall in (a calendar, a window of dates): far enough, and no overflow
FIRST_YEAR, LAST_YEAR = 1900, 2200


def plausible(value: datetime) -> datetime | None:
    """Return an aware ``value`` in UTC when it lies between 1900 and 2200 there, else None (never overflows)."""
    try:
        moment = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return moment if FIRST_YEAR <= moment.year <= LAST_YEAR else None


def zone() -> ZoneInfo:
    """The time zone the care pages count their days in (DEFAULT_TIMEZONE)."""
    return ZoneInfo(setting('DEFAULT_TIMEZONE'))


def day_bounds(day: date) -> tuple:
    """The start of a local day and of the next, in UTC (23 or 25 hours apart when the clocks change)."""
    return (as_utc(datetime.combine(day, time(0), tzinfo=zone())),
            as_utc(datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone())))
