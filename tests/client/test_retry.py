"""The documented retry rule, run against the mock's transport faults."""

from __future__ import annotations

from datetime import timedelta
from itertools import islice
from typing import TYPE_CHECKING

import pytest

from custom_components.lifepay.api import (
    LifePayClient,
    LifePayTransportError,
    RetrySchedule,
    new_ext_id,
)
from mock_lifepay.faults import Fault, FaultKind

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle


def test_documented_schedule() -> None:
    minutes = [delay / timedelta(minutes=1) for delay in islice(RetrySchedule(), 7)]
    assert minutes == [1, 3, 5, 10, 10, 10, 10]


def test_custom_schedule_and_bad_attempt() -> None:
    schedule = RetrySchedule(delays=(timedelta(seconds=1),), repeat=timedelta(seconds=2))
    assert schedule.delay_after(1) == timedelta(seconds=1)
    assert schedule.delay_after(5) == timedelta(seconds=2)
    with pytest.raises(ValueError, match="starts at 1"):
        schedule.delay_after(0)


def test_new_ext_id_is_unique_and_short() -> None:
    ids = {new_ext_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(len(ext_id) <= 50 for ext_id in ids)


@pytest.mark.parametrize("process", [False, True])
async def test_the_same_ext_id_until_answered_makes_one_document(
    client: LifePayClient, lifepay_mock: MockHandle, process: bool
) -> None:
    """Three gateway failures, then success, repeated as the rule says (the integration's
    account does this with timers): one document, whatever the gateway did."""
    mock = lifepay_mock.mock
    mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=502, process=process))
    mock.faults.add(Fault(FaultKind.DROP, process=process))
    mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=504, process=process))
    ext_id = new_ext_id()
    waits = []
    for failed, delay in enumerate(RetrySchedule(), start=1):
        try:
            result = await client.create_x_report(ext_id=ext_id)
        except LifePayTransportError:
            waits.append(delay / timedelta(minutes=1))
            assert failed < 10
            continue
        break
    assert waits == [1, 3, 5]
    assert result.uuid is not None
    assert list(mock.backend.documents) == [result.uuid]
    bodies = [entry.body for entry in mock.journal.entries()]
    assert len(bodies) == 4
    assert all(f'"ext_id": "{ext_id}"' in body for body in bodies)
