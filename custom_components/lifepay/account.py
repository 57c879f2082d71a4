"""One LifePay account at run time: its client, printers, print queue, events and issues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

from . import issues, texts
from .api import (
    Cashier,
    DocumentKind,
    JsonValue,
    LifePayAccessDeniedError,
    LifePayAuthError,
    LifePayClient,
    LifePayCloudPrintDisabledError,
    LifePayError,
)
from .api.validation import check_ext_id, check_serial
from .const import ANY_PRINTER, CONF_SERIAL, DOMAIN, EVENT_DOCUMENT, LOGGER, SUBENTRY_PRINTER
from .errors import to_home_assistant_error
from .issues import Issue
from .jobs import JobStatus, PrintJob, outcome_of
from .queue import PrintQueue, Submission

# A document that reached LifePay: whatever was wrong with reaching it is over.
_REACHED_LIFEPAY = frozenset(
    {JobStatus.ACCEPTED, JobStatus.PROCESSED, JobStatus.AWAITING_RETRY, JobStatus.SENT}
)


@dataclass(frozen=True, slots=True)
class Printer:
    """A configured printer (a config subentry); no serial means "any active printer"."""

    subentry_id: str
    serial: str | None
    name: str

    @property
    def key(self) -> str:
        return self.serial or ANY_PRINTER

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
        give_up_after: timedelta,
        confirm_within: timedelta,
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.client = client
        self.queue = PrintQueue(
            hass,
            entry,
            client,
            give_up_after,
            confirm_within=confirm_within,
            on_final_error=self._retry_refused,
        )
        self.jobs = self.queue.jobs
        self.jobs.on_status = self._status_changed
        self._unknown_status_words: set[str | None] = set()
        self.printers = {
            subentry.subentry_id: Printer.from_subentry(subentry)
            for subentry in entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_PRINTER
        }

    @property
    def login(self) -> str:
        return self.client.login

    @property
    def callback_url(self) -> str | None:
        return self.queue.callback_url

    async def async_send(
        self,
        printer: Printer,
        kind: DocumentKind = DocumentKind.X_REPORT,
        *,
        test: bool = False,
        ext_id: str | None = None,
        user_data: JsonValue = None,
        cashier: Cashier | None = None,
    ) -> Sent:
        """Ask LifePay for a document; a test request only checks and records no job.

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
                await self.client.create_document(
                    kind, target_serial=printer.serial, ext_id=ext_id, test=True, cashier=cashier
                )
                self._clear_issues(printer)
                return Sent(job=None, test=True)
            job, submission = await self.queue.async_submit(
                printer.subentry_id,
                printer.serial,
                kind=kind,
                ext_id=ext_id,
                user_data=user_data,
                cashier=cashier,
            )
        except LifePayError as err:
            self._raise_issues(err, printer)
            LOGGER.warning("%s on %s failed: %s", kind, printer.name, err)
            raise to_home_assistant_error(err, printer.name) from err
        return Sent(job=job, submission=submission)

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

    # --- what follows a change of a job's status --------------------------------------------

    @callback
    def _status_changed(self, job: PrintJob, previous: JobStatus | None) -> None:
        """Tell automations (the event device triggers and the logbook read) and mend issues."""
        printer = self.printers.get(job.printer_id)
        self.hass.bus.async_fire(EVENT_DOCUMENT, self.event_data(job, previous, printer))
        printer = printer or self._unknown_printer(job)
        if job.status in _REACHED_LIFEPAY:
            self._clear_issues(printer)
        if job.status is JobStatus.FAILED:
            self._raise(Issue.GAVE_UP, printer, job)
        elif previous is JobStatus.FAILED:  # sent again, or LifePay had it after all
            issues.async_clear(self.hass, Issue.GAVE_UP, printer.subentry_id)

    def event_data(
        self, job: PrintJob, previous: JobStatus | None, printer: Printer | None
    ) -> dict[str, Any]:
        return {
            "device_id": self.device_id(job.printer_id),
            # The printer's sensor for this kind of document: the logbook links to it.
            "entity_id": er.async_get(self.hass).async_get_entity_id(
                "sensor", DOMAIN, f"{job.printer_id}_{job.kind.value}_status"
            ),
            "printer": printer.name if printer else None,
            "serial": job.target_serial,
            "kind": job.kind.value,
            "document": texts.document(self.hass, job.kind),
            "status": job.status.value,
            "previous_status": previous.value if previous else None,
            "final": job.final,
            "outcome": outcome.value if (outcome := outcome_of(job.status)) else None,
            "message": texts.job_message(self.hass, job),
            "ext_id": job.ext_id,
            "uuid": job.uuid,
            "code": job.code,
            "problem": job.problem.value if job.problem else None,
            "lifepay_message": job.message,
            "lifepay_status": job.lifepay_status,
            "callback_data": job.user_data,
        }

    def _unknown_printer(self, job: PrintJob) -> Printer:
        """A job whose printer was removed since: issues still name something."""
        return Printer(job.printer_id, job.target_serial, job.target_serial or "?")

    def _retry_refused(self, error: LifePayError, job: PrintJob) -> None:
        """A retry met a final answer: the same re-authentication or repair as a first try."""
        self._raise_issues(error, self.printers.get(job.printer_id) or self._unknown_printer(job))

    def _raise_issues(self, error: LifePayError, printer: Printer) -> None:
        if isinstance(error, LifePayAuthError):
            self.entry.async_start_reauth(self.hass)
        elif isinstance(error, LifePayCloudPrintDisabledError):
            self._raise(Issue.CLOUD_PRINT_DISABLED, printer)
        elif isinstance(error, LifePayAccessDeniedError):
            self._raise(Issue.ACCESS_DENIED, printer)

    def _raise(self, issue: Issue, printer: Printer, job: PrintJob | None = None) -> None:
        placeholders = {
            "account": self.entry.title,
            "login": self.login,
            "printer": printer.name,
            "serial": printer.serial or "",
            "ext_id": job.ext_id if job else "",
            "document": texts.document(self.hass, job.kind) if job else "",
        }
        issues.async_raise(self.hass, issue, self.entry, placeholders, printer.subentry_id)

    def _clear_issues(self, printer: Printer) -> None:
        """LifePay took a request for ``printer``: the company may print, this login on it."""
        issues.async_clear(self.hass, Issue.CLOUD_PRINT_DISABLED, self.entry.entry_id)
        issues.async_clear(self.hass, Issue.ACCESS_DENIED, printer.subentry_id)
