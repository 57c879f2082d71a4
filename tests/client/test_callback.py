"""Parsing callback notifications in every accepted encoding, and refusing the rest."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from custom_components.lifepay.api import (
    CallbackNotification,
    DocumentStatus,
    LifePayCallbackError,
    parse_callback,
)

DOCUMENT = {
    "uuid": "dabe3833-43ff-5e5c-a45e-9cff664503fd",
    "ext_id": "ha-1",
    "type": "x_report",
    "status": "processed",
    "message": "Документ обработан.",
    "target_serial": "00106304012797",
    "callback_data": {"token": "t0k"},
    "something_new": 1,
}
FORM = "application/x-www-form-urlencoded"


def check(notification: CallbackNotification) -> None:
    assert notification.uuid == DOCUMENT["uuid"]
    assert notification.ext_id == "ha-1"
    assert notification.status is DocumentStatus.PROCESSED
    assert notification.message == "Документ обработан."
    assert notification.target_serial == "00106304012797"
    assert notification.document_type == "x_report"
    assert notification.callback_data == {"token": "t0k"}


def test_form_field_data() -> None:
    body = urlencode({"data": json.dumps(DOCUMENT, ensure_ascii=False)}).encode()
    check(parse_callback(body, FORM))


def test_json_with_data_object() -> None:
    body = json.dumps({"data": DOCUMENT}).encode()
    check(parse_callback(body, "application/json; charset=utf-8"))


def test_json_with_data_as_json_text() -> None:
    body = json.dumps({"data": json.dumps(DOCUMENT)}).encode()
    check(parse_callback(body, "application/json"))


def test_flat_json() -> None:
    check(parse_callback(json.dumps(DOCUMENT).encode(), "Application/JSON"))


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"data": DOCUMENT}).encode(),
        urlencode({"data": json.dumps(DOCUMENT)}).encode(),
    ],
)
def test_missing_content_type_is_sniffed(body: bytes) -> None:
    check(parse_callback(body, None))


def test_minimal_document_and_numeric_ids() -> None:
    notification = parse_callback(json.dumps({"ext_id": 42, "status": "error"}).encode(), None)
    assert notification.uuid is None
    assert notification.ext_id == "42"
    assert notification.status is DocumentStatus.ERROR
    assert notification.message == ""
    assert notification.callback_data is None


@pytest.mark.parametrize(
    ("body", "content_type", "fragment"),
    [
        (b"{}", "text/plain", "Unsupported callback content type"),
        (b"\xff\xfe", FORM, "not UTF-8"),
        (b"x" * (64 * 1024 + 1), FORM, "larger than"),
        (b"{not json", "application/json", "not valid JSON"),
        (b"[1, 2]", "application/json", "not a JSON object"),
        (b'{"data": 5}', "application/json", "not a JSON object"),
        (b'{"data": "[1]"}', "application/json", "not a JSON object"),
        (b"uuid=1&status=processed", FORM, "no 'data' field"),
        (b"data=%7B%7D&data=%7B%7D", FORM, "more than one"),
        (b"data=%7Bbroken", FORM, "not valid JSON"),
        (b"&&&", FORM, "cannot be parsed"),
        (b'{"status": "processed"}', "application/json", "names no document"),
        (b'{"uuid": "u", "status": "printed"}', "application/json", "Unknown callback status"),
        (b'{"uuid": "u"}', "application/json", "Unknown callback status"),
        (b'{"uuid": "u", "status": ["processed"]}', "application/json", "Unknown callback"),
        (b'{"uuid": true, "status": "error"}', "application/json", "'uuid' is not text"),
        (b'{"uuid": {}, "status": "error"}', "application/json", "'uuid' is not text"),
    ],
)
def test_refused(body: bytes, content_type: str, fragment: str) -> None:
    with pytest.raises(LifePayCallbackError, match=fragment):
        parse_callback(body, content_type)


def test_callback_error_is_a_value_error() -> None:
    assert issubclass(LifePayCallbackError, ValueError)
