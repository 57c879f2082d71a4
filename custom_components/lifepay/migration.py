"""Config entry migrations: existing installs keep their devices and entity ids."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

from .const import ANY_PRINTER, CONF_LOGIN, CONF_SERIAL, DOMAIN, LOGGER, SUBENTRY_PRINTER


async def async_migrate_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    if entry.version > 1:
        return False  # written by a newer version of this integration
    if entry.minor_version < 2:
        await _async_migrate_ids_from_login_and_serial(hass, entry)
        hass.config_entries.async_update_entry(entry, minor_version=2)
    return True


async def _async_migrate_ids_from_login_and_serial(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """1.1 built ids from the login and the serial, which a person can change; 1.2 from ids.

    Devices are updated in place and entities keep their entity ids, so dashboards and
    automations that name them go on working.
    """
    login: str = entry.data[CONF_LOGIN]
    printers = {
        f"{login}_{subentry.data.get(CONF_SERIAL) or ANY_PRINTER}": subentry.subentry_id
        for subentry in entry.subentries.values()
        if subentry.subentry_type == SUBENTRY_PRINTER
    }
    devices = dr.async_get(hass)
    for old, new in [(login, entry.entry_id), *printers.items()]:
        if (device := devices.async_get_device(identifiers={(DOMAIN, old)})) is not None:
            devices.async_update_device(device.id, new_identifiers={(DOMAIN, new)})

    @callback
    def new_unique_id(entity: er.RegistryEntry) -> dict[str, str] | None:
        for old, new in printers.items():
            if entity.unique_id.startswith(prefix := f"{old}_"):
                return {"new_unique_id": f"{new}_{entity.unique_id.removeprefix(prefix)}"}
        return None

    await er.async_migrate_entries(hass, entry.entry_id, new_unique_id)
    LOGGER.info("Moved the devices and entities of LifePay %s to ids that never change", login)
