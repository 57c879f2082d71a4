"""Shared fixtures: the real mock over loopback HTTP, and sockets opened for it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import aiohttp
import pytest

from custom_components.lifepay.api import LifePayClient

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle

pytest_plugins = ["mock_lifepay.pytest_plugin"]


@pytest.fixture(autouse=True)
def _loopback_sockets(socket_enabled: None) -> None:
    """pytest-homeassistant-custom-component blocks sockets; the tests talk to 127.0.0.1."""


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
