"""The LifePay integration: X-reports on fiscal printers through LifePay's cloud."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_API_KEY, CONF_URL, CONF_WEBHOOK_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from . import issues, texts
from .account import LifePayAccount
from .api import DEFAULT_BASE_URL, LifePayClient
from .const import CONF_CONFIRM_HOURS, CONF_GIVE_UP_MINUTES, CONF_LOGIN, DOMAIN, MANUFACTURER
from .migration import async_migrate_entry
from .queue import DEFAULT_CONFIRM_HOURS, DEFAULT_GIVE_UP_MINUTES, job_store
from .services import async_setup_services
from .webhook import (
    ISSUE_LOCAL_CALLBACK_URL,
    ISSUE_NO_CALLBACK_URL,
    active_cloud,
    async_callback_url,
    async_register_webhook,
)

type LifePayConfigEntry = ConfigEntry[LifePayAccount]

__all__ = [
    "async_migrate_entry",
    "async_remove_config_entry_device",
    "async_setup",
    "async_setup_entry",
    "async_unload_entry",
]

PLATFORMS = [Platform.BUTTON, Platform.SENSOR]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions, which exist whether or not an account is set up."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: LifePayConfigEntry) -> bool:
    """Set up an account: its client, webhook, account device and printer entities.

    Nothing is fetched from LifePay here: there is nothing to poll, and a shop whose internet
    is down at start-up should still get its buttons.
    """
    client = LifePayClient(
        session=async_get_clientsession(hass),
        apikey=entry.data[CONF_API_KEY],
        login=entry.data[CONF_LOGIN],
        base_url=entry.data.get(CONF_URL, DEFAULT_BASE_URL),
    )
    options = entry.options
    account = LifePayAccount(
        hass,
        entry,
        client,
        give_up_after=timedelta(minutes=options.get(CONF_GIVE_UP_MINUTES, DEFAULT_GIVE_UP_MINUTES)),
        confirm_within=timedelta(hours=options.get(CONF_CONFIRM_HOURS, DEFAULT_CONFIRM_HOURS)),
    )
    await texts.async_load(hass)
    account.queue.callback_url = await async_callback_url(hass, entry)
    # Saved jobs first: a callback for one may arrive as soon as the webhook exists.
    await account.queue.async_load()
    entry.runtime_data = account
    async_register_webhook(hass, account)
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, entry.entry_id)},
        name=entry.title,
        manufacturer=MANUFACTURER,
        model=texts.device_word(hass, "model_account"),
        entry_type=dr.DeviceEntryType.SERVICE,
    )
    _forget_issues_of_removed_printers(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_reload_on_change))
    return True


def _forget_issues_of_removed_printers(hass: HomeAssistant, entry: LifePayConfigEntry) -> None:
    for issue in list(ir.async_get(hass).issues.values()):
        data = issue.data or {}
        if (
            issue.domain == DOMAIN
            and data.get("entry_id") == entry.entry_id
            and data.get("subentry_id")
            and data["subentry_id"] not in entry.subentries
        ):
            ir.async_delete_issue(hass, DOMAIN, issue.issue_id)


async def _async_reload_on_change(hass: HomeAssistant, entry: LifePayConfigEntry) -> None:
    """Printers added, changed or removed: rebuild the entities without a restart."""
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: LifePayConfigEntry) -> bool:
    if not await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
        return False
    await entry.runtime_data.queue.async_unload()
    return True


async def async_remove_entry(hass: HomeAssistant, entry: LifePayConfigEntry) -> None:
    """Forget the account's saved jobs, repair issues and cloudhook."""
    await job_store(hass, entry.entry_id).async_remove()
    issues.async_clear_all(hass, entry)
    for kind in (ISSUE_NO_CALLBACK_URL, ISSUE_LOCAL_CALLBACK_URL):
        ir.async_delete_issue(hass, DOMAIN, f"{kind}_{entry.entry_id}")
    if cloud := active_cloud(hass):
        with contextlib.suppress(cloud.CloudNotAvailable):
            await cloud.async_delete_cloudhook(hass, entry.data[CONF_WEBHOOK_ID])


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: LifePayConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let a person delete a device that is no longer the account or one of its printers."""
    current = {(DOMAIN, entry.entry_id)} | {(DOMAIN, sub_id) for sub_id in entry.subentries}
    return not device.identifiers & current
