"""The demo for real: the mock and `hass` as processes, driven in headless Chromium.

Starts scripts/lifepay_demo.py (what scripts/develop runs) on free ports with a fresh config
folder, clicks Print X-report on the dashboard and waits for the page to show the result, then
takes the printer offline through the mock's control API and sees awaiting retry, then processed.
The screenshots in docs/images/ come from here: every run takes them (into the test's temporary
folder); `LIFEPAY_UPDATE_SCREENSHOTS=1` also writes them to docs/images/ for the README.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from mock_lifepay.seed import DEMO

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
IMAGES = REPO / "docs" / "images"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Demo:
    process: asyncio.subprocess.Process
    ha_url: str
    mock_url: str
    output: str


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO / "scripts" / "lifepay_demo.py"),
        "--config",
        str(tmp_path / "config"),
        "--ha-port",
        str(free_port()),
        "--mock-port",
        str(free_port()),
        "--processing-delay",
        "1",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert process.stdout is not None
    output = ""
    try:
        async with asyncio.timeout(240):
            while "Press Ctrl-C" not in output:
                line = await process.stdout.readline()
                if not line:
                    pytest.fail(f"the demo stopped before it was ready:\n{output}")
                output += line.decode()
        ha_url = re.search(r"Home Assistant:\s+(http://\S+?)/lovelace", output)
        mock_url = re.search(r"LifePay mock:\s+(http://\S+?)/\s", output)
        assert ha_url, output
        assert mock_url, output
        yield Demo(process, ha_url.group(1), mock_url.group(1), output)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            rest, _ = await asyncio.wait_for(process.communicate(), 60)
            output += rest.decode()
    assert process.returncode == 0, output
    assert "LifePay demo stopped." in output
    assert_no_blocking_calls(tmp_path / "config")


def assert_no_blocking_calls(config: Path) -> None:
    """Home Assistant only logs a custom integration's blocking calls; make them fail."""
    logs = "".join(log.read_text() for log in config.glob("home-assistant.log*"))
    assert logs, "Home Assistant wrote no log"
    reports = [line for line in logs.splitlines() if "Detected blocking call" in line]
    assert not [line for line in reports if "lifepay" in line], reports


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium package)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield launched
        await launched.close()


async def control(url: str, method: str, path: str, payload: Any = None) -> Any:
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, url + path, json=payload) as response,
    ):
        assert response.status < 300, await response.text()
        body = await response.read()
        return json.loads(body) if body else None


async def press_and_wait(page: Page, expected: list[str]) -> None:
    card = page.locator("hui-entities-card", has_text="Shop till")
    await card.locator("hui-button-entity-row").get_by_text("Press", exact=False).click()
    for state in expected:
        await expect(card.locator("hui-sensor-entity-row").first).to_contain_text(
            state, timeout=30_000
        )


@pytest.fixture
def images(tmp_path: Path) -> Path:
    """Where screenshots go: docs/images/ when asked to refresh them, else a temporary folder."""
    if os.environ.get("LIFEPAY_UPDATE_SCREENSHOTS") == "1":
        IMAGES.mkdir(parents=True, exist_ok=True)
        return IMAGES
    return tmp_path


async def test_print_from_the_dashboard(demo: Demo, browser: Browser, images: Path) -> None:
    page = await browser.new_page(viewport={"width": 1100, "height": 560})
    await page.goto(f"{demo.ha_url}/lovelace-lifepay/printers")
    card = page.locator("hui-entities-card", has_text="Shop till")
    await expect(card).to_be_visible(timeout=60_000)
    await expect(card.locator("hui-sensor-entity-row").first).to_contain_text("Unknown")

    # Press: LifePay (the mock) prints, calls back, the card shows Processed.
    await press_and_wait(page, ["Printed"])
    documents = await control(demo.mock_url, "GET", f"/_mock/documents?serial={DEMO.printers[0]}")
    assert [d["status"] for d in documents] == ["processed"]
    assert [c["http_status"] for c in documents[0]["callbacks"]] == [200]
    await expect(card.locator("hui-sensor-entity-row").nth(1)).not_to_contain_text("Unknown")
    await page.screenshot(path=images / "dashboard.png")
    assert (images / "dashboard.png").stat().st_size > 10_000

    # The printer goes offline: the next report waits, then prints when it is back.
    await control(
        demo.mock_url, "PATCH", f"/_mock/printers/{DEMO.printers[0]}", {"state": "offline"}
    )
    await press_and_wait(page, ["Printer not ready"])
    await control(
        demo.mock_url, "PATCH", f"/_mock/printers/{DEMO.printers[0]}", {"state": "online"}
    )
    await expect(card.locator("hui-sensor-entity-row").first).to_contain_text(
        "Printed", timeout=30_000
    )
    documents = await control(demo.mock_url, "GET", f"/_mock/documents?serial={DEMO.printers[0]}")
    assert sorted(d["status"] for d in documents) == ["processed", "processed"]
    history = [[h["status"] for h in d["history"]] for d in documents]
    assert ["queued", "awaiting_retry", "processed"] in history

    # The mock's own page shows the documents and the printed report.
    mock_page = await browser.new_page(viewport={"width": 1100, "height": 900})
    await mock_page.goto(demo.mock_url + "/")
    await expect(mock_page.get_by_text("X-report").first).to_be_visible()
    await mock_page.screenshot(path=images / "mock.png")
