"""Nothing acknowledged is lost: a real `hass` process killed with SIGKILL, then started again.

The mock runs as its own process (LifePay does not restart with Home Assistant); Home Assistant
is set up through its HTTP API and the integration's real config flow, as the demo does
(scripts/lifepay_demo.py), then killed at the worst moments:

(a) right after it answered 200 to LifePay's "processed" callback: LifePay never sends that
    callback again, so the state must already be on disk;
(b) while a report is being retried through a LifePay outage (HTTP 502): after the restart the
    same request goes out again and the report prints exactly once.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import lifepay_demo
import pytest

from mock_lifepay.seed import DEMO

from .test_demo import assert_no_blocking_calls, control, free_port

pytestmark = pytest.mark.e2e

STATUS = "sensor.shop_till_x_report_status"
BUTTON = "button.shop_till_print_x_report"
SERIAL = DEMO.printers[0]


@dataclass
class Shop:
    """A mock process and a Home Assistant process that can be killed and started again."""

    config: Path
    ha_port: int
    mock_url: str
    session: aiohttp.ClientSession
    log: Any
    hass: asyncio.subprocess.Process | None = None
    api: lifepay_demo.HomeAssistantApi | None = None

    async def start(self) -> lifepay_demo.HomeAssistantApi:
        self.hass = await lifepay_demo.start_hass(self.config, self.log)
        api = lifepay_demo.HomeAssistantApi(self.session, f"http://127.0.0.1:{self.ha_port}")
        await api.onboard(await api.wait_until_up(self.hass))
        self.api = api
        return api

    async def stop(self) -> None:
        await lifepay_demo.stop(self.hass)

    async def kill(self) -> None:
        """What a power cut or the OOM killer does: no shutdown, no final writes."""
        assert self.hass is not None
        self.hass.send_signal(signal.SIGKILL)
        await self.hass.wait()

    async def state(self, entity_id: str) -> dict[str, Any] | None:
        assert self.api is not None
        async with self.session.get(
            f"{self.api.url}/api/states/{entity_id}",
            headers={"Authorization": f"Bearer {self.api.token}"},
        ) as response:
            if response.status == 404:
                return None
            response.raise_for_status()
            result: dict[str, Any] = await response.json()
            return result

    async def wait_for_state(self, entity_id: str, expected: str, timeout: float = 60) -> None:
        seen: list[str | None] = []

        async def reached() -> bool:
            state = await self.state(entity_id)
            value = state["state"] if state else None
            if not seen or seen[-1] != value:
                seen.append(value)  # the states it went through, each once
            return value == expected

        await until(reached, timeout, lambda: f"{entity_id} never became {expected}: {seen}")

    async def press(self) -> None:
        assert self.api is not None
        await self.api.call("POST", "/api/services/button/press", {"entity_id": BUTTON})


async def until(
    condition: Callable[[], Awaitable[bool]], timeout: float, why: Callable[[], str]
) -> None:
    """Poll another process until ``condition`` holds; fail saying ``why`` after ``timeout``."""
    try:
        async with asyncio.timeout(timeout):
            while not await condition():  # noqa: ASYNC110 - the state lives in another process
                await asyncio.sleep(0.05)
    except TimeoutError:
        pytest.fail(why())


@pytest.fixture
async def shop(tmp_path: Path) -> AsyncIterator[Shop]:
    """The demo account with its printers, set up once and then restarted cleanly.

    The clean restart puts Home Assistant's own registries on disk, as on any install that has
    been running for a while; from then on only the integration's own writes are under test.
    """
    mock, mock_url = await lifepay_demo.start_mock(free_port(), processing_delay=0)
    config = tmp_path / "config"
    ha_port = free_port()
    lifepay_demo.prepare_config(config, ha_port, reset=False)
    with (config / "hass-stdout.log").open("ab") as log:
        async with aiohttp.ClientSession() as session:
            shop = Shop(config, ha_port, mock_url, session, log)
            try:
                api = await shop.start()
                await api.ensure_lifepay(mock_url)
                await shop.wait_for_state(STATUS, "unknown")
                await shop.stop()
                await shop.start()
                await shop.wait_for_state(STATUS, "unknown")
                yield shop
            finally:
                await shop.stop()
                await lifepay_demo.stop(mock)
    assert_no_blocking_calls(config)


async def documents(shop: Shop) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = await control(
        shop.mock_url, "GET", f"/_mock/documents?serial={SERIAL}"
    )
    return result


async def test_processed_callback_survives_sigkill_right_after_its_200(shop: Shop) -> None:
    await shop.press()

    async def acknowledged() -> bool:
        found = await documents(shop)
        return bool(found) and any(c["http_status"] == 200 for c in found[0]["callbacks"])

    await until(acknowledged, 30, lambda: "LifePay's callback was never acknowledged")
    await shop.kill()  # at once: LifePay has its 200 and will not send this callback again

    await shop.start()
    await shop.wait_for_state(STATUS, "processed", timeout=30)
    (document,) = await documents(shop)
    assert [c["http_status"] for c in document["callbacks"]] == [200]


async def test_report_retried_through_an_outage_prints_once_after_sigkill(shop: Shop) -> None:
    await control(
        shop.mock_url, "POST", "/_mock/faults", {"kind": "http_status", "status": 502, "times": 50}
    )
    await shop.press()
    await shop.wait_for_state(STATUS, "retrying", timeout=30)
    await shop.kill()
    assert await documents(shop) == []  # LifePay made nothing yet

    await control(shop.mock_url, "DELETE", "/_mock/faults")  # the outage ends
    await shop.start()
    # The saved job goes out again: at once, or at its next scheduled try a minute later.
    await shop.wait_for_state(STATUS, "processed", timeout=120)
    (document,) = await documents(shop)
    journal = await control(shop.mock_url, "GET", "/_mock/journal")
    sent = [entry for entry in journal if '"test": 0' in entry["body"]]  # not the flow's checks
    assert len(sent) >= 2
    assert {f'"ext_id": "{document["ext_id"]}"' in entry["body"] for entry in sent} == {True}
    assert [entry["http_status"] for entry in sent[-1:]] == [200]
