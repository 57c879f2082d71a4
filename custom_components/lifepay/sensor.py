"""Per printer: what each document of the fiscal day did, the last receipt and the last cash
movement, the shift as the documents sent from Home Assistant show it, when reports last
printed, and the last message in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntityDescription,
)
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import LifePayConfigEntry, texts
from .account import LifePayAccount, Printer
from .api import DocumentKind
from .entity import LifePayPrinterEntity
from .jobs import JobKind, JobStatus, PrintJob
from .sales import SaleKind

PARALLEL_UPDATES = 0

SHIFT_OPEN = "open"
SHIFT_CLOSED = "closed"
# Before any document says which: LifePay cannot be asked, so the sensor says so in words
# (and its ``known_from`` attribute says how to learn it) rather than Home Assistant's unknown.
SHIFT_UNKNOWN_YET = "unknown_yet"


@dataclass(frozen=True, kw_only=True)
class DocumentSensorDescription(SensorEntityDescription):
    kind: DocumentKind


STATUSES = tuple(
    DocumentSensorDescription(
        key=f"{kind.value}_status",
        translation_key=f"{kind.value}_status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in JobStatus],
        kind=kind,
    )
    for kind in DocumentKind
)


@dataclass(frozen=True, kw_only=True)
class SaleSensorDescription(SensorEntityDescription):
    kinds: tuple[JobKind, ...]


SALE_STATUSES = (
    SaleSensorDescription(
        key="receipt_status",
        translation_key="receipt_status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in JobStatus],
        kinds=(SaleKind.RECEIPT,),
    ),
    SaleSensorDescription(
        key="cash_status",
        translation_key="cash_status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in JobStatus],
        kinds=(SaleKind.CASH_IN, SaleKind.CASH_OUT),
    ),
)
LAST_PRINTED = (
    DocumentSensorDescription(
        key="last_x_report",
        translation_key="last_x_report",
        device_class=SensorDeviceClass.TIMESTAMP,
        kind=DocumentKind.X_REPORT,
    ),
    DocumentSensorDescription(
        key="last_z_report",
        translation_key="last_z_report",
        device_class=SensorDeviceClass.TIMESTAMP,
        kind=DocumentKind.Z_REPORT,
    ),
)
SHIFT = SensorEntityDescription(
    key="shift",
    translation_key="shift",
    device_class=SensorDeviceClass.ENUM,
    options=[SHIFT_OPEN, SHIFT_CLOSED, SHIFT_UNKNOWN_YET],
)
LAST_MESSAGE = SensorEntityDescription(key="last_message", translation_key="last_message")

_JOB_ATTRIBUTES = (  # what a status sensor shows of its job, each only when it has a value
    "message",
    "uuid",
    "ext_id",
    "code",
    "problem",
    "lifepay_message",
    "lifepay_status",
    "document",
    "total",
    "ofd_url",
    "attempts",
    "next_attempt_at",
    "confirm_by",
    "requested_at",
    "updated_at",
)
# What changes with every try or matters only while the document is on its way: kept on the
# state for automations and the more-info, not written to the history database.
_JOB_UNRECORDED = frozenset(
    {"uuid", "ext_id", "attempts", "next_attempt_at", "confirm_by", "updated_at"}
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: LifePayConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    account = entry.runtime_data
    for printer in account.printers.values():
        sensors: list[_JobSensor] = [
            *(StatusSensor(account, printer, description) for description in STATUSES),
            *(SaleStatusSensor(account, printer, description) for description in SALE_STATUSES),
            *(LastPrintedSensor(account, printer, description) for description in LAST_PRINTED),
            ShiftSensor(account, printer, SHIFT),
            LastMessageSensor(account, printer, LAST_MESSAGE),
        ]
        async_add_entities(sensors, config_subentry_id=printer.subentry_id)


class _JobSensor(LifePayPrinterEntity, RestoreSensor):
    """Follows the printer's jobs; shows what it showed before a restart until a job runs."""

    _attr_extra_state_attributes: dict[str, Any]

    def __init__(
        self, account: LifePayAccount, printer: Printer, description: SensorEntityDescription
    ) -> None:
        super().__init__(account, printer, description)
        self._attr_extra_state_attributes = {}

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        await self._restore()
        self._update_from_jobs()  # saved jobs, when there are any, know better than the state
        self.async_on_remove(
            self.account.async_add_listener(self.printer.subentry_id, self._job_changed)
        )

    async def _restore(self) -> None:
        """The last state, attributes included; timestamps come back as datetimes."""
        if (last := await self.async_get_last_state()) is None:
            return
        data = await self.async_get_last_sensor_data()
        if data is not None and isinstance(data.native_value, datetime):
            self._attr_native_value = data.native_value
        elif last.state in (self.entity_description.options or ()) or (
            self.entity_description.device_class is None
            and last.state not in (STATE_UNKNOWN, STATE_UNAVAILABLE)
        ):
            self._attr_native_value = last.state
        self._attr_extra_state_attributes = {
            key: last.attributes[key]
            for key in self._restored_attributes
            if last.attributes.get(key) is not None
        }

    _restored_attributes: tuple[str, ...] = ()

    @callback
    def _job_changed(self) -> None:
        self._update_from_jobs()
        self.async_write_ha_state()

    def _update_from_jobs(self) -> None:
        raise NotImplementedError

    def _job_attributes(self, job: PrintJob) -> dict[str, Any]:
        """The job's attributes that have a value: an empty one is left out, not shown as
        unknown."""
        attributes = {"message": texts.job_message(self.hass, job), **job.attributes()}
        return {key: value for key, value in attributes.items() if value is not None}


class StatusSensor(_JobSensor):
    """The latest document of one kind: pending ... printed, failed; the job as attributes."""

    entity_description: DocumentSensorDescription
    _restored_attributes = _JOB_ATTRIBUTES
    _unrecorded_attributes = _JOB_UNRECORDED

    def _update_from_jobs(self) -> None:
        job = self.account.latest(self.printer.subentry_id, self.entity_description.kind)
        if job is not None:
            self._attr_native_value = job.status.value
            self._attr_extra_state_attributes = self._job_attributes(job)


class SaleStatusSensor(_JobSensor):
    """The latest receipt, or the latest cash movement (its ``document`` says which, and
    ``total`` how much): its status, the job as attributes, the receipt's ``ofd_url``."""

    entity_description: SaleSensorDescription
    _restored_attributes = _JOB_ATTRIBUTES
    _unrecorded_attributes = _JOB_UNRECORDED

    def _update_from_jobs(self) -> None:
        jobs = [
            job
            for kind in self.entity_description.kinds
            if (job := self.account.latest(self.printer.subentry_id, kind)) is not None
        ]
        if jobs:
            job = max(jobs, key=lambda job: job.requested_at)
            self._attr_native_value = job.status.value
            self._attr_extra_state_attributes = {
                **self._job_attributes(job),
                "document": job.kind.value,
            }


class LastPrintedSensor(_JobSensor):
    """When LifePay last reported a document of one kind as printed on the printer."""

    entity_description: DocumentSensorDescription

    def _update_from_jobs(self) -> None:
        moment = self.account.last_success(self.printer.subentry_id, self.entity_description.kind)
        if moment is not None:
            self._attr_native_value = moment


class ShiftSensor(_JobSensor):
    """Open or closed, as far as the documents sent from Home Assistant show; "not known yet"
    before the first of them.

    LifePay has no way to ask a register about its shift; a shift opened or closed at the till
    itself is not seen here. The ``known_from`` attribute says so in the more-info (the name is
    kept short for dashboards), and how to learn the shift when nothing shows it yet.
    """

    _restored_attributes = ("opened_at", "closed_at")
    _unrecorded_attributes = frozenset({"known_from"})

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        if self._attr_native_value is None:  # nothing restored and no document yet
            self._attr_native_value = SHIFT_UNKNOWN_YET
        self._attr_extra_state_attributes["known_from"] = (
            "no_documents_yet" if self._attr_native_value == SHIFT_UNKNOWN_YET else "documents"
        )

    def _update_from_jobs(self) -> None:
        jobs = self.account
        printer_id = self.printer.subentry_id
        opened = jobs.last_success(printer_id, DocumentKind.OPEN_SHIFT)
        closed = jobs.last_success(printer_id, DocumentKind.Z_REPORT)
        if (seen := jobs.shift_seen(printer_id)) is None:
            return
        self._attr_native_value = SHIFT_OPEN if seen[1] else SHIFT_CLOSED
        self._attr_extra_state_attributes = {
            **({"opened_at": opened.isoformat()} if opened else {}),
            **({"closed_at": closed.isoformat()} if closed else {}),
            "known_from": "documents",
        }


class LastMessageSensor(_JobSensor):
    """The latest word about any of the printer's documents, as a sentence: why one failed,
    what LifePay said, or what state it is in."""

    _restored_attributes = ("document", "status")

    def _update_from_jobs(self) -> None:
        job = self.account.latest_of_any_kind(self.printer.subentry_id)
        if job is None:
            return
        document = texts.document(self.hass, job.kind)
        text = f"{document}: {texts.job_message(self.hass, job)}"
        self._attr_native_value = text[: texts.MAX_STATE_LENGTH]
        self._attr_extra_state_attributes = {
            "document": job.kind.value,
            "status": job.status.value,
        }
