"""The base of every printer entity: its device, and updates from the account's jobs."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription

from .account import LifePayAccount, Printer
from .const import DOMAIN, MANUFACTURER, MODEL_ANY_PRINTER, MODEL_PRINTER


class LifePayPrinterEntity(Entity):
    """An entity of one configured printer; it reads the account's jobs, never LifePay."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(
        self, account: LifePayAccount, printer: Printer, description: EntityDescription
    ) -> None:
        self.account = account
        self._printer = printer
        self.entity_description = description
        # Ids for ever: the subentry's id, never the login or serial a person can change.
        self._attr_unique_id = f"{printer.subentry_id}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, printer.subentry_id)},
            name=printer.name,
            manufacturer=MANUFACTURER,
            model=MODEL_PRINTER if printer.serial else MODEL_ANY_PRINTER,
            serial_number=printer.serial,
            via_device=(DOMAIN, account.entry.entry_id),
        )

    @property
    def printer(self) -> Printer:
        """The printer as it is now: a rename replaces it in the running account."""
        return self.account.printers.get(self._printer.subentry_id, self._printer)
