"""Every request shape real LifePay clients send, and the whole answer each one gets.

The shapes come from public clients of the real service (lifepay-api.md, "What real clients and
LifePay's own sender do"): PHP curl and Ruby send JSON labelled as a form, some send no label,
others ``application/json`` with or without a charset; ``test`` comes as a number, a string or a
boolean; optional fields come as empty strings; unknown keys ride along; Cyrillic is raw or
``\\uXXXX``-escaped. Each row is sent as raw bytes over loopback HTTP, and the test checks the
HTTP status, the exact ``Content-Type`` header and the full parsed body.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import aiohttp
import pytest

from mock_lifepay import DEMO, ENDPOINT
from mock_lifepay.server import LIFEPAY_CONTENT_TYPE

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle

FORM: Final = "application/x-www-form-urlencoded"
NEW_UUID: Final = object()
"""Expected ``data``: ``{"uuid": ...}`` naming the one document the request created."""
PRINTER: Final = DEMO.printers[0]
ORDER: Final = {"order": "Заказ №5", "shop": "Магазин «Ленина»"}


def php_json(payload: dict[str, Any]) -> bytes:
    """``json_encode($payload)``: ``\\uXXXX`` escapes and escaped slashes."""
    return json.dumps(payload, separators=(",", ":")).replace("/", "\\/").encode()


def php_unescaped_unicode(payload: dict[str, Any]) -> bytes:
    """``json_encode($payload, JSON_UNESCAPED_UNICODE)``: raw UTF-8, slashes still escaped."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("/", "\\/").encode()


def ruby_json(payload: dict[str, Any]) -> bytes:
    """Ruby's ``payload.to_json``: compact, raw UTF-8."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def python_json(payload: dict[str, Any]) -> bytes:
    """Python's ``json.dumps``: ``\\uXXXX`` escapes, spaces after separators."""
    return json.dumps(payload).encode()


@dataclass(frozen=True, slots=True)
class Shape:
    id: str
    content_type: str | None
    """The request's Content-Type header; ``None`` sends none at all."""
    fields: dict[str, Any]
    """Merged over the demo administrator's apikey and login."""
    encode: Callable[[dict[str, Any]], bytes]
    code: int = 0
    message: str = ""
    data: Any = NEW_UUID
    document: dict[str, Any] = field(default_factory=dict)
    """Attributes the created document must have."""
    headers: dict[str, str] = field(default_factory=dict)
    """The client's other default headers, for realism."""
    endpoint: str = ENDPOINT


NOT_FOUND: Final = {"target_serial": ["Принтер не найден."]}
SESSION: Final = "/cloud-print/create-session"
Z_REPORT: Final = "/cloud-print/create-z-report"
CASHIER: Final = {"cashier_name": "Кассир Иванова", "cashier_inn": "500100732259"}

SHAPES: Final = [
    Shape(
        "php-curl-string-body",
        FORM,
        {"target_serial": PRINTER, "ext_id": "php-1", "callback_url": "http://127.0.0.1:9/cb"},
        php_json,
        document={"ext_id": "php-1", "callback_url": "http://127.0.0.1:9/cb"},
        headers={"Accept": "*/*"},
    ),
    Shape(
        "php-curl-escaped-cyrillic",
        FORM,
        {"ext_id": "Смена-1", "callback_data": ORDER},
        php_json,
        document={"ext_id": "Смена-1", "callback_data": ORDER},
    ),
    Shape(
        "php-curl-unescaped-unicode",
        FORM,
        {"ext_id": "Смена-1", "callback_data": ORDER},
        php_unescaped_unicode,
        document={"ext_id": "Смена-1", "callback_data": ORDER},
    ),
    Shape(
        "ruby-faraday",
        FORM,
        {"target_serial": PRINTER, "callback_data": "Касса №1"},
        ruby_json,
        document={"printer_serial": PRINTER, "callback_data": "Касса №1"},
        headers={"User-Agent": "Faraday v2.9.0"},
    ),
    Shape(
        "ruby-net-http",
        FORM,
        {"target_serial": PRINTER},
        ruby_json,
        document={"printer_serial": PRINTER},
        headers={"User-Agent": "Ruby", "Accept": "*/*"},
    ),
    Shape("no-content-type", None, {"ext_id": "bare"}, python_json, document={"ext_id": "bare"}),
    Shape("application-json", "application/json", {"ext_id": "j"}, python_json),
    Shape(
        "application-json-charset",
        "application/json; charset=utf-8",
        {"ext_id": "Отчёт"},
        ruby_json,
        document={"ext_id": "Отчёт"},
    ),
    Shape("test-1", FORM, {"test": 1}, php_json, data=[]),
    Shape("test-string-1", FORM, {"test": "1"}, php_json, data=[]),
    Shape("test-true", FORM, {"test": True}, php_json, data=[]),
    Shape("test-0", FORM, {"test": 0}, php_json),
    Shape("test-string-0", FORM, {"test": "0"}, php_json),
    Shape("test-false", FORM, {"test": False}, php_json),
    Shape(
        "empty-string-optionals",
        FORM,
        {"test": "", "target_serial": "", "ext_id": "", "callback_url": "", "callback_data": ""},
        php_json,
        document={
            "ext_id": None,
            "callback_url": None,
            "callback_data": None,
            "printer_serial": PRINTER,  # the administrator's first active printer
        },
    ),
    Shape(
        "extra-keys",
        "application/json",
        {"enable": 1, "target_service": "cloud-print", "mode": "email", "pos": "1", "ext_id": "x"},
        php_json,
        document={"ext_id": "x"},
    ),
    Shape(
        "test-mode-with-extra-keys",
        FORM,
        {"test": "1", "enable": "1", "pos": 3, "target_serial": PRINTER},
        php_json,
        data=[],
    ),
    Shape(
        "unknown-printer-in-test-mode",
        FORM,
        {"test": True, "target_serial": "123"},
        php_json,
        code=400,
        message="Ошибка данных.",
        data=NOT_FOUND,
    ),
    Shape(
        "unknown-login",
        None,
        {"login": "70000000000"},
        ruby_json,
        code=6009,
        message="Не удалось найти пользователя по login.",
        data=[],
    ),
    Shape(
        "test-other-string",
        "application/json",
        {"test": "true"},
        python_json,
        code=400,
        message="Ошибка данных.",
        data={"test": ["Значение «Test» неверно."]},
    ),
    Shape(
        "a-real-form-is-not-json",
        FORM,
        {},
        lambda payload: f"apikey={payload['apikey']}&login={payload['login']}".encode(),
        code=6000,
        message="Неверный формат данных.",
        data=[],
    ),
    # The sibling endpoints, as the same clients send them.
    Shape(
        "session-php-curl-escaped-cashier",
        FORM,
        {"target_serial": PRINTER, "ext_id": "open-1"} | CASHIER,
        php_json,
        document={"type": "open_shift", "ext_id": "open-1"} | CASHIER,
        endpoint=SESSION,
    ),
    Shape(
        "session-ruby-faraday",
        FORM,
        {"cashier_name": "Кассир Иванова", "callback_data": "Касса №1"},
        ruby_json,
        document={"type": "open_shift", "cashier_name": "Кассир Иванова", "cashier_inn": None},
        endpoint=SESSION,
    ),
    Shape(
        "z-report-no-content-type",
        None,
        {"cashier_inn": "500100732259"},
        python_json,
        document={"type": "z_report", "cashier_inn": "500100732259"},
        endpoint=Z_REPORT,
    ),
    Shape(
        "z-report-empty-string-optionals",
        FORM,
        {"test": "", "target_serial": "", "ext_id": "", "cashier_name": "", "cashier_inn": ""},
        php_json,
        document={"type": "z_report", "ext_id": None, "cashier_name": None, "cashier_inn": None},
        endpoint=Z_REPORT,
    ),
    Shape(
        "z-report-test-true", FORM, {"test": True} | CASHIER, php_json, data=[], endpoint=Z_REPORT
    ),
    Shape(
        "session-test-string-1-extra-keys",
        FORM,
        {"test": "1", "enable": "1", "mode": "email"},
        php_json,
        data=[],
        endpoint=SESSION,
    ),
    Shape(
        "z-report-cashier-inn-as-number",
        "application/json; charset=utf-8",
        {"cashier_inn": 500100732259},
        ruby_json,
        code=400,
        message="Ошибка данных.",
        data={"cashier_inn": ["Значение «Cashier Inn» должно быть строкой."]},
        endpoint=Z_REPORT,
    ),
    Shape(
        "session-a-real-form-is-not-json",
        FORM,
        {},
        lambda payload: f"apikey={payload['apikey']}&login={payload['login']}".encode(),
        code=6000,
        message="Неверный формат данных.",
        data=[],
        endpoint=SESSION,
    ),
]


async def send(
    session: aiohttp.ClientSession, url: str, shape: Shape, body: bytes
) -> tuple[int, str, Any]:
    headers = dict(shape.headers)
    if shape.content_type is not None:
        headers["Content-Type"] = shape.content_type
    async with session.post(
        url + shape.endpoint,
        data=body,
        headers=headers,
        # aiohttp labels bytes application/octet-stream unless told not to.
        skip_auto_headers=() if shape.content_type else ("Content-Type",),
    ) as response:
        return response.status, response.headers["Content-Type"], json.loads(await response.read())


@pytest.mark.parametrize("shape", SHAPES, ids=[shape.id for shape in SHAPES])
async def test_client_shape(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, shape: Shape
) -> None:
    mock = lifepay_mock.mock
    mock.settings.processing_delay = 3600  # the answer is the subject here, not printing
    body = shape.encode({"apikey": DEMO.apikey, "login": DEMO.admin_login} | shape.fields)

    status, content_type, answer = await send(session, lifepay_mock.url, shape, body)

    (entry,) = mock.journal.entries()
    assert entry.content_type_header == shape.content_type  # the shape arrived as sent
    assert entry.path == shape.endpoint
    documents = list(mock.backend.documents.values())
    data = shape.data
    if data is NEW_UUID:
        (document,) = documents
        data = {"uuid": document.uuid}
        for name, value in shape.document.items():
            assert getattr(document, name) == value, name
    else:
        assert documents == []
    assert (status, content_type) == (200, LIFEPAY_CONTENT_TYPE)
    assert answer == {"code": shape.code, "message": shape.message, "data": data}
    assert type(answer["code"]) is int
