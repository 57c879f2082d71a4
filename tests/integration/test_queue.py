"""The durable print queue: retries on LifePay's schedule, restarts, give-up, clean unload."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.lifepay.const import CONF_CONFIRM_HOURS, CONF_GIVE_UP_MINUTES, DOMAIN
from mock_lifepay.faults import Fault, FaultKind
from mock_lifepay.models import PrinterState

from .conftest import (
    documents_asked,
    jobs_file,
    press,
    printer_id_of,
    save_jobs,
    saved_jobs,
    set_up_with,
    settle,
)

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle

STATUS = "sensor.till_1_x_report_status"


async def advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, lifepay_mock: MockHandle, **delta: Any
) -> None:
    # Let in-flight requests and callbacks finish first: their timeouts follow the frozen clock.
    await settle(hass, lifepay_mock)
    freezer.tick(timedelta(**delta))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    await settle(hass, lifepay_mock)


async def run_until_given_up(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, lifepay_mock: MockHandle
) -> None:
    """LifePay's schedule past a 10-minute give-up window: tries at 0, 1, 4 and 9 minutes."""
    for minutes in (1, 3, 5, 60):
        await advance(hass, freezer, lifepay_mock, minutes=minutes)


def sent_ext_ids(lifepay_mock: MockHandle) -> list[str]:
    return [
        entry.body.split('"ext_id": "')[1].split('"')[0] for entry in documents_asked(lifepay_mock)
    ]


async def test_transport_failures_are_retried_with_the_same_ext_id(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """502, a dropped connection, 504: printed once, on LifePay's 1, 3, 5 minute schedule."""
    faults = lifepay_mock.mock.faults
    faults.add(Fault(FaultKind.HTTP_STATUS, status=502))
    faults.add(Fault(FaultKind.DROP))
    faults.add(Fault(FaultKind.HTTP_STATUS, status=504))
    started = dt_util.utcnow()
    await press(hass)  # no error: the queue will try again
    state = hass.states.get(STATUS)
    assert state.state == "retrying"
    assert state.attributes["attempts"] == 1
    assert dt_util.parse_datetime(state.attributes["next_attempt_at"]) == started + timedelta(
        minutes=1
    )
    assert state.attributes["problem"] == "http_status"
    assert state.attributes["message"] == "LifePay answered with HTTP error 502."

    await advance(hass, freezer, lifepay_mock, seconds=59)
    assert len(documents_asked(lifepay_mock)) == 1  # not yet
    await advance(hass, freezer, lifepay_mock, seconds=1)
    assert hass.states.get(STATUS).attributes["attempts"] == 2
    await advance(hass, freezer, lifepay_mock, minutes=3)
    await advance(hass, freezer, lifepay_mock, minutes=5)
    state = hass.states.get(STATUS)
    assert state.state == "processed"
    assert state.attributes["attempts"] == 4
    ext_ids = sent_ext_ids(lifepay_mock)
    assert len(ext_ids) == 4
    assert len(set(ext_ids)) == 1
    (document,) = lifepay_mock.mock.backend.documents.values()
    assert document.ext_id == ext_ids[0]
    assert state.attributes["uuid"] == document.uuid


async def test_callback_for_a_request_that_failed_in_transit_ends_the_retries(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The gateway failed after LifePay made the document: its callback settles the job."""
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=504, process=True))
    await press(hass)
    await settle(hass, lifepay_mock)
    state = hass.states.get(STATUS)
    assert state.state == "processed"
    (document,) = lifepay_mock.mock.backend.documents.values()
    assert state.attributes["uuid"] == document.uuid
    await advance(hass, freezer, lifepay_mock, minutes=30)
    assert len(documents_asked(lifepay_mock)) == 1  # nothing more was sent
    assert hass.states.get(STATUS).state == "processed"


async def test_action_reports_retrying_without_an_error(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=503))
    response = await hass.services.async_call(
        DOMAIN,
        "print_x_report",
        {"entity_id": "button.till_1_print_x_report"},
        blocking=True,
        return_response=True,
    )
    (report,) = response["reports"]
    assert report["status"] == "retrying"
    assert report["uuid"] is None
    assert report["ext_id"]


async def test_test_mode_transport_failure_is_an_error(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    lifepay_mock.mock.faults.add(Fault(FaultKind.DROP))
    with pytest.raises(HomeAssistantError) as caught:
        await hass.services.async_call(
            DOMAIN,
            "print_x_report",
            {"entity_id": "button.till_1_print_x_report", "test": True},
            blocking=True,
        )
    assert caught.value.translation_key == "unreachable"


async def test_gives_up_after_the_window(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    ha_url: str,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await set_up_with(hass, mock_entry, give_up_minutes=10)
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=503, times=100))
    await press(hass)
    for minutes in (1, 3):
        await advance(hass, freezer, lifepay_mock, minutes=minutes)
        assert hass.states.get(STATUS).state == "retrying"
    # The fourth try, 9 minutes in, fails too; the next would come 19 minutes after the
    # request, past the 10-minute window.
    await advance(hass, freezer, lifepay_mock, minutes=5)
    await advance(hass, freezer, lifepay_mock, minutes=60)
    assert len(documents_asked(lifepay_mock)) == 4
    state = hass.states.get(STATUS)
    assert state.state == "failed"
    assert state.attributes["message"] == (
        "LifePay did not answer for 10 min, tries: 4; nothing more is sent. "
        "The last try: LifePay answered with HTTP error 503."
    )
    assert "next_attempt_at" not in state.attributes  # nothing more to try: not shown
    assert "Gave up x_report" in caplog.text
    assert lifepay_mock.mock.backend.documents == {}


async def test_a_retry_refused_for_good_starts_reauth(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=503))
    lifepay_mock.mock.faults.add(Fault(FaultKind.CODE, code=6010))
    await press(hass)
    await advance(hass, freezer, lifepay_mock, minutes=1)
    assert hass.states.get(STATUS).state == "rejected"
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_retrying_job_survives_a_restart(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=503))
    await press(hass)
    assert hass.states.get(STATUS).state == "retrying"

    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    stored = saved_jobs(hass, loaded_entry)
    assert [job["status"] for job in stored] == ["retrying"]
    assert len(documents_asked(lifepay_mock)) == 1  # nothing runs while unloaded

    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get(STATUS)
    assert state.state == "retrying"  # from the saved jobs
    assert state.attributes["attempts"] == 1
    await advance(hass, freezer, lifepay_mock, minutes=1)
    assert hass.states.get(STATUS).state == "processed"
    assert len(set(sent_ext_ids(lifepay_mock))) == 1
    assert len(lifepay_mock.mock.backend.documents) == 1


async def test_callback_after_a_restart_is_applied(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    lifepay_mock.mock.settings.processing_delay = 0.2
    await press(hass)
    assert hass.states.get(STATUS).state == "accepted"
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).state == "accepted"  # from the saved jobs
    await settle(hass, lifepay_mock)
    assert hass.states.get(STATUS).state == "processed"


async def test_removing_the_entry_forgets_its_jobs(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    await press(hass)
    await hass.async_block_till_done()
    path = jobs_file(hass, loaded_entry)
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert path.exists()
    await hass.config_entries.async_remove(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert not path.exists()


async def test_options_flow_sets_the_give_up_window(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    # Two accounts' options look alike: the dialog names its account.
    assert result["description_placeholders"] == {"account": loaded_entry.title}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_GIVE_UP_MINUTES: 5, CONF_CONFIRM_HOURS: 12}
    )
    assert result["errors"] == {CONF_GIVE_UP_MINUTES: "give_up_minutes_out_of_range"}
    # A fraction is refused with the same sentence, not saved cut to a whole number.
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_GIVE_UP_MINUTES: 30, CONF_CONFIRM_HOURS: 10.5}
    )
    assert result["errors"] == {CONF_CONFIRM_HOURS: "confirm_hours_out_of_range"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_GIVE_UP_MINUTES: 30, CONF_CONFIRM_HOURS: 12}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_entry.options == {CONF_GIVE_UP_MINUTES: 30, CONF_CONFIRM_HOURS: 12}
    assert loaded_entry.runtime_data.ledger.give_up_after == timedelta(minutes=30)
    assert loaded_entry.runtime_data.ledger.confirm_within == timedelta(hours=12)


async def test_overdue_job_is_sent_when_the_entry_loads(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    ha_url: str,
) -> None:
    """Home Assistant was down past the next attempt: the job goes out as soon as it loads."""
    requested = dt_util.utcnow() - timedelta(minutes=30)
    save_jobs(
        hass,
        mock_entry,
        [
            {
                "printer_id": printer_id_of(mock_entry, lifepay_mock.demo.printers[0]),
                "ext_id": "saved-before-restart",
                "token": "t0k3n",
                "requested_at": requested.isoformat(),
                "updated_at": requested.isoformat(),
                "status": "retrying",
                "target_serial": lifepay_mock.demo.printers[0],
                "attempts": 1,
                "next_attempt_at": (requested + timedelta(minutes=1)).isoformat(),
            }
        ],
    )
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await settle(hass, lifepay_mock)
    state = hass.states.get(STATUS)
    assert state.state == "processed"
    assert state.attributes["ext_id"] == "saved-before-restart"
    assert state.attributes["attempts"] == 2
    (document,) = lifepay_mock.mock.backend.documents.values()
    assert document.ext_id == "saved-before-restart"
    assert document.callback_data == {"token": "t0k3n", "data": None}


async def test_pressing_again_while_lifepay_is_unreachable_sends_the_same_report(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A person presses again because "nothing happened": one report, sent again now."""
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=503, times=2))

    async def print_x_report() -> dict[str, Any]:
        response = await hass.services.async_call(
            DOMAIN,
            "print_x_report",
            {"entity_id": "button.till_1_print_x_report"},
            blocking=True,
            return_response=True,
        )
        report: dict[str, Any] = response["reports"][0]
        return report

    first = await print_x_report()
    again = await print_x_report()
    assert (first["outcome"], first["status"]) == ("new", "retrying")
    assert (again["outcome"], again["status"]) == ("resent", "retrying")
    # Said in words, for a notification or a voice reply: no second report was made.
    assert again["message"].startswith("The X-report for Till 1 is still under way (asked for")
    assert again["message"].endswith(
        ": LifePay not answering, retrying. Nothing new was made; ask again once it has printed"
        " or failed."
    )
    assert again["ext_id"] == first["ext_id"]
    assert hass.states.get(STATUS).attributes["attempts"] == 2
    await advance(hass, freezer, lifepay_mock, minutes=3)
    assert hass.states.get(STATUS).state == "processed"
    (document,) = lifepay_mock.mock.backend.documents.values()
    assert document.ext_id == first["ext_id"]

    # Once it is through, the next press is a report of its own.
    third = await print_x_report()
    assert third["outcome"] == "new"
    assert third["ext_id"] != first["ext_id"]


async def test_asking_again_after_a_refusal_or_a_give_up_goes_through(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
) -> None:
    """The same ext_id after LifePay refused it: once LifePay accepts, the sensor says so."""
    company = lifepay_mock.mock.backend.world.companies[1]
    company.cloud_print_enabled = False
    data = {"entity_id": "button.till_1_print_x_report", "ext_id": "day-1"}
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(DOMAIN, "print_x_report", data, blocking=True)
    assert hass.states.get(STATUS).state == "rejected"
    company.cloud_print_enabled = True  # switched on in the LifePay cabinet
    response = await hass.services.async_call(
        DOMAIN, "print_x_report", data, blocking=True, return_response=True
    )
    assert response["reports"][0]["outcome"] == "repeat"
    await settle(hass, lifepay_mock)
    assert hass.states.get(STATUS).state == "processed"
    (document,) = lifepay_mock.mock.backend.documents.values()
    assert document.ext_id == "day-1"


async def test_a_press_after_a_give_up_is_a_new_document(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    ha_url: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A press is a decision about now: a report of today, not the one given up hours ago
    (which LifePay may have printed then, so its ext_id would print nothing today). The old
    one keeps its repair, whose "send again" is the only way it goes out again."""
    await set_up_with(hass, mock_entry, give_up_minutes=10)
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=504, times=4))
    await press(hass)
    await run_until_given_up(hass, freezer, lifepay_mock)
    assert hass.states.get(STATUS).state == "failed"
    given_up = hass.states.get(STATUS).attributes["ext_id"]

    await press(hass)
    await settle(hass, lifepay_mock)
    state = hass.states.get(STATUS)
    assert state.state == "processed"
    assert state.attributes["ext_id"] != given_up
    (document,) = lifepay_mock.mock.backend.documents.values()
    assert document.ext_id == state.attributes["ext_id"]
    printer_id = printer_id_of(mock_entry, lifepay_mock.demo.printers[0])
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"gave_up_{printer_id}") is not None


# --- one tap, one document --------------------------------------------------------------------


async def test_a_double_tap_on_close_shift_is_one_z_report(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    """Two taps 0 ms apart: the shift closes once, and the day does not look failed."""
    registry = er.async_get(hass)
    close = "button.till_1_close_shift_z_report"
    registry.async_update_entity(close, disabled_by=None)
    await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()

    first, second = await asyncio.gather(
        press(hass, close), press(hass, close), return_exceptions=True
    )
    assert first is None
    assert isinstance(second, ServiceValidationError)
    assert second.translation_key == "already_under_way"
    assert second.translation_placeholders["document"] == "Z-report"
    await settle(hass, lifepay_mock)
    assert [d.type.value for d in lifepay_mock.mock.backend.documents.values()] == ["z_report"]
    assert hass.states.get("sensor.till_1_z_report_status").state == "processed"
    assert hass.states.get("sensor.till_1_last_message").state == "Z-report: Printed, shift closed"

    # Once it has ended, a press is a new document (here LifePay says the shift is not open).
    await press(hass, close)
    await settle(hass, lifepay_mock)
    assert len(lifepay_mock.mock.backend.documents) == 2


async def test_a_press_while_the_printer_is_offline_waits_for_the_first_report(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    mock = lifepay_mock.mock
    printer = mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    mock.set_printer_state(printer, PrinterState.OFFLINE)
    await press(hass)
    await settle(hass, lifepay_mock)
    state = hass.states.get(STATUS)
    assert (state.state, state.attributes["problem"]) == ("awaiting_retry", "printer_offline")
    assert state.attributes["message"] == (
        "The printer is offline: check that it is switched on and connected to the internet."
    )

    with pytest.raises(ServiceValidationError) as caught:
        await press(hass)
    assert caught.value.translation_key == "already_under_way"
    assert caught.value.translation_placeholders["status"] == "Waiting for the printer"
    response = await hass.services.async_call(
        DOMAIN,
        "print_x_report",
        {"entity_id": "button.till_1_print_x_report"},
        blocking=True,
        return_response=True,
    )
    (report,) = response["reports"]
    assert (report["outcome"], report["status"]) == ("under_way", "awaiting_retry")
    assert report["ext_id"] == hass.states.get(STATUS).attributes["ext_id"]
    assert len(mock.backend.documents) == 1

    mock.set_printer_state(printer, PrinterState.ONLINE)
    await settle(hass, lifepay_mock)
    assert hass.states.get(STATUS).state == "processed"
    await press(hass)
    await settle(hass, lifepay_mock)
    assert len(mock.backend.documents) == 2
