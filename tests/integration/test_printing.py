"""Pressing the button and calling the action, end to end through the mock and the webhook."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from unittest.mock import ANY

import pytest
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.lifepay.const import DOMAIN
from mock_lifepay import DocumentStatus, PrinterState
from mock_lifepay.faults import Fault, FaultKind

from .conftest import press, printer_id_of, settle

if TYPE_CHECKING:
    from pytest_homeassistant_custom_component.typing import WebSocketGenerator

    from mock_lifepay.pytest_plugin import MockHandle

BUTTON = "button.till_1_print_x_report"
STATUS = "sensor.till_1_x_report_status"
LAST = "sensor.till_1_x_report_printed"


async def test_press_prints_and_the_callback_sets_processed(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    assert hass.states.get(STATUS).state == "unknown"
    await press(hass)
    (document,) = lifepay_mock.mock.backend.documents.values()
    assert document.printer_serial == lifepay_mock.demo.printers[0]
    assert document.callback_url is not None
    assert document.callback_url.startswith("http://127.0.0.1:")

    await settle(hass, lifepay_mock)
    state = hass.states.get(STATUS)
    assert state.state == "processed"
    assert state.attributes["uuid"] == document.uuid
    assert state.attributes["ext_id"] == document.ext_id
    assert state.attributes["message"] == "Printed"  # not LifePay's Russian "Документ обработан."
    assert state.attributes["lifepay_message"] == "Документ обработан."
    assert state.attributes["code"] == 0
    # What has no value is left out, not shown as "unknown": no problem, no tries left to make.
    assert None not in state.attributes.values()
    assert not {"problem", "next_attempt_at"} & state.attributes.keys()
    assert [a.http_status for a in document.callbacks] == [200]
    assert hass.states.get(LAST).state != "unknown"
    # The other printer is untouched.
    assert hass.states.get("sensor.warehouse_x_report_status").state == "unknown"


async def test_status_is_accepted_until_the_printer_answers(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    lifepay_mock.mock.settings.processing_delay = 3600
    await press(hass)
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).state == "accepted"


async def test_offline_printer_awaits_retry_then_processes(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    mock = lifepay_mock.mock
    printer = mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    mock.set_printer_state(printer, PrinterState.OFFLINE)
    await press(hass)
    await settle(hass, lifepay_mock)
    assert hass.states.get(STATUS).state == "awaiting_retry"
    assert hass.states.get(LAST).state == "unknown"

    mock.set_printer_state(printer, PrinterState.ONLINE)
    await settle(hass, lifepay_mock)
    assert hass.states.get(STATUS).state == "processed"
    assert hass.states.get(LAST).state != "unknown"


async def test_printer_error_is_shown(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    mock = lifepay_mock.mock
    printer = mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    mock.set_printer_state(printer, PrinterState.SHIFT_CLOSED)
    await press(hass)
    await settle(hass, lifepay_mock)
    state = hass.states.get(STATUS)
    assert state.state == "error"
    # What it means and what to do, in Home Assistant's language; LifePay's words beside it.
    assert state.attributes["message"] == (
        "The shift is not open: open the shift first, then try again."
    )
    assert state.attributes["problem"] == "shift_not_open"
    assert state.attributes["lifepay_message"] == "Смена не открыта."
    # And the shift, not known before, is known now: LifePay's words say it is closed.
    assert hass.states.get("sensor.till_1_shift").state == "closed"


async def test_words_lifepay_gives_no_known_meaning_stay_out_of_an_english_sentence(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    mock = lifepay_mock.mock
    printer = mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    mock.set_printer_error(printer, "Ошибка ФН 235")
    await press(hass)
    await settle(hass, lifepay_mock)
    state = hass.states.get(STATUS)
    assert (state.state, state.attributes["problem"]) == ("error", "printer_error")
    assert state.attributes["message"] == (
        "The printer could not print it. Check the printer, then try again."
    )
    assert state.attributes["lifepay_message"] == "Ошибка ФН 235"  # LifePay's, named so


@pytest.fixture
async def websocket_api(hass: HomeAssistant) -> None:
    """Before the integration's HTTP server starts: its routes are fixed once it runs."""
    assert await async_setup_component(hass, "websocket_api", {})


async def test_a_refused_press_from_the_dashboard_is_not_logged_as_unexpected(
    hass: HomeAssistant,
    websocket_api: None,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    hass_ws_client: WebSocketGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The press goes the frontend's way, over the websocket: a refusal that is handled (a
    repair and a translated message) is one log line, not an "Unexpected exception"."""
    lifepay_mock.mock.backend.world.users["79990000001"].blocked = True
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "call_service",
            "domain": "button",
            "service": "press",
            "target": {"entity_id": "button.till_1_print_x_report"},
        }
    )
    answer = await client.receive_json()
    assert not answer["success"]
    assert answer["error"]["translation_key"] == "access_denied"
    assert "Unexpected exception" not in caplog.text
    # Home Assistant's one line for it; a traceback only at debug level.
    loud = [record for record in caplog.records if record.levelno >= logging.INFO]
    assert not [record for record in loud if record.exc_info]


async def test_action_returns_uuid_and_ext_id(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    events = async_capture_events(hass, "lifepay_x_report")
    response = await hass.services.async_call(
        DOMAIN,
        "print_x_report",
        {ATTR_ENTITY_ID: BUTTON, "ext_id": "evening-1", "callback_data": {"shift": "evening"}},
        blocking=True,
        return_response=True,
    )
    (report,) = response["reports"]
    assert report["ext_id"] == "evening-1"
    assert report["uuid"] in lifepay_mock.mock.backend.documents
    assert report["serial"] == lifepay_mock.demo.printers[0]
    # The mock prints at once: its callback may be in before the action's answer.
    assert report["status"] in ("accepted", "processed")
    document = lifepay_mock.mock.backend.documents[report["uuid"]]
    assert document.callback_data["data"] == {"shift": "evening"}
    await settle(hass, lifepay_mock)
    assert hass.states.get(STATUS).attributes["ext_id"] == "evening-1"
    assert hass.states.get(STATUS).state == "processed"
    assert [event.data for event in events] == [
        {
            "device_id": ANY,
            "printer": "Till 1",
            "serial": lifepay_mock.demo.printers[0],
            "kind": "x_report",
            "status": "processed",
            "lifepay_status": "processed",
            "uuid": report["uuid"],
            "ext_id": "evening-1",
            "message": "Документ обработан.",
            "callback_data": {"shift": "evening"},
            "ofd_url": None,
            "error_code": None,
            "extra": {"created_at": ANY, "updated_at": ANY},
        }
    ]

    # The same ext_id again: LifePay returns the first document and prints nothing new.
    again = await hass.services.async_call(
        DOMAIN,
        "print_x_report",
        {ATTR_ENTITY_ID: BUTTON, "ext_id": "evening-1"},
        blocking=True,
        return_response=True,
    )
    assert again["reports"][0]["uuid"] == report["uuid"]
    assert again["reports"][0]["status"] == "processed"
    assert (report["outcome"], again["reports"][0]["outcome"]) == ("new", "repeat")
    assert len(lifepay_mock.mock.backend.documents) == 1


async def test_test_mode_prints_nothing(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    response = await hass.services.async_call(
        DOMAIN,
        "print_x_report",
        {ATTR_ENTITY_ID: BUTTON, "test": True},
        blocking=True,
        return_response=True,
    )
    assert response["reports"][0]["uuid"] is None
    assert response["reports"][0]["test"] is True
    assert response["reports"][0]["outcome"] == "check_passed"  # LifePay accepted the request
    assert response["reports"][0]["message"] == (
        "Check passed: LifePay accepted the request. Nothing was printed."
    )
    assert lifepay_mock.mock.backend.documents == {}
    assert hass.states.get(STATUS).state == "unknown"


async def test_bad_credentials_start_reauth(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    lifepay_mock.mock.backend.world.companies[1].apikey = "rotated"
    with pytest.raises(HomeAssistantError) as caught:
        await press(hass)
    assert caught.value.translation_key == "auth_failed"
    assert "6010" in caught.value.translation_placeholders["code"]
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert hass.states.get(STATUS).state == "rejected"
    assert hass.states.get(STATUS).attributes["code"] == 6010


@pytest.mark.parametrize(
    ("setup", "issue"),
    [
        (
            lambda world: setattr(world.companies[1], "cloud_print_enabled", False),
            "cloud_print_disabled",
        ),
        (lambda world: setattr(world.users["79990000001"], "blocked", True), "access_denied"),
    ],
)
async def test_forbidden_raises_a_repair_that_clears(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    setup: object,
    issue: str,
) -> None:
    world = lifepay_mock.mock.backend.world
    setup(world)  # type: ignore[operator]
    with pytest.raises(HomeAssistantError) as caught:
        await press(hass)
    assert caught.value.translation_key == issue
    issues = ir.async_get(hass)
    # Cloud printing is the company's; access is per printer.
    owner = (
        loaded_entry.entry_id
        if issue == "cloud_print_disabled"
        else printer_id_of(loaded_entry, lifepay_mock.demo.printers[0])
    )
    raised = issues.async_get_issue(DOMAIN, f"{issue}_{owner}")
    assert raised is not None
    assert raised.is_fixable

    lifepay_mock.mock.backend.reset()  # fixed in the LifePay cabinet
    await press(hass)
    assert issues.async_get_issue(DOMAIN, f"{issue}_{owner}") is None


async def test_data_errors_are_handled_refusals_with_lifepays_words(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    del lifepay_mock.mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    with pytest.raises(ServiceValidationError) as caught:  # logged in one line, no traceback
        await press(hass)
    assert caught.value.translation_key == "request_rejected"
    # LifePay's words, without the API's field name.
    assert caught.value.translation_placeholders["lifepay_said"] == "Принтер не найден."
    state = hass.states.get(STATUS)
    assert state.state == "rejected"
    assert state.attributes["lifepay_message"] == "Принтер не найден."
    # In English without LifePay's Russian words: those are under LifePay's message.
    assert state.attributes["message"] == "LifePay refused the request (code 400)."


@pytest.mark.parametrize(
    ("fault", "key", "error_class"),
    [
        (Fault(FaultKind.CODE, code=6000), "request_rejected", HomeAssistantError),
        (Fault(FaultKind.CODE, code=500), "server_error", HomeAssistantError),
        (Fault(FaultKind.CODE, code=7001), "unknown_code", HomeAssistantError),
    ],
)
async def test_each_failure_has_a_translated_error(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    fault: Fault,
    key: str,
    error_class: type[HomeAssistantError],
) -> None:
    lifepay_mock.mock.faults.add(fault)
    with pytest.raises(error_class) as caught:
        await press(hass)
    assert caught.value.translation_key == key
    assert caught.value.translation_domain == DOMAIN
    assert hass.states.get(STATUS).state == "rejected"
    assert lifepay_mock.mock.backend.documents == {} or all(
        d.status is not DocumentStatus.QUEUED for d in lifepay_mock.mock.backend.documents.values()
    )
