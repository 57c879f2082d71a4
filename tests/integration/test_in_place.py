"""A rename or an option change reaches the running account without a reload; a change that
needs new entities or a new client still reloads."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_RECONFIGURE, ConfigEntryState
from homeassistant.const import CONF_NAME, EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lifepay.const import (
    CONF_CONFIRM_HOURS,
    CONF_GIVE_UP_MINUTES,
    CONF_SERIAL,
    DOMAIN,
    SUBENTRY_PRINTER,
)
from mock_lifepay.faults import Fault, FaultKind

from .conftest import documents_asked, press, printer_id_of, settle
from .test_queue import STATUS, advance

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle

BUTTON = "button.till_1_print_x_report"


class Watch:
    """The entry's states and every entity's state changes from now on."""

    def __init__(self, hass: HomeAssistant, entry: MockConfigEntry) -> None:
        self.entry_states: list[ConfigEntryState] = []
        self.unavailable: list[str] = []
        self.removed: list[str] = []
        entry.async_on_state_change(lambda: self.entry_states.append(entry.state))

        def changed(event: Event[Any]) -> None:
            new = event.data["new_state"]
            if new is None:
                self.removed.append(event.data["entity_id"])
            elif new.state == STATE_UNAVAILABLE:
                self.unavailable.append(event.data["entity_id"])

        hass.bus.async_listen(EVENT_STATE_CHANGED, changed)

    @property
    def reloaded(self) -> bool:
        return bool(self.entry_states or self.unavailable or self.removed)


async def change_printer(
    hass: HomeAssistant, entry: MockConfigEntry, subentry_id: str, **fields: str
) -> dict[str, Any]:
    """The Change printer dialog, as a person fills it in."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PRINTER),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], fields)
    await hass.async_block_till_done()
    return result


def device_of(hass: HomeAssistant, key: str) -> dr.DeviceEntry:
    device = dr.async_get(hass).async_get_device({(DOMAIN, key)})
    assert device is not None
    return device


async def test_a_rename_applies_in_place(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    serial = lifepay_mock.demo.printers[0]
    till = printer_id_of(loaded_entry, serial)
    account = loaded_entry.runtime_data
    await press(hass)
    await settle(hass, lifepay_mock)
    before = hass.states.get(STATUS)
    watch = Watch(hass, loaded_entry)

    result = await change_printer(hass, loaded_entry, till, serial=serial, name="Касса 1")

    assert result["reason"] == "reconfigure_successful"
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert loaded_entry.runtime_data is account  # not rebuilt
    assert not watch.reloaded, (watch.entry_states, watch.unavailable, watch.removed)
    assert account.printers[till].name == "Касса 1"
    assert account.printers[till].serial == serial
    assert device_of(hass, till).name == "Касса 1"
    assert hass.states.get(BUTTON).name == "Касса 1 Print X-report"
    after = hass.states.get(STATUS)
    assert after.name == "Касса 1 X-report status"
    assert after.state == before.state  # what it showed, not a restored copy
    # The other printer was not touched.
    assert device_of(hass, printer_id_of(loaded_entry, lifepay_mock.demo.printers[1])).name == (
        "Warehouse"
    )

    # The running buttons use the new name too: LifePay refuses the next press, and both the
    # error and the repair issue name the printer as it is called now.
    lifepay_mock.mock.faults.add(Fault(FaultKind.CODE, code=6095))
    with pytest.raises(HomeAssistantError) as caught:
        await press(hass)
    assert caught.value.translation_placeholders is not None
    assert caught.value.translation_placeholders["printer"] == "Касса 1"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"access_denied_{till}")
    assert issue is not None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["printer"] == "Касса 1"


async def test_a_name_the_person_gave_the_device_stays(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    serial = lifepay_mock.demo.printers[0]
    till = printer_id_of(loaded_entry, serial)
    registry = dr.async_get(hass)
    registry.async_update_device(device_of(hass, till).id, name_by_user="Касса у окна")
    await hass.async_block_till_done()
    watch = Watch(hass, loaded_entry)

    await change_printer(hass, loaded_entry, till, serial=serial, name="Касса 1")

    assert not watch.reloaded
    device = device_of(hass, till)
    assert device.name_by_user == "Касса у окна"
    assert device.name == "Касса 1"  # shown again only if the person clears their own name
    assert hass.states.get(BUTTON).name == "Касса у окна Print X-report"


async def test_renaming_the_account_applies_in_place(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    account = loaded_entry.runtime_data
    watch = Watch(hass, loaded_entry)
    result = await loaded_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "api_key": lifepay_mock.demo.apikey,
            "login": lifepay_mock.demo.admin_login,
            "advanced": {"url": lifepay_mock.url},
            CONF_NAME: "Магазин на Ленина",
        },
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert loaded_entry.runtime_data is account
    assert not watch.reloaded
    assert device_of(hass, loaded_entry.entry_id).name == "Магазин на Ленина"


async def test_options_reach_the_running_ledger(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    account = loaded_entry.runtime_data
    watch = Watch(hass, loaded_entry)
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_GIVE_UP_MINUTES: 10, CONF_CONFIRM_HOURS: 2}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_entry.runtime_data is account
    assert not watch.reloaded
    assert account.ledger.give_up_after == timedelta(minutes=10)
    assert account.ledger.confirm_within == timedelta(hours=2)

    # A send after it keeps to the new window: 10 minutes, not the 120 it was set up with.
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=503, times=100))
    await press(hass)
    for minutes in (1, 3, 5, 60):
        await advance(hass, freezer, lifepay_mock, minutes=minutes)
    state = hass.states.get(STATUS)
    assert state.state == "failed"
    assert state.attributes["message"].startswith("LifePay did not answer for 10 min, tries: 4;")
    assert len(documents_asked(lifepay_mock)) == 4


async def test_a_shorter_window_ends_a_document_past_it_at_once(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """As a reload did: a document still being sent whose new window has run out is failed."""
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=503, times=100))
    await press(hass)
    for minutes in (1, 3, 5, 3):
        await advance(hass, freezer, lifepay_mock, minutes=minutes)
    assert hass.states.get(STATUS).state == "retrying"  # 12 minutes in, next try at 19
    hass.config_entries.async_update_entry(
        loaded_entry, options={CONF_GIVE_UP_MINUTES: 10, CONF_CONFIRM_HOURS: 12}
    )
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).state == "failed"
    await advance(hass, freezer, lifepay_mock, minutes=10)  # its retry timer went with it
    assert len(documents_asked(lifepay_mock)) == 4


async def test_a_serial_change_still_reloads(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    first, second = lifepay_mock.demo.printers
    warehouse = printer_id_of(loaded_entry, second)
    account = loaded_entry.runtime_data
    watch = Watch(hass, loaded_entry)
    hass.config_entries.async_remove_subentry(loaded_entry, warehouse)  # a printer removed
    await hass.async_block_till_done()
    assert loaded_entry.runtime_data is not account
    assert watch.entry_states.count(ConfigEntryState.LOADED) == 1

    account = loaded_entry.runtime_data
    till = printer_id_of(loaded_entry, first)
    result = await change_printer(hass, loaded_entry, till, serial=second, name="Till 1")
    assert result["reason"] == "reconfigure_successful"
    assert watch.entry_states.count(ConfigEntryState.LOADED) == 2
    assert loaded_entry.runtime_data is not account
    assert loaded_entry.runtime_data.printers[till].serial == second
    assert loaded_entry.subentries[till].data == {CONF_SERIAL: second}
