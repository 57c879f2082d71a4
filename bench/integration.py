"""The integration's speed: entry set-up with 1, 10 and 100 printers, and press-to-processed.

    .venv/bin/python bench/integration.py [--presses 200]

Runs a real Home Assistant core in the test harness (pytest-homeassistant-custom-component's
``async_test_home_assistant``), the mock in the same event loop with no printing delay, and Home
Assistant's HTTP app on 127.0.0.1 so the mock's callbacks reach the real webhook. Prints the median
set-up time per printer count and the p50/p99 latency from pressing Print X-report to the status
sensor reading processed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from aiohttp.test_utils import TestServer

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from homeassistant import loader  # noqa: E402
from homeassistant.config_entries import ConfigSubentryData  # noqa: E402
from homeassistant.core import Event, EventStateChangedData, HomeAssistant  # noqa: E402
from homeassistant.helpers import frame  # noqa: E402
from homeassistant.helpers.event import async_track_state_change_event  # noqa: E402
from homeassistant.setup import async_setup_component  # noqa: E402
from pytest_homeassistant_custom_component.common import (  # noqa: E402
    MockConfigEntry,
    async_test_home_assistant,
)

from mock_lifepay import MockLifePay, MockServer  # noqa: E402
from mock_lifepay.seed import DEMO  # noqa: E402
from mock_lifepay.settings import Settings  # noqa: E402

RUNS = 5


def printers(count: int) -> list[ConfigSubentryData]:
    serials = [DEMO.printers[0]] + [f"{9_000_000 + n:014d}" for n in range(count - 1)]
    return [
        ConfigSubentryData(
            data={"serial": serial}, subentry_type="printer", title=f"Till {n}", unique_id=serial
        )
        for n, serial in enumerate(serials)
    ]


def entry(mock_url: str, count: int, webhook_id: str) -> MockConfigEntry:
    return MockConfigEntry(
        domain="lifepay",
        unique_id=f"{DEMO.admin_login}",
        data={
            "api_key": DEMO.apikey,
            "login": DEMO.admin_login,
            "url": mock_url,
            "webhook_id": webhook_id,
        },
        subentries_data=printers(count),
    )


async def prepare(hass: HomeAssistant) -> str:
    # The harness points `custom_components` at its own test folder; load this repository's.
    import custom_components  # noqa: PLC0415

    custom_components.__path__ = [str(REPO / "custom_components")]
    hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
    frame.async_setup(hass)  # as the test harness's hass fixture does
    for component in ("http", "webhook"):
        assert await async_setup_component(hass, component, {})
    server = TestServer(hass.http.app, host="127.0.0.1")
    await server.start_server()
    url = f"http://127.0.0.1:{server.port}"
    await hass.config.async_update(internal_url=url)
    return url


async def setup_times(count: int, mock_url: str) -> list[float]:
    times = []
    for run in range(RUNS):
        async with async_test_home_assistant() as hass:
            await prepare(hass)
            config_entry = entry(mock_url, count, f"{run:064d}")
            config_entry.add_to_hass(hass)
            started = time.perf_counter()
            assert await hass.config_entries.async_setup(config_entry.entry_id)
            await hass.async_block_till_done()
            times.append(time.perf_counter() - started)
            assert len(hass.states.async_entity_ids("button")) == count
            await hass.async_stop(force=True)
    return times


async def press_latencies(presses: int, mock_url: str) -> list[float]:
    latencies = []
    async with async_test_home_assistant() as hass:
        await prepare(hass)
        config_entry = entry(mock_url, 1, "1" * 64)
        config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
        status = "sensor.till_0_x_report_status"
        for _ in range(presses):
            processed = asyncio.get_running_loop().create_future()

            def seen(
                event: Event[EventStateChangedData], done: asyncio.Future[None] = processed
            ) -> None:
                new = event.data["new_state"]
                if new is not None and new.state == "processed" and not done.done():
                    done.set_result(None)

            remove = async_track_state_change_event(hass, [status], seen)
            started = time.perf_counter()
            await hass.services.async_call(
                "button", "press", {"entity_id": "button.till_0_print_x_report"}, blocking=True
            )
            await asyncio.wait_for(processed, 10)
            latencies.append(time.perf_counter() - started)
            remove()
        await hass.async_stop(force=True)
    return latencies


async def main(args: argparse.Namespace) -> None:
    mock = MockLifePay(seed=0, companies=0, settings=Settings(processing_delay=0))
    async with MockServer(mock, "127.0.0.1", 0) as server:
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}; median of {RUNS} set-ups"
        )
        for count in (1, 10, 100):
            times = await setup_times(count, server.url)
            print(f"set-up with {count:>3} printers: {statistics.median(times) * 1000:7.1f} ms")
        latencies = await press_latencies(args.presses, server.url)
        quantiles = statistics.quantiles(latencies, n=100)
        print(
            f"press -> processed ({args.presses} presses, mock delay 0): "
            f"p50 {quantiles[49] * 1000:.1f} ms, p99 {quantiles[98] * 1000:.1f} ms"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=200)
    asyncio.run(main(parser.parse_args()))
