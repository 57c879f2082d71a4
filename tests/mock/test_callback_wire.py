"""Callbacks on the wire: the three encodings byte for byte, and the status words.

LifePay's own sender (GuzzleHttp) posts ``multipart/form-data`` with one field ``data``; the
mock does so by default, and can post a urlencoded form or JSON instead. The words in the
document's ``status`` can be switched to those of LifePay's payment notifications.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import json
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
from aiohttp import web

from mock_lifepay import CallbackEncoding, PrinterState
from tests.conftest import decode_callback

from .helpers import post_json

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle
    from tests.conftest import CallbackReceiver

CALLBACK_DATA = {"token": "s3cret", "кассир": "Иванов И. И."}


async def print_one(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, callback_url: str, ext_id: str
) -> str:
    """Ask for an X-report over HTTP and wait until its callbacks are delivered."""
    payload = {
        "apikey": lifepay_mock.demo.apikey,
        "login": lifepay_mock.demo.admin_login,
        "target_serial": lifepay_mock.demo.printers[0],
        "ext_id": ext_id,
        "callback_url": callback_url,
        "callback_data": CALLBACK_DATA,
    }
    _, answer = await post_json(session, lifepay_mock.url, payload)
    await lifepay_mock.mock.wait_until_idle()
    uuid: str = answer["data"]["uuid"]
    return uuid


async def control(
    session: aiohttp.ClientSession, method: str, url: str, payload: Any = None
) -> tuple[int, Any]:
    async with session.request(method, url, json=payload) as response:
        return response.status, await response.json()


def guzzle_multipart(boundary: str, value: bytes) -> bytes:
    """GuzzleHttp's framing of one field ``data``, written out independently of the mock."""
    return (
        b"--" + boundary.encode() + b"\r\n"
        b'Content-Disposition: form-data; name="data"\r\n'
        b"Content-Length: " + str(len(value)).encode() + b"\r\n"
        b"\r\n" + value + b"\r\n"
        b"--" + boundary.encode() + b"--\r\n"
    )


async def test_multipart_is_the_default_and_framed_as_guzzle_frames_it(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, receiver: CallbackReceiver
) -> None:
    assert lifepay_mock.mock.settings.callback_encoding is CallbackEncoding.MULTIPART
    receiver.statuses = [500]  # two tries: each is a request of its own
    uuid = await print_one(session, lifepay_mock, receiver.url, "multipart-1")

    boundaries = []
    for content_type, body in receiver.received:
        match = re.fullmatch(r"multipart/form-data; boundary=([0-9a-f]{40})", content_type)
        assert match, content_type
        boundaries.append(match.group(1))
        document = decode_callback(content_type, body)
        text = json.dumps(document, ensure_ascii=False).encode()
        assert body == guzzle_multipart(match.group(1), text)
        assert "Документ обработан.".encode() in body  # raw UTF-8, not \u escapes
        assert b"Content-Type" not in body  # no per-part type, as for Guzzle's text fields

    assert len(set(boundaries)) == 2  # a fresh random boundary per request
    document = lifepay_mock.mock.backend.documents[uuid]
    assert decode_callback(*receiver.received[0]) == {
        "uuid": uuid,
        "ext_id": "multipart-1",
        "type": "x_report",
        "status": "processed",
        "message": "Документ обработан.",
        "target_serial": lifepay_mock.demo.printers[0],
        "created_at": document.created_at.isoformat(),
        "updated_at": document.updated_at.isoformat(),
        "callback_data": CALLBACK_DATA,
    }


async def test_multipart_part_headers_through_the_stdlib_parser(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, receiver: CallbackReceiver
) -> None:
    await print_one(session, lifepay_mock, receiver.url, "multipart-2")
    ((content_type, body),) = receiver.received
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    (part,) = message.iter_parts()
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert list(part.items()) == [
        ("Content-Disposition", 'form-data; name="data"'),
        ("Content-Length", str(len(payload))),
    ]


@pytest.mark.parametrize(
    ("encoding", "content_type", "body_start"),
    [
        ("form", "application/x-www-form-urlencoded", b"data=%7B%22uuid%22"),
        ("json", "application/json; charset=utf-8", b'{"data": {"uuid": '),
    ],
)
async def test_form_and_json_bytes(
    session: aiohttp.ClientSession,
    lifepay_mock: MockHandle,
    receiver: CallbackReceiver,
    encoding: str,
    content_type: str,
    body_start: bytes,
) -> None:
    status, _ = await control(
        session, "PATCH", lifepay_mock.url + "/_mock/settings", {"callback_encoding": encoding}
    )
    assert status == 200
    uuid = await print_one(session, lifepay_mock, receiver.url, f"{encoding}-1")
    ((got_type, body),) = receiver.received
    assert got_type == content_type
    assert body.startswith(body_start)
    document = decode_callback(got_type, body)
    assert (document["uuid"], document["status"]) == (uuid, "processed")
    assert document["callback_data"] == CALLBACK_DATA


class AiohttpReceiver:
    """A receiver that reads callbacks as an aiohttp web app does (``post()``, ``json()``)."""

    def __init__(self) -> None:
        self.documents: list[dict[str, Any]] = []
        self.user_agents: list[str | None] = []
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.user_agents.append(request.headers.get("User-Agent"))
        if request.content_type == "application/json":
            data = (await request.json())["data"]
        else:
            form = await request.post()
            (data,) = form.getall("data")
            assert isinstance(data, str)  # a text field, not a file
            data = json.loads(data)
        self.documents.append(data)
        return web.Response(text="OK")


@pytest.fixture
async def aiohttp_receiver() -> AsyncIterator[AiohttpReceiver]:
    receiver = AiohttpReceiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert isinstance(server, asyncio.Server)
    receiver.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hook"
    yield receiver
    await runner.cleanup()


@pytest.mark.parametrize("encoding", list(CallbackEncoding))
async def test_every_encoding_reads_with_aiohttps_own_parsers(
    session: aiohttp.ClientSession,
    lifepay_mock: MockHandle,
    aiohttp_receiver: AiohttpReceiver,
    encoding: CallbackEncoding,
) -> None:
    lifepay_mock.mock.settings.callback_encoding = encoding
    uuid = await print_one(session, lifepay_mock, aiohttp_receiver.url, "aiohttp-1")
    (document,) = aiohttp_receiver.documents
    assert (document["uuid"], document["status"]) == (uuid, "processed")
    assert document["message"] == "Документ обработан."
    assert document["callback_data"] == CALLBACK_DATA
    status, view = await control(session, "GET", f"{lifepay_mock.url}/_mock/documents/{uuid}")
    assert status == 200
    assert [(c["encoding"], c["delivered"]) for c in view["callbacks"]] == [(encoding, True)]


async def test_callbacks_carry_lifepays_user_agent_or_the_one_set(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, aiohttp_receiver: AiohttpReceiver
) -> None:
    await print_one(session, lifepay_mock, aiohttp_receiver.url, "agent-1")
    agent = "GuzzleHttp/7.8 curl/8.5.0 PHP/8.2.7"
    status, settings = await control(
        session, "PATCH", lifepay_mock.url + "/_mock/settings", {"callback_user_agent": agent}
    )
    assert (status, settings["callback_user_agent"]) == (200, agent)
    await print_one(session, lifepay_mock, aiohttp_receiver.url, "agent-2")
    assert aiohttp_receiver.user_agents == ["GuzzleHttp/7", agent]
    status, refused = await control(
        session, "PATCH", lifepay_mock.url + "/_mock/settings", {"callback_user_agent": "a\nb"}
    )
    assert (status, "callback_user_agent must be" in refused["error"]) == (400, True)


# --- status words --------------------------------------------------------------------------


async def statuses_on_the_wire(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, receiver: CallbackReceiver
) -> tuple[list[str], list[dict[str, Any]]]:
    """Print three documents: awaiting retry then processed, then one error.

    Return the words the callbacks carried and the callback tries the mock recorded.
    """
    mock = lifepay_mock.mock
    printer = mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    mock.set_printer_state(printer, PrinterState.OFFLINE)
    first = await print_one(session, lifepay_mock, receiver.url, "words-1")
    mock.set_printer_state(printer, PrinterState.ONLINE)
    await mock.wait_until_idle()
    mock.set_printer_state(printer, PrinterState.SHIFT_CLOSED)
    second = await print_one(session, lifepay_mock, receiver.url, "words-2")
    attempts = []
    for uuid in (first, second):
        _, view = await control(session, "GET", f"{lifepay_mock.url}/_mock/documents/{uuid}")
        attempts += view["callbacks"]
    return [document["status"] for document in receiver.documents()], attempts


@pytest.mark.parametrize(
    ("words", "shown", "on_the_wire"),
    [
        (None, {}, ["awaiting_retry", "processed", "error"]),
        ("document", {}, ["awaiting_retry", "processed", "error"]),
        (
            "payment",
            {"processed": "success", "error": "fail"},
            ["awaiting_retry", "success", "fail"],
        ),
        (
            {"processed": "printing", "awaiting_retry": "В очереди"},
            {"processed": "printing", "awaiting_retry": "В очереди"},
            ["В очереди", "printing", "error"],
        ),
        ({}, {}, ["awaiting_retry", "processed", "error"]),
    ],
    ids=["default", "document", "payment", "mapping", "empty"],
)
async def test_status_words(
    session: aiohttp.ClientSession,
    lifepay_mock: MockHandle,
    receiver: CallbackReceiver,
    words: Any,
    shown: dict[str, str],
    on_the_wire: list[str],
) -> None:
    settings_url = lifepay_mock.url + "/_mock/settings"
    if words is not None:
        # Start from another mapping, so that "document" and {} must undo it.
        await control(session, "PATCH", settings_url, {"callback_status_words": {"error": "x"}})
        status, patched = await control(
            session, "PATCH", settings_url, {"callback_status_words": words}
        )
        assert (status, patched["callback_status_words"]) == (200, shown)
    _, settings = await control(session, "GET", settings_url)
    assert settings["callback_status_words"] == shown

    wire, attempts = await statuses_on_the_wire(session, lifepay_mock, receiver)

    assert wire == on_the_wire
    assert [(a["status"], a["status_word"], a["encoding"]) for a in attempts] == [
        (status, word, "multipart")
        for status, word in zip(["awaiting_retry", "processed", "error"], on_the_wire, strict=True)
    ]


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("paymnet", "unknown preset 'paymnet'"),
        ({"queued": "new"}, "'queued' is not a notified status"),
        ({"success": "processed"}, "'success' is not a notified status"),
        ({"processed": 1}, "callback_status_words['processed'] must be non-empty text"),
        ({"error": None}, "callback_status_words['error'] must be non-empty text"),
        ({"error": ""}, "callback_status_words['error'] must be non-empty text"),
        (["payment"], "a preset name or an object mapping statuses to words"),
        (None, "a preset name or an object mapping statuses to words"),
    ],
)
async def test_invalid_status_words_change_nothing(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, words: Any, message: str
) -> None:
    url = lifepay_mock.url + "/_mock/settings"
    await control(session, "PATCH", url, {"callback_status_words": "payment"})
    _, before = await control(session, "GET", url)
    status, body = await control(
        session, "PATCH", url, {"callback_encoding": "json", "callback_status_words": words}
    )
    assert status == 400
    assert message in body["error"]
    assert (await control(session, "GET", url))[1] == before


async def test_settings_defaults_patch_and_reset(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    base = lifepay_mock.url + "/_mock"
    _, settings = await control(session, "GET", base + "/settings")
    assert (settings["callback_encoding"], settings["callback_status_words"]) == ("multipart", {})
    patch = {"callback_encoding": "form", "callback_status_words": {"error": "fail"}}
    status, patched = await control(session, "PATCH", base + "/settings", patch)
    assert status == 200
    assert patched | patch == patched
    status, back = await control(
        session, "PATCH", base + "/settings", {"callback_encoding": "multipart"}
    )
    assert (status, back["callback_encoding"]) == (200, "multipart")
    async with session.post(base + "/reset") as response:
        assert response.status == 204
    assert (await control(session, "GET", base + "/settings"))[1] == settings
