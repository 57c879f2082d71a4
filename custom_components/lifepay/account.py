"""One LifePay account at run time, and the one owner of its documents' lives.

:class:`LifePayAccount` alone sends documents (as tasks owned by the config entry), arms and
cancels their timers, writes them to disk and tells Home Assistant what happened (entities,
events, repair issues). The rules of a document's life are in :class:`~.jobs.Ledger`, plain
Python; this class carries out what the ledger decides. At unload it is closed for good:
nothing of it sends, arms a timer, saves or fires an event after that.

What is on disk before anyone is told: a new document before it is sent, LifePay's answer
before the action returns, a callback before LifePay gets its 200, and every end the account
reaches on its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from . import issues, texts
from .api import (
    CallbackNotification,
    Cashier,
    DocumentKind,
    JsonValue,
    LifePayAccessDeniedError,
    LifePayAuthError,
    LifePayClient,
    LifePayCloudPrintDisabledError,
    LifePayError,
    LifePayInputError,
    LifePayTransportError,
    PrintResult,
    RetrySchedule,
)
from .api.validation import check_ext_id, check_serial
from .const import CONF_SERIAL, DOMAIN, EVENT_DOCUMENT, LOGGER, SUBENTRY_PRINTER
from .errors import storage_error, to_home_assistant_error
from .issues import Issue
from .jobs import (
    FINAL_STATUSES,
    SENDING_STATUSES,
    Change,
    JobKind,
    JobStatus,
    Ledger,
    PrintJob,
    Submission,
    net_steps,
    outcome_of,
    status_key,
)
from .sales import SaleKind, receipt_from_dict, sale_total
from .storage import JobFile, StorageError

# A document that reached LifePay: whatever was wrong with reaching it is over.
_REACHED_LIFEPAY = frozenset(
    {JobStatus.ACCEPTED, JobStatus.PROCESSED, JobStatus.AWAITING_RETRY, JobStatus.SENT}
)


class AccountClosedError(Exception):
    """The account was unloaded: it takes no more callbacks (LifePay sends them again)."""


@dataclass(frozen=True, slots=True)
class Printer:
    """A configured printer (a config subentry); no serial means "any active printer"."""

    subentry_id: str
    serial: str | None
    name: str

    @classmethod
    def from_subentry(cls, subentry: ConfigSubentry) -> Printer:
        return cls(subentry.subentry_id, subentry.data.get(CONF_SERIAL) or None, subentry.title)


@dataclass(frozen=True, slots=True)
class Sent:
    """What became of a request: its job (none in test mode) and how it was sent."""

    job: PrintJob | None
    submission: Submission | None = None
    test: bool = False


class LifePayAccount:
    """Sends one config entry's documents and remembers what became of them."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: LifePayClient,
        *,
        give_up_after: timedelta,
        confirm_within: timedelta,
        callback_url: str | None,
        callbacks_arrive: bool = True,
        schedule: RetrySchedule | None = None,
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.client = client
        self.callback_url = callback_url
        self.callbacks_arrive = callbacks_arrive
        """False when LifePay cannot post its callbacks here (a local address given to the
        real cloud): then a document LifePay took does not hold back the next press."""
        self.ledger = Ledger(give_up_after, confirm_within, schedule=schedule)
        self.printers = {
            subentry.subentry_id: Printer.from_subentry(subentry)
            for subentry in entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_PRINTER
        }
        self._file = JobFile(hass, entry.entry_id)
        self._retry_timers: dict[str, CALLBACK_TYPE] = {}
        self._deadlines: dict[str, CALLBACK_TYPE] = {}
        self._sending: dict[str, asyncio.Task[LifePayError | None]] = {}
        """The send under way for each ext_id: a second request joins it."""
        self._unsaved: list[Change] = []
        """Changes not yet on disk, so nobody was told of them yet."""
        self._listeners: dict[str, list[Callable[[], None]]] = {}
        self._unknown_status_words: set[str | None] = set()
        self._unreachable = False

    @property
    def login(self) -> str:
        return self.client.login

    @property
    def closed(self) -> bool:
        return self.ledger.closed

    # --- life of the account ----------------------------------------------------------------

    async def async_start(self) -> None:
        """Read the saved documents; end those past their window, arm the timers of the rest."""
        now = dt_util.utcnow()
        if (data := await self._file.async_load()) is not None and (
            foreign := self.ledger.load(data, now)
        ):
            LOGGER.warning(
                "%s saved documents were written by a newer version of this integration; "
                "they are kept as they are and not sent",
                foreign,
            )
        if changes := self.ledger.expire_overdue(now):
            await self._async_commit(changes)
        for job in self.ledger.unfinished():
            self._arm_retry(job, job.next_attempt_at or now)
        for job in self.ledger.awaiting_callback():
            self._arm_deadline(job)

    async def async_close(self) -> None:
        """Closed for good: no send, timer, write or event from here on."""
        self.ledger.close()
        for cancel in [*self._retry_timers.values(), *self._deadlines.values()]:
            cancel()
        self._retry_timers.clear()
        self._deadlines.clear()
        sending = list(self._sending.values())
        for task in sending:
            task.cancel()
        await asyncio.gather(*sending, return_exceptions=True)
        self._listeners.clear()
        try:  # anything a failed write left unsaved; what is sent goes again with its ext_id
            await self._file.async_save(self.ledger.as_dict)
        except StorageError as err:
            LOGGER.error("Could not save the LifePay documents at unload: %s", err)

    async def async_set_windows(self, give_up_after: timedelta, confirm_within: timedelta) -> None:
        """The account's options changed: later sends and reports use the new windows.

        As a reload would: documents still to be sent whose new window has run out end now;
        a report already awaited keeps the moment it was due by.
        """
        if self.closed:
            return
        self.ledger.give_up_after = give_up_after
        self.ledger.confirm_within = confirm_within
        if changes := self.ledger.expire_overdue(dt_util.utcnow()):
            for job in (change.job for change in changes):
                self._cancel(self._retry_timers, job)
            await self._async_commit_logged(changes)

    async def async_remove_saved(self) -> None:
        await self._file.async_remove()

    # --- requests ---------------------------------------------------------------------------

    async def async_send(
        self,
        printer: Printer,
        kind: JobKind = DocumentKind.X_REPORT,
        *,
        test: bool = False,
        ext_id: str | None = None,
        user_data: JsonValue = None,
        cashier: Cashier | None = None,
        sale: dict[str, Any] | None = None,
    ) -> Sent:
        """Ask LifePay for a document; a test request only checks and records no job.

        A sale document (``kind`` a :class:`~.sales.SaleKind`) carries ``sale``: the receipt
        as :func:`~.sales.receipt_as_dict` gives it, or ``{"amount": "500.00"}`` for cash.

        A job that meets a transport failure is retried in the background and raises nothing.
        Final answers raise a translated ``HomeAssistantError`` (``ServiceValidationError`` for
        bad input) after being recorded on the printer's job.
        """
        try:
            if ext_id is not None:
                check_ext_id(ext_id)
            if printer.serial is not None:
                check_serial(printer.serial)
            if test:
                await self._request(
                    kind,
                    sale,
                    target_serial=printer.serial,
                    ext_id=ext_id,
                    test=True,
                    cashier=cashier,
                )
                self._clear_issues(printer)
                return Sent(job=None, test=True)
        except LifePayError as err:
            self._raise_issues(err, printer)
            raise to_home_assistant_error(err, printer.name) from err
        if self.closed:
            raise HomeAssistantError(
                "The LifePay account is being reloaded",
                translation_domain=DOMAIN,
                translation_key="account_reloading",
            )
        submitted = self.ledger.submit(
            printer.subentry_id,
            kind,
            dt_util.utcnow(),
            target_serial=printer.serial,
            cashier=cashier,
            ext_id=ext_id,
            user_data=user_data,
            callbacks_arrive=self.callbacks_arrive,
            sale=sale,
        )
        try:
            await self._async_commit(submitted.changes)  # on disk before anything is sent
        except StorageError as err:
            if submitted.how is Submission.NEW:
                self._unsaved = [c for c in self._unsaved if c.job is not submitted.job]
                self.ledger.withdraw(submitted.job)
            raise storage_error(printer.name) from err
        job = submitted.job
        if job.status in SENDING_STATUSES and (task := self._start_sending(job)) is not None:
            # Shielded: a caller that gives up waiting (a script's timeout) leaves the send
            # running, owned by the config entry, so its bookkeeping always ends.
            try:
                refusal = await asyncio.shield(task)
            except asyncio.CancelledError:
                if not task.cancelled() or _cancelling():
                    raise
                refusal = None  # the account was unloaded mid-request: sent again after it
            if refusal is not None:
                raise to_home_assistant_error(refusal, printer.name) from refusal
        return Sent(job=job, submission=submitted.how)

    async def async_send_again(self, printer_id: str) -> list[LifePayError]:
        """A person sends the printer's documents that were not sent in time: each gets a fresh
        window, all are tried; returns LifePay's refusals."""
        refusals: list[LifePayError] = []
        for job in self.ledger.given_up(printer_id):
            if self.closed:
                break
            await self._async_commit(self.ledger.restart(job, dt_util.utcnow()))
            if (task := self._start_sending(job)) is not None and (
                refusal := await asyncio.shield(task)
            ) is not None:
                refusals.append(refusal)
        return refusals

    async def async_apply_callback(
        self, notification: CallbackNotification
    ) -> tuple[PrintJob, bool]:
        """Apply an authentic callback and write it down; raises for one that is not, and
        :class:`StorageError` when it could not be written (so it must not be acknowledged).

        Returns the job and whether its status word meant something we know (when not, the
        job kept its state and only the word was recorded).
        """
        if self.closed:
            raise AccountClosedError
        job = self.ledger.find_authentic(notification)
        changes = self.ledger.apply_callback(job, notification, dt_util.utcnow())
        if job.status not in SENDING_STATUSES:
            self._cancel(self._retry_timers, job)
        self._arm_deadline(job)
        await self._async_commit(changes)
        return job, notification.status is not None

    # --- sending ----------------------------------------------------------------------------

    def _start_sending(self, job: PrintJob) -> asyncio.Task[LifePayError | None] | None:
        """The task sending ``job``: the one under way, or a new one (none once closed)."""
        if (task := self._sending.get(job.ext_id)) is not None:
            return task
        if self.closed:
            return None
        self._cancel(self._retry_timers, job)
        task = self.entry.async_create_background_task(
            self.hass, self._async_try(job), f"{DOMAIN} send {job.ext_id}"
        )
        if not task.done():
            self._sending[job.ext_id] = task

            def done(_task: asyncio.Task[LifePayError | None]) -> None:
                if self._sending.get(job.ext_id) is task:
                    del self._sending[job.ext_id]

            task.add_done_callback(done)
        return task

    async def _async_try(self, job: PrintJob) -> LifePayError | None:
        """One try, if the ledger allows it; returns LifePay's refusal, if it refused."""
        try:
            send, changes = self.ledger.attempt(job, dt_util.utcnow())
            await self._async_commit(changes)
            if not send:
                return None
            try:
                result = await self._request(
                    job.kind,
                    job.sale,
                    target_serial=job.target_serial,
                    ext_id=job.ext_id,
                    callback_url=self.callback_url,
                    callback_data=job.callback_data(),
                    cashier=job.cashier,
                )
            except LifePayTransportError as err:
                self._note_unreachable(err)
                await self._async_commit(self.ledger.unanswered(job, err, dt_util.utcnow()))
                if job.status is JobStatus.RETRYING and job.next_attempt_at is not None:
                    self._arm_retry(job, job.next_attempt_at)
                return None
            except LifePayError as err:
                self._note_reachable()
                await self._async_commit(self.ledger.refused(job, err, dt_util.utcnow()))
                if not self.closed:
                    self._raise_issues(err, self._printer_of(job))
                return err
            self._note_reachable()
            assert result.uuid is not None  # noqa: S101 - the client checks it outside test mode
            changes = self.ledger.accepted(
                job,
                result.uuid,
                dt_util.utcnow(),
                callback_expected=self.callback_url is not None,
            )
            self._arm_deadline(job)
            await self._async_commit(changes)
        except StorageError as err:
            # In memory it is right; the next write that succeeds puts it on disk. A job still
            # to be sent gets a timer, so that it is not left waiting for a press.
            LOGGER.error("Could not save the LifePay documents: %s", err)
            if job.status in SENDING_STATUSES and job.ext_id not in self._retry_timers:
                self._arm_retry(job, dt_util.utcnow() + self.ledger.schedule.delay_after(1))
        return None

    async def _request(
        self,
        kind: JobKind,
        sale: dict[str, Any] | None,
        *,
        target_serial: str | None,
        ext_id: str | None,
        cashier: Cashier | None,
        test: bool = False,
        callback_url: str | None = None,
        callback_data: JsonValue = None,
    ) -> PrintResult:
        """The one request of a job's kind, through the client."""
        options: dict[str, Any] = {
            "ext_id": ext_id,
            "test": test,
            "callback_url": callback_url,
            "callback_data": callback_data,
        }
        if isinstance(kind, DocumentKind):
            return await self.client.create_document(
                kind, target_serial=target_serial, cashier=cashier, **options
            )
        if sale is None:
            raise LifePayInputError(f"A {kind.value} without its data", field="sale")
        if kind is SaleKind.RECEIPT:
            receipt = receipt_from_dict(sale)
            return await self.client.create_receipt(receipt, target_serial=target_serial, **options)
        if target_serial is None:
            raise LifePayInputError("LifePay requires the printer's serial", field="target_serial")
        send = self.client.cash_in if kind is SaleKind.CASH_IN else self.client.cash_out
        return await send(Decimal(sale["amount"]), target_serial=target_serial, **options)

    def _note_unreachable(self, error: LifePayError) -> None:
        """Said once when LifePay stops answering, not at every retry."""
        if not self._unreachable:
            self._unreachable = True
            LOGGER.info(
                "LifePay (%s) cannot be reached: %s; documents are kept and sent again",
                self.login,
                error,
            )

    def _note_reachable(self) -> None:
        if self._unreachable:
            self._unreachable = False
            LOGGER.info("LifePay (%s) can be reached again", self.login)

    # --- timers -----------------------------------------------------------------------------

    def _arm_retry(self, job: PrintJob, when: datetime) -> None:
        if self.closed:
            return
        self._cancel(self._retry_timers, job)

        @callback
        def due(_now: datetime) -> None:
            self._retry_timers.pop(job.ext_id, None)
            self._start_sending(job)  # the ledger decides whether it may still go

        self._retry_timers[job.ext_id] = async_track_point_in_utc_time(self.hass, due, when)

    def _arm_deadline(self, job: PrintJob) -> None:
        """End the job as unconfirmed if LifePay's callback has not come by ``confirm_by``."""
        self._cancel(self._deadlines, job)
        if self.closed or job.confirm_by is None:
            return

        @callback
        def due(_now: datetime) -> None:
            self._deadlines.pop(job.ext_id, None)
            if changes := self.ledger.unconfirmed(job, dt_util.utcnow()):
                LOGGER.warning(
                    "No report from LifePay about %s %s since %s; shown as unconfirmed",
                    job.kind,
                    job.ext_id,
                    job.updated_at.isoformat(),
                )
                self.entry.async_create_background_task(
                    self.hass, self._async_commit_logged(changes), f"{DOMAIN} save {job.ext_id}"
                )

        self._deadlines[job.ext_id] = async_track_point_in_utc_time(self.hass, due, job.confirm_by)

    @staticmethod
    def _cancel(timers: dict[str, CALLBACK_TYPE], job: PrintJob) -> None:
        if (cancel := timers.pop(job.ext_id, None)) is not None:
            cancel()

    # --- saving and telling -----------------------------------------------------------------

    async def _async_commit(self, changes: list[Change]) -> None:
        """Write the ledger, then tell everyone of the changes that write holds; raises
        :class:`StorageError` (and tells nobody) when it fails. Nothing at all once closed."""
        if self.closed or not (changes or self._unsaved):
            return
        self._unsaved += changes
        written: list[Change] = []

        def snapshot() -> dict[str, Any]:
            # What this write holds, taken at the moment it is written: only that is told.
            written.extend(self._unsaved)
            self._unsaved = []
            return self.ledger.as_dict()

        try:
            await self._file.async_save(snapshot)
        except StorageError:
            self._unsaved = written + self._unsaved
            raise
        if self.ledger.closed:  # unloaded while writing: the next account tells
            return
        for printer_id in dict.fromkeys(change.job.printer_id for change in written):
            for listener in list(self._listeners.get(printer_id, ())):
                listener()
        for step in net_steps(written):
            self._status_changed(step.job, step.previous, step.status)

    async def _async_commit_logged(self, changes: list[Change]) -> None:
        try:
            await self._async_commit(changes)
        except StorageError as err:
            LOGGER.error("Could not save the LifePay documents: %s", err)

    @callback
    def async_add_listener(self, printer_id: str, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` after each saved change of the printer's documents."""
        listeners = self._listeners.setdefault(printer_id, [])
        listeners.append(listener)

        @callback
        def remove() -> None:
            if listener in listeners:
                listeners.remove(listener)

        return remove

    @callback
    def _status_changed(self, job: PrintJob, previous: JobStatus | None, status: JobStatus) -> None:
        """Tell automations (the event device triggers and the logbook read) and mend issues."""
        printer = self.printers.get(job.printer_id)
        self.hass.bus.async_fire(EVENT_DOCUMENT, self.event_data(job, previous, printer, status))
        printer = printer or self._printer_of(job)
        if status in _REACHED_LIFEPAY:
            self._clear_issues(printer)
        if status is JobStatus.FAILED:
            LOGGER.warning(
                "Gave up %s %s for %s, asked for at %s: %s",
                job.kind,
                job.ext_id,
                printer.name,
                job.requested_at.isoformat(),
                texts.job_message(self.hass, job),
            )
            self._raise(Issue.GAVE_UP, printer, job)
        elif previous is JobStatus.FAILED and not self.ledger.given_up(job.printer_id):
            issues.async_clear(self.hass, Issue.GAVE_UP, printer.subentry_id)

    def event_data(
        self,
        job: PrintJob,
        previous: JobStatus | None,
        printer: Printer | None,
        status: JobStatus,
    ) -> dict[str, Any]:
        return {
            "device_id": self.device_id(job.printer_id),
            # The printer's sensor for this kind of document: the logbook links to it.
            "entity_id": er.async_get(self.hass).async_get_entity_id(
                "sensor", DOMAIN, f"{job.printer_id}_{status_key(job.kind)}_status"
            ),
            "printer": printer.name if printer else None,
            "serial": job.target_serial,
            "kind": job.kind.value,
            "document": texts.document(self.hass, job.kind),
            "status": status.value,
            "previous_status": previous.value if previous else None,
            "final": status in FINAL_STATUSES,
            "outcome": outcome.value if (outcome := outcome_of(status)) else None,
            "message": texts.job_message(self.hass, job),
            "ext_id": job.ext_id,
            "uuid": job.uuid,
            "code": job.code,
            "problem": job.problem.value if job.problem else None,
            "lifepay_message": job.message,
            "lifepay_status": job.lifepay_status,
            "callback_data": job.user_data,
            "ofd_url": job.ofd_url,
            "total": sale_total(job.sale),
        }

    def warn_unknown_status(self, word: str | None) -> None:
        """Say once per word that LifePay sent a status this integration does not know."""
        if word in self._unknown_status_words:
            return
        self._unknown_status_words.add(word)
        LOGGER.warning(
            "LifePay reported status %r, which this integration does not know; the document "
            "keeps its last known state and the word is shown in the lifepay_status attribute",
            word,
        )

    def device_id(self, printer_id: str) -> str | None:
        device = dr.async_get(self.hass).async_get_device({(DOMAIN, printer_id)})
        return device.id if device else None

    # --- reading, for entities, diagnostics and repairs -------------------------------------

    def latest(self, printer_id: str, kind: JobKind) -> PrintJob | None:
        return self.ledger.latest(printer_id, kind)

    def latest_of_any_kind(self, printer_id: str) -> PrintJob | None:
        return self.ledger.latest_of_any_kind(printer_id)

    def last_success(self, printer_id: str, kind: JobKind) -> datetime | None:
        return self.ledger.last_success(printer_id, kind)

    def shift_seen(self, printer_id: str) -> tuple[datetime, bool] | None:
        return self.ledger.shift_seen(printer_id)

    def recent_jobs(self, count: int) -> list[PrintJob]:
        return sorted(self.ledger, key=lambda job: job.requested_at)[-count:]

    # --- repair issues ----------------------------------------------------------------------

    def _printer_of(self, job: PrintJob) -> Printer:
        """The job's printer; one removed since still names something in issues."""
        return self.printers.get(job.printer_id) or Printer(
            job.printer_id, job.target_serial, job.target_serial or "?"
        )

    def _raise_issues(self, error: LifePayError, printer: Printer) -> None:
        if isinstance(error, LifePayAuthError):
            self.entry.async_start_reauth(self.hass)
        elif isinstance(error, LifePayCloudPrintDisabledError):
            self._raise(Issue.CLOUD_PRINT_DISABLED, printer)
        elif isinstance(error, LifePayAccessDeniedError):
            self._raise(Issue.ACCESS_DENIED, printer)

    def raise_refusal_issues(self, error: LifePayError) -> None:
        """A refusal of the check at set-up: cloud printing is switched off for the company."""
        if isinstance(error, LifePayCloudPrintDisabledError):
            self._raise(Issue.CLOUD_PRINT_DISABLED, Printer(self.entry.entry_id, None, ""))

    def _raise(self, issue: Issue, printer: Printer, job: PrintJob | None = None) -> None:
        placeholders = {
            "account": self.entry.title,
            "login": self.login,
            "printer": printer.name,
            "serial": printer.serial or "",
            "ext_id": job.ext_id if job else "",
            "document": texts.document(self.hass, job.kind) if job else "",
            "requested_at": texts.local_moment(job.requested_at) if job else "",
        }
        issues.async_raise(self.hass, issue, self.entry, placeholders, printer.subentry_id)

    def _clear_issues(self, printer: Printer) -> None:
        """LifePay took a request for ``printer``: the company may print, this login on it."""
        issues.async_clear(self.hass, Issue.CLOUD_PRINT_DISABLED, self.entry.entry_id)
        issues.async_clear(self.hass, Issue.ACCESS_DENIED, printer.subentry_id)


def _cancelling() -> bool:
    """Whether the current task itself is being cancelled (not only what it awaits)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
