"""Device triggers: "X-report printed", "X-report failed", the same for the shift and for
receipts.

Each is the ``lifepay_document`` event of one printer's device, one kind of document and one
outcome; a trigger's ``trigger.event.data`` carries the whole event (printer, status, problem,
LifePay's message, a sentence about it, the caller's callback_data).
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.components.device_automation import DEVICE_TRIGGER_BASE_SCHEMA
from homeassistant.components.homeassistant.triggers import event as event_trigger
from homeassistant.const import CONF_DEVICE_ID, CONF_DOMAIN, CONF_PLATFORM, CONF_TYPE
from homeassistant.core import CALLBACK_TYPE, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.trigger import TriggerActionType, TriggerInfo
from homeassistant.helpers.typing import ConfigType

from .api import DocumentKind
from .const import DOMAIN, EVENT_DOCUMENT
from .jobs import JobKind, Outcome
from .sales import SaleKind

TRIGGER_TYPES: dict[str, tuple[JobKind, Outcome]] = {
    "x_report_printed": (DocumentKind.X_REPORT, Outcome.SUCCEEDED),
    "x_report_failed": (DocumentKind.X_REPORT, Outcome.FAILED),
    "shift_opened": (DocumentKind.OPEN_SHIFT, Outcome.SUCCEEDED),
    "shift_open_failed": (DocumentKind.OPEN_SHIFT, Outcome.FAILED),
    "z_report_printed": (DocumentKind.Z_REPORT, Outcome.SUCCEEDED),
    "z_report_failed": (DocumentKind.Z_REPORT, Outcome.FAILED),
    "receipt_printed": (SaleKind.RECEIPT, Outcome.SUCCEEDED),
    "receipt_failed": (SaleKind.RECEIPT, Outcome.FAILED),
}

TRIGGER_SCHEMA = DEVICE_TRIGGER_BASE_SCHEMA.extend({vol.Required(CONF_TYPE): vol.In(TRIGGER_TYPES)})


def _is_printer(hass: HomeAssistant, device_id: str) -> bool:
    """Printers' devices are identified by their subentry; the account's device has none."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        return False
    subentries = {
        subentry_id
        for entry in hass.config_entries.async_entries(DOMAIN)
        for subentry_id in entry.subentries
    }
    return any(domain == DOMAIN and key in subentries for domain, key in device.identifiers)


async def async_get_triggers(hass: HomeAssistant, device_id: str) -> list[dict[str, Any]]:
    if not _is_printer(hass, device_id):
        return []
    return [
        {CONF_PLATFORM: "device", CONF_DOMAIN: DOMAIN, CONF_DEVICE_ID: device_id, CONF_TYPE: kind}
        for kind in TRIGGER_TYPES
    ]


async def async_attach_trigger(
    hass: HomeAssistant,
    config: ConfigType,
    action: TriggerActionType,
    trigger_info: TriggerInfo,
) -> CALLBACK_TYPE:
    kind, outcome = TRIGGER_TYPES[config[CONF_TYPE]]
    event_config = event_trigger.TRIGGER_SCHEMA(
        {
            CONF_PLATFORM: "event",
            "event_type": EVENT_DOCUMENT,
            "event_data": {
                CONF_DEVICE_ID: config[CONF_DEVICE_ID],
                "kind": kind.value,
                "outcome": outcome.value,
            },
        }
    )
    return await event_trigger.async_attach_trigger(
        hass, event_config, action, trigger_info, platform_type="device"
    )
