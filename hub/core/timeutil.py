"""Time helpers: everything is stored in UTC."""

from datetime import UTC, datetime


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
