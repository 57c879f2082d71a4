"""Per printer: the status of the latest X-report, and when one last printed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntityDescription,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import LifePayConfigEntry
from .entity import LifePayPrinterEntity
from .jobs import JobStatus

PARALLEL_UPDATES = 0

STATUS = SensorEntityDescription(
    key="x_report_status",
    translation_key="x_report_status",
    device_class=SensorDeviceClass.ENUM,
    options=[status.value for status in JobStatus],
)
LAST_SUCCESS = SensorEntityDescription(
    key="last_x_report",
    translation_key="last_x_report",
    device_class=SensorDeviceClass.TIMESTAMP,
)
_JOB_ATTRIBUTES = (
    "uuid",
    "ext_id",
    "code",
    "message",
    "attempts",
    "next_attempt_at",
    "confirm_by",
    "lifepay_status",
    "requested_at",
    "updated_at",
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: LifePayConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    account = entry.runtime_data
    for printer in account.printers.values():
        async_add_entities(
            [
                XReportStatusSensor(account, printer, STATUS),
                LastXReportSensor(account, printer, LAST_SUCCESS),
            ],
            config_subentry_id=printer.subentry_id,
        )


class _JobSensor(LifePayPrinterEntity, RestoreSensor):
    """Follows the printer's jobs; shows what it showed before a restart until a job runs."""

    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        await self._restore()
        self._update_from_jobs()  # saved jobs, when there are any, know better than the state
        self.async_on_remove(
            self.account.jobs.async_add_listener(self.printer.subentry_id, self._job_changed)
        )

    async def _restore(self) -> None:
        raise NotImplementedError

    @callback
    def _job_changed(self) -> None:
        self._update_from_jobs()
        self.async_write_ha_state()

    def _update_from_jobs(self) -> None:
        raise NotImplementedError


class XReportStatusSensor(_JobSensor):
    """The latest job's status (pending ... processed, failed), with the job as attributes."""

    _attr_extra_state_attributes: dict[str, Any]

    async def _restore(self) -> None:
        self._attr_extra_state_attributes = {}
        if (last := await self.async_get_last_state()) is None:
            return
        if last.state in (self.entity_description.options or ()):
            self._attr_native_value = last.state
        self._attr_extra_state_attributes = {
            key: last.attributes[key] for key in _JOB_ATTRIBUTES if key in last.attributes
        }

    def _update_from_jobs(self) -> None:
        job = self.account.jobs.latest(self.printer.subentry_id)
        if job is not None:
            self._attr_native_value = job.status.value
            self._attr_extra_state_attributes = job.attributes()


class LastXReportSensor(_JobSensor):
    """When the printer last printed an X-report that LifePay reported as processed."""

    _attr_native_value: datetime | None = None

    async def _restore(self) -> None:
        data = await self.async_get_last_sensor_data()
        if data is not None and isinstance(data.native_value, datetime):
            self._attr_native_value = data.native_value

    def _update_from_jobs(self) -> None:
        if (moment := self.account.jobs.last_success(self.printer.subentry_id)) is not None:
            self._attr_native_value = moment
