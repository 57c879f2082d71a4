"""The lifepay.print_x_report action: targets, validation, several printers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from homeassistant.const import ATTR_DEVICE_ID, ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lifepay.const import DOMAIN

from .conftest import documents_asked, printer_id_of, settle

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle


def printer_device(hass: HomeAssistant, entry: MockConfigEntry, serial: str) -> str:
    device = dr.async_get(hass).async_get_device({(DOMAIN, printer_id_of(entry, serial))})
    assert device is not None
    return device.id


async def call(hass: HomeAssistant, data: dict[str, object]) -> dict[str, object]:
    response = await hass.services.async_call(
        DOMAIN, "print_x_report", data, blocking=True, return_response=True
    )
    assert response is not None
    return response


async def test_target_devices_prints_on_each(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    demo = lifepay_mock.demo
    devices = [printer_device(hass, loaded_entry, serial) for serial in demo.printers]
    response = await call(hass, {ATTR_DEVICE_ID: devices})
    reports = response["reports"]
    assert isinstance(reports, list)
    assert sorted(report["serial"] for report in reports) == sorted(demo.printers)
    assert {report["device_id"] for report in reports} == set(devices)
    await settle(hass, lifepay_mock)
    assert hass.states.get("sensor.till_1_x_report_status").state == "processed"
    assert hass.states.get("sensor.warehouse_x_report_status").state == "processed"
    printed = sorted(d.printer_serial for d in lifepay_mock.mock.backend.documents.values())
    assert printed == sorted(demo.printers)


async def test_without_response_returns_nothing(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    result = await hass.services.async_call(
        DOMAIN, "print_x_report", {ATTR_ENTITY_ID: "button.warehouse_print_x_report"}, blocking=True
    )
    assert result is None
    assert len(lifepay_mock.mock.backend.documents) == 1


async def test_a_device_and_its_button_print_once(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    demo = lifepay_mock.demo
    device = printer_device(hass, loaded_entry, demo.printers[0])
    response = await call(
        hass, {ATTR_DEVICE_ID: device, ATTR_ENTITY_ID: "button.till_1_print_x_report"}
    )
    assert len(response["reports"]) == 1  # type: ignore[arg-type]


async def test_other_targets_are_refused(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"lamp": {"name": "Lamp"}}}
    )
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, {ATTR_ENTITY_ID: "input_boolean.lamp"})
    assert caught.value.translation_key == "not_a_printer"

    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, {ATTR_ENTITY_ID: "sensor.till_1_x_report_status"})
    assert caught.value.translation_key == "not_a_printer"

    account_device = dr.async_get(hass).async_get_device({(DOMAIN, loaded_entry.entry_id)})
    assert account_device is not None
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, {ATTR_DEVICE_ID: account_device.id})
    assert caught.value.translation_key == "not_a_printer"
    assert caught.value.translation_placeholders == {"target": account_device.name}

    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, {ATTR_DEVICE_ID: "no-such-device"})
    assert caught.value.translation_key == "not_a_printer"
    assert lifepay_mock.mock.backend.documents == {}


async def test_ext_id_needs_one_printer(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    with pytest.raises(ServiceValidationError) as caught:
        await call(
            hass,
            {
                ATTR_ENTITY_ID: ["button.till_1_print_x_report", "button.warehouse_print_x_report"],
                "ext_id": "both",
            },
        )
    assert caught.value.translation_key == "ext_id_needs_one_printer"
    assert lifepay_mock.mock.backend.documents == {}


async def test_unloaded_account_has_no_printers(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    await hass.config_entries.async_unload(loaded_entry.entry_id)
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, {ATTR_ENTITY_ID: "button.till_1_print_x_report"})
    assert caught.value.translation_key == "no_printer_targeted"


@pytest.mark.parametrize(
    ("action", "data", "key", "placeholders"),
    [
        ("print_x_report", {"ext_id": "x" * 51}, "ext_id_too_long", {"max": "50"}),
        ("open_shift", {"cashier_inn": "7701234"}, "cashier_inn_invalid", {"inn": "7701234"}),
        ("close_shift", {"cashier_name": "Я" * 65}, "cashier_name_too_long", {"max": "64"}),
    ],
)
async def test_wrong_input_is_a_translated_sentence(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    action: str,
    data: dict[str, str],
    key: str,
    placeholders: dict[str, str],
) -> None:
    """The person's own input is wrong: a ServiceValidationError with a sentence, not the
    schema library's words; nothing is sent."""
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            DOMAIN,
            action,
            {ATTR_ENTITY_ID: "button.till_1_print_x_report", **data},
            blocking=True,
        )
    assert (caught.value.translation_key, caught.value.translation_placeholders) == (
        key,
        placeholders,
    )
    assert documents_asked(lifepay_mock) == []


async def test_one_refused_printer_does_not_stop_the_others(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    del lifepay_mock.mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    devices = [printer_device(hass, loaded_entry, serial) for serial in lifepay_mock.demo.printers]
    with pytest.raises(HomeAssistantError):
        await call(hass, {ATTR_DEVICE_ID: devices})
    await settle(hass, lifepay_mock)
    (document,) = lifepay_mock.mock.backend.documents.values()
    assert document.printer_serial == lifepay_mock.demo.printers[1]
    assert hass.states.get("sensor.till_1_x_report_status").state == "rejected"
    assert hass.states.get("sensor.warehouse_x_report_status").state == "processed"
