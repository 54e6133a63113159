"""The day and time filters write what Babel writes with their patterns, in every language and across the
changes of summer time, faster (a page shows dozens of them)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from babel.dates import format_date, format_datetime


@pytest.mark.parametrize('language', ['nl', 'en'])
def test_the_filters_write_what_babel_writes(app, language):
    from flask_babel import get_locale, get_timezone

    from hub.core.dates import DAY, TIME, WEEKDAY, clock, day, day_time
    with app.test_request_context(headers={'Accept-Language': language}):
        locale, zone = get_locale(), get_timezone()
        assert locale.language == language
        start = datetime(2026, 1, 1, 0, 30, tzinfo=UTC)
        for step in range(0, 400 * 24, 7):  # every seventh hour of more than a year: both changes of summer time
            moment = start + timedelta(hours=step)
            for weekday in (False, True):
                pattern = WEEKDAY if weekday else DAY
                assert day(moment, weekday) == format_datetime(moment, pattern, tzinfo=zone, locale=locale)
                assert day_time(moment, weekday) == format_datetime(moment, f'{pattern}, {TIME}', tzinfo=zone,
                                                                    locale=locale)
                assert day(moment.date(), weekday) == format_date(moment.date(), pattern, locale=locale)
            assert clock(moment) == format_datetime(moment, TIME, tzinfo=zone, locale=locale)
            assert day(moment.replace(tzinfo=None)) == format_datetime(moment, DAY, tzinfo=zone, locale=locale)
        assert day('2026-03-29') == format_date(date(2026, 3, 29), DAY, locale=locale)
        assert day(None) == day_time(None) == clock(None) == ''
