"""Restart behaviour of the sensors, Home Assistant Cloud, and a few edges."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from homeassistant.components import cloud
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import ServiceValidationError
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache,
    mock_restore_cache_with_extra_data,
)

from .conftest import documents_asked, printer_id_of, printer_subentry, save_jobs

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle

STATUS = "sensor.till_1_x_report_status"
LAST = "sensor.till_1_x_report_printed"
SHIFT = "sensor.till_1_shift"


async def test_sensors_show_what_they_showed_before_a_restart(
    hass: HomeAssistant, mock_entry: MockConfigEntry, ha_url: str
) -> None:
    printed = datetime(2026, 11, 27, 21, 0, tzinfo=UTC)
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(
                    STATUS, "processed", {"uuid": "u-1", "ext_id": "e-1", "code": 0, "icon": "x"}
                ),
                {},
            ),
            (
                State(LAST, printed.isoformat()),
                {
                    "native_value": {
                        "__type": "<class 'datetime.datetime'>",
                        "isoformat": printed.isoformat(),
                    },
                    "native_unit_of_measurement": None,
                },
            ),
        ],
    )
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    status = hass.states.get(STATUS)
    assert status.state == "processed"
    assert status.attributes["uuid"] == "u-1"
    assert status.attributes["ext_id"] == "e-1"
    assert "icon" not in status.attributes
    assert hass.states.get(LAST).state == printed.isoformat()


async def test_the_shift_is_not_known_yet_until_a_document_shows_it(
    hass: HomeAssistant, mock_entry: MockConfigEntry, ha_url: str
) -> None:
    """Before any document the shift says so in words, and how to learn it; after a restart
    it shows what it showed, its empty attributes left out (an older version saved them)."""
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    shift = hass.states.get(SHIFT)
    assert shift.state == "unknown_yet"
    assert shift.attributes["known_from"] == "no_documents_yet"
    assert "opened_at" not in shift.attributes
    assert "closed_at" not in shift.attributes


@pytest.mark.parametrize(
    ("saved", "attributes", "known_from"),
    [
        ("unknown_yet", {}, "no_documents_yet"),
        ("open", {"opened_at": "2026-11-27T06:00:00+00:00", "closed_at": None}, "documents"),
    ],
)
async def test_the_shift_comes_back_after_a_restart(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    ha_url: str,
    saved: str,
    attributes: dict[str, str | None],
    known_from: str,
) -> None:
    mock_restore_cache(hass, [State(SHIFT, saved, attributes)])
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    shift = hass.states.get(SHIFT)
    assert shift.state == saved
    kept = {key: value for key, value in attributes.items() if value is not None}
    assert {**kept, "known_from": known_from}.items() <= shift.attributes.items()
    assert "closed_at" not in shift.attributes


async def test_unknown_restored_state_is_dropped(
    hass: HomeAssistant, mock_entry: MockConfigEntry, ha_url: str
) -> None:
    mock_restore_cache(hass, [State(STATUS, "printing")])
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(STATUS).state == "unknown"


async def test_stored_bad_serial_is_a_validation_error(
    hass: HomeAssistant, lifepay_mock: MockHandle, entry_data: dict[str, object], ha_url: str
) -> None:
    entry = MockConfigEntry(
        domain="lifepay",
        unique_id=lifepay_mock.demo.admin_login,
        data=entry_data,
        subentries_data=[printer_subentry("12ab", "Broken")],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            "button", "press", {"entity_id": "button.broken_print_x_report"}, blocking=True
        )
    assert caught.value.translation_key == "invalid_input"
    assert documents_asked(lifepay_mock) == []


@pytest.mark.parametrize("cloud_works", [True, False])
async def test_cloudhook_is_used_when_cloud_is_active(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    ha_url: str,
    monkeypatch: pytest.MonkeyPatch,
    cloud_works: bool,
) -> None:
    deleted: list[str] = []

    async def create(_hass: HomeAssistant, webhook_id: str) -> str:
        if not cloud_works:
            raise cloud.CloudNotConnected
        return f"https://hooks.nabu.casa/{webhook_id}"

    async def delete(_hass: HomeAssistant, webhook_id: str) -> None:
        if not cloud_works:
            raise cloud.CloudNotConnected
        deleted.append(webhook_id)

    hass.config.components.add("cloud")
    monkeypatch.setattr(cloud, "async_active_subscription", lambda _hass: True)
    monkeypatch.setattr(cloud, "async_get_or_create_cloudhook", create)
    monkeypatch.setattr(cloud, "async_delete_cloudhook", delete)

    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    url = mock_entry.runtime_data.callback_url
    if cloud_works:
        assert url == f"https://hooks.nabu.casa/{mock_entry.data['webhook_id']}"
    else:
        assert url.startswith(ha_url)
    await hass.config_entries.async_remove(mock_entry.entry_id)
    assert deleted == ([mock_entry.data["webhook_id"]] if cloud_works else [])


async def test_saved_jobs_win_over_the_restored_state(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    ha_url: str,
) -> None:
    mock_restore_cache(hass, [State(STATUS, "processed", {"uuid": "old"})])
    save_jobs(
        hass,
        mock_entry,
        [
            {
                "printer_id": printer_id_of(mock_entry, lifepay_mock.demo.printers[0]),
                "ext_id": "newer",
                "token": "t",
                "requested_at": datetime.now(UTC).isoformat(),
                "status": "accepted",
                "uuid": "u-2",
            }
        ],
    )
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get(STATUS)
    assert state.state == "accepted"
    assert state.attributes["uuid"] == "u-2"
