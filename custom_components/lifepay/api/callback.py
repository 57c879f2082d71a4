"""Parse LifePay's callback notifications, as liberally as an authentic sender needs.

LifePay does not document the callback format. Its own notification sender was seen posting
``multipart/form-data`` with one field ``data`` that holds a JSON document; public receivers of
the cloud-print API read the same field from a urlencoded form; JSON bodies (``{"data": ...}``
or flat) are accepted too. The declared content type is tried first and the body is sniffed
when that fails, so a missing or wrong label does not lose a message.

Parsing only finds the document. Whether it is authentic (the per-job secret) and what its
status word means is decided by the caller, so that an authentic callback is never refused for
its shape: the status word is kept as sent, and :func:`status_of` maps the words we know.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, Final
from urllib.parse import parse_qs

from .errors import LifePayCallbackError
from .models import CallbackNotification, DocumentStatus, JsonValue

FORM_CONTENT_TYPE: Final = "application/x-www-form-urlencoded"
JSON_CONTENT_TYPE: Final = "application/json"
MULTIPART_CONTENT_TYPE: Final = "multipart/form-data"
MAX_CALLBACK_BYTES: Final = 64 * 1024

STATUS_WORDS: Final[dict[str, DocumentStatus]] = {
    "processed": DocumentStatus.PROCESSED,
    "awaiting_retry": DocumentStatus.AWAITING_RETRY,
    "error": DocumentStatus.ERROR,
    # LifePay's payment notifications, from the same sender, say success and fail.
    "success": DocumentStatus.PROCESSED,
    "fail": DocumentStatus.ERROR,
}
"""Status words with a known meaning, lower case; any other word is kept but not applied."""

KNOWN_FIELDS: Final = frozenset(
    {
        "uuid",
        "ext_id",
        "status",
        "message",
        "target_serial",
        "type",
        "callback_data",
    }
)
"""Fields with a place of their own. ``ofd_url`` and ``error_code`` have one too, and stay in
``extra`` as well: the integration's ``lifepay_callback`` event passes ``extra`` on, and listeners
that read them there before they had a place must not lose them."""


def status_of(word: str | None) -> DocumentStatus | None:
    """The meaning of a callback's status word, or ``None`` when it has none we know."""
    if word is None:
        return None
    return STATUS_WORDS.get(word.strip().lower())


def parse_callback(body: bytes, content_type: str | None) -> CallbackNotification:
    """Find the notification in a callback body sent with ``content_type``.

    Raises :class:`LifePayCallbackError` only when no JSON document can be found at all.
    """
    if len(body) > MAX_CALLBACK_BYTES:
        raise LifePayCallbackError(f"Callback body is larger than {MAX_CALLBACK_BYTES} bytes")
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    readers = [_READERS[mime]] if mime in _READERS else []
    readers += [reader for reader in _sniffed_readers(body) if reader not in readers]
    errors: list[str] = []
    for reader in readers:
        try:
            document = reader(body, content_type or "")
        except LifePayCallbackError as err:
            errors.append(str(err))
            continue
        return _notification_from(document)
    label = mime or "no content type"
    raise LifePayCallbackError(f"No callback document in the body ({label}): {'; '.join(errors)}")


# --- readers: body -> the JSON document ---------------------------------------------------------


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise LifePayCallbackError("Callback body is not UTF-8") from err


def _loads_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as err:
        raise LifePayCallbackError(f"{what} is not valid JSON") from err
    if not isinstance(value, dict):
        raise LifePayCallbackError(f"{what} is not a JSON object")
    return value


def _from_fields(fields: dict[str, str]) -> dict[str, Any]:
    """A form's ``data`` field, or the form's own fields when it sends them flat."""
    if "data" in fields:
        return _loads_object(fields["data"], "The callback's 'data' field")
    if "uuid" in fields or "ext_id" in fields:
        return dict(fields)
    raise LifePayCallbackError("Callback form has no 'data' field")


def _read_form(body: bytes, _content_type: str) -> dict[str, Any]:
    text = _text(body)
    try:
        parsed = parse_qs(text, keep_blank_values=True, strict_parsing=True)
    except ValueError as err:
        raise LifePayCallbackError("Callback form body cannot be parsed") from err
    # A repeated field: the last value wins, as in PHP.
    return _from_fields({name: values[-1] for name, values in parsed.items()})


def _read_multipart(body: bytes, content_type: str) -> dict[str, Any]:
    """multipart/form-data, parsed by the standard library's MIME parser.

    Without a declared boundary (a lost header) the body's first line names it.
    """
    if "boundary=" not in content_type:
        first_line = body.lstrip(b"\r\n").split(b"\r\n", 1)[0].split(b"\n", 1)[0]
        if not first_line.startswith(b"--") or len(first_line) < 3:
            raise LifePayCallbackError("Callback body is not multipart")
        content_type = f'{MULTIPART_CONTENT_TYPE}; boundary="{first_line[2:].decode("latin-1")}"'
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=HTTP).parsebytes(header + body)
    if not message.is_multipart():
        raise LifePayCallbackError("Callback multipart body cannot be parsed")
    fields: dict[str, str] = {}
    parts = message.get_payload()
    for part in parts if isinstance(parts, list) else ():
        if not isinstance(part, Message):
            continue
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            charset = part.get_content_charset() or "utf-8"
            try:
                fields[name] = payload.decode(charset)
            except (LookupError, UnicodeDecodeError) as err:
                raise LifePayCallbackError(f"Callback field {name!r} is not text") from err
    return _from_fields(fields)


def _read_json(body: bytes, _content_type: str) -> dict[str, Any]:
    document = _loads_object(_text(body), "Callback body")
    if "data" not in document:
        return document  # the flat form
    data = document["data"]
    if isinstance(data, str):
        return _loads_object(data, "The callback's 'data' field")
    if isinstance(data, dict):
        return data
    raise LifePayCallbackError("The callback's 'data' field is not a JSON object")


type _Reader = Callable[[bytes, str], dict[str, Any]]

_READERS: Final[dict[str, _Reader]] = {
    MULTIPART_CONTENT_TYPE: _read_multipart,
    FORM_CONTENT_TYPE: _read_form,
    JSON_CONTENT_TYPE: _read_json,
}


def _sniffed_readers(body: bytes) -> list[_Reader]:
    """Readers to try when the label is missing, unknown or wrong, likeliest first."""
    start = body.lstrip()[:2]
    if start.startswith(b"{"):
        return [_read_json]
    if start == b"--":
        return [_read_multipart]
    return [_read_form]


# --- the document -> a notification -------------------------------------------------------------


def _optional_text(document: dict[str, Any], key: str) -> str | None:
    """A field as text; numbers become text, empty or structured values count as absent."""
    value = document.get(key)
    if value is None or isinstance(value, bool | dict | list):
        return None
    text = str(value).strip()
    return text or None


def _callback_data(value: Any) -> JsonValue:
    """What LifePay echoes back; a PHP sender may echo an object as JSON text."""
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            decoded: JsonValue = json.loads(value)
        except ValueError:
            return value
        return decoded
    result: JsonValue = value
    return result


def _status(word: str | None, error_code: str | None, ofd_url: str | None) -> DocumentStatus | None:
    """The document's status: an ``error_code`` is a failure whatever the word says (public
    receivers of receipt callbacks read it so); else the word's meaning; else a receipt with its
    page at the fiscal data operator was fiscalized."""
    if error_code is not None:
        return DocumentStatus.ERROR
    status = status_of(word)
    if status is None and word is None and ofd_url is not None:
        return DocumentStatus.PROCESSED
    return status


def _notification_from(document: dict[str, Any]) -> CallbackNotification:
    status_word = _optional_text(document, "status")
    error_code = _optional_text(document, "error_code")
    ofd_url = _optional_text(document, "ofd_url")
    return CallbackNotification(
        uuid=_optional_text(document, "uuid"),
        ext_id=_optional_text(document, "ext_id"),
        status=_status(status_word, error_code, ofd_url),
        status_word=status_word,
        error_code=error_code,
        ofd_url=ofd_url,
        message=_optional_text(document, "message") or "",
        target_serial=_optional_text(document, "target_serial"),
        callback_data=_callback_data(document.get("callback_data")),
        extra={key: value for key, value in document.items() if key not in KNOWN_FIELDS},
    )
