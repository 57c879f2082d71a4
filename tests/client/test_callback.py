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


def guzzle_multipart(document_json: str, boundary: str = "6a0b8c1d2e3f") -> bytes:
    """A body as GuzzleHttp's ``multipart`` option builds it (LifePay's own sender)."""
    payload = document_json.encode()
    return (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="data"\r\n'
            f"Content-Length: {len(payload)}\r\n\r\n"
        ).encode()
        + payload
        + f"\r\n--{boundary}--\r\n".encode()
    )


MULTIPART = "multipart/form-data; boundary=6a0b8c1d2e3f"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (guzzle_multipart(json.dumps(DOCUMENT, ensure_ascii=False)), MULTIPART),
        (guzzle_multipart(json.dumps(DOCUMENT)), MULTIPART + "; charset=UTF-8"),
        (guzzle_multipart(json.dumps(DOCUMENT)), 'multipart/form-data; boundary="6a0b8c1d2e3f"'),
        # The header lost: the body's first line names the boundary.
        (guzzle_multipart(json.dumps(DOCUMENT, ensure_ascii=False)), None),
        (guzzle_multipart(json.dumps(DOCUMENT, ensure_ascii=False)), "multipart/form-data"),
        # Labelled as something else entirely.
        (guzzle_multipart(json.dumps(DOCUMENT, ensure_ascii=False)), "text/plain"),
        (urlencode({"data": json.dumps(DOCUMENT)}).encode(), FORM + "; charset=UTF-8"),
        (urlencode({"data": json.dumps(DOCUMENT)}).encode(), "application/json"),
        (json.dumps({"data": DOCUMENT}).encode(), FORM),
        (json.dumps(DOCUMENT, ensure_ascii=False).encode(), "text/plain; charset=utf-8"),
        (json.dumps(DOCUMENT).encode(), "application/octet-stream"),
    ],
)
def test_every_shape_lifepay_may_send(body: bytes, content_type: str | None) -> None:
    check(parse_callback(body, content_type))


def test_multipart_part_with_its_own_charset() -> None:
    boundary = "xyz"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="data"\r\n'
            "Content-Type: text/plain; charset=windows-1251\r\n\r\n"
        ).encode()
        + json.dumps(DOCUMENT, ensure_ascii=False).encode("cp1251")
        + b"\r\n--xyz--\r\n"
    )
    check(parse_callback(body, "multipart/form-data; boundary=xyz"))


def test_multipart_and_form_with_flat_fields() -> None:
    fields = {"uuid": DOCUMENT["uuid"], "status": "success", "ext_id": "ha-1"}
    notification = parse_callback(urlencode(fields).encode(), FORM)
    assert (notification.uuid, notification.status) == (DOCUMENT["uuid"], DocumentStatus.PROCESSED)


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("processed", DocumentStatus.PROCESSED),
        ("awaiting_retry", DocumentStatus.AWAITING_RETRY),
        ("error", DocumentStatus.ERROR),
        ("success", DocumentStatus.PROCESSED),
        ("fail", DocumentStatus.ERROR),
        (" Success ", DocumentStatus.PROCESSED),
        ("FAIL", DocumentStatus.ERROR),
        ("printing", None),
        ("", None),
        (None, None),
        (7, None),
    ],
)
def test_status_words(word: object, status: DocumentStatus | None) -> None:
    notification = parse_callback(json.dumps(DOCUMENT | {"status": word}).encode(), None)
    assert notification.status is status
    expected_word = None if word in ("", None) else str(word).strip()
    assert notification.status_word == expected_word


def test_unknown_fields_are_kept_and_echoed_data_may_be_text() -> None:
    body = DOCUMENT | {"callback_data": json.dumps({"token": "t0k"}), "fn": 7, "fd": {"n": 1}}
    notification = parse_callback(json.dumps(body).encode(), "application/json")
    assert notification.callback_data == {"token": "t0k"}
    assert notification.extra == {"something_new": 1, "fn": 7, "fd": {"n": 1}}


def test_odd_values_are_not_a_reason_to_refuse() -> None:
    body = {"uuid": True, "ext_id": "x", "status": ["processed"], "message": 5}
    notification = parse_callback(json.dumps(body).encode(), None)
    assert (notification.uuid, notification.ext_id, notification.status) == (None, "x", None)
    assert notification.message == "5"


@pytest.mark.parametrize(
    ("body", "content_type", "fragment"),
    [
        (b"\xff\xfe", FORM, "not UTF-8"),
        (b"x" * (64 * 1024 + 1), FORM, "larger than"),
        (b"{not json", "application/json", "not valid JSON"),
        (b"[1, 2]", "application/json", "not a JSON object"),
        (b'{"data": 5}', "application/json", "not a JSON object"),
        (b'{"data": "[1]"}', "application/json", "not a JSON object"),
        (b"status=processed", FORM, "no 'data' field"),
        (b"data=%7Bbroken", FORM, "not valid JSON"),
        (b"&&&", FORM, "cannot be parsed"),
        (b"--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--b--", None, "no 'data'"),
        (b"--", "multipart/form-data", "not multipart"),
        (b"", None, "No callback document"),
    ],
)
def test_refused(body: bytes, content_type: str | None, fragment: str) -> None:
    with pytest.raises(LifePayCallbackError, match=fragment):
        parse_callback(body, content_type)


def test_callback_error_is_a_value_error() -> None:
    assert issubclass(LifePayCallbackError, ValueError)


# --- receipts: ofd_url and error_code --------------------------------------------------------

RECEIPT = {
    "uuid": "5f1c2b9e-0d7a-4c1e-9a57-3b2f9e0c4d11",
    "ext_id": "sale-1",
    "ofd_url": "https://ofd.example/rec/7380440800021567/1234/987654321",
    "callback_data": {"token": "t0k"},
    "fd": 1234,
}
OFD_URL = RECEIPT["ofd_url"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (guzzle_multipart(json.dumps(RECEIPT)), MULTIPART),
        (urlencode({"data": json.dumps(RECEIPT)}).encode(), FORM),
        (json.dumps({"data": RECEIPT}).encode(), "application/json"),
        (urlencode({k: str(v) for k, v in RECEIPT.items() if k != "callback_data"}).encode(), FORM),
    ],
)
def test_a_fiscalized_receipt_keeps_its_ofd_url(body: bytes, content_type: str) -> None:
    notification = parse_callback(body, content_type)
    assert notification.ofd_url == OFD_URL
    assert notification.error_code is None
    # No status word, no error, a page at the fiscal data operator: the receipt was made.
    assert notification.status is DocumentStatus.PROCESSED
    assert notification.status_word is None
    assert notification.extra["ofd_url"] == OFD_URL  # kept there too, for the event's listeners
    assert notification.extra.get("fd") in (1234, "1234")


@pytest.mark.parametrize(
    ("error_code", "text"),
    [(3, "3"), ("1024", "1024"), (0, "0"), ("E_SHIFT", "E_SHIFT"), (" 7 ", "7")],
)
def test_an_error_code_is_a_failure(error_code: object, text: str) -> None:
    document = {"uuid": RECEIPT["uuid"], "error_code": error_code, "message": "Смена закрыта."}
    notification = parse_callback(json.dumps(document).encode(), None)
    assert notification.error_code == text
    assert notification.status is DocumentStatus.ERROR
    assert notification.message == "Смена закрыта."
    assert notification.extra["error_code"] == error_code


def test_an_error_code_wins_over_a_word_of_success() -> None:
    # Public receivers look at error_code alone; the word is kept as sent for the listener.
    document = RECEIPT | {"status": "processed", "error_code": 12}
    notification = parse_callback(json.dumps(document).encode(), None)
    assert notification.status is DocumentStatus.ERROR
    assert notification.status_word == "processed"
    assert (notification.error_code, notification.ofd_url) == ("12", OFD_URL)


@pytest.mark.parametrize("empty", [None, "", "  ", [], {}])
def test_an_empty_error_code_is_no_error(empty: object) -> None:
    notification = parse_callback(json.dumps(RECEIPT | {"error_code": empty}).encode(), None)
    assert notification.error_code is None
    assert notification.status is DocumentStatus.PROCESSED


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("processed", DocumentStatus.PROCESSED),
        ("awaiting_retry", DocumentStatus.AWAITING_RETRY),
        # A word we do not know keeps its meaning unknown, ofd_url or not.
        ("printing", None),
    ],
)
def test_a_status_word_says_more_than_an_ofd_url(word: str, status: DocumentStatus | None) -> None:
    notification = parse_callback(json.dumps(RECEIPT | {"status": word}).encode(), None)
    assert notification.status is status
    assert notification.ofd_url == OFD_URL


def test_reports_have_neither() -> None:
    notification = parse_callback(json.dumps(DOCUMENT).encode(), None)
    assert (notification.ofd_url, notification.error_code) == (None, None)
