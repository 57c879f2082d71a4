"""A receipt is checked when it is made: every refusal names its field, nothing is sent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from custom_components.lifepay.api import (
    WHOLE_SUM,
    LifePayInputError,
    PaymentMethod,
    PaymentSubject,
    Position,
    Receipt,
    ReceiptKind,
    SendMode,
    Tax,
    TaxSystem,
)

COFFEE = Position("Кофе", Decimal("125.50"), Decimal(2), Tax.VAT20)  # 251.00
BUN = Position("Булочка", Decimal("0.10"), Decimal(3), Tax.NONE)  # 0.30


def position(**changes: Any) -> Position:
    fields: dict[str, Any] = {
        "name": "Кофе",
        "price": Decimal("125.50"),
        "quantity": Decimal(2),
        "tax": Tax.VAT20,
    }
    return Position(**(fields | changes))


def receipt(**changes: Any) -> Receipt:
    fields: dict[str, Any] = {"positions": (COFFEE, BUN)}
    return Receipt(**(fields | changes))


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"price": Decimal("1.005")}, "price", "more than two decimals"),
        ({"price": "125.501"}, "price", "more than two decimals"),
        ({"price": Decimal(0)}, "price", "more than zero"),
        ({"price": Decimal("-1.00")}, "price", "more than zero"),
        ({"price": 125.5}, "price", "never a float"),
        ({"price": "12 руб."}, "price", "not a number"),
        ({"price": Decimal("NaN")}, "price", "not a finite number"),
        ({"price": "Infinity"}, "price", "not a finite number"),
        ({"price": None}, "price", "got NoneType"),
        ({"price": True}, "price", "got bool"),
        ({"price": Decimal("1000000000.00")}, "price", "is over"),
        ({"quantity": Decimal(0)}, "quantity", "more than zero"),
        ({"quantity": Decimal("-1")}, "quantity", "more than zero"),
        ({"quantity": Decimal("0.0005")}, "quantity", "more than three decimals"),
        ({"quantity": Decimal("1.2345")}, "quantity", "more than three decimals"),
        ({"quantity": 0.5}, "quantity", "never a float"),
        ({"quantity": Decimal("1000000")}, "quantity", "is over"),
        ({"tax": "vat21"}, "tax", "must be one of"),
        ({"tax": "VAT20"}, "tax", "must be one of"),
        ({"tax": None}, "tax", "must be one of"),
        ({"tax": ["vat20"]}, "tax", "must be one of"),
        ({"name": " "}, "name", "non-blank"),
        ({"name": "x" * 129}, "name", "at most 128"),
        ({"unit": ""}, "unit", "non-blank"),
        ({"unit": "x" * 17}, "unit", "at most 16"),
        ({"item_type": 0}, "item_type", "must be one of"),
        ({"item_type": "goods"}, "item_type", "must be one of"),
        ({"payment_method": 8}, "payment_method", "must be one of"),
        ({"payment_method": True}, "payment_method", "must be one of"),
        ({"discount_percent": Decimal("100.01")}, "discount_percent", "at most 100"),
        ({"discount_percent": Decimal(0)}, "discount_percent", "more than zero"),
        ({"discount_percent": Decimal("0.001")}, "discount_percent", "two decimals"),
        ({"discount_amount": Decimal("251.01")}, "discount_amount", "more than the position's"),
        ({"discount_amount": Decimal("-5")}, "discount_amount", "more than zero"),
        (
            {"discount_amount": Decimal(1), "discount_percent": Decimal(1)},
            "discount_amount",
            "not both",
        ),
    ],
)
def test_position_refusals_name_their_field(
    changes: dict[str, Any], field: str, fragment: str
) -> None:
    with pytest.raises(LifePayInputError, match=fragment) as caught:
        position(**changes)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"positions": ()}, "positions", "at least one position"),
        ({"positions": []}, "positions", "at least one position"),
        ({"positions": None}, "positions", "at least one position"),
        ({"positions": ({"name": "x"},)}, "positions", "Position objects"),
        ({"card_amount": Decimal("251.31")}, "card_amount", "more than the receipt's total"),
        ({"card_amount": Decimal("1.001")}, "card_amount", "more than two decimals"),
        ({"card_amount": Decimal(-1)}, "card_amount", "zero or more"),
        ({"card_amount": "all"}, "card_amount", "not a number"),
        ({"card_amount": 10.0}, "card_amount", "never a float"),
        ({"prepayment_amount": Decimal("251.31")}, "prepayment_amount", "more than"),
        (
            {"card_amount": Decimal(200), "prepayment_amount": Decimal(52)},
            "prepayment_amount",
            "more than",
        ),
        ({"card_amount": WHOLE_SUM, "prepayment_amount": 1}, "prepayment_amount", "more than"),
        ({"prepayment_amount": Decimal(0)}, "prepayment_amount", "more than zero"),
        ({"customer_email": "ivanov"}, "customer_email", "not an email"),
        ({"customer_email": "ivanov@mail"}, "customer_email", "not an email"),
        ({"customer_email": "iva nov@mail.ru"}, "customer_email", "not an email"),
        ({"customer_email": "a@@mail.ru"}, "customer_email", "not an email"),
        ({"customer_email": "a@mail..ru"}, "customer_email", "not an email"),
        ({"customer_email": "a@" + "x" * 250 + ".ru"}, "customer_email", "not an email"),
        ({"customer_email": 7}, "customer_email", "not an email"),
        ({"customer_phone": "89990000001"}, "customer_phone", "7 and ten digits"),
        ({"customer_phone": "7999000000"}, "customer_phone", "7 and ten digits"),
        ({"customer_phone": "799900000012"}, "customer_phone", "7 and ten digits"),
        ({"customer_phone": "7999000000x"}, "customer_phone", "7 and ten digits"),
        ({"customer_phone": "7９９９0000001"}, "customer_phone", "7 and ten digits"),
        ({"customer_phone": 79990000001}, "customer_phone", "7 and ten digits"),
        ({"mode": SendMode.EMAIL}, "customer_email", "needs the customer's email or phone"),
        ({"mode": "print_email"}, "customer_email", "needs the customer's email or phone"),
        ({"mode": "sms"}, "mode", "must be one of"),
        ({"kind": "sale"}, "kind", "must be one of"),
        ({"tax_system": "usn"}, "tax_system", "must be one of"),
        ({"cashier_name": " "}, "cashier_name", "1 to 64"),
        ({"cashier_name": "x" * 65}, "cashier_name", "1 to 64"),
        ({"cashier_name": 5}, "cashier_name", "must be text"),
    ],
)
def test_receipt_refusals_name_their_field(
    changes: dict[str, Any], field: str, fragment: str
) -> None:
    with pytest.raises(LifePayInputError, match=fragment) as caught:
        receipt(**changes)
    assert caught.value.field == field


def test_an_input_error_is_a_value_error_with_a_field() -> None:
    with pytest.raises(ValueError, match="price") as caught:
        position(price=Decimal("0.001"))
    assert isinstance(caught.value, LifePayInputError)
    assert caught.value.field == "price"


def test_wire_values_and_text_come_in_as_typed_values() -> None:
    made = position(
        price="99.9",
        quantity="1.500",
        tax="vat10",
        item_type=4,
        payment_method="4",
        discount_amount=5,
        name="  Стрижка ",
    )
    assert made.price == Decimal("99.90")
    assert str(made.price) == "99.90"
    assert made.quantity == Decimal("1.5")
    assert made.tax is Tax.VAT10
    assert made.item_type is PaymentSubject.SERVICE
    assert made.payment_method is PaymentMethod.FULL_PAYMENT
    assert made.discount_amount == Decimal("5.00")
    assert made.name == "Стрижка"
    sale = receipt(
        kind="refund",
        mode="email",
        tax_system="usn6",
        customer_phone="+7 (999) 000-00-01",
        customer_email=" Ivanov@Example.org ",
        card_amount="100",
    )
    assert sale.kind is ReceiptKind.REFUND
    assert sale.mode is SendMode.EMAIL
    assert sale.tax_system is TaxSystem.USN6
    assert sale.customer_phone == "79990000001"
    assert sale.customer_email == "Ivanov@Example.org"
    assert sale.card_amount == Decimal("100.00")
    assert sale.positions == (COFFEE, BUN)


@pytest.mark.parametrize(
    "email", ["ivanov@example.org", "a.b+c@mail.ru", "почта@пример.рф", "x@sub.domain.co.uk"]
)
def test_emails_that_are_emails(email: str) -> None:
    assert receipt(customer_email=email, mode=SendMode.PRINT_EMAIL).customer_email == email


def test_the_parts_of_a_payment() -> None:
    assert (COFFEE.gross, BUN.gross) == (Decimal("251.00"), Decimal("0.30"))
    mixed = receipt(card_amount=Decimal("200.00"))
    assert (mixed.total, mixed.card_part, mixed.cash_part) == (
        Decimal("251.30"),
        Decimal("200.00"),
        Decimal("51.30"),
    )
    whole = receipt(card_amount=WHOLE_SUM)
    assert (whole.card_part, whole.cash_part) == (Decimal("251.30"), Decimal("0.00"))
    cash = receipt()
    assert (cash.card_part, cash.cash_part) == (Decimal("0.00"), Decimal("251.30"))
    advance = receipt(card_amount=Decimal("51.30"), prepayment_amount=Decimal(200))
    assert (advance.card_part, advance.cash_part) == (Decimal("51.30"), Decimal("0.00"))
    exact = receipt(card_amount=Decimal("251.30"))
    assert exact.cash_part == Decimal("0.00")


@pytest.mark.parametrize(
    ("price", "quantity", "gross"),
    [
        # Rounded half up to kopecks per position, as a register does.
        (Decimal("0.01"), Decimal("0.5"), Decimal("0.01")),  # 0.005 -> 0.01
        (Decimal("0.01"), Decimal("0.499"), Decimal("0.00")),  # 0.00499 -> 0.00
        (Decimal("10.05"), Decimal("0.5"), Decimal("5.03")),  # 5.025 -> 5.03 (even would be 5.02)
        (Decimal("99.99"), Decimal("0.333"), Decimal("33.30")),  # 33.29667
        # The largest: 999999999990000 - 999999.99999, exact, then rounded.
        (Decimal("999999999.99"), Decimal("999999.999"), Decimal("999999998990000.00")),
    ],
)
def test_a_positions_sum_is_rounded_half_up(
    price: Decimal, quantity: Decimal, gross: Decimal
) -> None:
    assert Position("x", price, quantity, Tax.NONE).gross == gross


def test_discounts() -> None:
    percent = position(discount_percent=Decimal("12.5"))  # 12.5 % of 251.00 = 31.375 -> 31.38
    assert (percent.discount, percent.total) == (Decimal("31.38"), Decimal("219.62"))
    amount = position(discount_amount=Decimal("251.00"))
    assert amount.total == Decimal("0.00")
    assert position().discount == Decimal("0.00")
    # The card's part is checked against the total after discounts.
    with pytest.raises(LifePayInputError) as caught:
        Receipt((percent,), card_amount=Decimal("219.63"))
    assert caught.value.field == "card_amount"


def test_receipts_and_positions_are_frozen() -> None:
    with pytest.raises(AttributeError):
        COFFEE.price = Decimal(1)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        receipt().card_amount = Decimal(1)  # type: ignore[misc]
