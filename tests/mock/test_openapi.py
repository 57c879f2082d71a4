"""The OpenAPI document: valid, served, complete, and the answers the suite gets conform to it.

Every test that uses ``lifepay_mock`` has its answers checked against the spec when it ends
(``tests/conftest.py``); these tests check the document itself and that the check can fail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
from openapi_spec_validator import validate

from mock_lifepay import MockLifePay, create_app
from mock_lifepay.models import REPORT_TOTALS
from mock_lifepay.openapi import build_spec
from mock_lifepay.server import LIFEPAY_CONTENT_TYPE
from tests.spec_check import answer_problems, schema_errors, spec

from .helpers import control, post_json

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle
    from tests.spec_check import SpecRecorder

X_REPORT = "/cloud-print/create-x-report"


async def test_the_spec_is_served_and_valid(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    status, served = await control(session, "GET", lifepay_mock.url + "/_mock/openapi.json")
    assert status == 200
    validate(served)  # openapi-spec-validator: OpenAPI 3.1 with its JSON Schema dialect
    assert served == build_spec(lifepay_mock.url)
    assert served["openapi"] == "3.1.0"
    assert served["servers"] == [{"url": lifepay_mock.url, "description": "this mock"}]
    assert set(served["webhooks"]["documentStatus"]["post"]["requestBody"]["content"]) == {
        "multipart/form-data",
        "application/x-www-form-urlencoded",
        "application/json",
    }


def test_every_route_is_in_the_spec_and_nothing_else() -> None:
    app = create_app(MockLifePay(companies=0))
    routes = {
        (route.method.lower(), route.resource.canonical)
        for route in app.router.routes()
        if route.resource is not None
    }
    documented = {
        (method, path)
        for path, operations in spec()["paths"].items()
        for method in operations
        if method in ("get", "post", "patch", "delete", "put")
    }
    assert routes == documented


def test_the_examples_conform() -> None:
    components = spec()["components"]["schemas"]
    for path in ("/cloud-print/create-x-report", "/cloud-print/create-z-report"):
        media = spec()["paths"][path]["post"]["responses"]["200"]["content"]["application/json"]
        codes = set()
        for name, example in media["examples"].items():
            assert not schema_errors(example["value"], media["schema"]), name
            codes.add(example["value"]["code"])
        assert codes == {0, 400, 500, 6000, 6009, 6010, 6080, 6095}  # LifePay's whole table
    for request in ("XReportRequest", "ShiftRequest"):
        example = components[request]["example"]
        assert not schema_errors(example, {"$ref": f"#/components/schemas/{request}"})


GOOD_PRINTER: dict[str, Any] = {
    "serial": "00106304012797",
    "model": "АТОЛ 30Ф",
    "company_id": 1,
    "trade_point_id": 1,
    "state": "online",
    "active": True,
    "error_message": None,
    "shift": {
        "number": 3,
        "open": True,
        "opened_at": "2026-01-05T09:30:00+00:00",
        "closed_at": None,
        "receipts": 0,
        "totals": dict.fromkeys(REPORT_TOTALS, 0),
    },
}


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ((X_REPORT, 200, LIFEPAY_CONTENT_TYPE, b'{"code": 0, "message": "", "data": []}'), None),
        (
            (
                X_REPORT,
                200,
                LIFEPAY_CONTENT_TYPE,
                b'{"code": 0, "message": "", "data": {"uuid": 1}}',
            ),
            "data",
        ),
        (
            (
                X_REPORT,
                200,
                "application/json; charset=utf-8",
                b'{"code": 6000, "message": "", "data": []}',
            ),
            "not LifePay's",
        ),
        ((X_REPORT, 200, LIFEPAY_CONTENT_TYPE, b'{"code": "0"}'), "(root)"),
        ((X_REPORT, 200, LIFEPAY_CONTENT_TYPE, b"{"), "not JSON"),
        ((X_REPORT, 302, "text/html", b""), "status not in the spec"),
        (("/_mock/printers/1", 200, "application/json", GOOD_PRINTER), None),
        (
            ("/_mock/printers/1", 200, "application/json", GOOD_PRINTER | {"x": 1}),
            "Additional properties",
        ),
        (
            ("/_mock/printers/1", 200, "application/json", GOOD_PRINTER | {"state": "burning"}),
            "state",
        ),
        (("/_mock/printers/1", 200, "text/plain", b"ok"), "is not one of"),
        (("/_mock/nothing", 200, "application/json", b"{}"), "no such operation"),
        (("/_mock/nothing", 404, "text/plain", b"404: Not Found"), None),
    ],
)
def test_the_check_can_fail(answer: tuple[str, int, str, Any], problem: str | None) -> None:
    import json  # noqa: PLC0415

    path, status, content_type, body = answer
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    method = "POST" if path == X_REPORT else "GET"
    problems = answer_problems(method, path, status, content_type, raw)
    if problem is None:
        assert problems == []
    else:
        assert problems, answer
        assert problem in problems[0]


async def test_the_suite_records_each_answer(
    session: aiohttp.ClientSession,
    lifepay_mock: MockHandle,
    spec_recorder: SpecRecorder,
    valid: dict[str, Any],
) -> None:
    await post_json(session, lifepay_mock.url, valid)
    await control(session, "GET", lifepay_mock.url + "/_mock/printers/nope")
    await control(session, "POST", lifepay_mock.url + "/_mock/faults", {"kind": "malformed"})
    async with session.post(lifepay_mock.url + X_REPORT, json=valid) as response:
        assert await response.read() == b'{"code": 0, "message": "", "data": {"uu'
    # The malformed answer is a fault's on purpose: left out; the three others are checked.
    assert [(a.method, a.path, a.status) for a in spec_recorder.answers] == [
        ("POST", X_REPORT, 200),
        ("GET", "/_mock/printers/nope", 404),
        ("POST", "/_mock/faults", 201),
    ]
    assert spec_recorder.problems() == []
