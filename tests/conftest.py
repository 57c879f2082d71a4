"""Shared fixtures: the real mock over loopback HTTP, and sockets opened for it."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import json
import logging
import shutil
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import aiohttp
import pytest
from aiohttp import web

from custom_components.lifepay.api import CallbackNotification, LifePayClient, parse_callback
from mock_lifepay.seed import DEMO
from tests.spec_check import SpecRecorder, schema_errors

if TYPE_CHECKING:
    from playwright.async_api import Browser

    from mock_lifepay.pytest_plugin import MockHandle

pytest_plugins = ["mock_lifepay.pytest_plugin"]

# Each thing is said once (scripts/test, docs/development.md): the tests of the integration in
# Home Assistant run on every Home Assistant line; the rest (the mock, the client, the checks of
# files) cannot depend on Home Assistant's version and run once, on the first line of a run.
EVERY_LINE = ("tests/integration", "tests/e2e")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--home-assistant-only",
        action="store_true",
        help="run only the tests whose outcome can depend on Home Assistant's version: "
        f"those under {', '.join(EVERY_LINE)} and any other that asks for `hass` "
        "(scripts/test passes it on every line after the first)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--home-assistant-only"):
        return
    every_line = [config.rootpath / path for path in EVERY_LINE]
    kept: list[pytest.Item] = []
    once: list[pytest.Item] = []
    for item in items:
        needs_home_assistant = "hass" in getattr(item, "fixturenames", ()) or any(
            item.path.is_relative_to(path) for path in every_line
        )
        (kept if needs_home_assistant else once).append(item)
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = kept


@pytest.fixture(autouse=True)
def _loopback_sockets(socket_enabled: None) -> None:
    """pytest-homeassistant-custom-component blocks sockets; the tests talk to 127.0.0.1."""


@pytest.fixture
def spec_recorder() -> SpecRecorder:
    return SpecRecorder()


@pytest.fixture
async def lifepay_mock(spec_recorder: SpecRecorder) -> AsyncIterator[MockHandle]:
    """The plugin's mock, with every answer it gives checked against its OpenAPI document."""
    # Imported here: pytest must load the plugin (pytest_plugins below) before anyone imports it.
    from mock_lifepay.pytest_plugin import serve_mock  # noqa: PLC0415

    async with serve_mock(middlewares=[spec_recorder.middleware]) as handle:
        yield handle
    problems = spec_recorder.problems()
    assert not problems, "the mock answered off its OpenAPI spec:\n" + "\n".join(problems)


SECRETS_NEVER_LOGGED = (DEMO.apikey, DEMO.no_cloud_apikey)
HARNESS_LOGGER = "pytest_homeassistant_custom_component.common"


@pytest.fixture(autouse=True)
def _no_apikey_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Over the whole suite: no log record, at any level, shows an API key, and Home Assistant
    never reports a blocking call by this integration in its event loop (it only logs those)."""
    caplog.set_level(logging.DEBUG)
    yield
    # caplog.records holds the current phase only; look at set-up and the test itself too.
    records = [*caplog.get_records("setup"), *caplog.get_records("call"), *caplog.records]
    # The test harness's own storage mock logs every write in full; it is not our code.
    messages = [record.getMessage() for record in records if record.name != HARNESS_LOGGER]
    for secret in SECRETS_NEVER_LOGGED:
        assert not [m for m in messages if secret in m], "an API key was logged"
    blocking = [m for m in messages if "Detected blocking call" in m and "'lifepay'" in m]
    assert not blocking, blocking


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
def client(session: aiohttp.ClientSession, lifepay_mock: MockHandle) -> LifePayClient:
    """A client for the demo account's administrator."""
    return LifePayClient(
        session=session,
        apikey=lifepay_mock.demo.apikey,
        login=lifepay_mock.demo.admin_login,
        base_url=lifepay_mock.url,
        request_timeout=5,
    )


class CallbackReceiver:
    """A tiny HTTP server on 127.0.0.1 that records callbacks and answers as told."""

    def __init__(self) -> None:
        self.received: list[tuple[str, bytes]] = []
        self.statuses: list[int] = []
        """Statuses to answer with, in order; 200 once they run out."""
        self.delay = 0.0
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def _handle(self, request: web.Request) -> web.Response:
        self.received.append((request.headers.get("Content-Type", ""), await request.read()))
        if self.delay:
            await asyncio.sleep(self.delay)
        status = self.statuses.pop(0) if self.statuses else 200
        return web.Response(status=status, text="OK")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)
        self.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hook"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def documents(self) -> list[dict[str, Any]]:
        """The JSON document each callback carried in its ``data`` field, in any encoding."""
        return [decode_callback(content_type, body) for content_type, body in self.received]

    def notifications(self) -> list[CallbackNotification]:
        # The integration's parser reads form and JSON bodies: hand it each decoded document
        # as flat JSON, so these tests do not depend on its multipart support.
        return [
            parse_callback(json.dumps(document).encode(), "application/json")
            for document in self.documents()
        ]


def decode_callback(content_type: str, body: bytes) -> dict[str, Any]:
    """The ``data`` document of a callback, read with real parsers (no slicing of bytes)."""
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime == "multipart/form-data":
        # The stdlib MIME parser, given the request's Content-Type line as the head.
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        assert not message.defects, message.defects
        (part,) = message.iter_parts()
        assert part.get_param("name", header="content-disposition") == "data"
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        document = json.loads(payload.decode())
    elif mime == "application/x-www-form-urlencoded":
        (text,) = parse_qs(body.decode(), strict_parsing=True)["data"]
        document = json.loads(text)
    else:
        assert mime == "application/json", content_type
        document = json.loads(body)["data"]
    assert isinstance(document, dict)
    # The spec's webhook says what a callback carries: hold every callback the tests get to it.
    assert not schema_errors(document, {"$ref": "#/components/schemas/Notification"}), document
    return document


@pytest.fixture
async def receiver() -> AsyncIterator[CallbackReceiver]:
    callback_receiver = CallbackReceiver()
    await callback_receiver.start()
    yield callback_receiver
    await callback_receiver.close()


# Debian's Chromium, which .ci/run installs: nothing downloads a browser here.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """A headless Chromium for the browser tests (the mock's console, the demo)."""
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium package)")
    from playwright.async_api import async_playwright  # noqa: PLC0415 - browser tests only

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield launched
        await launched.close()
