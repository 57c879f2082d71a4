"""The control API under /_mock/ and the web page."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from custom_components.lifepay.api import (
    LifePayAccessDeniedError,
    LifePayClient,
    LifePayCloudPrintDisabledError,
)
from mock_lifepay import DocumentStatus

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle
    from tests.conftest import CallbackReceiver


async def call(
    session: aiohttp.ClientSession, method: str, url: str, payload: Any = None
) -> tuple[int, Any]:
    async with session.request(method, url, json=payload) as response:
        text = await response.text()
        if response.content_type == "application/json":
            return response.status, json.loads(text)
        return response.status, text


async def test_accounts_list_the_demo_company(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    status, accounts = await call(session, "GET", lifepay_mock.url + "/_mock/accounts")
    assert status == 200
    demo = accounts[0]
    assert demo["apikey"] == lifepay_mock.demo.apikey
    assert {login["login"] for login in demo["logins"]} >= {lifepay_mock.demo.admin_login}
    assert [printer["serial"] for printer in demo["printers"]] == list(lifepay_mock.demo.printers)
    assert len(accounts) == 4  # demo, no-cloud demo, two generated
    assert accounts[1]["cloud_print_enabled"] is False


async def test_switch_cloud_printing_and_block_logins(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, client: LifePayClient
) -> None:
    base = lifepay_mock.url + "/_mock"
    assert (await call(session, "PATCH", base + "/companies/1", {"cloud_print_enabled": False}))[
        0
    ] == 200
    with pytest.raises(LifePayCloudPrintDisabledError):
        await client.create_x_report(test=True)
    await call(session, "PATCH", base + "/companies/1", {"cloud_print_enabled": True})
    login = lifepay_mock.demo.admin_login
    status, body = await call(session, "PATCH", f"{base}/logins/{login}", {"blocked": True})
    assert (status, body) == (200, {"login": login, "blocked": True})
    with pytest.raises(LifePayAccessDeniedError):
        await client.create_x_report(test=True)


@pytest.mark.parametrize(
    ("method", "path", "payload", "status"),
    [
        ("PATCH", "/companies/99", {"cloud_print_enabled": False}, 404),
        ("PATCH", "/companies/abc", {"cloud_print_enabled": False}, 404),
        ("PATCH", "/companies/1", {"name": "x"}, 400),
        ("PATCH", "/companies/1", {"cloud_print_enabled": "no"}, 400),
        ("PATCH", "/logins/70000000000", {"blocked": True}, 404),
        ("PATCH", "/logins/79990000001", {"blocked": 1}, 400),
        ("PATCH", "/logins/79990000001", ["blocked"], 400),
        ("GET", "/printers/1", None, 404),
        ("PATCH", "/printers/1", {"state": "offline"}, 404),
        ("PATCH", "/printers/00106304012797", {}, 400),
        ("PATCH", "/printers/00106304012797", {"state": "burning"}, 400),
        ("PATCH", "/printers/00106304012797", {"error_message": 5}, 400),
        ("GET", "/documents/nope", None, 404),
        ("POST", "/faults", {"kind": "explode"}, 400),
        ("POST", "/faults", {"kind": "delay", "seconds": -1}, 400),
        ("POST", "/faults", {"kind": "delay", "seconds": "1"}, 400),
        ("POST", "/faults", {"kind": "delay", "times": 1.5}, 400),
        ("POST", "/faults", {"kind": "http_status", "status": 200}, 400),
        ("POST", "/faults", {"kind": "drop", "process": "yes"}, 400),
        ("POST", "/faults", {"kind": "drop", "color": "red"}, 400),
        ("POST", "/faults", [5], 400),
        ("PATCH", "/settings", {"processing_delay": -1}, 400),
        ("PATCH", "/settings", {"callback_encoding": "xml"}, 400),
        ("PATCH", "/settings", {"callback_retry_delays": 5}, 400),
        ("PATCH", "/settings", {"volume": 11}, 400),
        ("PATCH", "/settings", [1], 400),
        # One rule for every patch: an empty one is refused, with a message.
        ("PATCH", "/settings", {}, 400),
        ("PATCH", "/companies/1", {}, 400),
        ("PATCH", "/logins/79990000001", {}, 400),
        ("GET", "/documents?type=AAA", None, 400),
        ("PATCH", "/printers/00106304012797", {"error_message": "", "shift": None}, 400),
        ("POST", "/faults", [], 400),
        ("GET", "/documents?status=lost", None, 400),
    ],
)
async def test_bad_control_requests(
    session: aiohttp.ClientSession,
    lifepay_mock: MockHandle,
    method: str,
    path: str,
    payload: Any,
    status: int,
) -> None:
    got, body = await call(session, method, lifepay_mock.url + "/_mock" + path, payload)
    assert got == status
    assert body["error"]


@pytest.mark.parametrize(
    ("path", "payload", "message"),
    [
        ("/printers/00106304012797", {"shift_age_hours": 1e10}, "shift_age_hours must be a number"),
        ("/settings", {"processing_delay": 1e300}, "processing_delay must be a number of seconds"),
        ("/settings", {"processing_delay": 3600.5}, "from 0 to 3600"),
        ("/settings", {"callback_timeout": 301}, "callback_timeout must be"),
        ("/settings", {"callback_retry_delays": [1, 86401]}, "each of callback_retry_delays"),
        ("/settings", {"callback_retry_delays": [1] * 51}, "at most 50 waits"),
        ("/settings", {"max_documents": 10**8}, "max_documents must be a whole number"),
        ("/settings", {"max_documents": 1.5}, "max_documents must be a whole number"),
        ("/settings", {"callback_status_words": {"processed": "x" * 65}}, "at most 64"),
        ("/faults", {"kind": "http_status", "status": 100}, "status must be a whole number"),
        ("/faults", {"kind": "http_status", "status": 399}, "from 400 to 599"),
        ("/faults", {"kind": "http_status", "status": 600}, "from 400 to 599"),
        ("/faults", {"kind": "http_status", "status": 1000}, "from 400 to 599"),
        ("/faults", {"kind": "delay", "seconds": 601}, "seconds must be a number"),
        ("/faults", {"kind": "code", "code": 10**6}, "code must be a whole number"),
        ("/faults", {"kind": "drop", "times": 10**9}, "times must be a whole number"),
        ("/faults", {"kind": "drop", "status": 503}, "a drop fault takes no status"),
        ("/faults", {"kind": "body", "body": "x" * (64 * 1024 + 1)}, "body must be text"),
    ],
)
async def test_control_inputs_have_bounds(
    session: aiohttp.ClientSession,
    lifepay_mock: MockHandle,
    path: str,
    payload: Any,
    message: str,
) -> None:
    """Out of range is a 400 with a message, and nothing changes."""
    base = lifepay_mock.url + "/_mock"
    before = [(await call(session, "GET", base + where))[1] for where in WATCHED]
    method = "POST" if path == "/faults" else "PATCH"
    status, body = await call(session, method, base + path, payload)
    assert status == 400, body
    assert message in body["error"]
    assert [(await call(session, "GET", base + where))[1] for where in WATCHED] == before


WATCHED = ("/settings", "/faults", "/printers/00106304012797")


async def test_faults_show_only_their_own_fields(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    base = lifepay_mock.url + "/_mock/faults"
    added = [
        {"kind": "drop"},
        {"kind": "http_status", "status": 502, "times": 2},
        {"kind": "delay", "seconds": 0.5, "process": False},
        {"kind": "code", "code": 6095},
        {"kind": "body", "body": "hi"},
    ]
    status, pending = await call(session, "POST", base, added)
    assert status == 201
    assert pending == [
        {"kind": "drop", "times": 1, "process": None},
        {"kind": "http_status", "times": 2, "process": None, "status": 502},
        {"kind": "delay", "times": 1, "process": False, "seconds": 0.5},
        {"kind": "code", "times": 1, "process": None, "code": 6095},
        {"kind": "body", "times": 1, "process": None, "body": "hi"},
    ]
    assert (await call(session, "GET", base))[1] == pending


async def test_control_body_must_be_json(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    async with session.patch(lifepay_mock.url + "/_mock/settings", data=b"{oops") as response:
        assert response.status == 400
        assert (await response.json())["error"] == "the body must be JSON"


async def test_printer_state_through_the_api(
    session: aiohttp.ClientSession,
    lifepay_mock: MockHandle,
    client: LifePayClient,
    receiver: CallbackReceiver,
) -> None:
    serial = lifepay_mock.demo.printers[0]
    url = f"{lifepay_mock.url}/_mock/printers/{serial}"
    status, printer = await call(session, "PATCH", url, {"state": "offline"})
    assert (status, printer["state"], printer["active"]) == (200, "offline", False)
    result = await client.create_x_report(target_serial=serial, callback_url=receiver.url)
    await lifepay_mock.mock.wait_until_idle()
    status, printers = await call(session, "GET", lifepay_mock.url + "/_mock/printers")
    assert status == 200
    assert any(p["serial"] == serial and p["state"] == "offline" for p in printers)

    _, printer = await call(session, "PATCH", url, {"state": "online", "error_message": None})
    assert printer["state"] == "online"
    await lifepay_mock.mock.wait_until_idle()
    status, document = await call(
        session, "GET", f"{lifepay_mock.url}/_mock/documents/{result.uuid}"
    )
    assert status == 200
    assert document["status"] == "processed"
    assert [h["status"] for h in document["history"]] == ["queued", "awaiting_retry", "processed"]
    assert [c["status"] for c in document["callbacks"]] == ["awaiting_retry", "processed"]
    assert document["report"]["serial"] == serial
    _, printer = await call(session, "GET", url)
    assert printer["error_message"] is None

    _, printer = await call(session, "PATCH", url, {"error_message": "Ошибка ФН."})
    assert printer["error_message"] == "Ошибка ФН."


async def test_documents_filters(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, client: LifePayClient
) -> None:
    demo = lifepay_mock.demo
    await client.create_x_report(target_serial=demo.printers[0], ext_id="a")
    await client.create_x_report(target_serial=demo.printers[1], ext_id="b")
    await lifepay_mock.mock.wait_until_idle()
    base = lifepay_mock.url + "/_mock/documents"
    _, everything = await call(session, "GET", base)
    _, by_ext_id = await call(session, "GET", base + "?ext_id=b")
    _, by_serial = await call(session, "GET", f"{base}?serial={demo.printers[0]}")
    _, by_status = await call(session, "GET", base + "?status=error")
    assert len(everything) == 2
    assert [d["ext_id"] for d in by_ext_id] == ["b"]
    assert [d["ext_id"] for d in by_serial] == ["a"]
    assert by_status == []


async def test_journal_faults_settings_and_reset(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, client: LifePayClient
) -> None:
    base = lifepay_mock.url + "/_mock"
    status, faults = await call(
        session, "POST", base + "/faults", [{"kind": "http_status", "status": 502, "times": 2}]
    )
    assert status == 201
    assert faults[0]["kind"] == "http_status"
    assert faults[0]["times"] == 2
    _, pending = await call(session, "GET", base + "/faults")
    assert len(pending) == 1
    assert (await call(session, "DELETE", base + "/faults"))[0] == 204
    assert (await call(session, "GET", base + "/faults"))[1] == []

    status, settings = await call(
        session,
        "PATCH",
        base + "/settings",
        {"processing_delay": 0.5, "callback_encoding": "json", "callback_retry_delays": [1, 2]},
    )
    assert status == 200
    assert settings["callback_retry_delays"] == [1.0, 2.0]
    assert (await call(session, "GET", base + "/settings"))[1]["callback_encoding"] == "json"

    await client.create_x_report(ext_id="journal")
    _, journal = await call(session, "GET", base + "/journal")
    assert len(journal) == 1
    assert journal[0]["http_status"] == 200
    assert journal[0]["response"]["code"] == 0
    assert '"ext_id": "journal"' in journal[0]["body"]
    assert (await call(session, "DELETE", base + "/journal"))[0] == 204
    assert (await call(session, "GET", base + "/journal"))[1] == []

    await client.create_x_report(ext_id="before-reset")
    await call(session, "PATCH", base + "/printers/00106304012797", {"state": "offline"})
    await call(session, "POST", base + "/faults", {"kind": "drop"})
    assert (await call(session, "POST", base + "/reset"))[0] == 204
    mock = lifepay_mock.mock
    assert mock.backend.documents == {}
    assert mock.faults.pending() == []
    assert mock.journal.entries() == []
    assert mock.settings.processing_delay == 0.0
    assert mock.backend.world.printers["00106304012797"].state.value == "online"
    # After a reset the ext_id is free again.
    result = await client.create_x_report(ext_id="before-reset")
    assert result.uuid in mock.backend.documents


async def test_web_page_and_report(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, client: LifePayClient
) -> None:
    result = await client.create_x_report(target_serial=lifepay_mock.demo.printers[0])
    await lifepay_mock.mock.wait_until_idle()
    status, page = await call(session, "GET", lifepay_mock.url + "/")
    assert status == 200
    assert "<title>LifePay mock</title>" in page
    assert 'new EventSource("/_mock/events")' in page  # the live console (test_console.py)
    status, report = await call(session, "GET", f"{lifepay_mock.url}/reports/{result.uuid}")
    assert status == 200
    assert "X-ОТЧЁТ" in report
    assert lifepay_mock.demo.printers[0] in report
    document = lifepay_mock.mock.backend.documents[result.uuid]
    assert document.status is DocumentStatus.PROCESSED
    assert document.report is not None
    assert f"Смена № {document.report.shift_number}" in report
    assert "Times on the tape are in UTC" in report  # the console shows local time
    status, _ = await call(session, "GET", f"{lifepay_mock.url}/reports/unknown")
    assert status == 404
