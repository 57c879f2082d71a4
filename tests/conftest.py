"""Shared fixtures: the real mock over loopback HTTP, and sockets opened for it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import aiohttp
import pytest
from aiohttp import web

from custom_components.lifepay.api import CallbackNotification, LifePayClient, parse_callback
from mock_lifepay.seed import DEMO

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle

pytest_plugins = ["mock_lifepay.pytest_plugin"]


@pytest.fixture(autouse=True)
def _loopback_sockets(socket_enabled: None) -> None:
    """pytest-homeassistant-custom-component blocks sockets; the tests talk to 127.0.0.1."""


SECRETS_NEVER_LOGGED = (DEMO.apikey, DEMO.no_cloud_apikey)


@pytest.fixture(autouse=True)
def _no_apikey_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Over the whole suite: no log record, at any level, shows an API key."""
    caplog.set_level(logging.DEBUG)
    yield
    for secret in SECRETS_NEVER_LOGGED:
        assert secret not in caplog.text, "an API key was logged"


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

    def notifications(self) -> list[CallbackNotification]:
        return [parse_callback(body, content_type) for content_type, body in self.received]


@pytest.fixture
async def receiver() -> AsyncIterator[CallbackReceiver]:
    callback_receiver = CallbackReceiver()
    await callback_receiver.start()
    yield callback_receiver
    await callback_receiver.close()
