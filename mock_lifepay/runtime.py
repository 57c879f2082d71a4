"""A running mock: the backend plus the timers that process documents and send callbacks."""

from __future__ import annotations

import asyncio
import copy
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
from .views import notification_view
from .wire import encode_callback

_LOGGER = logging.getLogger(__name__)


class MockLifePay:
    """One mock instance: state, settings, faults, journal and background work.

    Call :meth:`start` before serving and :meth:`close` after; ``close`` cancels every timer and
    delivery, so nothing outlives the instance.
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
        self._changed = asyncio.Condition()
        self.changes = ChangeFeed()
        """What the live console watches; touched on every change a person could see."""

    async def start(self) -> None:
        self.changes.reopen()
        if self._session is None:
            self._session = aiohttp.ClientSession()

    async def close(self) -> None:
        self.changes.close()
        await self._cancel_tasks()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def reset(self) -> None:
        """Forget documents, faults and the journal; restore accounts and settings."""
        await self._cancel_tasks()
        self.backend.reset()
        self.faults.clear()
        self.journal.clear()
        for setting in fields(Settings):
            initial = getattr(self._initial_settings, setting.name)
            setattr(self.settings, setting.name, copy.deepcopy(initial))
        self.changes.touch()

    async def _cancel_tasks(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def busy(self) -> bool:
        """Whether documents are being processed or notifications delivered."""
        return any(not task.done() for task in self._tasks)

    # --- the endpoint -------------------------------------------------------------------

    def create_x_report(self, body: bytes) -> Answer:
        return self.create(body, DocumentType.X_REPORT)

    def create(self, body: bytes, kind: DocumentType) -> Answer:
        """Answer a request to the endpoint of ``kind``; a new document prints later."""
        answer = self.backend.create(body, kind)
        if answer.created and answer.document is not None:
            self._spawn(self._process_later(answer.document))
            if len(self.backend.documents) > self.settings.max_documents > 0:
                self.backend.trim(self.settings.max_documents)
        return answer

    async def _process_later(self, *documents: Document) -> None:
        """Print ``documents`` in order after the processing delay, as one printer does."""
        await asyncio.sleep(self.settings.processing_delay)
        for document in documents:
            if self.backend.process(document):
                await self._status_changed(document)

    async def _status_changed(self, document: Document) -> None:
        self.changes.touch()
        async with self._changed:
            self._changed.notify_all()
        if document.callback_url:
            # The word is chosen when the status changes; retries repeat the same notification.
            word = self.settings.status_word(document.status)
            notification = notification_view(document, word)
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
                self._spawn(self._process_later(*waiting))

    def set_printer_error(self, printer: Printer, message: str | None) -> None:
        """Make every document the printer processes fail with ``message`` (``None`` clears)."""
        printer.error_message = message or None
        self.changes.touch()

    # --- callbacks ----------------------------------------------------------------------

    async def _deliver(
        self, document: Document, status: DocumentStatus, word: str, notification: dict[str, Any]
    ) -> None:
        """Send one notification; retry on anything but HTTP 200, as LifePay does."""
        assert document.callback_url is not None  # noqa: S101 - checked by the caller
        delays = self.settings.callback_retry_delays
        for attempt_number in range(1, len(delays) + 2):
            attempt = await self._send_once(document.callback_url, status, word, notification)
            attempt.attempt = attempt_number
            document.callbacks.append(attempt)
            self.changes.touch()
            async with self._changed:
                self._changed.notify_all()
            if attempt.delivered or attempt_number > len(delays):
                return
            await asyncio.sleep(delays[attempt_number - 1])

    async def _send_once(
        self, url: str, status: DocumentStatus, word: str, notification: dict[str, Any]
    ) -> CallbackAttempt:
        encoding = self.settings.callback_encoding
        body, content_type = encode_callback(notification, encoding)
        attempt = CallbackAttempt(
            status=status,
            attempt=0,
            sent_at=self.backend.clock(),
            encoding=encoding.value,
            status_word=word,
        )
        await self.start()
        assert self._session is not None  # noqa: S101 - start() made it
        try:
            async with asyncio.timeout(self.settings.callback_timeout):
                async with self._session.post(
                    url, data=body, headers={"Content-Type": content_type}
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

    # --- waiting (for tests and tools) --------------------------------------------------

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``predicate()`` is true, re-checking after every change."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(predicate)

    async def wait_until_idle(self, timeout: float = 10.0) -> None:
        """Wait until no document is being processed and no notification is in flight."""
        async with asyncio.timeout(timeout):
            # A finished task may still be in the set until its done-callback runs: skip it.
            while pending := [task for task in self._tasks if not task.done()]:
                await asyncio.wait(pending)
