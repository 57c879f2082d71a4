"""Transport faults seen from the wire, with their journal entries."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from mock_lifepay import ENDPOINT
from mock_lifepay.faults import Fault, FaultKind
from mock_lifepay.server import LIFEPAY_CONTENT_TYPE

from .helpers import post_json

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle


async def raw_answer(
    session: aiohttp.ClientSession, url: str, payload: dict[str, Any]
) -> tuple[int, str, bytes]:
    async with session.post(url + ENDPOINT, json=payload) as response:
        return response.status, response.content_type, await response.read()


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_http_status_fault(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any], status: int
) -> None:
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=status))
    got, content_type, body = await raw_answer(session, lifepay_mock.url, valid)
    assert (got, content_type) == (status, "text/html")
    assert str(status).encode() in body
    assert lifepay_mock.mock.backend.documents == {}
    (entry,) = lifepay_mock.mock.journal.entries()
    assert (entry.fault, entry.http_status, entry.response) == ("http_status", status, None)


async def test_fault_that_still_reaches_the_backend(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any]
) -> None:
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=504, process=True))
    status, _, _ = await raw_answer(session, lifepay_mock.url, valid | {"ext_id": "through"})
    assert status == 504
    assert len(lifepay_mock.mock.backend.documents) == 1
    # The retry with the same ext_id gets the document made behind the failed gateway.
    _, answer = await post_json(session, lifepay_mock.url, valid | {"ext_id": "through"})
    assert answer["data"]["uuid"] in lifepay_mock.mock.backend.documents
    assert len(lifepay_mock.mock.backend.documents) == 1


async def test_faults_apply_in_order_and_times(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any]
) -> None:
    faults = lifepay_mock.mock.faults
    faults.add(Fault(FaultKind.EMPTY, times=2))
    faults.add(Fault(FaultKind.MALFORMED))
    answers = [await raw_answer(session, lifepay_mock.url, valid) for _ in range(4)]
    assert [body for _, _, body in answers[:2]] == [b"", b""]
    assert answers[2][2].startswith(b'{"code": 0')
    assert answers[2][2].endswith(b'"uu')
    assert answers[3][0] == 200
    assert b'"uuid"' in answers[3][2]
    assert faults.pending() == []
    assert [entry.fault for entry in lifepay_mock.mock.journal.entries()] == [
        "empty",
        "empty",
        "malformed",
        None,
    ]


async def test_forced_code(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any]
) -> None:
    lifepay_mock.mock.faults.add(Fault(FaultKind.CODE, code=500))
    lifepay_mock.mock.faults.add(Fault(FaultKind.CODE, code=400))
    _, first = await post_json(session, lifepay_mock.url, valid)
    _, second = await post_json(session, lifepay_mock.url, valid)
    assert first == {"code": 500, "message": "Внутренняя ошибка сервера.", "data": []}
    assert second["data"] == {"target_serial": ["Принтер не найден."]}
    assert lifepay_mock.mock.journal.entries()[0].response == first


async def test_delay(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any]
) -> None:
    lifepay_mock.mock.faults.add(Fault(FaultKind.DELAY, seconds=0.3))
    started = time.monotonic()
    _, answer = await post_json(session, lifepay_mock.url, valid)
    assert time.monotonic() - started >= 0.3
    assert answer["code"] == 0
    assert lifepay_mock.mock.journal.entries()[0].duration_ms >= 300


async def test_delay_without_backend_answers_500(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any]
) -> None:
    lifepay_mock.mock.faults.add(Fault(FaultKind.DELAY, seconds=0.01, process=False))
    _, answer = await post_json(session, lifepay_mock.url, valid)
    assert answer["code"] == 500
    assert lifepay_mock.mock.backend.documents == {}


async def test_drop(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any]
) -> None:
    lifepay_mock.mock.faults.add(Fault(FaultKind.DROP))
    with pytest.raises(aiohttp.ClientError):
        await raw_answer(session, lifepay_mock.url, valid)
    (entry,) = lifepay_mock.mock.journal.entries()
    assert (entry.fault, entry.http_status) == ("drop", None)
    # The server is still fine afterwards.
    _, answer = await post_json(session, lifepay_mock.url, valid)
    assert answer["code"] == 0


@pytest.mark.parametrize(
    "fault",
    [
        Fault(FaultKind.CODE, code=500),
        Fault(FaultKind.CODE, code=400),
        Fault(FaultKind.DELAY, seconds=0.01),
        Fault(FaultKind.DELAY, seconds=0.01, process=False),
        Fault(FaultKind.BODY, body='{"code": "0"}'),
        Fault(FaultKind.MALFORMED),
        Fault(FaultKind.EMPTY),
    ],
    ids=["code-500", "code-400", "delay", "delay-unprocessed", "body", "malformed", "empty"],
)
async def test_forged_answers_carry_lifepays_content_type(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any], fault: Fault
) -> None:
    lifepay_mock.mock.faults.add(fault)
    async with session.post(lifepay_mock.url + ENDPOINT, json=valid) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == LIFEPAY_CONTENT_TYPE


@pytest.mark.parametrize(("process", "code"), [(None, 0), (False, 500)])
async def test_split_sends_the_answer_in_two_pieces(
    session: aiohttp.ClientSession,
    lifepay_mock: MockHandle,
    valid: dict[str, Any],
    process: bool | None,
    code: int,
) -> None:
    """The real answer (by default) arrives as two pieces: the first is not the whole body."""
    lifepay_mock.mock.faults.add(Fault(FaultKind.SPLIT, seconds=0.1, process=process))
    async with session.post(lifepay_mock.url + ENDPOINT, json=valid) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == LIFEPAY_CONTENT_TYPE
        first = await response.content.readany()
        rest = await response.read()
    assert first
    assert rest
    answer = json.loads(first + rest)
    assert answer["code"] == code
    assert len(lifepay_mock.mock.backend.documents) == (1 if process is None else 0)
    (entry,) = lifepay_mock.mock.journal.entries()
    assert entry.fault == "split"
