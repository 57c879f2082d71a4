"""Parse LifePay's callback notifications.

LifePay does not document the callback format. Its other notification APIs, and public clients
of the cloud-print API, POST one field ``data`` that holds a JSON document, either form-encoded
(``data=<json>``) or as JSON (``{"data": {...}}``). A flat JSON document is accepted too. Unknown
fields are ignored; anything else is refused with :class:`LifePayCallbackError`.
"""

from __future__ import annotations

import json
from typing import Any, Final
from urllib.parse import parse_qs

from .errors import LifePayCallbackError
from .models import CallbackNotification, DocumentStatus

FORM_CONTENT_TYPE: Final = "application/x-www-form-urlencoded"
JSON_CONTENT_TYPE: Final = "application/json"
MAX_CALLBACK_BYTES: Final = 64 * 1024
_STATUS_VALUES: Final = frozenset(status.value for status in DocumentStatus)


def parse_callback(body: bytes, content_type: str | None) -> CallbackNotification:
    """Parse a callback body sent with ``content_type`` (parameters such as charset allowed)."""
    if len(body) > MAX_CALLBACK_BYTES:
        raise LifePayCallbackError(f"Callback body is larger than {MAX_CALLBACK_BYTES} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise LifePayCallbackError("Callback body is not UTF-8") from err

    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if not mime:
        # No declared type: a JSON document starts with "{", a form with a field name.
        mime = JSON_CONTENT_TYPE if text.lstrip().startswith("{") else FORM_CONTENT_TYPE
    if mime == FORM_CONTENT_TYPE:
        document = _document_from_form(text)
    elif mime == JSON_CONTENT_TYPE:
        document = _document_from_json(text)
    else:
        raise LifePayCallbackError(f"Unsupported callback content type {mime!r}")
    return _notification_from(document)


def _loads_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as err:
        raise LifePayCallbackError(f"{what} is not valid JSON") from err
    if not isinstance(value, dict):
        raise LifePayCallbackError(f"{what} is not a JSON object")
    return value


def _document_from_form(text: str) -> dict[str, Any]:
    try:
        fields = parse_qs(text, keep_blank_values=True, strict_parsing=True)
    except ValueError as err:
        raise LifePayCallbackError("Callback form body cannot be parsed") from err
    values = fields.get("data")
    if not values:
        raise LifePayCallbackError("Callback form body has no 'data' field")
    if len(values) > 1:
        raise LifePayCallbackError("Callback form body has more than one 'data' field")
    return _loads_object(values[0], "The callback's 'data' field")


def _document_from_json(text: str) -> dict[str, Any]:
    body = _loads_object(text, "Callback body")
    if "data" not in body:
        return body  # the flat form
    data = body["data"]
    if isinstance(data, str):
        return _loads_object(data, "The callback's 'data' field")
    if isinstance(data, dict):
        return data
    raise LifePayCallbackError("The callback's 'data' field is not a JSON object")


def _optional_text(document: dict[str, Any], key: str) -> str | None:
    value = document.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise LifePayCallbackError(f"The callback's {key!r} is not text")
    return str(value)


def _notification_from(document: dict[str, Any]) -> CallbackNotification:
    uuid = _optional_text(document, "uuid")
    ext_id = _optional_text(document, "ext_id")
    if uuid is None and ext_id is None:
        raise LifePayCallbackError("The callback names no document (neither uuid nor ext_id)")
    status_value = document.get("status")
    if not isinstance(status_value, str) or status_value not in _STATUS_VALUES:
        raise LifePayCallbackError(f"Unknown callback status {status_value!r}")
    status = DocumentStatus(status_value)
    return CallbackNotification(
        uuid=uuid,
        ext_id=ext_id,
        status=status,
        message=_optional_text(document, "message") or "",
        target_serial=_optional_text(document, "target_serial"),
        document_type=_optional_text(document, "type"),
        callback_data=document.get("callback_data"),
        raw=document,
    )
