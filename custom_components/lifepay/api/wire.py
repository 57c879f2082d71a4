"""Request bodies as JSON text, with money written from its exact decimal text.

The standard library's encoder knows no :class:`~decimal.Decimal`; the usual ``default=float``
would send ``0.30000000000000004`` for a sum of 0.1 and 0.2, or ``1234567.8899999999`` for an
exact price. This encoder writes a ``Decimal`` as a JSON number made from its own digits
(``format(value, "f")``: no exponent, no float anywhere on the way) and leaves every other value
to the standard library, with the same separators and unescaped Cyrillic as before.

How many decimals a value carries is decided where the payload is built (money with two, a
quantity with as many as it has): the encoder writes exactly the ``Decimal`` it is given.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Final

from .models import JsonValue

type WireValue = JsonValue | Decimal | Sequence[WireValue] | Mapping[str, WireValue]
"""What a request body may hold: JSON values and exact decimals, in mappings and sequences."""

_SCALAR: Final = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def dumps(value: WireValue) -> str:
    """``value`` as JSON text; ``Decimal`` as an exact JSON number.

    Raises ``ValueError`` for what JSON cannot say (a NaN or an infinity, as float or Decimal;
    a cycle) and ``TypeError`` for a value of another type or a key that is not text.
    """
    out: list[str] = []
    try:
        _write(value, out)
    except RecursionError as err:
        raise ValueError("the value is nested too deeply or refers to itself") from err
    return "".join(out)


def decimal_text(value: Decimal) -> str:
    """A finite ``Decimal`` as JSON number text: its own digits, never an exponent."""
    if not value.is_finite():
        raise ValueError(f"{value} is not a JSON number")
    text = format(value, "f")
    # "-0" and "-0.00" are valid JSON, but no amount is negative zero: say zero.
    return text[1:] if value.is_zero() and text.startswith("-") else text


def _write(value: WireValue, out: list[str]) -> None:
    if isinstance(value, Decimal):
        out.append(decimal_text(value))
    elif value is None or isinstance(value, str | int | float):  # bool is an int
        out.append(_SCALAR.encode(value))
    elif isinstance(value, Mapping):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise TypeError(f"keys must be text, not {type(key).__name__}")
            if index:
                out.append(", ")
            out.append(_SCALAR.encode(key))
            out.append(": ")
            _write(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(", ")
            _write(item, out)
        out.append("]")
    else:
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
