"""The webhook LifePay's callbacks arrive at, and the address given to LifePay for it."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from types import ModuleType

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_URL, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.network import NoURLAvailableError

from .account import AccountClosedError, LifePayAccount
from .api import DEFAULT_BASE_URL, DocumentKind, LifePayCallbackError, parse_callback
from .api.callback import MAX_CALLBACK_BYTES
from .api.validation import CALLBACK_URL_MAX_LENGTH
from .const import CONF_LOGIN, DOMAIN, EVENT_CALLBACK, EVENT_X_REPORT, LOGGER
from .jobs import ForgedCallbackError, UnknownJobError
from .storage import StorageError

ISSUE_NO_CALLBACK_URL = "no_callback_url"
ISSUE_LOCAL_CALLBACK_URL = "local_callback_url"


def active_cloud(hass: HomeAssistant) -> ModuleType | None:
    """The cloud component when it is loaded with an active subscription.

    Imported only then: importing it pulls in much of Home Assistant (Alexa, cameras, ...).
    """
    if "cloud" not in hass.config.components:
        return None
    from homeassistant.components import cloud  # noqa: PLC0415

    return cloud if cloud.async_active_subscription(hass) else None


def _instance_url(hass: HomeAssistant, webhook_id: str) -> tuple[str | None, bool]:
    """The webhook's URL on this instance, preferring an external one; and whether it is local."""
    try:
        return webhook.async_generate_url(hass, webhook_id, allow_internal=False), False
    except NoURLAvailableError:
        pass
    try:
        return webhook.async_generate_url(
            hass, webhook_id, allow_external=False, allow_ip=True
        ), True
    except NoURLAvailableError:
        return None, False


@dataclass(frozen=True, slots=True)
class CallbackAddress:
    """Where LifePay should post callbacks, and whether they can get there."""

    url: str | None
    reachable: bool
    """False when LifePay's real cloud is given a local address: it cannot post to it."""


async def async_callback_url(hass: HomeAssistant, entry: ConfigEntry) -> CallbackAddress:
    """Where LifePay should post callbacks: a cloudhook, else the instance's own URL.

    No URL (with a repair issue) when Home Assistant has no URL at all. A local URL is used
    as it is (a mock or a LAN service can reach it), with a repair issue when the account
    talks to LifePay's real cloud, which cannot.
    """
    webhook_id: str = entry.data[CONF_WEBHOOK_ID]
    url: str | None = None
    local = False
    if cloud := active_cloud(hass):
        try:
            url = await cloud.async_get_or_create_cloudhook(hass, webhook_id)
        except cloud.CloudNotAvailable:
            LOGGER.warning("Home Assistant Cloud is not available; using the instance URL")
    if url is None:
        url, local = _instance_url(hass, webhook_id)
    if url is not None and len(url) > CALLBACK_URL_MAX_LENGTH:
        LOGGER.warning("The webhook URL is longer than LifePay accepts: %s characters", len(url))
        url = None
    talks_to_lifepay = entry.data.get(CONF_URL, DEFAULT_BASE_URL).rstrip("/") == DEFAULT_BASE_URL
    _set_issue(hass, entry, ISSUE_NO_CALLBACK_URL, active=url is None)
    _set_issue(hass, entry, ISSUE_LOCAL_CALLBACK_URL, active=local and talks_to_lifepay)
    return CallbackAddress(url, reachable=url is not None and not (local and talks_to_lifepay))


def _set_issue(hass: HomeAssistant, entry: ConfigEntry, kind: str, *, active: bool) -> None:
    issue = f"{kind}_{entry.entry_id}"
    if not active:
        ir.async_delete_issue(hass, DOMAIN, issue)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=kind,
        translation_placeholders={"login": entry.data.get(CONF_LOGIN, "")},
        learn_more_url="https://www.home-assistant.io/docs/configuration/basic/#external_url",
    )


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
    """Apply one callback, and acknowledge it only once it is on disk.

    Anything that does not carry a job's secret gets a 4xx and changes nothing. An authentic
    callback always gets its 200, whatever its shape or status word, so LifePay stops sending it.
    """
    if (body := await _read_whole(request, MAX_CALLBACK_BYTES)) is None:
        return web.Response(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    try:
        notification = parse_callback(body, request.headers.get("Content-Type"))
    except LifePayCallbackError as err:
        LOGGER.warning("Ignored a LifePay callback with no document in it: %s", err)
        return web.Response(status=HTTPStatus.BAD_REQUEST, text="malformed callback")
    try:
        job, understood = await account.async_apply_callback(notification)
    except UnknownJobError:
        LOGGER.warning("Ignored a LifePay callback about an unknown document")
        return web.Response(status=HTTPStatus.NOT_FOUND, text="unknown document")
    except ForgedCallbackError:
        LOGGER.warning("Ignored a LifePay callback with a wrong secret")
        return web.Response(status=HTTPStatus.FORBIDDEN, text="forbidden")
    except StorageError as err:
        # Not on disk: no 200, so that LifePay sends it again.
        LOGGER.error("Could not save a LifePay callback, asking LifePay to repeat it: %s", err)
        return web.Response(status=HTTPStatus.INTERNAL_SERVER_ERROR, text="not saved")
    except AccountClosedError:
        # Unloaded while it came (a reload): the account that follows takes the repeat.
        return web.Response(status=HTTPStatus.SERVICE_UNAVAILABLE, text="reloading")
    if not understood:
        account.warn_unknown_status(notification.status_word)
    LOGGER.debug("%s %s is now %s", job.kind, job.ext_id, job.status)
    printer = account.printers.get(job.printer_id)
    data = {
        "device_id": account.device_id(job.printer_id),
        "printer": printer.name if printer else None,
        "serial": job.target_serial,
        "kind": job.kind.value,
        "status": job.status.value,
        "lifepay_status": notification.status_word,
        "uuid": job.uuid,
        "ext_id": job.ext_id,
        "message": notification.message or None,
        "callback_data": job.user_data,
        "ofd_url": notification.ofd_url,
        "error_code": notification.error_code,
        "extra": notification.extra,
    }
    account.hass.bus.async_fire(EVENT_CALLBACK, data)
    if job.kind is DocumentKind.X_REPORT:  # the event of version 0.1, for its automations
        account.hass.bus.async_fire(EVENT_X_REPORT, data)
    return web.Response(text="OK")


async def _read_whole(request: web.Request, limit: int) -> bytes | None:
    """The whole body, however many chunks it came in; ``None`` past ``limit`` bytes."""
    if request.content_length is not None and request.content_length > limit:
        return None
    body = bytearray()
    async for chunk in request.content.iter_chunked(16 * 1024):
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)
