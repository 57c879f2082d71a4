"""The LifePay integration: X-reports on fiscal printers through LifePay's cloud."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_API_KEY, CONF_URL, CONF_WEBHOOK_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from . import issues, texts
from .account import LifePayAccount
from .api import (
    DEFAULT_BASE_URL,
    LifePayAuthError,
    LifePayClient,
    LifePayError,
    LifePayTransportError,
)
from .const import (
    CONF_CONFIRM_HOURS,
    CONF_GIVE_UP_MINUTES,
    CONF_LOGIN,
    DEFAULT_CONFIRM_HOURS,
    DEFAULT_GIVE_UP_MINUTES,
    DOMAIN,
    MANUFACTURER,
    MODEL_ACCOUNT,
)
from .migration import async_migrate_entry
from .services import async_setup_services
from .storage import JobFile
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
    """Set up an account: check it, then its webhook, saved documents, devices and entities.

    The check is a test-mode request, which LifePay validates fully and prints nothing for:
    refused credentials start re-authentication at once, an unreachable LifePay retries the
    set-up later, instead of either surfacing at the next press.
    """
    client = LifePayClient(
        session=async_get_clientsession(hass),
        apikey=entry.data[CONF_API_KEY],
        login=entry.data[CONF_LOGIN],
        base_url=entry.data.get(CONF_URL, DEFAULT_BASE_URL),
    )
    # The address first: its repair issues say what is wrong even while LifePay is unreachable.
    callback_address = await async_callback_url(hass, entry)
    refusal = await _async_check_account(client)
    options = entry.options
    await texts.async_load(hass)
    account = LifePayAccount(
        hass,
        entry,
        client,
        give_up_after=timedelta(minutes=options.get(CONF_GIVE_UP_MINUTES, DEFAULT_GIVE_UP_MINUTES)),
        confirm_within=timedelta(hours=options.get(CONF_CONFIRM_HOURS, DEFAULT_CONFIRM_HOURS)),
        callback_url=callback_address.url,
        callbacks_arrive=callback_address.reachable,
    )
    # Saved documents first: a callback for one may arrive as soon as the webhook exists.
    await account.async_start()
    try:
        await _async_set_up_account(hass, entry, account, refusal)
    except BaseException:
        await account.async_close()  # its timers must not outlive a failed set-up
        raise
    return True


async def _async_set_up_account(
    hass: HomeAssistant,
    entry: LifePayConfigEntry,
    account: LifePayAccount,
    refusal: LifePayError | None,
) -> None:
    entry.runtime_data = account
    if refusal is not None:
        account.raise_refusal_issues(refusal)
    async_register_webhook(hass, account)
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, entry.entry_id)},
        name=entry.title,
        manufacturer=MANUFACTURER,
        model=MODEL_ACCOUNT,
        entry_type=dr.DeviceEntryType.SERVICE,
    )
    _forget_issues_of_removed_printers(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_reload_on_change))


async def _async_check_account(client: LifePayClient) -> LifePayError | None:
    """A test-mode X-report: raises what must stop the set-up; returns another refusal (cloud
    printing switched off, say), which does not stop it: the account itself is fine."""
    try:
        await client.create_x_report(test=True)
    except LifePayAuthError as err:
        raise ConfigEntryAuthFailed(
            str(err), translation_domain=DOMAIN, translation_key="setup_auth_failed"
        ) from err
    except LifePayTransportError as err:
        raise ConfigEntryNotReady(
            str(err), translation_domain=DOMAIN, translation_key="setup_unreachable"
        ) from err
    except LifePayError as err:
        return err
    return None


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
    await entry.runtime_data.async_close()
    return True


async def async_remove_entry(hass: HomeAssistant, entry: LifePayConfigEntry) -> None:
    """Forget the account's saved jobs, repair issues and cloudhook."""
    await JobFile(hass, entry.entry_id).async_remove()
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
