"""One LifePay account at run time: its client, printers, jobs and callback address."""

from __future__ import annotations

from dataclasses import dataclass

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
from .api.validation import check_ext_id
from .const import ANY_PRINTER, CONF_SERIAL, DOMAIN, LOGGER, SUBENTRY_PRINTER
from .errors import to_home_assistant_error
from .jobs import JobBook, PrintJob

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
        callback_url: str | None,
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.client = client
        self.callback_url = callback_url
        self.jobs = JobBook()
        self.printers = {
            subentry.subentry_id: Printer.from_subentry(subentry)
            for subentry in entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_PRINTER
        }

    @property
    def login(self) -> str:
        return self.client.login

    async def async_print(
        self,
        printer: Printer,
        *,
        test: bool = False,
        ext_id: str | None = None,
        user_data: JsonValue = None,
    ) -> tuple[PrintResult, PrintJob | None]:
        """Ask LifePay to print; a test request only checks and records no job.

        Raises a translated ``HomeAssistantError`` (``ServiceValidationError`` for bad input
        and LifePay's data errors) after recording the failure on the printer's job.
        """
        try:
            if ext_id is not None:
                check_ext_id(ext_id)
            if test:
                result = await self.client.create_x_report(
                    target_serial=printer.serial, ext_id=ext_id, test=True
                )
                self._clear_issues()
                return result, None
            job = self.jobs.new_job(printer.subentry_id, ext_id, user_data)
            try:
                result = await self.client.create_x_report(
                    target_serial=printer.serial,
                    ext_id=job.ext_id,
                    callback_url=self.callback_url,
                    callback_data=job.callback_data(),
                )
            except LifePayError as err:
                self.jobs.rejected(job, err)
                raise
        except LifePayError as err:
            self._raise_issues(err, printer)
            LOGGER.warning("X-report on %s failed: %s", printer.name, err)
            raise to_home_assistant_error(err, printer.name) from err
        assert result.uuid is not None  # noqa: S101 - the client checks it outside test mode
        self.jobs.accepted(job, result.uuid)
        self._clear_issues()
        return result, job

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
