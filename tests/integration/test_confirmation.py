"""No job waits for ever: no callback in time means unconfirmed, which a late one corrects."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from mock_lifepay.models import PrinterState
from mock_lifepay.views import notification_view

from .conftest import (
    WEBHOOK_ID,
    press,
    printer_id_of,
    save_jobs,
    saved_jobs,
    set_up_with,
    settle,
)
from .test_queue import advance

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle

STATUS = "sensor.till_1_x_report_status"


def saved_statuses(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    return [job["status"] for job in saved_jobs(hass, entry)]


def unreachable_callbacks(entry: MockConfigEntry, lifepay_mock: MockHandle) -> None:
    """Give LifePay an address nobody answers at: its callbacks never arrive."""
    entry.runtime_data.callback_url = "http://127.0.0.1:9/api/webhook/lost"
    # One try only: the mock's waits between tries would follow the frozen clock.
    lifepay_mock.mock.settings.callback_retry_delays = ()


async def post_to_webhook(ha_url: str, notification: dict[str, Any]) -> None:
    """Deliver a callback as LifePay would, and check that it was acknowledged."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{ha_url}/api/webhook/{WEBHOOK_ID}", json={"data": notification}) as answer,
    ):
        assert answer.status == 200


async def test_no_callback_within_the_window_ends_unconfirmed_and_a_late_one_corrects_it(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    freezer: FrozenDateTimeFactory,
    ha_url: str,
) -> None:
    unreachable_callbacks(loaded_entry, lifepay_mock)
    pressed = dt_util.utcnow()
    await press(hass)
    state = hass.states.get(STATUS)
    assert state.state == "accepted"
    assert dt_util.parse_datetime(state.attributes["confirm_by"]) == pressed + timedelta(hours=12)

    freezer.tick(timedelta(hours=11, minutes=59))
    await advance(hass, freezer, lifepay_mock, seconds=0)
    assert hass.states.get(STATUS).state == "accepted"
    await advance(hass, freezer, lifepay_mock, minutes=1)
    state = hass.states.get(STATUS)
    assert state.state == "unconfirmed"
    assert "confirm_by" not in state.attributes  # no deadline left: not shown at all
    assert saved_statuses(hass, loaded_entry) == ["unconfirmed"]

    # The printed document's callback reaches Home Assistant after all: it wins.
    (document,) = lifepay_mock.mock.backend.documents.values()
    assert document.status.value == "processed"
    assert {attempt.http_status for attempt in document.callbacks} == {None}
    await post_to_webhook(ha_url, notification_view(document))
    assert hass.states.get(STATUS).state == "processed"


async def test_awaiting_retry_gets_a_fresh_window_from_lifepays_last_word(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    freezer: FrozenDateTimeFactory,
    ha_url: str,
) -> None:
    printer = lifepay_mock.mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    lifepay_mock.mock.set_printer_state(printer, PrinterState.OFFLINE)
    await press(hass)
    await settle(hass, lifepay_mock)
    assert hass.states.get(STATUS).state == "awaiting_retry"
    await advance(hass, freezer, lifepay_mock, hours=11)

    # LifePay says again that the printer still waits: the window starts anew.
    (document,) = lifepay_mock.mock.backend.documents.values()
    await post_to_webhook(ha_url, notification_view(document))
    state = hass.states.get(STATUS)
    assert dt_util.parse_datetime(state.attributes["confirm_by"]) == dt_util.utcnow() + timedelta(
        hours=12
    )
    await advance(hass, freezer, lifepay_mock, hours=2)
    assert hass.states.get(STATUS).state == "awaiting_retry"
    await advance(hass, freezer, lifepay_mock, hours=10)
    assert hass.states.get(STATUS).state == "unconfirmed"

    lifepay_mock.mock.set_printer_state(printer, PrinterState.ONLINE)
    await settle(hass, lifepay_mock)
    assert hass.states.get(STATUS).state == "processed"


async def test_the_window_is_an_option(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    ha_url: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    await set_up_with(hass, mock_entry, confirm_hours=1)
    unreachable_callbacks(mock_entry, lifepay_mock)
    await press(hass)
    await advance(hass, freezer, lifepay_mock, minutes=61)
    assert hass.states.get(STATUS).state == "unconfirmed"


async def test_deadlines_survive_a_restart(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    ha_url: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One job's deadline passed while Home Assistant was down, the other's is still ahead."""
    now = dt_util.utcnow()
    printer = printer_id_of(mock_entry, lifepay_mock.demo.printers[0])
    warehouse = printer_id_of(mock_entry, lifepay_mock.demo.printers[1])

    def accepted(ext_id: str, printer_id: str, confirm_by: timedelta) -> dict[str, Any]:
        requested = now - timedelta(hours=13)
        return {
            "printer_id": printer_id,
            "ext_id": ext_id,
            "token": f"token-{ext_id}",
            "requested_at": requested.isoformat(),
            "updated_at": requested.isoformat(),
            "status": "accepted",
            "uuid": f"00000000-0000-4000-8000-00000000000{len(ext_id)}",
            "attempts": 1,
            "confirm_by": (now + confirm_by).isoformat(),
        }

    save_jobs(
        hass,
        mock_entry,
        [
            accepted("overdue", printer, -timedelta(hours=1)),
            accepted("ahead-of-time", warehouse, timedelta(hours=1)),
        ],
    )
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).state == "unconfirmed"
    assert hass.states.get("sensor.warehouse_x_report_status").state == "accepted"
    await advance(hass, freezer, lifepay_mock, hours=1)
    assert hass.states.get("sensor.warehouse_x_report_status").state == "unconfirmed"
    assert saved_statuses(hass, mock_entry) == ["unconfirmed", "unconfirmed"]
