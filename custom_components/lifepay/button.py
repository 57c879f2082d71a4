"""The Print X-report button of each printer."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import LifePayConfigEntry
from .entity import LifePayPrinterEntity

PARALLEL_UPDATES = 1

PRINT_X_REPORT = ButtonEntityDescription(key="print_x_report", translation_key="print_x_report")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: LifePayConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    account = entry.runtime_data
    for printer in account.printers.values():
        async_add_entities(
            [PrintXReportButton(account, printer, PRINT_X_REPORT)],
            config_subentry_id=printer.subentry_id,
        )


class PrintXReportButton(LifePayPrinterEntity, ButtonEntity):
    """Asks LifePay to print an X-report on the printer."""

    entity_description: ButtonEntityDescription

    async def async_press(self) -> None:
        await self.account.async_print(self.printer)
