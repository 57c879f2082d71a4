"""Fixes offered by the repair issues (issues.py): what Home Assistant can do about each."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import voluptuous as vol
from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult
from homeassistant.helpers import issue_registry as ir

from .api import (
    LifePayAccessDeniedError,
    LifePayCloudPrintDisabledError,
    LifePayError,
    LifePayTransportError,
    LifePayValidationError,
    lifepay_words,
)
from .config_flow import async_check_printer
from .const import ANY_PRINTER, CONF_SERIAL, DOMAIN
from .issues import Issue

if TYPE_CHECKING:
    from .account import LifePayAccount, Printer


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    data = data or {}
    flows: dict[str, type[_LifePayFix]] = {
        Issue.CLOUD_PRINT_DISABLED: CheckAgainFix,
        Issue.ACCESS_DENIED: ChangePrinterFix,
        Issue.GAVE_UP: SendAgainFix,
    }
    kind = next((issue for issue in flows if issue_id.startswith(f"{issue}_")), None)
    if kind is None:  # raised by another version: confirming it closes it
        return ConfirmRepairFlow()
    return flows[kind](issue_id, str(data.get("entry_id", "")), str(data.get("subentry_id", "")))


class _LifePayFix(RepairsFlow):
    """A fix for one issue of one account (and printer), shown with the issue's own words."""

    def __init__(self, issue_id: str, entry_id: str, subentry_id: str) -> None:
        self.issue_id = issue_id
        self.entry_id = entry_id
        self.subentry_id = subentry_id

    def _account(self) -> LifePayAccount | None:
        entry = self.hass.config_entries.async_get_entry(self.entry_id)
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            return None
        account: LifePayAccount = entry.runtime_data
        return account

    def _printer(self, account: LifePayAccount) -> Printer | None:
        return account.printers.get(self.subentry_id)

    def _placeholders(self) -> dict[str, str]:
        issue = ir.async_get(self.hass).async_get_issue(DOMAIN, self.issue_id)
        return dict(issue.translation_placeholders or {}) if issue else {}

    def _done(self) -> FlowResult:
        ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)
        return self.async_create_entry(data={})

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        if self._account() is None:
            return self.async_abort(reason="account_not_loaded")
        return await self.async_step_confirm()

    async def async_step_confirm(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        raise NotImplementedError


def _error_key(error: LifePayError) -> str:
    match error:
        case LifePayCloudPrintDisabledError():
            return "still_disabled"
        case LifePayAccessDeniedError():
            return "still_denied"
        case LifePayTransportError():
            return "cannot_connect"
        case _:
            return "refused"


class _SubmitFix(_LifePayFix):
    """A fix with nothing to fill in: Submit does it, or says why it could not."""

    async def async_step_confirm(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        errors: dict[str, str] = {}
        placeholders = {**self._placeholders(), "message": ""}
        if user_input is not None and (account := self._account()) is not None:
            try:
                await self._apply(account)
            except LifePayError as err:
                errors["base"] = _error_key(err)
                placeholders["message"] = lifepay_words(err) or ""
            else:
                return self._done()
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({}),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _apply(self, account: LifePayAccount) -> None:
        raise NotImplementedError


class CheckAgainFix(_SubmitFix):
    """Cloud fiscalization is switched on in LifePay's cabinet: check it, then close the issue."""

    async def _apply(self, account: LifePayAccount) -> None:
        # A data error means printing is allowed; the account has no active printer right now.
        with contextlib.suppress(LifePayValidationError):
            await account.client.create_x_report(test=True)


class ChangePrinterFix(_LifePayFix):
    """LifePay denies this login the printer: enter the serial it may use, checked first."""

    async def async_step_confirm(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        account = self._account()
        printer = self._printer(account) if account else None
        if account is None or printer is None:
            return self.async_abort(reason="printer_removed")
        errors: dict[str, str] = {}
        placeholders = {**self._placeholders(), "message": ""}
        if user_input is not None:
            serial = (user_input.get(CONF_SERIAL) or "").strip()
            taken = {
                sub.unique_id
                for sub_id, sub in account.entry.subentries.items()
                if sub_id != self.subentry_id
            }
            if (serial or ANY_PRINTER) in taken:
                errors[CONF_SERIAL] = "already_configured"
            else:
                errors, placeholders["message"] = await async_check_printer(
                    self.hass, account.entry.data, serial
                )
            if not errors:
                entry = account.entry
                subentry = entry.subentries[self.subentry_id]
                self.hass.config_entries.async_update_subentry(
                    entry,
                    subentry,
                    data={CONF_SERIAL: serial or None},
                    unique_id=serial or ANY_PRINTER,
                )
                return self._done()
        schema = vol.Schema({vol.Optional(CONF_SERIAL): str})
        return self.async_show_form(
            step_id="confirm",
            data_schema=self.add_suggested_values_to_schema(
                schema, user_input or {CONF_SERIAL: printer.serial or ""}
            ),
            errors=errors,
            description_placeholders=placeholders,
        )


class SendAgainFix(_SubmitFix):
    """Not sent in time: a person decides to send the same documents again (same ext_id:
    nothing doubles). Every one is tried; the first refusal is shown."""

    async def _apply(self, account: LifePayAccount) -> None:
        if refusals := await account.async_send_again(self.subentry_id):
            raise refusals[0]
