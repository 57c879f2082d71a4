"""Setting up, changing and removing accounts and printers; the callback address."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_NAME, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.network import NoURLAvailableError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lifepay.api import DEFAULT_BASE_URL
from custom_components.lifepay.const import CONF_SERIAL, DOMAIN, SUBENTRY_PRINTER

from .conftest import documents_asked, printer_id_of

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle


async def test_setup_creates_account_and_printer_devices(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    assert loaded_entry.state is ConfigEntryState.LOADED
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), loaded_entry.entry_id)
    by_name = {device.name: device for device in devices}
    login = lifepay_mock.demo.admin_login
    account = by_name[f"LifePay {login}"]
    assert account.entry_type is dr.DeviceEntryType.SERVICE
    till = by_name["Till 1"]
    assert till.manufacturer == "LifePay"
    assert till.serial_number == lifepay_mock.demo.printers[0]
    assert till.via_device_id == account.id
    entities = er.async_entries_for_device(
        er.async_get(hass), till.id, include_disabled_entities=True
    )
    # Ids that never change: the subentry's, not the login or the serial.
    subentry_id = printer_id_of(loaded_entry, lifepay_mock.demo.printers[0])
    assert till.identifiers == {(DOMAIN, subentry_id)}
    assert account.identifiers == {(DOMAIN, loaded_entry.entry_id)}
    assert sorted(entity.unique_id.removeprefix(f"{subentry_id}_") for entity in entities) == [
        "cash_status",
        "close_shift",
        "last_message",
        "last_x_report",
        "last_z_report",
        "open_shift",
        "open_shift_status",
        "print_x_report",
        "receipt_status",
        "shift",
        "x_report_status",
        "z_report_status",
    ]
    # A stray press must not close the fiscal day: that button starts disabled.
    disabled = [entity.unique_id for entity in entities if entity.disabled_by is not None]
    assert disabled == [f"{subentry_id}_close_shift"]
    status = hass.states.get("sensor.till_1_x_report_status")
    assert status.attributes["options"] == [
        "pending",
        "retrying",
        "accepted",
        "processed",
        "awaiting_retry",
        "error",
        "rejected",
        "failed",
        "unconfirmed",
        "sent",
    ]
    # Nothing was printed or checked at start-up.
    assert documents_asked(lifepay_mock) == []


async def test_unload_and_reload(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
    assert hass.states.get("button.till_1_print_x_report").state == "unavailable"
    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    assert hass.states.get("button.till_1_print_x_report").state == "unknown"


async def test_adding_and_removing_a_printer_needs_no_restart(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    result = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, SUBENTRY_PRINTER), context={"source": "user"}
    )
    await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SERIAL: "", CONF_NAME: "Any till"}
    )
    await hass.async_block_till_done()
    assert hass.states.get("button.any_till_print_x_report") is not None
    device_registry = dr.async_get(hass)
    subentry_id = printer_id_of(loaded_entry, "any")
    any_device = device_registry.async_get_device({(DOMAIN, subentry_id)})
    assert any_device is not None
    assert any_device.serial_number is None

    assert hass.config_entries.async_remove_subentry(loaded_entry, subentry_id)
    await hass.async_block_till_done()
    assert device_registry.async_get(any_device.id) is None
    assert er.async_get(hass).async_get("button.any_till_print_x_report") is None


async def test_no_callback_url_raises_a_repair_and_printing_still_works(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_url(*_args: object, **_kwargs: object) -> str:
        raise NoURLAvailableError

    # An instance whose network settings give no URL at all.
    monkeypatch.setattr(webhook, "async_generate_url", no_url)
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    issue_id = f"no_callback_url_{mock_entry.entry_id}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {"login": lifepay_mock.demo.admin_login}

    await hass.services.async_call(
        "button", "press", {"entity_id": "button.till_1_print_x_report"}, blocking=True
    )
    await lifepay_mock.mock.wait_until_idle()
    await hass.async_block_till_done()
    (document,) = lifepay_mock.mock.backend.documents.values()
    assert document.callback_url is None
    assert document.status.value == "processed"
    # The request went out; with no URL to call back, nothing can confirm it.
    assert hass.states.get("sensor.till_1_x_report_status").state == "sent"

    await hass.config_entries.async_remove(mock_entry.entry_id)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_callback_url_clears_the_repair(
    hass: HomeAssistant, mock_entry: MockConfigEntry, lifepay_mock: MockHandle, ha_url: str
) -> None:
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"no_callback_url_{mock_entry.entry_id}",
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="no_callback_url",
    )
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    assert (
        ir.async_get(hass).async_get_issue(DOMAIN, f"no_callback_url_{mock_entry.entry_id}") is None
    )
    assert mock_entry.runtime_data.callback_url.startswith(ha_url + "/api/webhook/")


@pytest.mark.parametrize(("api_url", "issue"), [(None, True), ("mock", False)])
async def test_local_url_warns_only_for_lifepays_cloud(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    ha_url: str,
    api_url: str | None,
    issue: bool,
) -> None:
    data = dict(mock_entry.data)
    data[CONF_URL] = DEFAULT_BASE_URL if api_url is None else lifepay_mock.url
    hass.config_entries.async_update_entry(mock_entry, data=data)
    # LifePay's real cloud is out of reach here: that set-up waits to be retried (not ready).
    assert await hass.config_entries.async_setup(mock_entry.entry_id) is not issue
    found = ir.async_get(hass).async_get_issue(DOMAIN, f"local_callback_url_{mock_entry.entry_id}")
    assert (found is not None) is issue
    if not issue:
        assert mock_entry.runtime_data.callback_url.startswith(ha_url)


async def test_external_url_is_preferred(
    hass: HomeAssistant, mock_entry: MockConfigEntry, ha_url: str
) -> None:
    await hass.config.async_update(external_url="https://shop.example.org")
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    url = mock_entry.runtime_data.callback_url
    assert url.startswith("https://shop.example.org/api/webhook/")
