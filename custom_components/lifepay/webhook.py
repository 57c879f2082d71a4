"""The webhook LifePay's callbacks arrive at, and the address given to LifePay for it."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING

from aiohttp import web
from homeassistant.components import cloud, webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.network import NoURLAvailableError

from .api import LifePayCallbackError, parse_callback
from .api.callback import MAX_CALLBACK_BYTES
from .api.validation import CALLBACK_URL_MAX_LENGTH
from .const import DOMAIN, LOGGER
from .jobs import ForgedCallbackError, UnknownJobError

if TYPE_CHECKING:
    from .account import LifePayAccount

ISSUE_NO_CALLBACK_URL = "no_callback_url"


async def async_callback_url(hass: HomeAssistant, entry: ConfigEntry) -> str | None:
    """Where LifePay should post callbacks: a cloudhook, else the instance's own URL.

    ``None`` (with a repair issue) when Home Assistant has no URL LifePay could use.
    """
    webhook_id: str = entry.data[CONF_WEBHOOK_ID]
    url: str | None = None
    if "cloud" in hass.config.components and cloud.async_active_subscription(hass):
        try:
            url = await cloud.async_get_or_create_cloudhook(hass, webhook_id)
        except cloud.CloudNotAvailable:
            LOGGER.warning("Home Assistant Cloud is not available; using the instance URL")
    if url is None:
        try:
            url = webhook.async_generate_url(hass, webhook_id, allow_ip=True)
        except NoURLAvailableError:
            url = None
    issue = f"{ISSUE_NO_CALLBACK_URL}_{entry.entry_id}"
    if url is None or len(url) > CALLBACK_URL_MAX_LENGTH:
        ir.async_create_issue(
            hass,
            DOMAIN,
            issue,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_NO_CALLBACK_URL,
            translation_placeholders={"login": entry.data.get("login", "")},
            learn_more_url="https://www.home-assistant.io/integrations/http/",
        )
        return None
    ir.async_delete_issue(hass, DOMAIN, issue)
    return url


def async_register_webhook(hass: HomeAssistant, account: LifePayAccount) -> None:
    """Route the entry's webhook to ``account``'s jobs; unregistered when the entry unloads."""
    webhook_id: str = account.entry.data[CONF_WEBHOOK_ID]

    async def handle(hass: HomeAssistant, webhook_id: str, request: web.Request) -> web.Response:
        return await handle_callback(account, request)

    webhook.async_register(
        hass, DOMAIN, f"LifePay {account.login}", webhook_id, handle, allowed_methods=["POST"]
    )
    account.entry.async_on_unload(lambda: webhook.async_unregister(hass, webhook_id))


async def handle_callback(account: LifePayAccount, request: web.Request) -> web.Response:
    """Apply one callback. Anything we cannot trust gets a 4xx and changes nothing."""
    body = await request.content.read(MAX_CALLBACK_BYTES + 1)
    if len(body) > MAX_CALLBACK_BYTES:
        return web.Response(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    try:
        notification = parse_callback(body, request.headers.get("Content-Type"))
    except LifePayCallbackError as err:
        LOGGER.warning("Ignored a malformed LifePay callback: %s", err)
        return web.Response(status=HTTPStatus.BAD_REQUEST, text="malformed callback")
    try:
        job = account.jobs.apply_callback(notification)
    except UnknownJobError:
        LOGGER.warning("Ignored a LifePay callback about an unknown document")
        return web.Response(status=HTTPStatus.NOT_FOUND, text="unknown document")
    except ForgedCallbackError:
        LOGGER.warning("Ignored a LifePay callback with a wrong secret")
        return web.Response(status=HTTPStatus.FORBIDDEN, text="forbidden")
    LOGGER.debug("X-report %s is now %s", job.ext_id, job.status)
    return web.Response(text="OK")
