"""The shop's fiscal day from Home Assistant: open the shift, X-reports, close it with a
Z-report; device triggers, the logbook and the shop-day blueprint that react to it."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
    async_get_device_automations,
    async_get_persistent_notifications,
)

from custom_components.lifepay import logbook
from custom_components.lifepay.const import DOMAIN, EVENT_DOCUMENT

from .conftest import printer_id_of, settle

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle

REPO = Path(__file__).resolve().parents[2]
TILL = "till_1"

# What a failure on a closed shift says, in English.
NOT_OPEN = "The shift is not open: open the shift first, then try again."


async def act(hass: HomeAssistant, action: str, **data: Any) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN,
        action,
        {ATTR_ENTITY_ID: f"button.{TILL}_print_x_report", **data},
        blocking=True,
        return_response=True,
    )
    (report,) = response["reports"]
    return report


def state(hass: HomeAssistant, key: str) -> str:
    """The till's sensor with this key, found by its unique id (names may be long)."""
    entity = next(
        entity
        for entity in er.async_get(hass).entities.values()
        if entity.platform == DOMAIN
        and entity.domain == "sensor"
        and entity.unique_id.endswith(f"_{key}")
        and entity.entity_id.startswith(f"sensor.{TILL}_")
    )
    return hass.states.get(entity.entity_id).state


def till_device(hass: HomeAssistant, entry: MockConfigEntry, lifepay_mock: MockHandle) -> str:
    device = dr.async_get(hass).async_get_device(
        {(DOMAIN, printer_id_of(entry, lifepay_mock.demo.printers[0]))}
    )
    assert device is not None
    return device.id


async def test_a_whole_fiscal_day(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    printer = lifepay_mock.mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    number = printer.shift.number
    assert state(hass, "shift") == "unknown_yet"  # nothing seen from Home Assistant yet
    # The demo's shift was opened at the till; a printed X-report shows it is open.
    await act(hass, "print_x_report")
    await settle(hass, lifepay_mock)
    assert state(hass, "x_report_status") == "processed"
    assert state(hass, "shift") == "open"

    report = await act(
        hass, "close_shift", cashier_name="Иванова А. П.", cashier_inn="500100732259"
    )
    assert (report["document"], report["outcome"]) == ("z_report", "new")
    await settle(hass, lifepay_mock)
    assert state(hass, "z_report_status") == "processed"
    assert state(hass, "shift") == "closed"
    assert state(hass, "last_z_report") != "unknown"
    document = lifepay_mock.mock.backend.documents[report["uuid"]]
    assert (document.type.value, document.cashier_name) == ("z_report", "Иванова А. П.")
    assert not printer.shift.is_open

    # An X-report on the closed shift: LifePay's error callback, in words on the dashboard.
    await act(hass, "print_x_report")
    await settle(hass, lifepay_mock)
    assert state(hass, "x_report_status") == "error"
    assert state(hass, "last_message") == f"X-report: {NOT_OPEN}"

    await act(hass, "open_shift")
    await settle(hass, lifepay_mock)
    assert state(hass, "open_shift_status") == "processed"
    assert state(hass, "shift") == "open"
    assert printer.shift.number == number + 1
    await act(hass, "print_x_report")
    await settle(hass, lifepay_mock)
    assert state(hass, "x_report_status") == "processed"
    kinds = [d.type.value for d in lifepay_mock.mock.backend.documents.values()]
    assert kinds == ["x_report", "z_report", "x_report", "open_shift", "x_report"]


async def test_the_close_shift_button_is_off_until_switched_on(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    assert hass.states.get(f"button.{TILL}_close_shift_z_report") is None
    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id(
        "button",
        DOMAIN,
        f"{printer_id_of(loaded_entry, lifepay_mock.demo.printers[0])}_close_shift",
    )
    assert entity_id is not None
    registry.async_update_entity(entity_id, disabled_by=None)
    await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    await hass.services.async_call("button", "press", {ATTR_ENTITY_ID: entity_id}, blocking=True)
    await settle(hass, lifepay_mock)
    assert state(hass, "z_report_status") == "processed"


async def test_device_triggers_catch_every_outcome(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    device_id = till_device(hass, loaded_entry, lifepay_mock)
    triggers = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, device_id)
    assert sorted(t["type"] for t in triggers if t["domain"] == DOMAIN) == [
        "receipt_failed",
        "receipt_printed",
        "shift_open_failed",
        "shift_opened",
        "x_report_failed",
        "x_report_printed",
        "z_report_failed",
        "z_report_printed",
    ]
    account_device = dr.async_get(hass).async_get_device({(DOMAIN, loaded_entry.entry_id)})
    assert account_device is not None
    account = await async_get_device_automations(
        hass, DeviceAutomationType.TRIGGER, account_device.id
    )
    assert [t for t in account if t["domain"] == DOMAIN] == []  # the account prints nothing

    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "triggers": [
                        {
                            "trigger": "device",
                            "domain": DOMAIN,
                            "device_id": device_id,
                            "type": trigger_type,
                        }
                    ],
                    "actions": [
                        {
                            "event": "caught",
                            "event_data": {
                                "type": trigger_type,
                                "printer": "{{ trigger.event.data.printer }}",
                                "message": "{{ trigger.event.data.message }}",
                            },
                        }
                    ],
                }
                for trigger_type in ("x_report_failed", "x_report_printed", "z_report_printed")
            ]
        },
    )
    caught = async_capture_events(hass, "caught")
    await act(hass, "close_shift")
    await settle(hass, lifepay_mock)
    await act(hass, "print_x_report")  # on the closed shift: the printer says no
    await settle(hass, lifepay_mock)
    await act(hass, "open_shift")
    await settle(hass, lifepay_mock)
    await act(hass, "print_x_report")
    await settle(hass, lifepay_mock)
    assert [event.data for event in caught] == [
        # In Home Assistant's language: what happened, and for a failure what to do.
        {"type": "z_report_printed", "printer": "Till 1", "message": "Printed, shift closed"},
        {"type": "x_report_failed", "printer": "Till 1", "message": NOT_OPEN},
        {"type": "x_report_printed", "printer": "Till 1", "message": "Printed"},
    ]


async def test_a_refusal_and_a_give_up_are_failures_too(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    """The documented automation must catch every final failure, not only printer errors."""
    events = async_capture_events(hass, EVENT_DOCUMENT)
    del lifepay_mock.mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    with pytest.raises(Exception, match="Принтер не найден"):
        await act(hass, "print_x_report")
    (refused,) = [e.data for e in events if e.data["outcome"] == "failed"]
    assert (refused["status"], refused["kind"], refused["problem"]) == (
        "rejected",
        "x_report",
        "refused",
    )
    assert refused["device_id"] == till_device(hass, loaded_entry, lifepay_mock)


async def test_logbook_says_what_happened_on_which_printer(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    events = async_capture_events(hass, EVENT_DOCUMENT)
    await act(hass, "close_shift")
    await settle(hass, lifepay_mock)
    await act(hass, "print_x_report")
    await settle(hass, lifepay_mock)
    described: list[Any] = []
    logbook.async_describe_events(hass, lambda *args: described.append(args))
    ((domain, event_type, describe),) = described
    assert (domain, event_type) == (DOMAIN, EVENT_DOCUMENT)
    lines = [describe(event) for event in events]
    printer_id = printer_id_of(loaded_entry, lifepay_mock.demo.printers[0])
    registry = er.async_get(hass)
    z_sensor = registry.async_get_entity_id("sensor", DOMAIN, f"{printer_id}_z_report_status")
    x_sensor = registry.async_get_entity_id("sensor", DOMAIN, f"{printer_id}_x_report_status")
    assert z_sensor is not None
    assert x_sensor is not None
    # Each line links to the printer's sensor for that document, which gives it an icon too.
    assert {
        "name": "Till 1",
        "message": "Z-report — Printed, shift closed",
        "entity_id": z_sensor,
    } in lines
    assert {
        "name": "Till 1",
        "message": f"X-report — Not printed: {NOT_OPEN}",
        "entity_id": x_sensor,
    } in lines


async def test_the_shop_day_blueprint(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
) -> None:
    """Loaded through Home Assistant's blueprint machinery from the repository's file."""
    hass.config.config_dir = str(tmp_path)
    await hass.async_add_executor_job(shutil.copytree, REPO / "blueprints", tmp_path / "blueprints")
    lifepay_mock.mock.settings.callback_retry_delays = ()  # the clock is frozen
    assert await async_setup_component(hass, "persistent_notification", {})
    device_id = till_device(hass, loaded_entry, lifepay_mock)
    freezer.move_to(
        dt_util.as_utc(datetime(2026, 11, 28, 8, 59, tzinfo=dt_util.get_default_time_zone()))
    )
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "use_blueprint": {
                    "path": "lifepay/shop_day.yaml",
                    "input": {"printer": device_id, "cashier_name": "Иванова А. П."},
                }
            }
        },
    )
    await hass.async_block_till_done()

    async def at(hour: int) -> None:
        moment = datetime(2026, 11, 28, hour, 0, 1, tzinfo=dt_util.get_default_time_zone())
        freezer.move_to(dt_util.as_utc(moment))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        await settle(hass, lifepay_mock)
        await hass.async_block_till_done(wait_background_tasks=True)

    # 09:00: the shift is opened; the mock's printer had one open already, so it fails, and
    # the blueprint's default failure action tells the person.
    await at(9)
    documents = list(lifepay_mock.mock.backend.documents.values())
    assert [(d.type.value, d.cashier_name) for d in documents] == [("open_shift", "Иванова А. П.")]
    told = [(n["title"], n["message"]) for n in async_get_persistent_notifications(hass).values()]
    assert told == [
        (
            "LifePay: Till 1",
            "Shift opening: The shift was already open: nothing to do, sales can go on.",
        )
    ]

    # 21:00: an X-report, then the Z-report closes the shift.
    await at(21)
    kinds = [d.type.value for d in lifepay_mock.mock.backend.documents.values()]
    assert kinds == ["open_shift", "x_report", "z_report"]
    assert state(hass, "shift") == "closed"
    # Off, so that the automation's timers for tomorrow go with it.
    await hass.services.async_call("automation", "turn_off", {ATTR_ENTITY_ID: "all"}, blocking=True)
