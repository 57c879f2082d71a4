"""Soak: 300 X-reports and a day's shift documents per burst against a misbehaving LifePay.

Faults (502, 503, 504, dropped connections, slow answers, gateways that fail after the document
was made), a printer that goes offline and back, bursts of concurrent presses, and Home Assistant's
entry restarted from its stored state half-way. Time is advanced with Home Assistant's test clock
(async_fire_time_changed), never slept. Every request must be printed exactly once.
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import timedelta
from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.lifepay.api import DocumentKind
from custom_components.lifepay.jobs import JobStatus
from mock_lifepay import PrinterState
from mock_lifepay.faults import Fault, FaultKind

from .conftest import settle

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle

REQUESTS = 300
BURST = 30
BUTTONS = ("button.till_1_print_x_report", "button.warehouse_print_x_report")
SENSORS = {
    "button.till_1_print_x_report": "sensor.till_1_x_report_status",
    "button.warehouse_print_x_report": "sensor.warehouse_x_report_status",
}


def random_fault(rng: random.Random) -> Fault:
    kind = rng.choice(["502", "503", "504", "drop", "slow", "late-gateway"])
    match kind:
        case "drop":
            return Fault(FaultKind.DROP)
        case "slow":
            return Fault(FaultKind.DELAY, seconds=0.02)
        case "late-gateway":  # LifePay made the document, the gateway still failed
            return Fault(FaultKind.HTTP_STATUS, status=502, process=True)
        case _:
            return Fault(FaultKind.HTTP_STATUS, status=int(kind))


async def test_soak(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    rng = random.Random(2026)
    mock = lifepay_mock.mock
    mock.settings.callback_retry_delays = (1.0, 1.0, 1.0)
    shop_printer = mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    started = time.monotonic()
    faults_injected = 0
    restarts = 0
    virtual = timedelta()
    requested: list[str] = []
    shifts: list[str] = []

    async def advance(seconds: int) -> None:
        nonlocal virtual
        await settle(hass, lifepay_mock)
        virtual += timedelta(seconds=seconds)
        async_fire_time_changed(hass, dt_util.utcnow() + virtual)
        await hass.async_block_till_done(wait_background_tasks=True)
        await settle(hass, lifepay_mock)

    for burst in range(REQUESTS // BURST):
        for _ in range(rng.randint(5, 15)):
            mock.faults.add(random_fault(rng))
            faults_injected += 1
        if burst == 3:
            mock.set_printer_state(shop_printer, PrinterState.OFFLINE)
        if burst == 5:
            mock.set_printer_state(shop_printer, PrinterState.ONLINE)
        # Automations naming their reports: each ext_id is a report of its own. (Presses
        # without one while the printer's last report is still on its way send that one.)
        presses = [
            hass.services.async_call(
                "lifepay",
                "print_x_report",
                {"entity_id": rng.choice(BUTTONS), "ext_id": f"soak-{burst}-{n}"},
                blocking=True,
                return_response=True,
            )
            for n in range(BURST)
        ]
        # And the warehouse's fiscal day, in the same storm: close the shift, open the next.
        shift_documents = [
            hass.services.async_call(
                "lifepay",
                action,
                {"entity_id": BUTTONS[1], "ext_id": f"soak-{burst}-{action}"},
                blocking=True,
                return_response=True,
            )
            for action in ("close_shift", "open_shift")
        ]
        for response in await asyncio.gather(*presses):
            requested.extend(report["ext_id"] for report in response["reports"])
        for response in await asyncio.gather(*shift_documents):
            shifts.extend(report["ext_id"] for report in response["reports"])
        if burst == 4:  # restart the account from its stored jobs mid-way
            assert await hass.config_entries.async_reload(loaded_entry.entry_id)
            await hass.async_block_till_done()
            restarts += 1
        await advance(61)  # the first retry of this burst's failures

    # Let LifePay's schedule run out: 1, 3, 5 minutes, then every 10.
    for step in (181, 301, *([601] * 12)):
        if not loaded_entry.runtime_data.ledger.unfinished():
            break
        await advance(step)

    # The book keeps the last 200 finished jobs; the rest were processed and forgotten.
    jobs = list(loaded_entry.runtime_data.ledger)
    documents = list(mock.backend.documents.values())
    statuses = {status: sum(job.status is status for job in jobs) for status in JobStatus}
    attempts = sum(job.attempts for job in jobs)
    journal = mock.journal.entries()  # every request LifePay (the mock) received
    faulted = sum(entry.fault is not None for entry in journal)
    print(  # noqa: T201 - the soak's figures, shown with pytest -s
        f"\nsoak: {len(requested)} requests, {len(journal)} HTTP requests to LifePay of which "
        f"{faulted} met a fault ({faults_injected} scheduled), "
        f"{restarts} restart, {len(documents)} documents printed, "
        f"virtual time {virtual}, real time {time.monotonic() - started:.1f} s, "
        f"statuses { {s.value: n for s, n in statuses.items() if n} }"
    )

    assert len(requested) == len(set(requested)) == REQUESTS
    assert len(shifts) == len(set(shifts)) == 2 * (REQUESTS // BURST)
    assert not loaded_entry.runtime_data.ledger.unfinished()
    assert all(job.final for job in jobs)
    # X-reports all print; a shift document may meet a shift in the other state (an opening
    # that overtook its closing in the storm), which the printer reports as an error.
    x_reports = [job for job in jobs if job.kind is DocumentKind.X_REPORT]
    assert all(job.status is JobStatus.PROCESSED for job in x_reports)
    assert {job.status for job in jobs} <= {JobStatus.PROCESSED, JobStatus.ERROR}
    assert len(documents) == REQUESTS + len(shifts)  # none lost
    printed = [document.ext_id for document in documents]
    assert len(set(printed)) == len(printed)  # none printed twice
    assert set(printed) == set(requested) | set(shifts)
    assert {d.type.value for d in documents} == {"x_report", "open_shift", "z_report"}
    assert all(d.status.value == "processed" for d in documents if d.type.value == "x_report")
    assert attempts > len(jobs)  # the faults really forced retries
    assert faulted > 50  # and the mix really reached LifePay's endpoint
    book = loaded_entry.runtime_data.ledger
    for button, sensor in SENSORS.items():
        printer_id = next(
            p.subentry_id
            for p in loaded_entry.runtime_data.printers.values()
            if button.startswith(f"button.{p.name.lower().replace(' ', '_')}_")
        )
        latest = book.latest(printer_id, DocumentKind.X_REPORT)
        assert latest is not None
        assert hass.states.get(sensor).state == latest.status.value
