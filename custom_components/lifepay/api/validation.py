"""Checks of the caller's input, done before a request is sent.

The limits are LifePay's own (``ext_id`` at most 50 characters, ``callback_url`` at most 255);
the serial shape follows the fiscal registers' factory numbers: digits, at most 20.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from .errors import LifePayInputError

EXT_ID_MAX_LENGTH = 50
CALLBACK_URL_MAX_LENGTH = 255
SERIAL_MAX_LENGTH = 20
CASHIER_NAME_MAX_LENGTH = 64
INN_LENGTH = 12  # a person's INN; a cashier is a person


def check_credentials(apikey: str, login: str) -> None:
    """Refuse empty credentials."""
    if not apikey.strip():
        raise LifePayInputError("The LifePay API key is empty")
    if not login.strip():
        raise LifePayInputError("The LifePay login is empty")


def check_serial(serial: str) -> None:
    """A printer serial is a factory number: 1 to 20 digits."""
    if (
        not serial
        or len(serial) > SERIAL_MAX_LENGTH
        or not serial.isascii()
        or not serial.isdigit()
    ):
        raise LifePayInputError(
            f"A printer serial number is 1 to {SERIAL_MAX_LENGTH} digits, got {serial!r}",
            field="target_serial",
        )


def check_ext_id(ext_id: str) -> None:
    """LifePay accepts an ``ext_id`` of at most 50 characters."""
    if not ext_id:
        raise LifePayInputError("ext_id must not be empty", field="ext_id")
    if len(ext_id) > EXT_ID_MAX_LENGTH:
        raise LifePayInputError(
            f"ext_id is {len(ext_id)} characters long; LifePay accepts at most {EXT_ID_MAX_LENGTH}",
            field="ext_id",
        )


def check_cashier(name: str | None, inn: str | None) -> None:
    """A cashier's name of at most 64 characters and a person's INN of 12 digits."""
    if name is not None and (not name.strip() or len(name) > CASHIER_NAME_MAX_LENGTH):
        raise LifePayInputError(
            f"A cashier's name is 1 to {CASHIER_NAME_MAX_LENGTH} characters, got {name!r}",
            field="cashier_name",
        )
    if inn is not None and (len(inn) != INN_LENGTH or not inn.isascii() or not inn.isdigit()):
        raise LifePayInputError(
            f"A cashier's INN is {INN_LENGTH} digits, got {inn!r}", field="cashier_inn"
        )


def check_callback_url(url: str) -> None:
    """An absolute http(s) URL of at most 255 characters."""
    if len(url) > CALLBACK_URL_MAX_LENGTH:
        raise LifePayInputError(
            f"callback_url is {len(url)} characters long; "
            f"LifePay accepts at most {CALLBACK_URL_MAX_LENGTH}",
            field="callback_url",
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LifePayInputError(
            f"callback_url must be an absolute http(s) URL, got {url!r}", field="callback_url"
        )


# --- sales: money, quantities, the customer -------------------------------------------------

KOPECK = Decimal("0.01")
"""Money is rubles with kopecks: at most two decimals."""
QUANTITY_STEP = Decimal("0.001")
"""A quantity has at most three decimals (grams of a kilogram, millilitres of a litre)."""
MAX_MONEY = Decimal("999999999.99")
MAX_QUANTITY = Decimal("999999.999")
"""Bounds of a price (or an amount) and of a quantity: the client's, LifePay's are not known.
They keep every product exact in ``Decimal`` arithmetic, and every price exact in a double on a
server that reads JSON numbers as floats."""
EMAIL_MAX_LENGTH = 254
PHONE_DIGITS = 11
_EMAIL = re.compile(r"[^@\s]{1,64}@(?:[^@\s.]+\.)+[^@\s.]{2,}")
# What people put around a phone's digits; anything else is not a phone.
_PHONE_DECORATION = str.maketrans("", "", " -()+\u00a0")


def exact_decimal(value: object, field: str) -> Decimal:
    """``value`` as a finite ``Decimal``: a ``Decimal``, an ``int`` or numeric text.

    A float is refused: it is not the amount the caller meant (``0.1`` is
    ``0.1000000000000000055511151231257827``), and guessing its digits would hide the mistake.
    """
    if isinstance(value, float):
        raise LifePayInputError(
            f"{field} must be a Decimal, an int or numeric text, never a float: got {value!r}",
            field=field,
        )
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise LifePayInputError(f"{field} is not a number: {value!r}", field=field) from None
    else:
        raise LifePayInputError(
            f"{field} must be a Decimal, an int or numeric text, got {type(value).__name__}",
            field=field,
        )
    if not number.is_finite():
        raise LifePayInputError(f"{field} is not a finite number: {value!r}", field=field)
    return number


def check_money(
    value: object,
    field: str,
    *,
    zero_allowed: bool = False,
    maximum: Decimal | None = MAX_MONEY,
) -> Decimal:
    """A sum in rubles: positive (or zero where allowed), whole kopecks, at most ``maximum``
    (``None``: the caller bounds it); returned with exactly two decimals (``Decimal("125.5")``
    becomes ``Decimal("125.50")``)."""
    number = exact_decimal(value, field)
    if number < 0 or (number == 0 and not zero_allowed):
        least = "zero or more" if zero_allowed else "more than zero"
        raise LifePayInputError(f"{field} must be {least}, got {number}", field=field)
    if maximum is not None and number > maximum:
        raise LifePayInputError(f"{field} is over {maximum}: {number}", field=field)
    kopecks = number.quantize(KOPECK)
    if kopecks != number:
        raise LifePayInputError(
            f"{field} has more than two decimals (whole kopecks only): {number}", field=field
        )
    return kopecks


def check_quantity(value: object, field: str = "quantity") -> Decimal:
    """A positive quantity with at most three decimals, returned as given."""
    number = exact_decimal(value, field)
    if number <= 0:
        raise LifePayInputError(f"{field} must be more than zero, got {number}", field=field)
    if number > MAX_QUANTITY:
        raise LifePayInputError(f"{field} is over {MAX_QUANTITY}: {number}", field=field)
    if number.quantize(QUANTITY_STEP) != number:
        raise LifePayInputError(f"{field} has more than three decimals: {number}", field=field)
    return number


def check_text(value: object, field: str, max_length: int) -> str:
    """Non-blank text of at most ``max_length`` characters, stripped."""
    if not isinstance(value, str) or not value.strip():
        raise LifePayInputError(f"{field} must be non-blank text, got {value!r}", field=field)
    text = value.strip()
    if len(text) > max_length:
        raise LifePayInputError(
            f"{field} is {len(text)} characters long; at most {max_length}", field=field
        )
    return text


def check_email(value: object, field: str = "customer_email") -> str:
    """An email address (one ``@``, a dotted domain, no spaces), stripped."""
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > EMAIL_MAX_LENGTH or not _EMAIL.fullmatch(text):
        raise LifePayInputError(f"{field} is not an email address: {value!r}", field=field)
    return text


def check_phone(value: object, field: str = "customer_phone") -> str:
    """A Russian phone as LifePay takes it, ``7XXXXXXXXXX``; spaces, dashes, brackets and a
    leading ``+`` are dropped first (``+7 (999) 000-00-01`` is ``79990000001``)."""
    digits = value.translate(_PHONE_DECORATION) if isinstance(value, str) else ""
    if len(digits) != PHONE_DIGITS or not digits.isascii() or not digits.isdigit():
        digits = ""
    if not digits.startswith("7"):
        raise LifePayInputError(
            f"{field} must be 7 and ten digits (7XXXXXXXXXX), got {value!r}", field=field
        )
    return digits
