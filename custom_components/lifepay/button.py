"""Per printer, a button for each document of the fiscal day."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from . import LifePayConfigEntry, texts
from .api import DocumentKind
from .const import DOMAIN
from .entity import LifePayPrinterEntity
from .jobs import ALREADY_UNDER_WAY

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class DocumentButtonDescription(ButtonEntityDescription):
    kind: DocumentKind


BUTTONS = (
    DocumentButtonDescription(
        key="print_x_report", translation_key="print_x_report", kind=DocumentKind.X_REPORT
    ),
    DocumentButtonDescription(
        key="open_shift", translation_key="open_shift", kind=DocumentKind.OPEN_SHIFT
    ),
    # Closing the shift ends the fiscal day: a stray press must not do it, so a person
    # switches this button on first.
    DocumentButtonDescription(
        key="close_shift",
        translation_key="close_shift",
        kind=DocumentKind.Z_REPORT,
        entity_registry_enabled_default=False,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: LifePayConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    account = entry.runtime_data
    for printer in account.printers.values():
        async_add_entities(
            [DocumentButton(account, printer, description) for description in BUTTONS],
            config_subentry_id=printer.subentry_id,
        )


class DocumentButton(LifePayPrinterEntity, ButtonEntity):
    """Asks LifePay to print the button's document on the printer."""

    entity_description: DocumentButtonDescription

    async def async_press(self) -> None:
        """Send the document; a second press while the last one is under way makes none, and
        says so (a double tap, or a press while the printer is offline)."""
        sent = await self.account.async_send(self.printer, self.entity_description.kind)
        if sent.job is not None and sent.submission in ALREADY_UNDER_WAY:
            raise ServiceValidationError(
                # For the log (Home Assistant writes it as one line); people read the translation.
                f"The {sent.job.kind.value} for {self.printer.name} is still under way"
                f" ({sent.job.status.value}, ext_id {sent.job.ext_id}): nothing new was made",
                translation_domain=DOMAIN,
                translation_key="already_under_way",
                translation_placeholders=texts.under_way(self.hass, sent.job, self.printer.name),
            )
