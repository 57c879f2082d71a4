"""The logbook after a real document: what each of its steps writes, read as the frontend reads
it (the recorder on, ``logbook/get_events`` over the websocket)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, mock_component
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from .conftest import press, settle

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle

STATUS = "sensor.till_1_x_report_status"


@pytest.fixture
def mock_recorder_before_hass(async_test_recorder: Any) -> None:
    """The recorder's database is made before Home Assistant starts (as in Home Assistant's
    own tests of the logbook)."""


# The user guide's recipe for fewer lines, as a person writes it in configuration.yaml.
GUIDE_EXCLUDE = {
    "exclude": {
        "entity_globs": ["sensor.*_last_message", "sensor.*_printed", "sensor.*_shift"],
    }
}


@pytest.fixture(params=[{}, GUIDE_EXCLUDE], ids=["as_is", "guide_exclude"])
def logbook_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    config: dict[str, Any] = request.param
    return config


@pytest.fixture
async def logbook_on(
    hass: HomeAssistant, recorder_mock: Any, logbook_config: dict[str, Any]
) -> None:
    """The logbook and its websocket API, set up before Home Assistant's HTTP server starts."""
    # The logbook asks for the frontend only to register its panel, whose pictures need
    # Pillow, which the test venv lacks; the websocket API is the frontend's way in.
    mock_component(hass, "frontend")
    assert await async_setup_component(hass, "websocket_api", {})
    assert await async_setup_component(hass, "logbook", {"logbook": logbook_config})


async def logbook_lines(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    hass_ws_client: WebSocketGenerator,
) -> list[dict[str, Any]]:
    """Print an X-report on Till 1 and read the logbook's lines since the press."""
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    start = dt_util.utcnow()
    await press(hass)
    await settle(hass, lifepay_mock)
    assert hass.states.get(STATUS).state == "processed"
    await async_wait_recording_done(hass)
    client = await hass_ws_client()
    await client.send_json({"id": 1, "type": "logbook/get_events", "start_time": start.isoformat()})
    response = await client.receive_json()
    assert response["success"], response
    lines: list[dict[str, Any]] = response["result"]
    await lifepay_mock.mock.close()
    return lines


async def test_lines_per_step_of_a_document(
    hass: HomeAssistant,
    logbook_config: dict[str, Any],
    logbook_on: None,
    ha_url: str,
    mock_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """One sentence of this integration per step, in order, linked to the status sensor.

    The state changes of the status, Last message and the printed-at sensors still have their
    lines: Home Assistant's logbook leaves out only continuous sensors (with a unit or a state
    class), which an enum, a timestamp or a sentence cannot legitimately be. Their count is
    pinned here so that a change to it is seen (docs/user-guide.md, "The logbook").
    """
    lines = await logbook_lines(hass, mock_entry, lifepay_mock, hass_ws_client)
    sentences = [line for line in lines if line.get("domain") == "lifepay"]
    assert [line["message"] for line in sentences] == [
        "X-report — Sending",
        "X-report — Sent to the printer",
        "X-report — Printed",
    ]
    assert {line["entity_id"] for line in sentences} == {STATUS}
    assert {line["name"] for line in sentences} == {"Till 1"}
    changes = Counter(line["entity_id"] for line in lines if "state" in line)
    # At most one line of each sensor per step (a step written in the same instant as the next
    # may be left out by the recorder's own filtering); none for an attribute-only change.
    assert changes["button.till_1_print_x_report"] == 1  # the press
    if logbook_config:  # the guide's recipe: our sentence and the status sensor's line remain
        assert set(changes) == {"button.till_1_print_x_report", STATUS}
        return
    assert 1 <= changes[STATUS] <= 3
    assert 1 <= changes["sensor.till_1_last_message"] <= 3
    assert changes["sensor.till_1_x_report_printed"] == 1
    assert changes["sensor.till_1_shift"] == 1  # not known yet, then open: the X-report shows it
    assert set(changes) == {
        "button.till_1_print_x_report",
        STATUS,
        "sensor.till_1_last_message",
        "sensor.till_1_x_report_printed",
        "sensor.till_1_shift",
    }
