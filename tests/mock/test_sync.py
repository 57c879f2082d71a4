"""The mock for synchronous tests: a context manager and a fixture that serve it from a thread.

No event loop in these tests: the clients are the standard library's urllib and httpx's sync
client, as a requests or Django test suite would use them.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from mock_lifepay import DocumentStatus, Settings
from mock_lifepay.threaded import running_mock

if TYPE_CHECKING:
    from mock_lifepay.threaded import ThreadedMock

X = "/cloud-print/create-x-report"


def post(url: str, payload: dict[str, Any], content_type: str) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - a loopback URL of the test's own
        url, data=json.dumps(payload).encode(), headers={"Content-Type": content_type}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
        answer: dict[str, Any] = json.loads(response.read())
        return answer


def test_the_context_manager_serves_from_a_thread() -> None:
    threads = threading.active_count()
    with running_mock(settings=Settings(processing_delay=0)) as lifepay:
        assert lifepay.url.startswith("http://127.0.0.1:")
        body = {
            "apikey": lifepay.demo.apikey,
            "login": lifepay.demo.admin_login,
            "target_serial": lifepay.demo.printers[0],
        }
        # As PHP curl sends it: the JSON labelled a form.
        answer = post(lifepay.url + X, body, "application/x-www-form-urlencoded")
        assert answer["code"] == 0
        uuid = answer["data"]["uuid"]
        lifepay.wait_until_idle()
        status = lifepay.call(lambda: lifepay.mock.backend.documents[uuid].status)
        assert status is DocumentStatus.PROCESSED
        lifepay.assert_received(count=1, type="x_report", serial=lifepay.demo.printers[0])
        lifepay.reset()
        assert lifepay.journal() == []
        url = lifepay.url
    # Closed: the port refuses, and the thread is gone.
    with pytest.raises(OSError, match="Connection refused"):
        post(url + X, body, "application/json")
    assert threading.active_count() == threads


def test_the_sync_fixture_with_httpx(lifepay_mock_sync: ThreadedMock) -> None:
    demo = lifepay_mock_sync.demo
    with httpx.Client(base_url=lifepay_mock_sync.url, timeout=10) as client:
        answer = client.post(X, json={"apikey": demo.apikey, "login": demo.admin_login}).json()
        assert answer["code"] == 0
        printers = client.get("/_mock/printers").json()
    assert [p["serial"] for p in printers[:2]] == list(demo.printers)
    with pytest.raises(AssertionError, match="differs in login"):
        lifepay_mock_sync.assert_received(login=demo.shop_login)
