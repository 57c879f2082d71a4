"""Callback bodies in the encodings LifePay's sender uses: bytes and Content-Type, no HTTP."""

from __future__ import annotations

import json
import random
from typing import Any
from urllib.parse import urlencode

from .settings import CallbackEncoding

# Boundaries need to be unlikely in the body, not secret: no system call per callback.
_BOUNDARIES = random.Random()


def encode_callback(notification: dict[str, Any], encoding: CallbackEncoding) -> tuple[bytes, str]:
    """The body and Content-Type of a callback carrying ``notification`` as field ``data``."""
    return encode_callback_text(json.dumps(notification, ensure_ascii=False), encoding)


def encode_callback_text(document: str, encoding: CallbackEncoding) -> tuple[bytes, str]:
    """The same, from the notification's JSON text."""
    match encoding:
        case CallbackEncoding.MULTIPART:
            # 40 hex digits, as GuzzleHttp's bin2hex(random_bytes(20))
            boundary = f"{_BOUNDARIES.getrandbits(160):040x}"
            return multipart_form_data("data", document, boundary), (
                f"multipart/form-data; boundary={boundary}"
            )
        case CallbackEncoding.FORM:
            return urlencode({"data": document}).encode(), "application/x-www-form-urlencoded"
        case CallbackEncoding.JSON:
            return f'{{"data": {document}}}'.encode(), "application/json; charset=utf-8"


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
