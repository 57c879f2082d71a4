"""Verification as WireMock's ``verify``: the journal filtered and counted, and assert_received."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from mock_lifepay import DocumentType

from .helpers import control, post_json

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle

X = "/cloud-print/create-x-report"
Z = "/cloud-print/create-z-report"


async def send_three(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any]
) -> None:
    demo = lifepay_mock.demo
    await post_json(session, lifepay_mock.url, valid | {"ext_id": "evening-1"}, endpoint=X)
    await post_json(session, lifepay_mock.url, valid | {"target_serial": demo.printers[1]}, Z)
    shop = {"apikey": demo.apikey, "login": demo.shop_login, "test": 1}
    await post_json(session, lifepay_mock.url, shop, endpoint=X)


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("", 3),
        (f"?path={X}", 2),
        ("?type=z_report", 1),
        ("?type=open_shift", 0),
        ("?login=79990000001", 2),
        ("?login=79990000002&path=/cloud-print/create-x-report", 1),
        ("?serial=00106304012798", 1),
        ("?ext_id=evening-1", 1),
        ("?ext_id=evening-2", 0),
        ("?since=2000-01-01T00:00:00Z", 3),
        ("?until=2000-01-01T00:00:00", 0),
    ],
)
async def test_the_journal_filtered_and_counted(
    session: aiohttp.ClientSession,
    lifepay_mock: MockHandle,
    valid: dict[str, Any],
    query: str,
    count: int,
) -> None:
    await send_three(session, lifepay_mock, valid)
    base = lifepay_mock.url + "/_mock/journal"
    status, entries = await control(session, "GET", base + query)
    assert status == 200
    assert len(entries) == count
    assert await control(session, "GET", base + "/count" + query) == (200, {"count": count})


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?colour=red", "unknown filters ['colour']"),
        ("?type=invoice", "type must be one of"),
        ("?since=yesterday", "since must be an ISO 8601 date and time"),
    ],
)
async def test_bad_journal_filters(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, query: str, message: str
) -> None:
    for path in ("/_mock/journal", "/_mock/journal/count"):
        status, body = await control(session, "GET", lifepay_mock.url + path + query)
        assert status == 400
        assert message in body["error"]


async def test_assert_received_counts_and_explains_a_miss(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any]
) -> None:
    started = datetime.now(UTC) - timedelta(seconds=1)
    await send_three(session, lifepay_mock, valid)
    (entry,) = lifepay_mock.assert_received(type="z_report", serial=lifepay_mock.demo.printers[1])
    assert entry.path == Z
    lifepay_mock.assert_received(count=2, path=X)
    lifepay_mock.assert_received(count=3, since=started)
    assert len(lifepay_mock.received(type=DocumentType.X_REPORT, login=valid["login"])) == 1

    with pytest.raises(AssertionError) as missed:
        lifepay_mock.assert_received(path=X, ext_id="evening-2")
    text = str(missed.value)
    assert text.startswith(
        "expected at least 1 request matching "
        "{'path': '/cloud-print/create-x-report', 'ext_id': 'evening-2'}, found 0 (of 3"
    ), text
    nearest = text.split("nearest requests:\n", 1)[1].splitlines()
    # The two X-reports are nearest (one criterion off, newest first), then the Z-report.
    assert ["differs in ext_id)" in line for line in nearest] == [True, True, False]
    assert '"evening-1"' in nearest[1]
    assert "create-z-report (differs in path, ext_id)" in nearest[2]

    with pytest.raises(AssertionError, match=r"expected 1 request\(s\) .* found 2"):
        lifepay_mock.assert_received(count=1, path=X)


async def test_assert_received_on_an_empty_journal(lifepay_mock: MockHandle) -> None:
    with pytest.raises(AssertionError, match="the journal is empty"):
        lifepay_mock.assert_received(type="x_report")
