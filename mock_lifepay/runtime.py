"""A running mock: the backend plus the timers that process documents and send callbacks."""

from __future__ import annotations

import asyncio
import copy
import heapq
import itertools
import logging
from collections.abc import Callable, Coroutine
from dataclasses import fields
from typing import Any

import aiohttp

from .backend import Answer, Backend, Clock, utc_now
from .changes import ChangeFeed
from .faults import FaultQueue
from .journal import Journal
from .models import (
    CallbackAttempt,
    Document,
    DocumentStatus,
    DocumentType,
    Printer,
    PrinterState,
)
from .settings import Settings
from .views import notification_json
from .wire import encode_callback_text

_LOGGER = logging.getLogger(__name__)


class MockLifePay:
    """One mock instance: state, settings, faults, journal and background work.

    Call :meth:`start` before serving and :meth:`close` after; ``close`` cancels every timer and
    delivery, so nothing outlives the instance.

    Printing is a queue of documents due at their times and one loop timer for the earliest,
    not a task per document: the endpoint adds to it on every request, so it must cost little,
    and under load one timer prints many. Only callback deliveries, which wait on the network,
    are tasks.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        companies: int = 3,
        settings: Settings | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.backend = Backend(seed=seed, companies_count=companies, clock=clock)
        self.settings = settings or Settings()
        self._initial_settings = copy.deepcopy(self.settings)
        self.faults = FaultQueue()
        self.journal = Journal()
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None
        self._due: list[tuple[float, int, tuple[Document, ...]]] = []
        """A heap of (when, order, documents) the printers still have to print."""
        self._order = itertools.count()
        self._timer: asyncio.Handle | None = None
        self._timer_when = 0.0
        self._waiters: list[asyncio.Future[None]] = []
        self._client_timeout = aiohttp.ClientTimeout(total=self.settings.callback_timeout)
        self.changes = ChangeFeed()
        """What the live console watches; touched on every change a person could see."""

    async def start(self) -> None:
        self.changes.reopen()
        if self._session is None:
            self._session = aiohttp.ClientSession()

    async def close(self) -> None:
        self.changes.close()
        await self._cancel_work()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def reset(self) -> None:
        """Forget documents, faults and the journal; restore accounts and settings."""
        await self._cancel_work()
        self.backend.reset()
        self.faults.clear()
        self.journal.clear()
        for setting in fields(Settings):
            initial = getattr(self._initial_settings, setting.name)
            setattr(self.settings, setting.name, copy.deepcopy(initial))
        self.changes.touch()

    async def _cancel_work(self) -> None:
        self._due.clear()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        self._notify()

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._notify()

    def _notify(self) -> None:
        """Wake :meth:`wait_for` and :meth:`wait_until_idle`."""
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    @property
    def busy(self) -> bool:
        """Whether documents are being processed or notifications delivered."""
        return bool(self._due) or any(not task.done() for task in self._tasks)

    # --- the endpoint -------------------------------------------------------------------

    def create_x_report(self, body: bytes) -> Answer:
        return self.create(body, DocumentType.X_REPORT)

    def create(self, body: bytes, kind: DocumentType) -> Answer:
        """Answer a request to the endpoint of ``kind``; a new document prints later."""
        answer = self.accept(body, kind)
        self.print_accepted(answer)
        return answer

    def accept(self, body: bytes, kind: DocumentType) -> Answer:
        """Answer a request to the endpoint of ``kind`` without printing yet.

        Call :meth:`print_accepted` with the answer once it has left (whatever happened to
        the connection): the server answers first, then prints, in one step.
        """
        return self.backend.create(body, kind)

    def print_accepted(self, answer: Answer) -> None:
        """Start printing the document ``answer`` created, if it created one."""
        document = answer.document
        if not answer.created or document is None:
            return
        if self.settings.processing_delay <= 0 and not self._due:
            # A printer that prints at once and owes nothing: print in this step, while the
            # document is still in the processor's caches. Callbacks are tasks: they follow.
            self._print(document)
            self._notify()
        else:
            self._print_later((document,))
        if len(self.backend.documents) > self.settings.max_documents > 0:
            self.backend.trim(self.settings.max_documents)

    def _print_later(self, documents: tuple[Document, ...]) -> None:
        """Print ``documents`` in order after the processing delay, as one printer does."""
        loop = asyncio.get_running_loop()
        delay = self.settings.processing_delay
        when = loop.time() + delay
        heapq.heappush(self._due, (when, next(self._order), documents))
        self._arm(loop, when, now=delay <= 0)

    def _arm(self, loop: asyncio.AbstractEventLoop, when: float, *, now: bool) -> None:
        """Make the timer fire by ``when`` (at once when ``now``)."""
        if self._timer is not None:
            if self._timer_when <= when:
                return
            self._timer.cancel()
        self._timer_when = when
        # call_soon, not call_at(now): a timer due "now" never fires while the clock is frozen
        # (tests freeze it), since the loop only runs timers due before now plus its resolution.
        self._timer = (
            loop.call_soon(self._print_due) if now else loop.call_at(when, self._print_due)
        )

    def _print_due(self) -> None:
        """Print everything that is due, then wait for the next."""
        self._timer = None
        loop = asyncio.get_running_loop()
        now = loop.time()
        while self._due and self._due[0][0] <= now:
            _when, _order, documents = heapq.heappop(self._due)
            for document in documents:
                self._print(document)
        if self._due:
            self._arm(loop, self._due[0][0], now=False)
        self._notify()

    def _print(self, document: Document) -> None:
        if self.backend.process(document, background_sales=self.settings.background_sales):
            self._status_changed(document)

    def _status_changed(self, document: Document) -> None:
        self.changes.touch()
        if document.callback_url:
            # The word is chosen when the status changes; retries repeat the same notification.
            word = self.settings.status_word(document.status)
            notification = notification_json(document, word)
            self._spawn(self._deliver(document, document.status, word, notification))

    # --- printers -----------------------------------------------------------------------

    def set_printer_state(self, printer: Printer, state: PrinterState) -> None:
        """Change a printer's state; a printer back online prints what it owes."""
        self.backend.set_printer_state(printer, state)
        self.changes.touch()
        if printer.state is PrinterState.ONLINE:
            # In the order they came: a shift opening waiting behind a Z-report must follow it.
            waiting = self.backend.waiting_documents(printer.serial)
            if waiting:
                self._print_later(tuple(waiting))

    def set_printer_error(self, printer: Printer, message: str | None) -> None:
        """Make every document the printer processes fail with ``message`` (``None`` clears)."""
        printer.error_message = message or None
        self.changes.touch()

    # --- callbacks ----------------------------------------------------------------------

    async def _deliver(
        self, document: Document, status: DocumentStatus, word: str, notification: str
    ) -> None:
        """Send one notification; retry on anything but HTTP 200, as LifePay does."""
        assert document.callback_url is not None  # noqa: S101 - checked by the caller
        delays = self.settings.callback_retry_delays
        for attempt_number in range(1, len(delays) + 2):
            attempt = await self._send_once(document.callback_url, status, word, notification)
            attempt.attempt = attempt_number
            document.add_attempt(attempt)
            self.changes.touch()
            self._notify()
            if attempt.delivered or attempt_number > len(delays):
                return
            await asyncio.sleep(delays[attempt_number - 1])

    async def _send_once(
        self, url: str, status: DocumentStatus, word: str, notification: str
    ) -> CallbackAttempt:
        encoding = self.settings.callback_encoding
        body, content_type = encode_callback_text(notification, encoding)
        attempt = CallbackAttempt(status, 0, self.backend.timestamp(), encoding.value, word)
        session = self._session
        if session is None:
            await self.start()
            session = self._session
            assert session is not None  # noqa: S101 - start() made it
        try:
            # aiohttp's own timer for the whole exchange (it sets one anyway), not a second one.
            async with session.post(
                url,
                data=body,
                headers={
                    "Content-Type": content_type,
                    "User-Agent": self.settings.callback_user_agent,
                },
                timeout=self._timeout(),
            ) as response:
                attempt.http_status = response.status
                await response.read()
        except TimeoutError:
            attempt.error = f"no answer within {self.settings.callback_timeout:g} s"
        except aiohttp.ClientError as err:
            attempt.error = f"{type(err).__name__}: {err}"
        if not attempt.delivered:
            _LOGGER.info(
                "Callback for %s to %s failed: %s",
                status,
                url,
                attempt.error or attempt.http_status,
            )
        return attempt

    def _timeout(self) -> aiohttp.ClientTimeout:
        seconds = self.settings.callback_timeout
        if self._client_timeout.total != seconds:
            self._client_timeout = aiohttp.ClientTimeout(total=seconds)
        return self._client_timeout

    # --- waiting (for tests and tools) --------------------------------------------------

    async def _changed(self) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        await waiter

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``predicate()`` is true, re-checking after every change."""
        async with asyncio.timeout(timeout):
            while not predicate():
                await self._changed()

    async def wait_until_idle(self, timeout: float = 10.0) -> None:
        """Wait until no document is being processed and no notification is in flight."""
        async with asyncio.timeout(timeout):
            while self.busy:
                await self._changed()
