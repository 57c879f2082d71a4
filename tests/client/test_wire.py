"""The request encoder: a Decimal goes out as the JSON number of its own digits, never a float."""

from __future__ import annotations

import json
from decimal import Decimal

import aiohttp
import pytest

from custom_components.lifepay.api import (
    LifePayClient,
    LifePayInputError,
    Position,
    Receipt,
    Tax,
)
from custom_components.lifepay.api.wire import WireValue, decimal_text, dumps


def test_a_float_sum_would_be_wrong_and_ours_is_not() -> None:
    # What an encoder through float sends for 0.1 + 0.2 kopeck-exact rubles:
    assert json.dumps(float(Decimal("0.1")) + float(Decimal("0.2"))) == "0.30000000000000004"
    receipt = Receipt(
        (Position("a", Decimal("0.1"), 1, Tax.NONE), Position("b", Decimal("0.2"), 1, Tax.NONE)),
        card_amount=Decimal("0.3"),
    )
    assert receipt.total == Decimal("0.30")
    assert '"card_amount": 0.30' in dumps(receipt.wire())


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("999999.99"), "999999.99"),
        (Decimal("125.50"), "125.50"),
        (Decimal("0.01"), "0.01"),
        (Decimal("1E+2"), "100"),
        (Decimal("1.0E+1"), "10"),
        (Decimal("-0.00"), "0.00"),
        (Decimal("12345678901234567890.12"), "12345678901234567890.12"),
    ],
)
def test_decimal_text_is_its_own_digits(value: Decimal, text: str) -> None:
    assert decimal_text(value) == text
    assert dumps({"price": value}) == f'{{"price": {text}}}'
    # And it reads back as the same number, with no float on the way.
    assert json.loads(dumps(value), parse_float=Decimal, parse_int=Decimal) == value


def test_the_float_path_would_have_lost_digits() -> None:
    # The case the encoder exists for: a float cannot hold this price.
    price = Decimal("12345678901234567.89")
    assert json.dumps(float(price)) != "12345678901234567.89"
    assert dumps(price) == "12345678901234567.89"


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_what_json_cannot_say_is_refused(value: Decimal) -> None:
    with pytest.raises(ValueError, match="not a JSON number"):
        dumps({"amount": value})


def test_everything_else_as_the_standard_library_writes_it() -> None:
    value: WireValue = {
        "apikey": "k",
        "test": 1,
        "flag": True,
        "nothing": None,
        "name": "Кофе «Арабика»",
        "list": [1, "two", 3.5, {"x": []}],
        "tuple": (1, 2),
    }
    assert dumps(value) == json.dumps(
        {**value, "tuple": [1, 2]}, ensure_ascii=False, allow_nan=False
    )


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ({"x": float("nan")}, ValueError),
        ({1: "x"}, TypeError),
        ({"x": object()}, TypeError),
        ({"x": {1, 2}}, TypeError),
    ],
)
def test_refused_values(value: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        dumps(value)  # type: ignore[arg-type]


def test_a_cycle_is_refused_not_a_crash() -> None:
    loop: list[WireValue] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="refers to itself"):
        dumps(loop)


async def test_the_client_refuses_callback_data_json_cannot_say() -> None:
    # Through the client's one request path: refused before anything is sent.
    async with aiohttp.ClientSession() as session:
        client = LifePayClient(session, apikey="k", login="7", base_url="http://127.0.0.1:9")
        with pytest.raises(LifePayInputError, match="cannot be sent as JSON"):
            await client.create_x_report(callback_data={"x": float("inf")})
