"""Config flow: the account (apikey and login), re-authentication, reconfiguration, printers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from homeassistant.components import webhook
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentry,
    ConfigSubentryData,
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
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.typing import UNDEFINED, UndefinedType

from . import texts
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
    Tax,
    TaxSystem,
    lifepay_words,
)
from .api.validation import CASHIER_NAME_MAX_LENGTH, check_serial
from .const import (
    ANY_PRINTER,
    CONF_ADVANCED,
    CONF_CASHIER_NAME,
    CONF_CONFIRM_HOURS,
    CONF_DEFAULT_TAX,
    CONF_GIVE_UP_MINUTES,
    CONF_LOGIN,
    CONF_SERIAL,
    CONF_TAX_SYSTEM,
    DEFAULT_CONFIRM_HOURS,
    DEFAULT_GIVE_UP_MINUTES,
    DOMAIN,
    LOGGER,
    SALE_OPTIONS,
)
from .const import SUBENTRY_PRINTER as PRINTER

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


def _empty_credentials(data: Mapping[str, Any]) -> dict[str, str]:
    """Errors under the fields left empty: LifePay is not asked about them."""
    errors: dict[str, str] = {}
    if not data[CONF_API_KEY]:
        errors[CONF_API_KEY] = "empty_api_key"
    if not data[CONF_LOGIN]:
        errors[CONF_LOGIN] = "empty_login"
    return errors


def _flatten(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """The form keeps the API URL in a collapsed section and a name; the entry stores the rest
    flat (the name becomes the entry's title)."""
    data = {
        key: value for key, value in user_input.items() if key not in (CONF_ADVANCED, CONF_NAME)
    }
    data[CONF_URL] = user_input.get(CONF_ADVANCED, {}).get(CONF_URL) or DEFAULT_BASE_URL
    data[CONF_LOGIN] = data[CONF_LOGIN].strip()
    data[CONF_API_KEY] = data[CONF_API_KEY].strip()
    return data


def _account_schema(defaults: Mapping[str, Any], *, show_url: bool = False) -> vol.Schema:
    """``show_url``: open the Advanced section, so that an error about the address is seen
    next to its field."""
    return vol.Schema(
        {
            vol.Optional(CONF_NAME, default=defaults.get(CONF_NAME, "")): str,
            vol.Required(CONF_API_KEY, default=defaults.get(CONF_API_KEY, "")): PASSWORD,
            vol.Required(CONF_LOGIN, default=defaults.get(CONF_LOGIN, "")): str,
            vol.Required(CONF_ADVANCED): section(
                vol.Schema(
                    {vol.Required(CONF_URL, default=defaults.get(CONF_URL, DEFAULT_BASE_URL)): URL}
                ),
                {"collapsed": not show_url},
            ),
        }
    )


PRINTER_SCHEMA = vol.Schema({vol.Optional(CONF_SERIAL): str, vol.Optional(CONF_NAME): str})


def _account_title(user_input: Mapping[str, Any], login: str) -> str:
    return (user_input.get(CONF_NAME) or "").strip() or f"LifePay {login}"


def _titles_in_use(hass: HomeAssistant, *, but: str | None = None) -> set[str]:
    """Titles of accounts and printers, which are shown side by side in pickers."""
    titles: set[str] = set()
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.entry_id != but:
            titles.add(entry.title.casefold())
        titles.update(
            sub.title.casefold() for sub_id, sub in entry.subentries.items() if sub_id != but
        )
    return titles


def _added_elsewhere(
    hass: HomeAssistant, serial: str, *, but: str | None = None
) -> tuple[ConfigEntry, ConfigSubentry] | None:
    """Another account (not ``but``) that has this serial among its printers, and that printer.

    One register under two accounts (the company's login and a trade point's) is two devices
    and two shifts in Home Assistant for one till: the person is told before it happens.
    """
    if not serial:
        return None
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.entry_id == but:
            continue
        for subentry in entry.subentries.values():
            if subentry.subentry_type == PRINTER and subentry.unique_id == serial:
                return entry, subentry
    return None


def _elsewhere_placeholders(
    serial: str, holder: tuple[ConfigEntry, ConfigSubentry]
) -> dict[str, str]:
    entry, subentry = holder
    return {"serial": serial, "other_account": entry.title, "other_printer": subentry.title}


async def async_check_printer(
    hass: HomeAssistant, account: Mapping[str, Any], serial: str
) -> tuple[dict[str, str], str]:
    """Errors for the printer form, and LifePay's own words when it refused the serial."""
    if serial:
        try:
            check_serial(serial)
        except LifePayInputError:
            return {CONF_SERIAL: "invalid_serial"}, ""
    try:
        await _client(hass, account).create_x_report(target_serial=serial or None, test=True)
    except LifePayValidationError as err:
        field = CONF_SERIAL if serial else "base"
        return {field: "printer_rejected"}, lifepay_words(err) or ""
    except LifePayAccessDeniedError as err:
        # The account itself passed its check: it is this printer the login may not use.
        return {"base": "printer_access_denied"}, lifepay_words(err) or ""
    except LifePayError as err:
        return {"base": _error_key(err)}, lifepay_words(err) or ""
    return {}, ""


async def _printer_title(hass: HomeAssistant, name: str, serial: str, account_title: str) -> str:
    """The printer's name, or a default in Home Assistant's language that tells it apart."""
    if name:
        return name
    await texts.async_load(hass)  # the integration may not be set up yet
    if serial:
        return texts.device_word(hass, "printer", serial=serial)
    return texts.device_word(hass, "any_printer", account=account_title)


class LifePayConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a LifePay account, and its first printer if the person wants."""

    VERSION = 1
    MINOR_VERSION = 2
    """1.2: device and entity ids from the entry's and subentries' ids (see migration.py)."""

    def __init__(self) -> None:
        self._account: dict[str, Any] = {}
        self._title = ""
        self._printer: ConfigSubentryData | None = None
        self._printer_input: dict[str, Any] | None = None
        self._holder: dict[str, str] = {}

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
            title = _account_title(user_input, data[CONF_LOGIN])
            if not (errors := _empty_credentials(data)):
                # A flow someone abandoned for this login must not block a new one.
                await self.async_set_unique_id(data[CONF_LOGIN], raise_on_progress=False)
                self._abort_if_unique_id_configured()
                if title.casefold() in _titles_in_use(self.hass):
                    errors[CONF_NAME] = "name_taken"
                elif not (errors := await _check_account(self.hass, data)):
                    data[CONF_WEBHOOK_ID] = webhook.async_generate_id()
                    self._account, self._title = data, title
                    return await self.async_step_next()
        schema = _account_schema({}, show_url=errors.get("base") == "invalid_url")
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
        )

    async def async_step_next(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The account is checked: offer its first printer in the same dialog."""
        return self.async_show_menu(step_id="next", menu_options=["first_printer", "finish"])

    async def async_step_first_printer(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        placeholders = {"message": ""}
        if user_input is not None:
            serial = (user_input.get(CONF_SERIAL) or "").strip()
            name = (user_input.get(CONF_NAME) or "").strip()
            errors, placeholders["message"] = await async_check_printer(
                self.hass, self._account, serial
            )
            if name and name.casefold() in _titles_in_use(self.hass):
                errors[CONF_NAME] = "name_taken"
            if not errors:
                self._printer = ConfigSubentryData(
                    data={CONF_SERIAL: serial or None},
                    subentry_type=PRINTER,
                    title=await _printer_title(self.hass, name, serial, self._title),
                    unique_id=serial or ANY_PRINTER,
                )
                if holder := _added_elsewhere(self.hass, serial):
                    self._printer_input = user_input
                    self._holder = _elsewhere_placeholders(serial, holder)
                    return await self.async_step_elsewhere()
                return await self.async_step_add_anyway()
        return self.async_show_form(
            step_id="first_printer",
            data_schema=self.add_suggested_values_to_schema(
                PRINTER_SCHEMA, user_input or self._printer_input
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_elsewhere(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Another account has this till: say which, and let the person choose."""
        return self.async_show_menu(
            step_id="elsewhere",
            # The account is checked already: it can be saved without this printer, as the
            # dialog promised, instead of being lost with the dialog.
            menu_options=["add_anyway", "go_back", "finish"],
            description_placeholders=self._holder,
        )

    async def async_step_add_anyway(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The first printer is checked (and, if another account has it, the person chose to
        add it here too): save the account with it."""
        if self._printer is None:  # only the printer's form leads here
            return await self.async_step_first_printer()
        return self.async_create_entry(
            title=self._title, data=self._account, subentries=[self._printer]
        )

    async def async_step_go_back(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Back to the printer's form, filled in as it was."""
        return await self.async_step_first_printer()

    async def async_step_finish(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """No printer now: one can be added later with "Add printer"."""
        return self.async_create_entry(title=self._title, data=self._account)

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, CONF_API_KEY: user_input[CONF_API_KEY].strip()}
            if not (errors := _empty_credentials(data)) and not (
                errors := await _check_account(self.hass, data)
            ):
                return self._async_update_reload_once_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_API_KEY): PASSWORD}),
            description_placeholders={"login": entry.data[CONF_LOGIN], "account": entry.title},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, **_flatten(user_input)}
            title = _account_title(user_input, data[CONF_LOGIN])
            if not (errors := _empty_credentials(data)):
                # The login is the account (the entry's unique id): another login is another
                # account, with its own rights and printers, and is added as one.
                await self.async_set_unique_id(data[CONF_LOGIN], raise_on_progress=False)
                self._abort_if_unique_id_mismatch()
                if title.casefold() in _titles_in_use(self.hass, but=entry.entry_id):
                    errors[CONF_NAME] = "name_taken"
                elif not (errors := await _check_account(self.hass, data)):
                    return self._async_update_reload_once_and_abort(entry, title=title, data=data)
        defaults = {**entry.data, CONF_NAME: entry.title}
        schema = _account_schema(defaults, show_url=errors.get("base") == "invalid_url")
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
        )

    @callback
    def _async_update_reload_once_and_abort(
        self,
        entry: ConfigEntry,
        *,
        data: Mapping[str, Any],
        title: str | UndefinedType = UNDEFINED,
    ) -> ConfigFlowResult:
        """Save the change; reload the account at most once.

        A changed entry that is set up is left to its update listener (``__init__.py``): it
        reloads for a new key or address and renames in place when only the name changed;
        ``async_update_reload_and_abort`` would schedule a reload on top of it. An entry that
        is not set up has no listener, and an unchanged one does not call it: those are
        reloaded here.
        """
        changed = self.hass.config_entries.async_update_entry(entry, title=title, data=data)
        if not (changed and entry.update_listeners):
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return self.async_abort(
            reason="reauth_successful" if self.source == SOURCE_REAUTH else "reconfigure_successful"
        )


def _choice(values: list[str], translation_key: str) -> SelectSelector:
    return SelectSelector(
        SelectSelectorConfig(
            options=values, translation_key=translation_key, mode=SelectSelectorMode.DROPDOWN
        )
    )


SALE_DEFAULTS = {
    CONF_TAX_SYSTEM: _choice([system.value for system in TaxSystem], "tax_system"),
    CONF_DEFAULT_TAX: _choice([tax.value for tax in Tax], "tax"),
    CONF_CASHIER_NAME: TextSelector(),
}


class LifePayOptionsFlow(OptionsFlow):
    """How long to keep retrying a request LifePay does not answer, and to wait for callbacks;
    the defaults of receipts (tax system, VAT, cashier)."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            limits = {
                CONF_GIVE_UP_MINUTES: (MIN_GIVE_UP_MINUTES, MAX_GIVE_UP_MINUTES),
                CONF_CONFIRM_HOURS: (MIN_CONFIRM_HOURS, MAX_CONFIRM_HOURS),
            }
            for key, (low, high) in limits.items():
                value = user_input[key]
                if not (low <= value <= high and value == int(value)):
                    errors[key] = f"{key}_out_of_range"
            cashier = (user_input.get(CONF_CASHIER_NAME) or "").strip()
            if len(cashier) > CASHIER_NAME_MAX_LENGTH:
                errors[CONF_CASHIER_NAME] = "cashier_name_too_long"
            if not errors:
                sale = {key: user_input.get(key) for key in SALE_OPTIONS}
                sale[CONF_CASHIER_NAME] = cashier
                return self.async_create_entry(
                    data={
                        **{key: int(user_input[key]) for key in limits},
                        **{key: value for key, value in sale.items() if value},
                    }
                )
        options = self.config_entry.options
        defaults = {
            CONF_GIVE_UP_MINUTES: options.get(CONF_GIVE_UP_MINUTES, DEFAULT_GIVE_UP_MINUTES),
            CONF_CONFIRM_HOURS: options.get(CONF_CONFIRM_HOURS, DEFAULT_CONFIRM_HOURS),
        }
        # The ranges are checked here, so that a person reads a translated sentence; the
        # selector's own check would show "Value 5.0 is too small".
        whole_number = NumberSelector(NumberSelectorConfig(step=1, mode=NumberSelectorMode.BOX))
        fields: dict[vol.Marker, Any] = {vol.Required(key): whole_number for key in defaults}
        fields |= {vol.Optional(key): selector for key, selector in SALE_DEFAULTS.items()}
        schema = vol.Schema(fields)
        suggested = user_input or {
            **defaults,
            **{key: options[key] for key in SALE_OPTIONS if key in options},
        }
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
            description_placeholders={"account": self.config_entry.title},
        )


class PrinterSubentryFlow(ConfigSubentryFlow):
    """Add or change a printer of an account; each is checked with a test-mode request."""

    def __init__(self) -> None:
        self._form = "user"
        self._input: dict[str, Any] | None = None
        self._printer: tuple[dict[str, Any], str, str] | None = None
        """The checked printer waiting for the person's word: data, title and unique id."""
        self._holder: dict[str, str] = {}
        """The other account that has its serial, and the name it has there."""

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
        current = self._get_reconfigure_subentry() if step_id == "reconfigure" else None
        errors: dict[str, str] = {}
        placeholders = {"message": "", "account": entry.title}
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
                errors[CONF_SERIAL] = "already_configured"
            elif name and name.casefold() in _titles_in_use(
                self.hass, but=current.subentry_id if current else None
            ):
                errors[CONF_NAME] = "name_taken"
            else:
                errors, placeholders["message"] = await async_check_printer(
                    self.hass, entry.data, serial
                )
            if not errors:
                data = {CONF_SERIAL: serial or None}
                title = await _printer_title(self.hass, name, serial, entry.title)
                self._printer = data, title, unique_id
                # A printer that keeps its serial was warned about when it got it.
                if (current is None or current.unique_id != unique_id) and (
                    holder := _added_elsewhere(self.hass, serial, but=entry.entry_id)
                ):
                    self._form, self._input = step_id, user_input
                    self._holder = _elsewhere_placeholders(serial, holder)
                    return await self.async_step_elsewhere()
                return await self.async_step_add_anyway()
        defaults: Mapping[str, Any] = (
            user_input
            or self._input
            or (
                {CONF_SERIAL: current.data.get(CONF_SERIAL) or "", CONF_NAME: current.title}
                if current
                else {}
            )
        )
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(PRINTER_SCHEMA, defaults),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_elsewhere(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Another account has this till: say which, and let the person choose."""
        return self.async_show_menu(
            step_id="elsewhere",
            menu_options=[
                "save_anyway" if self.source == SOURCE_RECONFIGURE else "add_anyway",
                "go_back",
            ],
            description_placeholders=self._holder,
        )

    async def async_step_add_anyway(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Save the checked printer (the person chose to have it here too, if another account
        has it)."""
        if self._printer is None:  # only the printer's form leads here
            return await self._async_printer_form(self._form, None)
        data, title, unique_id = self._printer
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_and_abort(
                self._get_entry(),
                self._get_reconfigure_subentry(),
                data=data,
                title=title,
                unique_id=unique_id,
            )
        return self.async_create_entry(title=title, data=data, unique_id=unique_id)

    async def async_step_save_anyway(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """The same as adding: the words differ, for a printer that is changed."""
        return await self.async_step_add_anyway()

    async def async_step_go_back(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Back to the printer's form, filled in as it was."""
        return await self._async_printer_form(self._form, None)
