"""How long to wait before trying again: one formula for the outbox, provider events and dossier syncs."""

import random
from datetime import timedelta


def backoff(failures: int, first=timedelta(minutes=1), longest=timedelta(hours=6), jitter=0.2) -> timedelta:
    """The wait after ``failures`` failures in a row (1: the first): ``first``, doubling each time, spread by
    ±``jitter`` so many waiting things do not all come back at once, and never longer than ``longest``."""
    wait = min(first * 2 ** min(max(failures - 1, 0), 32), longest)  # 2**32 minutes: past any longest
    if jitter:
        wait *= random.uniform(1 - jitter, 1 + jitter)  # noqa: S311  a spread, not a secret
    return min(wait, longest)
