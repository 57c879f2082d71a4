"""Callback bodies in the encodings LifePay's sender uses: bytes and Content-Type, no HTTP."""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import urlencode

from .settings import CallbackEncoding


def encode_callback(notification: dict[str, Any], encoding: CallbackEncoding) -> tuple[bytes, str]:
    """The body and Content-Type of a callback carrying ``notification`` as field ``data``."""
    document = json.dumps(notification, ensure_ascii=False)
    match encoding:
        case CallbackEncoding.MULTIPART:
            boundary = secrets.token_hex(20)  # as GuzzleHttp: bin2hex(random_bytes(20))
            return multipart_form_data("data", document, boundary), (
                f"multipart/form-data; boundary={boundary}"
            )
        case CallbackEncoding.FORM:
            return urlencode({"data": document}).encode(), "application/x-www-form-urlencoded"
        case CallbackEncoding.JSON:
            body = json.dumps({"data": notification}, ensure_ascii=False).encode()
            return body, "application/json; charset=utf-8"


def multipart_form_data(name: str, value: str, boundary: str) -> bytes:
    """One text field as GuzzleHttp's ``multipart`` option frames it.

    The part has ``Content-Disposition`` and ``Content-Length`` and no ``Content-Type``
    (Guzzle adds one only for files); aiohttp's MultipartWriter would add ``text/plain``.
    """
    content = value.encode()
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{name}"\r\n'
        f"Content-Length: {len(content)}\r\n"
        "\r\n"
    )
    return head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
