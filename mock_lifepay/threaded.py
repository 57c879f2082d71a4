"""The mock on a thread of its own, for synchronous tests and tools.

``requests``, ``httpx``'s sync client, Django's test client or a plain ``urllib`` test cannot run
the mock in their own event loop (they have none): :func:`running_mock` serves it from a
background thread on ``127.0.0.1`` and gives its URL; the mock's state is reached through
:meth:`ThreadedMock.call`, which runs a function in the mock's own thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any

from .journal import JournalEntry
from .runtime import MockLifePay
from .seed import DEMO, DemoAccount
from .server import ENDPOINTS, MockServer
from .settings import Settings
from .verify import assert_received

START_TIMEOUT = 30.0


class ThreadedMock:
    """A mock served from a background thread; every method is safe to call from any thread."""

    def __init__(self, server: MockServer, loop: asyncio.AbstractEventLoop) -> None:
        self.server = server
        self.mock: MockLifePay = server.mock
        """The live mock: read it through :meth:`call`, as it belongs to another thread."""
        self.url = server.url
        self.demo: DemoAccount = DEMO
        self._loop = loop

    def call[T](self, function: Callable[[], T], timeout: float = 10.0) -> T:
        """Run ``function()`` in the mock's thread and return what it returns."""

        async def run() -> T:
            return function()

        return self._await(run(), timeout)

    def _await[T](self, coroutine: Coroutine[Any, Any, T], timeout: float) -> T:
        future: Future[T] = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout)

    def reset(self) -> None:
        """As ``POST /_mock/reset``."""
        self._await(self.mock.reset(), 10.0)

    def wait_until_idle(self, timeout: float = 10.0) -> None:
        """Until every document is printed and every callback delivered (or given up)."""
        self._await(self.mock.wait_until_idle(timeout), timeout + 1)

    def journal(self) -> list[JournalEntry]:
        return self.call(self.mock.journal.entries)

    def assert_received(self, count: int | None = None, **criteria: Any) -> list[JournalEntry]:
        """As the ``lifepay_mock`` fixture's: requests matching ``criteria`` came."""
        return assert_received(self.journal(), ENDPOINTS, count, criteria)


@contextmanager
def running_mock(
    *,
    seed: int = 0,
    companies: int = 2,
    settings: Settings | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[ThreadedMock]:
    """Serve a mock from a background thread until the block ends.

    ``with running_mock() as lifepay: requests.post(lifepay.url + "/cloud-print/...", ...)``
    """
    loop = asyncio.new_event_loop()
    mock = MockLifePay(seed=seed, companies=companies, settings=settings)
    server = MockServer(mock, host, port)
    thread = threading.Thread(target=loop.run_forever, name="mock-lifepay", daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(server.start(), loop).result(START_TIMEOUT)
        try:
            yield ThreadedMock(server, loop)
        finally:
            asyncio.run_coroutine_threadsafe(server.close(), loop).result(START_TIMEOUT)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(START_TIMEOUT)
        loop.close()
