"""Config flow: the account (apikey and login), re-authentication, reconfiguration, printers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from homeassistant.components import webhook
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_API_KEY, CONF_NAME, CONF_URL, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .api import (
    DEFAULT_BASE_URL,
    LifePayAccessDeniedError,
    LifePayAuthError,
    LifePayClient,
    LifePayCloudPrintDisabledError,
    LifePayError,
    LifePayInputError,
    LifePayTransportError,
    LifePayValidationError,
)
from .api.validation import check_serial
from .const import (
    ANY_PRINTER,
    CONF_ADVANCED,
    CONF_CONFIRM_HOURS,
    CONF_GIVE_UP_MINUTES,
    CONF_LOGIN,
    CONF_SERIAL,
    DOMAIN,
    LOGGER,
)
from .const import SUBENTRY_PRINTER as PRINTER
from .errors import field_details
from .queue import DEFAULT_CONFIRM_HOURS, DEFAULT_GIVE_UP_MINUTES

MIN_GIVE_UP_MINUTES = 10
MAX_GIVE_UP_MINUTES = 7 * 24 * 60
MIN_CONFIRM_HOURS = 1
MAX_CONFIRM_HOURS = 7 * 24

PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))


def _client(hass: HomeAssistant, data: Mapping[str, Any]) -> LifePayClient:
    return LifePayClient(
        session=async_get_clientsession(hass),
        apikey=data[CONF_API_KEY],
        login=data[CONF_LOGIN],
        base_url=data.get(CONF_URL) or DEFAULT_BASE_URL,
    )


def _error_key(error: LifePayError) -> str:
    match error:
        case LifePayAuthError():
            return "invalid_auth"
        case LifePayCloudPrintDisabledError():
            return "cloud_print_disabled"
        case LifePayAccessDeniedError():
            return "access_denied"
        case LifePayTransportError():
            return "cannot_connect"
        case LifePayInputError():
            return "invalid_url"
        case _:
            LOGGER.warning("Unexpected answer from LifePay while checking: %s", error)
            return "unknown"


async def _check_account(hass: HomeAssistant, data: Mapping[str, Any]) -> dict[str, str]:
    """Check credentials with a test-mode request, which prints nothing."""
    try:
        await _client(hass, data).create_x_report(test=True)
    except LifePayValidationError as err:
        # The credentials passed; the account merely has no active printer right now.
        if set(err.field_errors) != {"target_serial"}:
            return {"base": "unknown"}
    except LifePayError as err:
        return {"base": _error_key(err)}
    return {}


def _flatten(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """The form keeps the API URL in a collapsed section; the entry stores it flat."""
    data = {key: value for key, value in user_input.items() if key != CONF_ADVANCED}
    data[CONF_URL] = user_input.get(CONF_ADVANCED, {}).get(CONF_URL) or DEFAULT_BASE_URL
    data[CONF_LOGIN] = data[CONF_LOGIN].strip()
    data[CONF_API_KEY] = data[CONF_API_KEY].strip()
    return data


def _account_schema(defaults: Mapping[str, Any]) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_API_KEY, default=defaults.get(CONF_API_KEY, "")): PASSWORD,
            vol.Required(CONF_LOGIN, default=defaults.get(CONF_LOGIN, "")): str,
            vol.Required(CONF_ADVANCED): section(
                vol.Schema(
                    {vol.Required(CONF_URL, default=defaults.get(CONF_URL, DEFAULT_BASE_URL)): URL}
                ),
                {"collapsed": True},
            ),
        }
    )


class LifePayConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a LifePay account."""

    VERSION = 1
    MINOR_VERSION = 2
    """1.2: device and entity ids from the entry's and subentries' ids (see migration.py)."""

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> LifePayOptionsFlow:
        return LifePayOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        return {PRINTER: PrinterSubentryFlow}

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            data = _flatten(user_input)
            await self.async_set_unique_id(data[CONF_LOGIN])
            self._abort_if_unique_id_configured()
            if not (errors := await _check_account(self.hass, data)):
                data[CONF_WEBHOOK_ID] = webhook.async_generate_id()
                return self.async_create_entry(title=f"LifePay {data[CONF_LOGIN]}", data=data)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(_account_schema({}), user_input),
            errors=errors,
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, CONF_API_KEY: user_input[CONF_API_KEY].strip()}
            if not (errors := await _check_account(self.hass, data)):
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_API_KEY): PASSWORD}),
            description_placeholders={"login": entry.data[CONF_LOGIN]},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, **_flatten(user_input)}
            if data[CONF_LOGIN] != entry.unique_id:
                await self.async_set_unique_id(data[CONF_LOGIN])
                self._abort_if_unique_id_configured()
            if not (errors := await _check_account(self.hass, data)):
                return self.async_update_reload_and_abort(
                    entry,
                    unique_id=data[CONF_LOGIN],
                    title=f"LifePay {data[CONF_LOGIN]}",
                    data=data,
                )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=_account_schema(entry.data if user_input is None else _flatten(user_input)),
            errors=errors,
        )


class LifePayOptionsFlow(OptionsFlow):
    """How long to keep retrying a request LifePay does not answer, and to wait for callbacks."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        options = self.config_entry.options
        return self.async_show_form(
            step_id="init",
            data_schema=vol.Schema(
                {
                    vol.Required(
                        CONF_GIVE_UP_MINUTES,
                        default=options.get(CONF_GIVE_UP_MINUTES, DEFAULT_GIVE_UP_MINUTES),
                    ): _whole_number(MIN_GIVE_UP_MINUTES, MAX_GIVE_UP_MINUTES, "min"),
                    vol.Required(
                        CONF_CONFIRM_HOURS,
                        default=options.get(CONF_CONFIRM_HOURS, DEFAULT_CONFIRM_HOURS),
                    ): _whole_number(MIN_CONFIRM_HOURS, MAX_CONFIRM_HOURS, "h"),
                }
            ),
        )


def _whole_number(low: int, high: int, unit: str) -> NumberSelector:
    return NumberSelector(
        NumberSelectorConfig(
            min=low, max=high, step=1, mode=NumberSelectorMode.BOX, unit_of_measurement=unit
        )
    )


class PrinterSubentryFlow(ConfigSubentryFlow):
    """Add or change a printer of an account; each is checked with a test-mode request."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        return await self._async_printer_form("user", user_input)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        return await self._async_printer_form("reconfigure", user_input)

    async def _async_printer_form(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> SubentryFlowResult:
        entry = self._get_entry()
        reconfiguring = step_id == "reconfigure"
        current = self._get_reconfigure_subentry() if reconfiguring else None
        errors: dict[str, str] = {}
        placeholders = {"message": ""}
        if user_input is not None:
            serial = (user_input.get(CONF_SERIAL) or "").strip()
            name = (user_input.get(CONF_NAME) or "").strip()
            unique_id = serial or ANY_PRINTER
            taken = {
                subentry.unique_id
                for subentry in entry.subentries.values()
                if subentry.subentry_type == PRINTER and subentry is not current
            }
            if unique_id in taken:
                return self.async_abort(reason="already_configured")
            errors, message = await self._check_printer(entry, serial)
            placeholders["message"] = message
            if not errors:
                data = {CONF_SERIAL: serial or None}
                title = name or (f"Printer {serial}" if serial else "Any active printer")
                if current is not None:
                    return self.async_update_and_abort(
                        entry, current, data=data, title=title, unique_id=unique_id
                    )
                return self.async_create_entry(title=title, data=data, unique_id=unique_id)
        defaults: Mapping[str, Any] = user_input or (
            {CONF_SERIAL: current.data.get(CONF_SERIAL) or "", CONF_NAME: current.title}
            if current
            else {}
        )
        schema = vol.Schema({vol.Optional(CONF_SERIAL): str, vol.Optional(CONF_NAME): str})
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, defaults),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _check_printer(self, entry: ConfigEntry, serial: str) -> tuple[dict[str, str], str]:
        """Errors for the form, and LifePay's own words when it refused the serial."""
        if serial:
            try:
                check_serial(serial)
            except LifePayInputError:
                return {CONF_SERIAL: "invalid_serial"}, ""
        try:
            await _client(self.hass, entry.data).create_x_report(
                target_serial=serial or None, test=True
            )
        except LifePayValidationError as err:
            return {CONF_SERIAL if serial else "base": "printer_rejected"}, field_details(err)
        except LifePayError as err:
            return {"base": _error_key(err)}, err.message
        return {}, ""
