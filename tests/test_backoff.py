"""One backoff for everything that tries again (#29): doubling from the first wait, spread, never past the longest."""

from datetime import timedelta

from hub.core.backoff import backoff


def test_the_wait_doubles_spreads_and_stops_at_the_longest():
    minute, hours = timedelta(minutes=1), timedelta(hours=6)
    assert [backoff(n, jitter=0) for n in (1, 2, 3, 4)] == [minute, 2 * minute, 4 * minute, 8 * minute]
    assert backoff(0, jitter=0) == minute and backoff(50, jitter=0) == hours
    waits = {backoff(3) for _ in range(200)}
    assert len(waits) > 100 and all(3.2 * minute <= wait <= 4.8 * minute for wait in waits)
    assert all(backoff(30) <= hours for _ in range(200))  # the spread never goes past the longest
    assert backoff(2, first=timedelta(minutes=30), longest=timedelta(hours=1), jitter=0) == timedelta(hours=1)
