"""Receipts, cash in and cash out over real HTTP against the real mock: the exact wire body.

A recording middleware in front of the mock (``serve_mock(middlewares=...)``) keeps the bytes
as they went on the wire; the mock's journal must hold the same, and the mock must read the same
money from them (a sale's sums in kopecks).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from aiohttp import web
from aiohttp.typedefs import Handler

from custom_components.lifepay.api import (
    WHOLE_SUM,
    LifePayClient,
    LifePayInputError,
    PaymentMethod,
    PaymentSubject,
    Position,
    PrintResult,
    Receipt,
    ReceiptKind,
    SendMode,
    Tax,
    TaxSystem,
)
from mock_lifepay.server import ENDPOINTS

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle
    from tests.spec_check import SpecRecorder

RECEIPT = "/cloud-print/create-receipt"
CASH_IN = "/cloud-print/cash-in"
CASH_OUT = "/cloud-print/cash-out"


@dataclass
class Wire:
    """Every POST to LifePay's paths as it arrived: path, Content-Type and the body's bytes."""

    requests: list[tuple[str, str | None, bytes]] = field(default_factory=list)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method == "POST" and request.path.startswith("/cloud-print/"):
            # read() keeps the body, so the mock's own handler reads the same bytes.
            body = await request.read()
            self.requests.append((request.path, request.headers.get("Content-Type"), body))
        return await handler(request)

    def only(self, path: str) -> str:
        """The one request's body as text, after checking it was the only one, to ``path``."""
        assert [(p, ct) for p, ct, _ in self.requests] == [
            (path, "application/json; charset=utf-8")
        ]
        return self.requests[0][2].decode("utf-8")


@pytest.fixture
def wire() -> Wire:
    return Wire()


@pytest.fixture
async def lifepay_mock(spec_recorder: SpecRecorder, wire: Wire) -> AsyncIterator[MockHandle]:
    """The suite's mock (answers checked against its OpenAPI document) behind the recorder."""
    from mock_lifepay.pytest_plugin import serve_mock  # noqa: PLC0415 - after the plugin loads

    async with serve_mock(middlewares=[spec_recorder.middleware, wire.middleware]) as handle:
        yield handle
    problems = spec_recorder.problems()
    assert not problems, "the mock answered off its OpenAPI spec:\n" + "\n".join(problems)


def number(text: str) -> tuple[str, str]:
    """A JSON number exactly as written on the wire (see :func:`read`)."""
    return ("number", text)


def read(body: str) -> Any:
    """The body as JSON, each number kept as its exact text: ``125.50`` is not ``125.5``."""
    return json.loads(body, parse_float=number, parse_int=number)


async def answered(
    lifepay_mock: MockHandle, wire: Wire, path: str, send: Callable[[], Awaitable[PrintResult]]
) -> PrintResult:
    """Send; the mock serves ``path``, and its journal holds exactly what went on the wire."""
    assert path in ENDPOINTS
    result = await send()
    assert bool(result.uuid) is not result.test  # test mode makes no document
    (entry,) = lifepay_mock.mock.journal.entries()
    assert (entry.path, entry.body) == (path, wire.requests[-1][2].decode())
    return result


COFFEE = Position(
    "Капучино",
    Decimal("125.50"),
    Decimal(2),
    Tax.VAT20,
    unit="piece",
    item_type=PaymentSubject.GOODS,
    payment_method=PaymentMethod.FULL_PAYMENT,
)
CAKE = Position(
    "Пирожное «Картошка»",
    Decimal("89.9"),
    Decimal("0.5"),
    Tax.VAT10,
    discount_percent=Decimal(10),
)
HAIRCUT = Position("Стрижка", Decimal(1500), Decimal(1), Tax.NONE, item_type=PaymentSubject.SERVICE)


async def test_a_sale_paid_by_card_and_cash(
    client: LifePayClient, lifepay_mock: MockHandle, wire: Wire
) -> None:
    serial = lifepay_mock.demo.printers[0]
    sale = Receipt(
        (COFFEE, CAKE),
        card_amount=Decimal("200"),
        tax_system=TaxSystem.OSN,
        cashier_name="Иванова А. П.",
    )
    # 251.00 + (44.95 -> 44.95, less 10 % = 4.495 -> 4.50) = 251.00 + 40.45
    assert (sale.total, sale.card_part, sale.cash_part) == (
        Decimal("291.45"),
        Decimal("200.00"),
        Decimal("91.45"),
    )

    async def send() -> PrintResult:
        return await client.create_receipt(
            sale,
            target_serial=serial,
            ext_id="sale-1",
            callback_url="https://example.org/hook",
            callback_data={"token": "t0k"},
        )

    result = await answered(lifepay_mock, wire, RECEIPT, send)
    # The mock read the same money from the wire: kopecks, to the kopeck.
    document = lifepay_mock.mock.backend.documents[result.uuid or ""]
    assert document.sale is not None
    assert (document.sale.total, document.sale.card, document.sale.cash) == (29145, 20000, 9145)
    demo = lifepay_mock.demo
    # The whole body, byte for byte: key order, separators, raw Cyrillic, numbers' digits.
    assert wire.only(RECEIPT) == (
        f'{{"apikey": "{demo.apikey}", "login": "{demo.admin_login}", "test": 0, '
        f'"target_serial": "{serial}", "ext_id": "sale-1", '
        '"callback_url": "https://example.org/hook", "callback_data": {"token": "t0k"}, '
        '"type": "payment", "mode": "print", "purchase": {"products": ['
        '{"name": "Капучино", "price": 125.50, "quantity": 2, "tax": "vat20", '
        '"unit": "piece", "item_type": 1, "type": 4}, '
        '{"name": "Пирожное «Картошка»", "price": 89.90, "quantity": 0.5, "tax": "vat10", '
        '"discount": {"type": "percent", "value": 10.00}}]}, '
        '"card_amount": 200.00, "tax_system": "osn", "cashier_name": "Иванова А. П."}'
    )


async def test_a_refund_by_card_in_full(
    client: LifePayClient, lifepay_mock: MockHandle, wire: Wire
) -> None:
    refund = Receipt((COFFEE,), kind=ReceiptKind.REFUND, card_amount=WHOLE_SUM)
    await answered(lifepay_mock, wire, RECEIPT, lambda: client.create_receipt(refund))
    body = read(wire.only(RECEIPT))
    assert body == {
        "apikey": lifepay_mock.demo.apikey,
        "login": lifepay_mock.demo.admin_login,
        "test": number("0"),
        "type": "refund",
        "mode": "print",
        "purchase": {
            "products": [
                {
                    "name": "Капучино",
                    "price": number("125.50"),
                    "quantity": number("2"),
                    "tax": "vat20",
                    "unit": "piece",
                    "item_type": number("1"),
                    "type": number("4"),
                }
            ]
        },
        "card_amount": "#",
    }


async def test_an_electronic_receipt_by_email(
    client: LifePayClient, lifepay_mock: MockHandle, wire: Wire
) -> None:
    haircut = Position(
        "Стрижка",
        Decimal(1500),
        Decimal(1),
        Tax.NONE,
        item_type=PaymentSubject.SERVICE,
        discount_amount=Decimal("150.5"),
    )
    receipt = Receipt(
        (haircut,),
        mode=SendMode.EMAIL,
        customer_email="ivanova@example.org",
        customer_phone="+7 999 000-00-01",
        tax_system=TaxSystem.USN6,
        prepayment_amount=Decimal("500.00"),
    )
    await answered(
        lifepay_mock, wire, RECEIPT, lambda: client.create_receipt(receipt, ext_id="mail-1")
    )
    body = read(wire.only(RECEIPT))
    assert {key: body[key] for key in body if key not in ("apikey", "login")} == {
        "test": number("0"),
        "ext_id": "mail-1",
        "type": "payment",
        "mode": "email",
        "purchase": {
            "products": [
                {
                    "name": "Стрижка",
                    "price": number("1500.00"),
                    "quantity": number("1"),
                    "tax": "none",
                    "item_type": number("4"),
                    "discount": {"type": "amount", "value": number("150.50")},
                }
            ]
        },
        "prepayment_amount": number("500.00"),
        "customer_email": "ivanova@example.org",
        "customer_phone": "79990000001",
        "tax_system": "usn6",
    }


async def test_a_receipt_in_test_mode(
    client: LifePayClient, lifepay_mock: MockHandle, wire: Wire
) -> None:
    await answered(
        lifepay_mock,
        wire,
        RECEIPT,
        lambda: client.create_receipt(Receipt((HAIRCUT,)), test=True),
    )
    assert read(wire.only(RECEIPT))["test"] == number("1")


@pytest.mark.parametrize(
    ("path", "amount", "text"),
    [
        (CASH_IN, Decimal("5000"), "5000.00"),
        (CASH_IN, "0.3", "0.30"),
        (CASH_OUT, Decimal("999999.99"), "999999.99"),
        (CASH_OUT, 150, "150.00"),
    ],
)
async def test_cash_in_and_out(
    client: LifePayClient,
    lifepay_mock: MockHandle,
    wire: Wire,
    path: str,
    amount: Decimal | int | str,
    text: str,
) -> None:
    serial = lifepay_mock.demo.printers[0]
    method = client.cash_in if path == CASH_IN else client.cash_out

    async def send() -> PrintResult:
        return await method(amount, target_serial=serial, ext_id="cash-1")

    await answered(lifepay_mock, wire, path, send)
    body = wire.only(path)
    assert f'"amount": {text}' in body
    assert read(body) == {
        "apikey": lifepay_mock.demo.apikey,
        "login": lifepay_mock.demo.admin_login,
        "test": number("0"),
        "target_serial": serial,
        "ext_id": "cash-1",
        "amount": number(text),
    }


@pytest.mark.parametrize(
    ("amount", "field", "fragment"),
    [
        (Decimal("1.005"), "amount", "more than two decimals"),
        (Decimal(0), "amount", "more than zero"),
        (Decimal("-10"), "amount", "more than zero"),
        (0.1 + 0.2, "amount", "never a float"),
        ("сто", "amount", "not a number"),
    ],
)
async def test_cash_amount_refused_before_sending(
    client: LifePayClient,
    lifepay_mock: MockHandle,
    wire: Wire,
    amount: Any,
    field: str,
    fragment: str,
) -> None:
    serial = lifepay_mock.demo.printers[0]
    for method in (client.cash_in, client.cash_out):
        with pytest.raises(LifePayInputError, match=fragment) as caught:
            await method(amount, target_serial=serial)
        assert caught.value.field == field
    assert wire.requests == []


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.cash_in(Decimal(1), target_serial=None), "target_serial"),
        (lambda c: c.cash_out(Decimal(1), target_serial="12ab"), "target_serial"),
        (lambda c: c.cash_in(Decimal(1), target_serial="1", ext_id="x" * 51), "ext_id"),
        (lambda c: c.create_receipt(Receipt((HAIRCUT,)), target_serial=""), "target_serial"),
        (lambda c: c.create_receipt(Receipt((HAIRCUT,)), callback_url="ftp://x"), "callback_url"),
        (lambda c: c.create_receipt(HAIRCUT), "receipt"),
    ],
)
async def test_the_shared_fields_refused_before_sending(
    client: LifePayClient,
    wire: Wire,
    call: Callable[[LifePayClient], Awaitable[PrintResult]],
    field: str,
) -> None:
    with pytest.raises(LifePayInputError) as caught:
        await call(client)
    assert caught.value.field == field
    assert wire.requests == []


async def test_the_recorder_sees_what_the_journal_sees(
    client: LifePayClient, lifepay_mock: MockHandle, wire: Wire
) -> None:
    # The recording middleware is the journal's stand-in for the sale paths: on a path the
    # mock serves, the two hold the same bytes.
    await client.create_x_report(ext_id="x-1", test=True)
    (entry,) = lifepay_mock.mock.journal.entries()
    assert wire.requests[0][2].decode() == entry.body
