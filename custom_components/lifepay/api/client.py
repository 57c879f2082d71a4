"""Async client for LifePay's cloud-print API (aiohttp only, no Home Assistant)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

import aiohttp

from .errors import (
    FieldErrors,
    LifePayConnectionError,
    LifePayHttpStatusError,
    LifePayInputError,
    LifePayMalformedResponseError,
    LifePayTimeoutError,
    error_for_code,
)
from .models import Cashier, DocumentKind, JsonValue, PrintResult
from .sale import CASH_IN_PATH, CASH_OUT_PATH, RECEIPT_PATH, Receipt
from .validation import (
    check_callback_url,
    check_cashier,
    check_credentials,
    check_ext_id,
    check_money,
    check_serial,
)
from .wire import WireValue, dumps

DEFAULT_BASE_URL: Final = "https://sapi.life-pay.ru"
DEFAULT_TIMEOUT: Final = 30.0
# Bodies beyond this are not LifePay's envelope; reading them whole would only waste memory.
MAX_RESPONSE_BYTES: Final = 1_000_000
READ_PIECE_BYTES: Final = 64 * 1024


@dataclass(frozen=True, slots=True)
class Envelope:
    """LifePay's answer: ``{"code": int, "message": str, "data": ...}``."""

    code: int
    message: str
    data: Any


@dataclass(slots=True)
class LifePayClient:
    """Talks to one LifePay account (apikey and login) over an injected session."""

    session: aiohttp.ClientSession
    apikey: str
    login: str
    base_url: str = DEFAULT_BASE_URL
    request_timeout: float = DEFAULT_TIMEOUT

    def __post_init__(self) -> None:
        check_credentials(self.apikey, self.login)
        self.base_url = self.base_url.rstrip("/")
        if not self.base_url.startswith(("http://", "https://")):
            raise LifePayInputError(
                f"The LifePay URL must start with http:// or https://, got {self.base_url!r}"
            )

    async def create_x_report(
        self,
        *,
        target_serial: str | None = None,
        ext_id: str | None = None,
        test: bool = False,
        callback_url: str | None = None,
        callback_data: JsonValue = None,
    ) -> PrintResult:
        """Ask LifePay to print an X-report (see :meth:`create_document`)."""
        return await self.create_document(
            DocumentKind.X_REPORT,
            target_serial=target_serial,
            ext_id=ext_id,
            test=test,
            callback_url=callback_url,
            callback_data=callback_data,
        )

    async def create_document(
        self,
        kind: DocumentKind,
        *,
        target_serial: str | None = None,
        ext_id: str | None = None,
        test: bool = False,
        callback_url: str | None = None,
        callback_data: JsonValue = None,
        cashier: Cashier | None = None,
    ) -> PrintResult:
        """Ask LifePay to print a document of ``kind``: an X-report, a shift opening or a
        Z-report. The three share one request shape; only shift documents name a cashier.

        Without ``target_serial`` one of the account's active printers prints it. In test mode
        LifePay validates the request fully but creates no document (the result has no uuid).
        Raises a :class:`LifePayResponseError` subclass for a non-zero code and a
        :class:`LifePayTransportError` subclass when the request should be repeated later with
        the same ``ext_id``.
        """
        payload = _common_fields(
            target_serial=target_serial,
            ext_id=ext_id,
            test=test,
            callback_url=callback_url,
            callback_data=callback_data,
        )
        if cashier is not None:
            if not kind.names_cashier:
                raise LifePayInputError(f"A {kind.value} names no cashier", field="cashier_name")
            check_cashier(cashier.name, cashier.inn)
            if cashier.name is not None:
                payload["cashier_name"] = cashier.name
            if cashier.inn is not None:
                payload["cashier_inn"] = cashier.inn
        return _print_result(await self.request(kind.path, payload), ext_id=ext_id, test=test)

    async def create_receipt(
        self,
        receipt: Receipt,
        *,
        target_serial: str | None = None,
        ext_id: str | None = None,
        test: bool = False,
        callback_url: str | None = None,
        callback_data: JsonValue = None,
    ) -> PrintResult:
        """Ask LifePay to print (or send) a fiscal receipt, FFD 1.05 (``create-receipt``).

        ``receipt`` was checked when it was made; the options, the errors and the result are
        those of :meth:`create_document`. Without ``target_serial`` one of the account's
        printers prints it.
        """
        if not isinstance(receipt, Receipt):
            raise LifePayInputError("create_receipt takes a Receipt", field="receipt")
        payload = _common_fields(
            target_serial=target_serial,
            ext_id=ext_id,
            test=test,
            callback_url=callback_url,
            callback_data=callback_data,
        )
        payload.update(receipt.wire())
        return _print_result(await self.request(RECEIPT_PATH, payload), ext_id=ext_id, test=test)

    async def cash_in(
        self,
        amount: Decimal | int | str,
        *,
        target_serial: str,
        ext_id: str | None = None,
        test: bool = False,
        callback_url: str | None = None,
        callback_data: JsonValue = None,
    ) -> PrintResult:
        """Record cash put into the drawer of the printer ``target_serial`` (``cash-in``).

        ``amount`` is rubles with kopecks: a ``Decimal``, an ``int`` or numeric text, never a
        float. LifePay requires the serial here.
        """
        return await self._cash(
            CASH_IN_PATH,
            amount,
            target_serial=target_serial,
            ext_id=ext_id,
            test=test,
            callback_url=callback_url,
            callback_data=callback_data,
        )

    async def cash_out(
        self,
        amount: Decimal | int | str,
        *,
        target_serial: str,
        ext_id: str | None = None,
        test: bool = False,
        callback_url: str | None = None,
        callback_data: JsonValue = None,
    ) -> PrintResult:
        """Record cash taken out of the drawer of the printer ``target_serial`` (``cash-out``);
        see :meth:`cash_in`."""
        return await self._cash(
            CASH_OUT_PATH,
            amount,
            target_serial=target_serial,
            ext_id=ext_id,
            test=test,
            callback_url=callback_url,
            callback_data=callback_data,
        )

    async def _cash(
        self,
        path: str,
        amount: Decimal | int | str,
        *,
        target_serial: str,
        ext_id: str | None,
        test: bool,
        callback_url: str | None,
        callback_data: JsonValue,
    ) -> PrintResult:
        if target_serial is None:
            raise LifePayInputError("LifePay requires the printer's serial", field="target_serial")
        payload = _common_fields(
            target_serial=target_serial,
            ext_id=ext_id,
            test=test,
            callback_url=callback_url,
            callback_data=callback_data,
        )
        payload["amount"] = check_money(amount, "amount")
        return _print_result(await self.request(path, payload), ext_id=ext_id, test=test)

    async def request(self, path: str, payload: Mapping[str, WireValue]) -> Envelope:
        """POST ``payload`` plus the credentials to ``path``; return a successful envelope.

        Shared by every cloud-print endpoint (sibling endpoints need only their own payload).
        A ``Decimal`` in the payload goes out as a JSON number written from its own digits
        (:mod:`.wire`), never through a float.
        """
        body: dict[str, WireValue] = {"apikey": self.apikey, "login": self.login, **payload}
        try:
            encoded = dumps(body).encode()
        except (TypeError, ValueError) as err:
            raise LifePayInputError(f"The request cannot be sent as JSON: {err}") from err

        try:
            async with asyncio.timeout(self.request_timeout):
                async with self.session.post(
                    f"{self.base_url}{path}",
                    data=encoded,
                    headers={"Content-Type": "application/json; charset=utf-8"},
                ) as response:
                    status = response.status
                    # Only a 200's body is LifePay's answer; a gateway's page is not read.
                    raw = await _read_body(response) if status == 200 else b""
        except TimeoutError as err:
            raise LifePayTimeoutError(
                f"LifePay did not answer within {self.request_timeout:g} s"
            ) from err
        except aiohttp.ClientError as err:
            raise LifePayConnectionError(f"Cannot reach LifePay: {err}") from err

        if status != 200:
            raise LifePayHttpStatusError(f"LifePay answered HTTP {status}", http_status=status)
        envelope = parse_envelope(raw)
        if envelope.code != 0:
            raise error_for_code(envelope.code, envelope.message, field_errors_of(envelope.data))
        return envelope


def _common_fields(
    *,
    target_serial: str | None,
    ext_id: str | None,
    test: bool,
    callback_url: str | None,
    callback_data: JsonValue,
) -> dict[str, WireValue]:
    """The fields every cloud-print request shares, checked."""
    payload: dict[str, WireValue] = {"test": 1 if test else 0}
    if target_serial is not None:
        check_serial(target_serial)
        payload["target_serial"] = target_serial
    if ext_id is not None:
        check_ext_id(ext_id)
        payload["ext_id"] = ext_id
    if callback_url is not None:
        check_callback_url(callback_url)
        payload["callback_url"] = callback_url
    if callback_data is not None:
        payload["callback_data"] = callback_data
    return payload


def _print_result(envelope: Envelope, *, ext_id: str | None, test: bool) -> PrintResult:
    """An accepted request's result: its uuid (none in test mode, where LifePay makes none)."""
    uuid: str | None = None
    if not test:
        data = envelope.data
        uuid = data.get("uuid") if isinstance(data, dict) else None
        if not isinstance(uuid, str) or not uuid:
            raise LifePayMalformedResponseError("LifePay accepted the request but sent no uuid")
    return PrintResult(uuid=uuid, ext_id=ext_id, test=test)


async def _read_body(response: aiohttp.ClientResponse) -> bytes:
    """The whole body, however many pieces it comes in, up to :data:`MAX_RESPONSE_BYTES`.

    ``content.read(n)`` returns the first piece that arrived, not ``n`` bytes: an answer a
    proxy or TCP splits would be cut. Past the limit reading stops, and the rest is dropped with
    the connection.
    """
    body = bytearray()
    async for piece in response.content.iter_chunked(READ_PIECE_BYTES):
        body += piece
        if len(body) > MAX_RESPONSE_BYTES:
            raise LifePayMalformedResponseError("LifePay's answer is too large to be its envelope")
    return bytes(body)


def parse_envelope(raw: bytes) -> Envelope:
    """Parse a response body (read whole, within the size limit, by :func:`_read_body`);
    anything but the documented envelope is a transport failure."""
    try:
        decoded = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise LifePayMalformedResponseError("LifePay's answer is not JSON") from err
    if not isinstance(decoded, dict):
        raise LifePayMalformedResponseError("LifePay's answer is not a JSON object")
    code = decoded.get("code")
    # bool is an int subclass; a real code never is one.
    if not isinstance(code, int) or isinstance(code, bool):
        raise LifePayMalformedResponseError("LifePay's answer has no numeric code")
    message = decoded.get("message", "")
    if message is None:
        message = ""
    if not isinstance(message, str):
        raise LifePayMalformedResponseError("LifePay's answer has a message that is not text")
    return Envelope(code=code, message=message, data=decoded.get("data"))


def field_errors_of(data: Any) -> FieldErrors:
    """Turn ``{"field": ["message", ...]}`` into a mapping of tuples; ignore anything else."""
    if not isinstance(data, dict):
        return {}
    errors: dict[str, tuple[str, ...]] = {}
    for field, messages in data.items():
        if isinstance(messages, str):
            errors[str(field)] = (messages,)
        elif isinstance(messages, list):
            errors[str(field)] = tuple(str(message) for message in messages)
    return errors
