"""For any receipt: the wire carries exactly the input's digits, and the total is a register's.

The oracle is integer arithmetic in kopecks, independent of the code under test: a position's
sum is price (kopecks) times quantity (thousandths) in hundred-thousandths of a ruble, rounded
half up to kopecks; a percent discount is rounded half up the same way; the total is their sum.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.lifepay.api import Position, Receipt, Tax
from custom_components.lifepay.api.wire import dumps


@st.composite
def positions(draw: st.DrawFn) -> tuple[Position, int, int, int | None]:
    """A position and the integers it was made from: kopecks, thousandths, percent hundredths."""
    # Small prices and halves, quarters and eighths of a unit often: they make the ties
    # (a sum ending in exactly half a kopeck) where rounding half up and half even differ.
    price_kopecks = draw(st.integers(1, 99_999_999_999) | st.integers(1, 999))
    quantity_thousandths = draw(
        st.integers(1, 999_999_999) | st.sampled_from([500, 1500, 250, 125, 2500, 5])
    )
    percent_hundredths = draw(
        st.none() | st.integers(1, 10_000) | st.sampled_from([5000, 2500, 1250, 50])
    )
    position = Position(
        draw(st.text(min_size=1, max_size=20).filter(str.strip)),
        Decimal(price_kopecks).scaleb(-2),
        Decimal(quantity_thousandths).scaleb(-3),
        draw(st.sampled_from(Tax)),
        discount_percent=(
            None if percent_hundredths is None else Decimal(percent_hundredths).scaleb(-2)
        ),
    )
    return position, price_kopecks, quantity_thousandths, percent_hundredths


def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def register_total_kopecks(made: list[tuple[Position, int, int, int | None]]) -> int:
    total = 0
    for _, price, quantity, percent in made:
        gross = half_up(price * quantity, 1000)
        discount = 0 if percent is None else half_up(gross * percent, 10_000)
        total += gross - discount
    return total


@settings(max_examples=300, deadline=None)
@given(made=st.lists(positions(), min_size=1, max_size=6), card_share=st.integers(0, 100))
def test_wire_digits_and_register_total(
    made: list[tuple[Position, int, int, int | None]], card_share: int
) -> None:
    items = tuple(position for position, *_ in made)
    total_kopecks = register_total_kopecks(made)
    card_kopecks = total_kopecks * card_share // 100
    receipt = Receipt(items, card_amount=Decimal(card_kopecks).scaleb(-2))

    assert receipt.total * 100 == total_kopecks
    assert receipt.card_part + receipt.cash_part == receipt.total

    text = dumps(receipt.wire())
    parsed = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    products = parsed["purchase"]["products"]
    assert len(products) == len(made)
    for product, (position, price, quantity, percent) in zip(products, made, strict=True):
        assert product["price"] == Decimal(price).scaleb(-2) == position.price
        assert product["quantity"] == Decimal(quantity).scaleb(-3) == position.quantity
        if percent is not None:
            assert product["discount"]["value"] == Decimal(percent).scaleb(-2)
    assert parsed["card_amount"] * 100 == card_kopecks

    # And as written: each sum with exactly two decimals, each quantity without trailing zeros,
    # no number with an exponent.
    literal = json.loads(text, parse_float=str, parse_int=str)
    money = [literal["card_amount"]]
    for product in literal["purchase"]["products"]:
        money.append(product["price"])
        if "discount" in product:
            money.append(product["discount"]["value"])
        assert re.fullmatch(r"[1-9]\d*|0\.\d*[1-9]|[1-9]\d*\.\d*[1-9]", product["quantity"])
    assert all(re.fullmatch(r"(0|[1-9]\d*)\.\d\d", amount) for amount in money), money
