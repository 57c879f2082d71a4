"""One LifePay account at run time: its client, printers, print queue and issues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .api import (
    JsonValue,
    LifePayAccessDeniedError,
    LifePayAuthError,
    LifePayClient,
    LifePayCloudPrintDisabledError,
    LifePayError,
    PrintResult,
)
from .api.validation import check_ext_id, check_serial
from .const import ANY_PRINTER, CONF_SERIAL, DOMAIN, LOGGER, SUBENTRY_PRINTER
from .errors import to_home_assistant_error
from .jobs import JobStatus, PrintJob
from .queue import PrintQueue

ISSUE_CLOUD_PRINT_DISABLED = "cloud_print_disabled"
ISSUE_ACCESS_DENIED = "access_denied"


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


def issue_id(kind: str, entry: ConfigEntry) -> str:
    return f"{kind}_{entry.entry_id}"


class LifePayAccount:
    """Prints X-reports for one config entry and remembers what became of them."""

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

    async def async_print(
        self,
        printer: Printer,
        *,
        test: bool = False,
        ext_id: str | None = None,
        user_data: JsonValue = None,
    ) -> tuple[PrintResult, PrintJob | None]:
        """Ask LifePay to print; a test request only checks and records no job.

        A job that meets a transport failure is retried in the background and raises nothing.
        Final answers raise a translated ``HomeAssistantError`` (``ServiceValidationError`` for
        bad input and LifePay's data errors) after being recorded on the printer's job.
        """
        try:
            if ext_id is not None:
                check_ext_id(ext_id)
            if printer.serial is not None:
                check_serial(printer.serial)
            if test:
                result = await self.client.create_x_report(
                    target_serial=printer.serial, ext_id=ext_id, test=True
                )
                self._clear_issues()
                return result, None
            job = await self.queue.async_submit(
                printer.subentry_id, printer.serial, ext_id=ext_id, user_data=user_data
            )
        except LifePayError as err:
            self._raise_issues(err, printer)
            LOGGER.warning("X-report on %s failed: %s", printer.name, err)
            raise to_home_assistant_error(err, printer.name) from err
        if job.status is not JobStatus.RETRYING:
            self._clear_issues()
        return PrintResult(uuid=job.uuid, ext_id=job.ext_id, test=False), job

    def warn_unknown_status(self, word: str | None) -> None:
        """Say once per word that LifePay sent a status this integration does not know."""
        if word in self._unknown_status_words:
            return
        self._unknown_status_words.add(word)
        LOGGER.warning(
            "LifePay reported status %r, which this integration does not know; the report "
            "keeps its last known state and the word is shown in the lifepay_status attribute",
            word,
        )

    def _retry_refused(self, error: LifePayError, job: PrintJob) -> None:
        """A retry met a final answer: the same re-authentication or repair as a first try."""
        printer = self.printers.get(job.printer_id)
        self._raise_issues(error, printer or Printer(job.printer_id, job.target_serial, "?"))

    def _raise_issues(self, error: LifePayError, printer: Printer) -> None:
        if isinstance(error, LifePayAuthError):
            self.entry.async_start_reauth(self.hass)
        elif isinstance(error, LifePayCloudPrintDisabledError):
            self._create_issue(ISSUE_CLOUD_PRINT_DISABLED, printer)
        elif isinstance(error, LifePayAccessDeniedError):
            self._create_issue(ISSUE_ACCESS_DENIED, printer)

    def _create_issue(self, kind: str, printer: Printer) -> None:
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id(kind, self.entry),
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=kind,
            translation_placeholders={"login": self.login, "printer": printer.name},
        )

    def _clear_issues(self) -> None:
        for kind in (ISSUE_CLOUD_PRINT_DISABLED, ISSUE_ACCESS_DENIED):
            ir.async_delete_issue(self.hass, DOMAIN, issue_id(kind, self.entry))
