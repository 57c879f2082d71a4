"""A document's life at its seams, on a real Home Assistant and the real mock: start-up with old
documents, a caller that gives up waiting, a reload mid-request, jobs a newer version saved, the
repair that sends again, the set-up check and what is logged."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.lifepay.const import DOMAIN, EVENT_DOCUMENT
from mock_lifepay.faults import Fault, FaultKind

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
from .test_queue import advance
from .test_repairs import fix

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle

X_STATUS = "sensor.till_1_x_report_status"
Z_STATUS = "sensor.till_1_z_report_status"
INTEGRATION_LOGGER = "custom_components.lifepay"


def saved_job(printer_id: str, ext_id: str, **fields: Any) -> dict[str, Any]:
    requested = fields.pop("requested_at", dt_util.utcnow())
    return {
        "printer_id": printer_id,
        "ext_id": ext_id,
        "token": f"secret-{ext_id}",
        "requested_at": requested.isoformat(),
        "updated_at": requested.isoformat(),
        "kind": "x_report",
        "status": "pending",
        "target_serial": None,
        **fields,
    }


async def wait_for_state(hass: HomeAssistant, entity_id: str, expected: str) -> None:
    async with asyncio.timeout(10):
        while (state := hass.states.get(entity_id)) is None or state.state != expected:  # noqa: ASYNC110 - the state machine has no event to wait on here
            await asyncio.sleep(0.05)


async def test_a_document_past_its_window_is_never_sent_at_start_up(
    hass: HomeAssistant, mock_entry: MockConfigEntry, lifepay_mock: MockHandle, ha_url: str
) -> None:
    """A Z-report asked for three days ago and never answered would close today's shift: it
    ends as failed, with a repair that names it and when it was asked for."""
    printer_id = printer_id_of(mock_entry, lifepay_mock.demo.printers[0])
    three_days_ago = dt_util.utcnow() - timedelta(days=3)
    save_jobs(
        hass,
        mock_entry,
        [
            saved_job(printer_id, "old-z", kind="z_report", requested_at=three_days_ago),
            saved_job(
                printer_id,
                "old-x",
                status="retrying",
                attempts=5,
                problem="http_status",
                problem_details={"status": "502"},
                next_attempt_at=(three_days_ago + timedelta(minutes=10)).isoformat(),
                requested_at=three_days_ago,
            ),
        ],
    )
    events = async_capture_events(hass, EVENT_DOCUMENT)
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await settle(hass, lifepay_mock)

    assert documents_asked(lifepay_mock) == []  # nothing went out, not even once
    assert lifepay_mock.mock.backend.documents == {}
    z_state = hass.states.get(Z_STATUS)
    assert z_state.state == "failed"
    assert z_state.attributes["problem"] == "expired"
    asked = dt_util.as_local(three_days_ago).strftime("%Y-%m-%d %H:%M")
    assert z_state.attributes["message"] == (
        f"Not sent: it was asked for at {asked}, and the 120 min it may be sent in ran out "
        "first (Home Assistant was not running, say). It is not sent by itself any more."
    )
    x_state = hass.states.get(X_STATUS)
    assert (x_state.state, x_state.attributes["problem"]) == ("failed", "gave_up")
    assert [job["status"] for job in saved_jobs(hass, mock_entry)] == ["failed", "failed"]
    assert sorted(event.data["ext_id"] for event in events) == ["old-x", "old-z"]
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"gave_up_{printer_id}")
    assert issue is not None
    assert issue.translation_placeholders["requested_at"] == asked

    # Only a person's explicit "send again" sends them: a decision of its own, now.
    result = await fix(hass, f"gave_up_{printer_id}", {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await settle(hass, lifepay_mock)
    assert sorted(d.ext_id for d in lifepay_mock.mock.backend.documents.values()) == [
        "old-x",
        "old-z",
    ]


async def test_a_caller_that_stops_waiting_leaves_no_printer_stuck(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    """A script's timeout cancels the action while LifePay is slow: the send goes on, owned
    by the account, ends, and the next press is a document of its own."""
    lifepay_mock.mock.faults.add(Fault(FaultKind.DELAY, seconds=0.5))
    caller = asyncio.create_task(press(hass))
    await asyncio.sleep(0.2)  # the request is on its way
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    await wait_for_state(hass, X_STATUS, "processed")
    first = hass.states.get(X_STATUS).attributes["ext_id"]

    await press(hass)
    await settle(hass, lifepay_mock)
    state = hass.states.get(X_STATUS)
    assert state.state == "processed"
    assert state.attributes["ext_id"] != first
    assert len(lifepay_mock.mock.backend.documents) == 2


async def test_a_reload_mid_request_leaves_nothing_of_the_old_account(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    """An option change reloads the entry while a request is on its way: the old account
    sends, arms, saves and tells nothing after; the new one sends it under the same ext_id."""
    lifepay_mock.mock.faults.add(Fault(FaultKind.DELAY, seconds=0.5))
    events = async_capture_events(hass, EVENT_DOCUMENT)
    caller = asyncio.create_task(press(hass))
    await asyncio.sleep(0.2)
    old = loaded_entry.runtime_data
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await caller  # the press is not an error: the document goes out after the reload
    await wait_for_state(hass, X_STATUS, "processed")
    await asyncio.sleep(0.6)  # the old request's answer has come and gone
    await settle(hass, lifepay_mock)

    (document,) = lifepay_mock.mock.backend.documents.values()
    assert {entry.path for entry in documents_asked(lifepay_mock)} == {
        "/cloud-print/create-x-report"
    }
    assert {job["ext_id"] for job in saved_jobs(hass, loaded_entry)} == {document.ext_id}
    # Past every deadline the old account could have armed: nothing false fires or is saved.
    assert old.closed
    assert (old._retry_timers, old._deadlines, old._sending) == ({}, {}, {})
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(hours=13))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(X_STATUS).state == "processed"
    assert [job["status"] for job in saved_jobs(hass, loaded_entry)] == ["processed"]
    assert [event.data["status"] for event in events if event.data["final"]] == ["processed"]


async def test_jobs_a_newer_version_saved_are_kept_not_fatal(
    hass: HomeAssistant, mock_entry: MockConfigEntry, lifepay_mock: MockHandle, ha_url: str
) -> None:
    """After a downgrade: a status or kind this version does not know. Set-up goes on, and
    they are written back as they were, for the newer version to find."""
    printer_id = printer_id_of(mock_entry, lifepay_mock.demo.printers[0])
    strange = [
        saved_job(printer_id, "on-hold", status="on_hold"),
        saved_job(printer_id, "a-receipt", kind="receipt"),
    ]
    save_jobs(hass, mock_entry, strange)
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    assert mock_entry.state is ConfigEntryState.LOADED
    await press(hass)
    await settle(hass, lifepay_mock)
    assert hass.states.get(X_STATUS).state == "processed"
    saved = saved_jobs(hass, mock_entry)
    assert saved[:2] == strange
    assert [job["status"] for job in saved[2:]] == ["processed"]
    assert documents_asked(lifepay_mock)[0].path == "/cloud-print/create-x-report"


async def test_send_again_tries_every_document_and_a_refusal_reauthenticates(
    hass: HomeAssistant, mock_entry: MockConfigEntry, lifepay_mock: MockHandle, ha_url: str
) -> None:
    """Two given-up documents; LifePay refuses the first for good (credentials): the second
    still goes, re-authentication starts, and the fix says why the first did not."""
    printer_id = printer_id_of(mock_entry, lifepay_mock.demo.printers[0])
    long_ago = dt_util.utcnow() - timedelta(days=1)
    save_jobs(
        hass,
        mock_entry,
        [
            saved_job(printer_id, f"given-up-{n}", status="failed", requested_at=long_ago)
            for n in (1, 2)
        ],
    )
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    issue_id = f"gave_up_{printer_id}"
    ir.async_create_issue(  # as the give-up left it (raised before this run)
        hass,
        DOMAIN,
        issue_id,
        is_fixable=True,
        severity=ir.IssueSeverity.ERROR,
        translation_key="gave_up",
        data={"entry_id": mock_entry.entry_id, "subentry_id": printer_id},
    )
    lifepay_mock.mock.faults.add(Fault(FaultKind.CODE, code=6010))
    result = await fix(hass, issue_id, {})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "refused"}
    await settle(hass, lifepay_mock)
    (document,) = lifepay_mock.mock.backend.documents.values()
    assert document.ext_id == "given-up-2"
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_set_up_checks_the_account_first(
    hass: HomeAssistant, mock_entry: MockConfigEntry, lifepay_mock: MockHandle, ha_url: str
) -> None:
    """Refused credentials: re-authentication at once. LifePay unreachable: set-up retried."""
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=503))
    assert not await hass.config_entries.async_setup(mock_entry.entry_id)
    assert mock_entry.state is ConfigEntryState.SETUP_RETRY
    assert lifepay_mock.mock.backend.documents == {}

    wrong = MockConfigEntry(
        domain=DOMAIN,
        title="LifePay wrong key",
        unique_id="wrong",
        data={**mock_entry.data, CONF_API_KEY: "not-the-key", "webhook_id": "f" * 64},
        minor_version=2,
    )
    wrong.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(wrong.entry_id)
    await hass.async_block_till_done()
    assert wrong.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_unreachable_is_logged_once_and_back_once_and_refusals_are_not_logged(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    ha_url: str,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await set_up_with(hass, mock_entry)
    caplog.clear()
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=503, times=3))
    await press(hass)
    for minutes in (1, 3, 5):
        await advance(hass, freezer, lifepay_mock, minutes=minutes)
    assert hass.states.get(X_STATUS).state == "processed"
    ours = [r for r in caplog.records if r.name.startswith(INTEGRATION_LOGGER)]
    said = [r.getMessage() for r in ours if r.levelno >= logging.INFO]
    assert len([m for m in said if "cannot be reached" in m]) == 1
    assert len([m for m in said if "can be reached again" in m]) == 1
    assert len(said) == 2, said  # not a line per retry

    caplog.clear()
    lifepay_mock.mock.faults.add(Fault(FaultKind.CODE, code=6095))
    with pytest.raises(HomeAssistantError):
        await press(hass)  # the person hears it; the log does not repeat it
    ours = [r for r in caplog.records if r.name.startswith(INTEGRATION_LOGGER)]
    assert [r.getMessage() for r in ours if r.levelno >= logging.WARNING] == []


async def test_a_press_the_disk_refuses_sends_nothing(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    """A document is on disk before it is sent: when the write really fails, nothing goes to
    LifePay, the person is told, and nothing of it lingers once the disk is back."""
    path = jobs_file(hass, loaded_entry)
    path.unlink(missing_ok=True)
    path.mkdir(parents=True)
    with pytest.raises(HomeAssistantError) as caught:
        await press(hass)
    assert caught.value.translation_key == "not_saved"
    assert documents_asked(lifepay_mock) == []
    assert hass.states.get(X_STATUS).state == "unknown"

    path.rmdir()
    await press(hass)
    await settle(hass, lifepay_mock)
    assert hass.states.get(X_STATUS).state == "processed"
    assert len(documents_asked(lifepay_mock)) == 1
    assert [job["status"] for job in saved_jobs(hass, loaded_entry)] == ["processed"]
