"""LifePay's retry rule: repeat with the same ``ext_id`` until an HTTP 200 arrives.

The documented example schedule is 1, 3 and 5 minutes, then every 10 minutes. The schedule is
plain data so a long-lived queue can store an attempt number and ask for the next delay; the
helper :func:`call_until_answered` runs it in-process for short-lived callers and tests.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import count

DOCUMENTED_DELAYS = (timedelta(minutes=1), timedelta(minutes=3), timedelta(minutes=5))
DOCUMENTED_REPEAT = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    """Delays between tries: ``delays`` in order, then ``repeat`` for ever."""

    delays: tuple[timedelta, ...] = DOCUMENTED_DELAYS
    repeat: timedelta = DOCUMENTED_REPEAT

    def delay_after(self, failed_attempts: int) -> timedelta:
        """The wait before the next try, after ``failed_attempts`` (1 or more) failed tries."""
        if failed_attempts < 1:
            raise ValueError("failed_attempts starts at 1")
        if failed_attempts <= len(self.delays):
            return self.delays[failed_attempts - 1]
        return self.repeat

    def __iter__(self) -> Iterator[timedelta]:
        """Every delay in order, without end."""
        for failed_attempts in count(1):
            yield self.delay_after(failed_attempts)


def new_ext_id() -> str:
    """A fresh ``ext_id``: 32 hex characters, well inside LifePay's 50."""
    return uuid_lib.uuid4().hex
