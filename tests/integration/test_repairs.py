"""Repair issues follow what they describe, and each offers the fix Home Assistant can make."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lifepay.const import CONF_LOGIN, CONF_SERIAL, DOMAIN
from custom_components.lifepay.repairs import async_create_fix_flow
from mock_lifepay.faults import Fault, FaultKind

from .conftest import press, printer_id_of, set_up_with, settle
from .test_queue import run_until_given_up

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle


async def fix(hass: HomeAssistant, issue_id: str, user_input: dict[str, Any] | None) -> Any:
    """Open the issue's fix as the repairs dialog does, and submit it once."""
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.is_fixable
    flow = await async_create_fix_flow(hass, issue_id, issue.data)
    flow.hass = hass
    flow.handler = DOMAIN
    flow.issue_id = issue_id  # type: ignore[attr-defined]
    result = await flow.async_step_init()
    if result["type"] is not FlowResultType.FORM:
        return result
    assert result["step_id"] == "confirm"
    return await flow.async_step_confirm(user_input)


async def test_cloud_fiscalization_checked_again_from_the_issue(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    company = lifepay_mock.mock.backend.world.companies[1]
    company.cloud_print_enabled = False
    with pytest.raises(HomeAssistantError):
        await press(hass)
    issue_id = f"cloud_print_disabled_{loaded_entry.entry_id}"
    result = await fix(hass, issue_id, {})
    assert result["errors"] == {"base": "still_disabled"}
    company.cloud_print_enabled = True  # switched on in the LifePay cabinet
    result = await fix(hass, issue_id, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert lifepay_mock.mock.backend.documents == {}  # the checks printed nothing


async def test_access_is_per_printer_and_the_fix_changes_the_printer(
    hass: HomeAssistant, mock_entry: MockConfigEntry, lifepay_mock: MockHandle, ha_url: str
) -> None:
    """The shop's login may print on the shop's till only: the warehouse printer is denied."""
    demo = lifepay_mock.demo
    hass.config_entries.async_update_entry(
        mock_entry, data={**mock_entry.data, CONF_LOGIN: demo.shop_login}
    )
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    warehouse = printer_id_of(mock_entry, demo.printers[1])
    issue_id = f"access_denied_{warehouse}"
    with pytest.raises(HomeAssistantError):
        await press(hass, "button.warehouse_print_x_report")
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    # Another printer of the same account prints: the warehouse's issue stays.
    await press(hass, "button.till_1_print_x_report")
    await settle(hass, lifepay_mock)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None

    result = await fix(hass, issue_id, {CONF_SERIAL: demo.printers[1]})
    assert result["errors"] == {"base": "printer_access_denied"}
    result = await fix(hass, issue_id, {CONF_SERIAL: demo.printers[0]})
    assert result["errors"] == {CONF_SERIAL: "already_configured"}
    # Empty: any printer this login may use (the shop's).
    result = await fix(hass, issue_id, {CONF_SERIAL: ""})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert mock_entry.subentries[warehouse].data == {CONF_SERIAL: None}
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_a_give_up_raises_an_issue_whose_fix_sends_it_again(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    ha_url: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    await set_up_with(hass, mock_entry, give_up_minutes=10)
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=503, times=4))
    await press(hass)
    await run_until_given_up(hass, freezer, lifepay_mock)
    assert hass.states.get("sensor.till_1_x_report_status").state == "failed"
    issue_id = f"gave_up_{printer_id_of(mock_entry, lifepay_mock.demo.printers[0])}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders["printer"] == "Till 1"
    assert issue.translation_placeholders["ext_id"]
    assert issue.translation_placeholders["document"] == "X-report"  # which one was lost

    result = await fix(hass, issue_id, {})  # LifePay answers again
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await settle(hass, lifepay_mock)
    assert hass.states.get("sensor.till_1_x_report_status").state == "processed"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    (document,) = lifepay_mock.mock.backend.documents.values()
    assert document.ext_id == issue.translation_placeholders["ext_id"]
