"""The durable print queue: every document is sent until LifePay answers, or given up plainly.

A job is saved before its first try. A transport failure (no HTTP 200) schedules the same
request, with the same ext_id, on LifePay's schedule (1, 3, 5 minutes, then every 10); a final
answer (a non-zero code) ends it. Jobs still to be sent survive restarts and reloads: loading
the queue schedules them again. After the give-up window a job ends as failed; a job LifePay
took but never reported on ends as unconfirmed after the confirmation window.

What is written at once, before anyone is told: a new job (before it is sent), LifePay's answer
(before the action returns), a callback (before LifePay gets its 200), and every end the queue
reaches on its own. Only the try counter and the time of the next try are saved with a short
delay: a job lost there is still pending after a restart and is sent again with the same
ext_id, which LifePay answers with the first document, so nothing prints twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .api import (
    CallbackNotification,
    Cashier,
    DocumentKind,
    JsonValue,
    LifePayClient,
    LifePayError,
    LifePayTransportError,
    RetrySchedule,
)
from .const import DOMAIN, LOGGER
from .jobs import (
    AWAITING_CALLBACK_STATUSES,
    SENDING_STATUSES,
    JobBook,
    JobStatus,
    PrintJob,
)

STORAGE_VERSION = 1
SAVE_DELAY = 1.0  # seconds; changes after the first save are batched
DEFAULT_GIVE_UP_MINUTES = 120
RESTARTABLE_STATUSES = frozenset({JobStatus.REJECTED, JobStatus.FAILED})
DEFAULT_CONFIRM_HOURS = 12
"""LifePay's payment notifications are retried for about 5.5 hours; give callbacks twice that."""


class Submission(StrEnum):
    """How a request became a job; the action's response says it."""

    NEW = "new"
    REPEAT = "repeat"
    """The caller's ext_id was used before: LifePay answers with the first document."""
    RESENT = "resent"
    """The printer's last one of these never got LifePay's answer (still being sent, or given
    up): it was sent again now, with its own ext_id, instead of making a second document."""


def job_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.jobs")


class PrintQueue:
    """Sends an account's jobs and retries them; owns their timers and their storage."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: LifePayClient,
        give_up_after: timedelta,
        *,
        confirm_within: timedelta = timedelta(hours=DEFAULT_CONFIRM_HOURS),
        on_final_error: Callable[[LifePayError, PrintJob], None] = lambda _error, _job: None,
        schedule: RetrySchedule | None = None,
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.client = client
        self.give_up_after = give_up_after
        self.confirm_within = confirm_within
        self.on_final_error = on_final_error
        self.schedule = schedule or RetrySchedule()
        self.callback_url: str | None = None
        self.store = job_store(hass, entry.entry_id)
        self.jobs = JobBook(on_change=self._save_later)
        self._timers: dict[str, CALLBACK_TYPE] = {}
        self._deadlines: dict[str, CALLBACK_TYPE] = {}
        self._in_flight: set[str] = set()
        """ext_ids whose request is on its way right now."""

    async def async_load(self) -> None:
        """Restore saved jobs and schedule those still to be sent."""
        if (data := await self.store.async_load()) is not None:
            self.jobs.load(data)
        for job in self.jobs.unfinished():
            self._schedule(job, job.next_attempt_at or dt_util.utcnow())
        for job in self.jobs.awaiting_callback():
            self._expect_callback(job)

    async def async_unload(self) -> None:
        """Cancel every timer and write the jobs out; nothing keeps running."""
        for cancel in [*self._timers.values(), *self._deadlines.values()]:
            cancel()
        self._timers.clear()
        self._deadlines.clear()
        self.jobs.on_change = lambda: None
        await self.async_save()

    async def async_save(self) -> None:
        """Write the jobs now (replacing any delayed write); raises when the disk refuses."""
        await self.store.async_save(self.jobs.as_dict())

    async def async_apply_callback(
        self, notification: CallbackNotification
    ) -> tuple[PrintJob, bool]:
        """Apply an authentic callback and write it down; raises for one that is not.

        Returns the job and whether its status word meant something we know (when not, the
        job kept its state and only the word was recorded).
        """
        job = self.jobs.find_authentic(notification)
        # While LifePay still works on it (the printer waits), a fresh window from its last word.
        applied = self.jobs.apply_callback(
            job, notification, confirm_by=dt_util.utcnow() + self.confirm_within
        )
        self._expect_callback(job)
        if job.status not in SENDING_STATUSES:
            self._cancel_timer(job)
        await self.async_save()
        return job, applied

    async def async_submit(
        self,
        printer_id: str,
        target_serial: str | None,
        *,
        kind: DocumentKind = DocumentKind.X_REPORT,
        ext_id: str | None = None,
        user_data: JsonValue = None,
        cashier: Cashier | None = None,
    ) -> tuple[PrintJob, Submission]:
        """Save a job, then make its first try; say whether it is new, a repeat or resent.

        A request without an ext_id while the printer's last one of this kind has not reached
        LifePay yet sends that one now: a person pressing again because "nothing happened"
        gets one document, not two. Raises the client's error for a final answer (the job is
        then rejected). A transport failure raises nothing: the job is retrying, as its status
        shows.
        """
        waiting = self.jobs.not_through(printer_id, kind) if ext_id is None else None
        if waiting is not None and waiting.ext_id in self._in_flight:
            return waiting, Submission.RESENT  # its request is on its way already
        if waiting is not None:
            job, how = waiting, Submission.RESENT
        else:
            job, new = self.jobs.new_job(
                printer_id, target_serial, ext_id, user_data, kind=kind, cashier=cashier
            )
            how = Submission.NEW if new else Submission.REPEAT
        if how is Submission.NEW:
            await self.async_save()  # on disk before anything is sent
        elif job.status in RESTARTABLE_STATUSES:
            # Asked again after LifePay refused it or never answered: a try of its own.
            self.jobs.restart(job)
            await self.async_save()
        self._cancel_timer(job)
        # A repeated ext_id asks again: LifePay answers with the first document.
        await self._try(job, raise_final=True)
        return job, how

    async def async_send_again(self, job: PrintJob) -> None:
        """Send a job the queue gave up on, as a person asked; raises for a final answer."""
        self.jobs.restart(job)
        await self.async_save()
        await self._try(job, raise_final=True)

    async def _try(self, job: PrintJob, *, raise_final: bool) -> None:
        self.jobs.attempting(job)
        self._in_flight.add(job.ext_id)
        try:
            result = await self.client.create_document(
                job.kind,
                target_serial=job.target_serial,
                ext_id=job.ext_id,
                callback_url=self.callback_url,
                callback_data=job.callback_data(),
                cashier=job.cashier,
            )
        except LifePayTransportError as err:
            self._in_flight.discard(job.ext_id)
            await self._retry_later(job, err)
        except LifePayError as err:
            self._in_flight.discard(job.ext_id)
            if job.status in SENDING_STATUSES:
                self.jobs.rejected(job, err)
                await self.async_save()
            if raise_final:
                raise
            LOGGER.warning("LifePay refused %s %s on retry: %s", job.kind, job.ext_id, err)
            self.on_final_error(err, job)
        else:
            self._in_flight.discard(job.ext_id)
            assert result.uuid is not None  # noqa: S101 - the client checks it outside test mode
            confirm_by = dt_util.utcnow() + self.confirm_within if self.callback_url else None
            self.jobs.accepted(job, result.uuid, confirm_by)
            self._expect_callback(job)
            await self.async_save()

    async def _retry_later(self, job: PrintJob, error: LifePayError) -> None:
        if job.status not in SENDING_STATUSES:
            return  # a callback already told us what became of it
        next_attempt = dt_util.utcnow() + self.schedule.delay_after(max(job.attempts, 1))
        if next_attempt > job.requested_at + self.give_up_after:
            LOGGER.error(
                "Gave up %s %s: LifePay gave no answer in %s tries over %s; last error: %s",
                job.kind,
                job.ext_id,
                job.attempts,
                self.give_up_after,
                error,
            )
            self.jobs.failed(job, self.give_up_after, error)
            await self.async_save()
            return
        LOGGER.info(
            "%s %s: %s; trying again at %s", job.kind, job.ext_id, error, next_attempt.isoformat()
        )
        self.jobs.retrying(job, error, next_attempt)
        self._schedule(job, next_attempt)

    def _schedule(self, job: PrintJob, when: datetime) -> None:
        self._cancel_timer(job)

        @callback
        def fire(_now: datetime) -> None:
            self._timers.pop(job.ext_id, None)
            # Cancelled with the entry if it unloads mid-request.
            self.entry.async_create_background_task(
                self.hass, self._retry(job), f"{DOMAIN} retry {job.ext_id}"
            )

        self._timers[job.ext_id] = async_track_point_in_utc_time(self.hass, fire, when)

    async def _retry(self, job: PrintJob) -> None:
        if job.status in SENDING_STATUSES:
            await self._try(job, raise_final=False)

    def _cancel_timer(self, job: PrintJob) -> None:
        if (cancel := self._timers.pop(job.ext_id, None)) is not None:
            cancel()

    def _expect_callback(self, job: PrintJob) -> None:
        """End the job as unconfirmed if LifePay's callback has not come by ``confirm_by``."""
        self._cancel_deadline(job)
        if job.confirm_by is None:
            return

        @callback
        def expire(_now: datetime) -> None:
            self._deadlines.pop(job.ext_id, None)
            if job.status not in AWAITING_CALLBACK_STATUSES:
                return
            LOGGER.warning(
                "No callback from LifePay about %s %s since %s; shown as unconfirmed",
                job.kind,
                job.ext_id,
                job.updated_at.isoformat(),
            )
            self.jobs.unconfirmed(job, self.confirm_within)
            self.entry.async_create_background_task(
                self.hass, self.async_save(), f"{DOMAIN} save {job.ext_id}"
            )

        self._deadlines[job.ext_id] = async_track_point_in_utc_time(
            self.hass, expire, job.confirm_by
        )

    def _cancel_deadline(self, job: PrintJob) -> None:
        if (cancel := self._deadlines.pop(job.ext_id, None)) is not None:
            cancel()

    def _save_later(self) -> None:
        self.store.async_delay_save(self.jobs.as_dict, SAVE_DELAY)
