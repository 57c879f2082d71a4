"""The ``lifepay.print_x_report`` action."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import service
from homeassistant.util.json import JsonValueType

from .const import ATTR_CALLBACK_DATA, ATTR_EXT_ID, ATTR_TEST, DOMAIN, SERVICE_PRINT_X_REPORT

# Home Assistant 2025.7 and newer; the service helper is deprecated there. Imported with the
# integration (outside the event loop), never while an action runs.
target: ModuleType | None
try:
    target = importlib.import_module("homeassistant.helpers.target")
except ImportError:  # Home Assistant 2025.4 to 2025.6
    target = None

if TYPE_CHECKING:
    from .account import LifePayAccount, Printer


def _selected(hass: HomeAssistant, call: ServiceCall) -> Any:
    """The entities and devices a call targets, by whichever helper this version has."""
    if target is None:  # Home Assistant 2025.4 to 2025.6
        return service.async_extract_referenced_entity_ids(hass, call)
    return target.async_extract_referenced_entity_ids(hass, target.TargetSelection(call.data))


PRINT_X_REPORT_SCHEMA = vol.Schema(
    {
        **cv.ENTITY_SERVICE_FIELDS,
        vol.Optional(ATTR_TEST, default=False): cv.boolean,
        vol.Optional(ATTR_EXT_ID): vol.All(cv.string, vol.Length(min=1, max=50)),
        vol.Optional(ATTR_CALLBACK_DATA): vol.Any(dict, list, cv.string),
    }
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    hass.services.async_register(
        DOMAIN,
        SERVICE_PRINT_X_REPORT,
        _async_print_x_report,
        schema=PRINT_X_REPORT_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )


def _targeted_printers(
    hass: HomeAssistant, call: ServiceCall
) -> list[tuple[LifePayAccount, Printer, str]]:
    """The printers a call targets (devices, or their buttons), with their device ids."""
    selected = _selected(hass, call)
    device_registry = dr.async_get(hass)
    entity_registry = er.async_get(hass)
    device_ids: set[str] = set(selected.referenced_devices)
    for entity_id in selected.referenced | selected.indirectly_referenced:
        entity = entity_registry.async_get(entity_id)
        if entity and entity.platform == DOMAIN and entity.domain == Platform.BUTTON:
            if entity.device_id:
                device_ids.add(entity.device_id)
        elif entity_id in selected.referenced:
            raise _invalid_target(entity_id)

    by_identifier = _printers_by_identifier(hass)
    targets: list[tuple[LifePayAccount, Printer, str]] = []
    for device_id in sorted(device_ids):
        device = device_registry.async_get(device_id)
        found = None
        for domain, identifier in device.identifiers if device else ():
            if domain == DOMAIN and identifier in by_identifier:
                found = by_identifier[identifier]
        if found is not None:
            targets.append((*found, device_id))
        elif device_id in call.data.get("device_id", ()):
            raise _invalid_target(device.name if device else device_id)
    if not targets:
        raise ServiceValidationError(
            "No LifePay printer was targeted",
            translation_domain=DOMAIN,
            translation_key="no_printer_targeted",
        )
    return targets


def _printers_by_identifier(hass: HomeAssistant) -> dict[str, tuple[LifePayAccount, Printer]]:
    """Every printer of every loaded account, by its device identifier."""
    printers: dict[str, tuple[LifePayAccount, Printer]] = {}
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is not ConfigEntryState.LOADED:
            continue
        account: LifePayAccount = entry.runtime_data
        for printer in account.printers.values():
            printers[printer.subentry_id] = (account, printer)
    return printers


def _invalid_target(name: str | None) -> ServiceValidationError:
    return ServiceValidationError(
        f"{name} is not a LifePay printer",
        translation_domain=DOMAIN,
        translation_key="not_a_printer",
        translation_placeholders={"target": str(name)},
    )


async def _async_print_x_report(call: ServiceCall) -> ServiceResponse:
    targets = _targeted_printers(call.hass, call)
    ext_id: str | None = call.data.get(ATTR_EXT_ID)
    if ext_id is not None and len(targets) > 1:
        # LifePay would answer every printer after the first with the first one's document.
        raise ServiceValidationError(
            "ext_id can be given for one printer only",
            translation_domain=DOMAIN,
            translation_key="ext_id_needs_one_printer",
        )
    reports: list[JsonValueType] = []
    for account, printer, device_id in targets:
        result, job = await account.async_print(
            printer,
            test=call.data[ATTR_TEST],
            ext_id=ext_id,
            user_data=call.data.get(ATTR_CALLBACK_DATA),
        )
        reports.append(
            {
                "device_id": device_id,
                "printer": printer.name,
                "serial": printer.serial,
                "uuid": result.uuid,
                "ext_id": job.ext_id if job else result.ext_id,
                "test": result.test,
                "status": job.status.value if job else None,
            }
        )
    return {"reports": reports} if call.return_response else None
