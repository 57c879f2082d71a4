"""The LifePay integration: X-reports on fiscal printers through LifePay's cloud."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_API_KEY, CONF_URL, CONF_WEBHOOK_ID, Platform
from homeassistant.core import HomeAssistant, callback
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
    CONF_SERIAL,
    DEFAULT_CONFIRM_HOURS,
    DEFAULT_GIVE_UP_MINUTES,
    DOMAIN,
    MANUFACTURER,
    MODEL_ACCOUNT,
    SUBENTRY_PRINTER,
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
    await texts.async_load(hass)
    give_up_after, confirm_within = _windows(entry.options)
    account = LifePayAccount(
        hass,
        entry,
        client,
        give_up_after=give_up_after,
        confirm_within=confirm_within,
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
    built_from = _built_from(entry)

    async def _async_entry_changed(hass: HomeAssistant, entry: LifePayConfigEntry) -> None:
        if _built_from(entry) != built_from:
            await hass.config_entries.async_reload(entry.entry_id)
        else:
            await _async_apply_in_place(hass, entry)

    entry.async_on_unload(entry.add_update_listener(_async_entry_changed))


def _windows(options: Mapping[str, Any]) -> tuple[timedelta, timedelta]:
    """The account's options: how long a document may be sent, and its report awaited."""
    return (
        timedelta(minutes=options.get(CONF_GIVE_UP_MINUTES, DEFAULT_GIVE_UP_MINUTES)),
        timedelta(hours=options.get(CONF_CONFIRM_HOURS, DEFAULT_CONFIRM_HOURS)),
    )


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


def _built_from(entry: LifePayConfigEntry) -> tuple[dict[str, Any], dict[str, str | None]]:
    """What a running account cannot change in place: its credentials, address and webhook,
    and which printers it has, with their serials. Anything else (names, options) can."""
    printers = {
        subentry_id: subentry.data.get(CONF_SERIAL) or None
        for subentry_id, subentry in entry.subentries.items()
        if subentry.subentry_type == SUBENTRY_PRINTER
    }
    return dict(entry.data), printers


async def _async_apply_in_place(hass: HomeAssistant, entry: LifePayConfigEntry) -> None:
    """A rename or an option change: the running account takes it, with no reload.

    A reload would make every entity of every printer unavailable and then restore it, a
    logbook line each, for a change no entity needs to be rebuilt for. The device registry's
    name follows the new title (a name the person gave the device stays in front of it), and
    the entities' friendly names follow the device.
    """
    account = entry.runtime_data
    await account.async_set_windows(*_windows(entry.options))
    _rename_device(hass, entry.entry_id, entry.title)
    for subentry_id, printer in list(account.printers.items()):
        title = entry.subentries[subentry_id].title
        if printer.name != title:
            account.printers[subentry_id] = replace(printer, name=title)
            _rename_device(hass, subentry_id, title)


@callback
def _rename_device(hass: HomeAssistant, device_key: str, name: str) -> None:
    """The name a reload would give the device. ``name_by_user`` is the person's and is
    never touched: while it is set, it is what Home Assistant shows."""
    registry = dr.async_get(hass)
    device = registry.async_get_device({(DOMAIN, device_key)})
    if device is not None and device.name != name:
        registry.async_update_device(device.id, name=name)


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
