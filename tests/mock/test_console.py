"""The live console in a real browser: changes arrive without a reload; its controls work.

Playwright drives Debian's Chromium (nothing downloads a browser here) against the mock served
by the ``lifepay_mock`` fixture. A marker set on ``window`` at the start must survive to the end:
the page never reloads, so everything it shows after that came through the event stream.
The browser is in Moscow (UTC+03:00), the mock's clock in UTC: what the page shows must be local
time. The screenshot goes to the test's temporary folder, and to docs/images/mock-console.png with
``LIFEPAY_UPDATE_SCREENSHOTS=1``.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from playwright.async_api import Browser, Page, expect

from mock_lifepay import PrinterState
from mock_lifepay.faults import FaultKind
from tests.spec_check import schema_errors

from .helpers import post_json

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle
    from tests.conftest import CallbackReceiver

REPO = Path(__file__).resolve().parents[2]
SESSION = "/cloud-print/create-session"
Z_REPORT = "/cloud-print/create-z-report"
ZONE = "Europe/Moscow"


async def current_state(session: aiohttp.ClientSession, url: str) -> Any:
    """The console's state as the page gets it: the first ``state`` event of ``/_mock/events``."""
    async with asyncio.timeout(5), session.get(url + "/_mock/events") as response:
        assert response.content_type == "text/event-stream"
        event = None
        async for raw in response.content:
            line = raw.decode().rstrip("\r\n")
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: ") and event == "state":
                return json.loads(line.removeprefix("data: "))
    raise AssertionError("the stream ended before its first state")


def local_clock(moment: str) -> str:
    """What the page shows for a moment of today: the clock in the browser's zone."""
    return f"{datetime.fromisoformat(moment).astimezone(ZoneInfo(ZONE)):%H:%M:%S}"


@pytest.fixture
async def page(browser: Browser, lifepay_mock: MockHandle) -> AsyncIterator[Page]:
    opened = await browser.new_page(viewport={"width": 1400, "height": 1000}, timezone_id=ZONE)
    await opened.goto(lifepay_mock.url + "/")
    await expect(opened.locator("#live")).to_have_text("live")
    await opened.evaluate("window.notReloaded = true")
    yield opened
    assert await opened.evaluate("window.notReloaded === true"), "the console reloaded"
    await opened.close()


def printer_row(page: Page, serial: str) -> Any:
    return page.locator(f'#printers tr[data-serial="{serial}"]')


def administrator(lifepay_mock: MockHandle, company_id: int) -> dict[str, Any]:
    """Credentials of a company's administrator, who may print on any of its printers."""
    world = lifepay_mock.mock.backend.world
    [login] = [
        user.login
        for user in world.users.values()
        if user.company_id == company_id and user.trade_point_id is None and not user.blocked
    ]
    return {"apikey": world.companies[company_id].apikey, "login": login}


async def test_the_state_lists_the_printers_in_use_first(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any]
) -> None:
    demo = lifepay_mock.demo
    world = lifepay_mock.mock.backend.world
    state = await current_state(session, lifepay_mock.url)
    assert not schema_errors(state, {"$ref": "#/components/schemas/ConsoleState"})
    printers = state["printers"]
    assert sorted(p["serial"] for p in printers) == sorted(world.printers)
    # The demo's printers first, in the demo's order; nothing else in use before a document.
    assert [p["serial"] for p in printers if p["used"]] == list(demo.printers)
    assert [p["serial"] for p in printers if p["demo"]] == list(demo.printers)
    assert [p["serial"] for p in printers[:2]] == list(demo.printers)
    assert [p["documents"] for p in printers] == [0] * len(printers)
    shop = printers[0]
    assert (shop["company_name"], shop["trade_point_name"]) == (
        "ООО «Ромашка» (демо)",
        "Магазин на Ленина",
    )
    assert shop["shift"]["open"] is True

    # A document on the last printer of another company brings it up, right after the demo's.
    other = printers[-1]
    request = administrator(lifepay_mock, other["company_id"]) | {"target_serial": other["serial"]}
    _, answer = await post_json(session, lifepay_mock.url, request)
    assert answer["code"] == 0, answer
    _, answer = await post_json(
        session, lifepay_mock.url, valid | {"target_serial": demo.printers[1]}
    )
    assert answer["code"] == 0, answer
    await lifepay_mock.mock.wait_until_idle()

    printers = (await current_state(session, lifepay_mock.url))["printers"]
    assert [p["serial"] for p in printers[:3]] == [*demo.printers, other["serial"]]
    assert [(p["used"], p["demo"], p["documents"]) for p in printers[:3]] == [
        (True, True, 0),
        (True, True, 1),
        (True, False, 1),
    ]
    assert not any(p["used"] or p["documents"] for p in printers[3:])


async def test_documents_appear_as_they_are_made_and_open_with_their_story(
    page: Page,
    session: aiohttp.ClientSession,
    lifepay_mock: MockHandle,
    receiver: CallbackReceiver,
    valid: dict[str, Any],
    tmp_path: Path,
) -> None:
    mock = lifepay_mock.mock
    serial = lifepay_mock.demo.printers[0]
    receiver.statuses = [500]  # the first callback try fails: two tries to show
    rows = page.locator("#documents tr.document")
    await expect(rows).to_have_count(0)

    request = valid | {"target_serial": serial, "callback_url": receiver.url}
    _, x_answer = await post_json(session, lifepay_mock.url, request | {"ext_id": "console-x"})
    _, z_answer = await post_json(
        session, lifepay_mock.url, request | {"ext_id": "console-z"}, Z_REPORT
    )
    _, open_answer = await post_json(
        session, lifepay_mock.url, request | {"ext_id": "console-open"}, SESSION
    )
    await mock.wait_until_idle()

    # Pushed, newest first, each with its type, status and callbacks.
    await expect(rows).to_have_count(3)
    await expect(rows.nth(0)).to_contain_text("Shift opening")
    await expect(rows.nth(0)).to_contain_text("console-open")
    await expect(rows.nth(1)).to_contain_text("Z-report")
    await expect(rows.nth(2)).to_contain_text("X-report")
    await expect(rows.nth(2)).to_contain_text("processed")
    await expect(rows.nth(2)).to_contain_text("1/2")  # delivered on the second try
    await expect(page.locator("#documents-count")).to_contain_text("(3;")

    # In the browser's time zone, which the header names; the exact moment in the title.
    await expect(page.locator("#zone")).to_have_text("Times in Europe/Moscow (UTC+03:00)")
    created = mock.backend.documents[x_answer["data"]["uuid"]].created_at.isoformat()
    created_cell = rows.nth(2).locator("td").first
    await expect(created_cell).to_have_text(local_clock(created))
    await expect(created_cell.locator("time")).to_have_attribute("title", created)

    # A click opens the Z-report's story: history, callback tries, the printed report.
    await rows.nth(1).click()
    details = page.locator("#details")
    await expect(details).to_contain_text(z_answer["data"]["uuid"])
    await expect(details.locator("ol.history li")).to_have_count(2)
    closed_at = mock.backend.documents[z_answer["data"]["uuid"]].history[-1][0].isoformat()
    await expect(details.locator("ol.history li").nth(1)).to_contain_text(local_clock(closed_at))
    await expect(details.locator("ol.history")).to_contain_text("Смена закрыта.")
    await expect(details.locator("table.tries tbody tr")).to_have_count(1)
    tape = page.frame_locator("#details iframe")
    await expect(tape.locator("pre.receipt")).to_contain_text("Z-ОТЧЁТ")
    await page.screenshot(path=tmp_path / "mock-console.png", full_page=True)
    if os.environ.get("LIFEPAY_UPDATE_SCREENSHOTS") == "1":
        shutil.copy(tmp_path / "mock-console.png", REPO / "docs" / "images" / "mock-console.png")
    assert (tmp_path / "mock-console.png").stat().st_size > 20_000

    # The X-report's row: its callback tries in full.
    await rows.nth(2).click()
    await expect(details).to_contain_text(x_answer["data"]["uuid"])
    await expect(details.locator("table.tries tbody tr")).to_have_count(2)
    await expect(details.locator("table.tries")).to_contain_text("not delivered")
    assert open_answer["data"]["uuid"] in mock.backend.documents


async def test_documents_come_first_then_printers_in_use_and_the_rest_folded(
    page: Page, session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    world = lifepay_mock.mock.backend.world
    demo = lifepay_mock.demo
    others = len(world.printers) - len(demo.printers)
    shown = page.locator("#printers tr")
    folded = page.locator("#printers-other tr")
    summary = page.locator("#other-printers summary")
    await expect(shown).to_have_count(len(demo.printers))
    await expect(shown.first).to_contain_text("the demo's")
    await expect(summary).to_have_text(f"Other printers ({others})")
    await expect(folded).to_have_count(others)
    await expect(folded.first).to_be_hidden()
    await summary.click()
    await expect(folded.first).to_be_visible()

    # A document on a folded printer brings it up; the fold stays open through the update.
    row = folded.last
    serial = await row.get_attribute("data-serial")
    assert serial is not None
    request = administrator(lifepay_mock, world.printers[serial].company_id)
    _, answer = await post_json(session, lifepay_mock.url, request | {"target_serial": serial})
    assert answer["code"] == 0, answer
    await expect(printer_row(page, serial)).to_contain_text("1 document")
    await expect(shown).to_have_count(len(demo.printers) + 1)
    await expect(summary).to_have_text(f"Other printers ({others - 1})")
    assert await page.locator("#other-printers").evaluate("(fold) => fold.open")

    # A phone: one column, the documents above the printers, nothing wider than the screen.
    await page.set_viewport_size({"width": 390, "height": 844})
    tops = []
    for heading in ("Documents", "Printers", "Companies and logins"):
        box = await page.locator("h2", has_text=re.compile(f"^{heading}")).bounding_box()
        assert box is not None, heading
        tops.append(box["y"])
    assert tops == sorted(tops), tops
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390


async def test_printer_controls(page: Page, lifepay_mock: MockHandle) -> None:
    mock = lifepay_mock.mock
    serial = lifepay_mock.demo.printers[0]
    printer = mock.backend.world.printers[serial]
    row = printer_row(page, serial)
    number = printer.shift.number

    await row.locator("select[data-action=state]").select_option("offline")
    await expect(row.locator("select[data-action=state]")).to_have_value("offline")
    await mock.wait_for(lambda: printer.state is PrinterState.OFFLINE, timeout=5)

    await row.locator("[data-role=error]").fill("Ошибка ФН.")
    await row.locator("button[data-action=set-error]").click()
    await mock.wait_for(lambda: printer.error_message == "Ошибка ФН.", timeout=5)
    await expect(row.locator("[data-role=error]")).to_have_value("Ошибка ФН.")
    await row.locator("button[data-action=clear-error]").click()
    await expect(row.locator("[data-role=error]")).to_have_value("")
    assert printer.error_message is None

    await row.locator("button[data-action=close-shift]").click()
    await expect(row).to_contain_text("closed")
    assert not printer.shift.is_open
    await row.locator("button[data-action=open-shift]").click()
    await expect(row).to_contain_text(f"№ {number + 1}")
    assert printer.shift.is_open
    await row.locator("button[data-action=age-shift]").click()
    await expect(row).to_contain_text("expired")
    assert mock.backend.shift_expired(printer.shift)

    # A change made elsewhere (here: in Python) is pushed as well.
    mock.set_printer_state(printer, PrinterState.PAPER_OUT)
    await expect(row.locator("select[data-action=state]")).to_have_value("paper_out")


async def test_accounts_faults_settings_and_reset(
    page: Page, session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any]
) -> None:
    mock = lifepay_mock.mock
    world = mock.backend.world
    await page.locator('[data-company="1"] input[data-action=cloud]').uncheck()
    await expect(page.locator('[data-company="1"] input[data-action=cloud]')).not_to_be_checked()
    assert world.companies[1].cloud_print_enabled is False
    login = lifepay_mock.demo.shop_login
    await page.locator(f'[data-login="{login}"] input').check()
    await expect(page.locator(f'[data-login="{login}"] input')).to_be_checked()
    assert world.users[login].blocked is True

    form = page.locator("#fault-form")
    await form.locator("select[name=kind]").select_option("http_status")
    await form.locator("input[name=status]").fill("502")
    await form.locator("input[name=times]").fill("2")
    await form.locator("button[type=submit]").click()
    await expect(page.locator("#faults li")).to_contain_text("http_status × 2 502")
    (fault,) = mock.faults.pending()
    assert (fault.kind, fault.status, fault.times) == (FaultKind.HTTP_STATUS, 502, 2)
    await page.locator("button[data-action=clear-faults]").click()
    await expect(page.locator("#faults li")).to_have_text("none")

    settings = page.locator("#settings-form")
    await settings.locator("select[name=callback_encoding]").select_option("json")
    await settings.locator("input[name=callback_status_words]").fill("payment")
    await settings.locator("input[name=processing_delay]").fill("0.5")
    await settings.locator("button[type=submit]").click()
    await expect(page.locator("#flash")).to_have_text("Settings saved.")
    assert mock.settings.callback_encoding == "json"
    assert mock.settings.callback_status_words == {"processed": "success", "error": "fail"}
    assert mock.settings.processing_delay == 0.5
    await expect(settings.locator("input[name=callback_status_words]")).to_have_value(
        '{"processed":"success","error":"fail"}'
    )

    # A refused patch says why, and changes nothing.
    await settings.locator("input[name=callback_retry_delays]").fill("1, -5")
    await settings.locator("button[type=submit]").click()
    await expect(page.locator("#flash")).to_contain_text("callback_retry_delays")
    assert mock.settings.callback_retry_delays == (0.05, 0.05, 0.05)

    await page.locator('[data-company="1"] input[data-action=cloud]').check()
    await mock.wait_for(lambda: world.companies[1].cloud_print_enabled, timeout=5)
    mock.settings.processing_delay = 0
    _, answer = await post_json(session, lifepay_mock.url, valid)
    assert answer["code"] == 0
    await expect(page.locator("#documents tr.document")).to_have_count(1)
    await page.locator("#reset").click()
    await expect(page.locator("#documents tr.document")).to_have_count(0)
    await expect(page.locator(f'[data-login="{login}"] input')).not_to_be_checked()
    assert mock.backend.documents == {}
    assert mock.settings.callback_encoding == "multipart"
