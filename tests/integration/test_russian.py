"""What a Russian shop owner sees: Home Assistant set to Russian, no English left."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lifepay.const import MODEL_ANY_PRINTER, MODEL_PRINTER, SUBENTRY_PRINTER
from mock_lifepay.faults import Fault, FaultKind

from .conftest import press, settle

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle

ALLOWED = {"LifePay", "HTTP", "X", "Z"}


def english_in(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]+", text)) - ALLOWED


async def test_a_russian_shop_sees_russian(
    hass: HomeAssistant, mock_entry: MockConfigEntry, lifepay_mock: MockHandle, ha_url: str
) -> None:
    await hass.config.async_update(language="ru")
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()

    # A printer added without a name gets a Russian one.
    result = await hass.config_entries.subentries.async_init(
        (mock_entry.entry_id, SUBENTRY_PRINTER), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert result["title"] == f"Любой активный принтер («{mock_entry.title}»)"
    await hass.async_block_till_done()

    devices = dr.async_entries_for_config_entry(dr.async_get(hass), mock_entry.entry_id)
    # Models are plain strings (Home Assistant translates no model), as core integrations write.
    printer_models = {device.model for device in devices if device.via_device_id}
    assert printer_models == {MODEL_PRINTER, MODEL_ANY_PRINTER}

    # LifePay does not answer: why, in Russian, where a person looks.
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=502))
    await press(hass)
    status = hass.states.get("sensor.till_1_x_report_status")
    assert status.attributes["message"] == "LifePay ответил ошибкой HTTP 502."
    messages = [state for state in hass.states.async_all() if "last_message" in state.entity_id]
    till = next(state for state in messages if state.entity_id.startswith("sensor.till_1"))
    assert till.state == "X-отчёт: LifePay ответил ошибкой HTTP 502."

    # The printer says no: LifePay's own words, with Russian around them.
    printer = lifepay_mock.mock.backend.world.printers[lifepay_mock.demo.printers[1]]
    lifepay_mock.mock.set_printer_error(printer, "Смена не открыта.")
    await press(hass, "button.warehouse_print_x_report")
    await settle(hass, lifepay_mock)
    warehouse = next(state for state in messages if state.entity_id.startswith("sensor.warehouse"))
    warehouse = hass.states.get(warehouse.entity_id)
    assert warehouse.state == "X-отчёт: Смена не открыта: сначала откройте смену, потом повторите."

    for text in (status.attributes["message"], till.state, warehouse.state):
        assert not english_in(text), text
