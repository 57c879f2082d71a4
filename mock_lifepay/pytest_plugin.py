"""pytest plugin: ``lifepay_mock`` starts the mock in-process on 127.0.0.1 for one test.

``pip install "mock-lifepay[pytest]"`` registers it (the ``lifepay_mock`` entry point) and brings
pytest-asyncio, whose strict mode (the default) and auto mode both work: the fixture is declared
with ``pytest_asyncio.fixture``. In a checkout, ``pytest_plugins = ["mock_lifepay.pytest_plugin"]``.
The fixture runs in the test's event loop, so the test sees the mock's state directly; processing
is instant and callback retries come after 50 ms, so tests need not wait minutes. Under
pytest-socket (as with pytest-homeassistant-custom-component) the test must enable sockets, e.g.
with that plugin's ``socket_enabled`` fixture.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest

try:
    # pytest-asyncio's own decorator: the fixture works in its strict mode (the default) and in
    # auto mode alike, and runs in the test's event loop.
    from pytest_asyncio import fixture as async_fixture
except ImportError:  # pragma: no cover - without pytest-asyncio (see the extra "pytest")
    async_fixture = pytest.fixture  # type: ignore[assignment]

from .journal import JournalEntry
from .runtime import MockLifePay
from .seed import DEMO, DemoAccount
from .server import ENDPOINTS, Middleware, MockServer
from .settings import Settings
from .threaded import ThreadedMock, running_mock
from .verify import assert_received, pattern_of, select


@dataclass(slots=True)
class MockHandle:
    """What a test gets: the base URL, the live mock and the demo account."""

    url: str
    mock: MockLifePay
    server: MockServer
    demo: DemoAccount = DEMO

    def received(self, **criteria: Any) -> list[JournalEntry]:
        """The requests to LifePay's endpoints matching ``criteria`` (see ``assert_received``)."""
        return select(self.mock.journal.entries(), pattern_of(criteria), ENDPOINTS)

    def assert_received(self, count: int | None = None, **criteria: Any) -> list[JournalEntry]:
        """Assert that requests matching ``criteria`` came: ``count`` of them, or at least one.

        ``criteria``: ``path``, ``type`` (a :class:`DocumentType` or its value), ``login``,
        ``serial`` (the ``target_serial``), ``ext_id``, ``since`` and ``until`` (datetimes).
        On failure the message shows the requests nearest to the criteria and how they differ.
        """
        return assert_received(self.mock.journal.entries(), ENDPOINTS, count, criteria)


def fast_settings() -> Settings:
    """Settings for tests: instant printing, quick callback retries."""
    return Settings(
        processing_delay=0.0, callback_retry_delays=(0.05, 0.05, 0.05), callback_timeout=2.0
    )


@asynccontextmanager
async def serve_mock(*, middlewares: Sequence[Middleware] = ()) -> AsyncIterator[MockHandle]:
    """What the fixture serves, for fixtures of one's own (e.g. with a recording middleware)."""
    mock = MockLifePay(seed=0, companies=2, settings=fast_settings())
    server = MockServer(mock, "127.0.0.1", 0, middlewares=middlewares)
    await server.start()
    try:
        yield MockHandle(url=server.url, mock=mock, server=server)
    finally:
        await server.close()


@async_fixture
async def lifepay_mock() -> AsyncIterator[MockHandle]:
    """A running mock on ``127.0.0.1`` with a free port, closed after the test."""
    async with serve_mock() as handle:
        yield handle


@pytest.fixture
def lifepay_mock_sync() -> Iterator[ThreadedMock]:
    """For synchronous tests (requests, httpx, Django's test client): the same mock, served
    from a background thread on ``127.0.0.1``; ``.url``, ``.demo``, ``.call(fn)``,
    ``.reset()``, ``.wait_until_idle()``, ``.assert_received(...)``."""
    with running_mock(settings=fast_settings()) as handle:
        yield handle
