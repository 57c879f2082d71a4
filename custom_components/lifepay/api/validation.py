"""Checks of the caller's input, done before a request is sent.

The limits are LifePay's own (``ext_id`` at most 50 characters, ``callback_url`` at most 255);
the serial shape follows the fiscal registers' factory numbers: digits, at most 20.
"""

from __future__ import annotations

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
            f"A printer serial number is 1 to {SERIAL_MAX_LENGTH} digits, got {serial!r}"
        )


def check_ext_id(ext_id: str) -> None:
    """LifePay accepts an ``ext_id`` of at most 50 characters."""
    if not ext_id:
        raise LifePayInputError("ext_id must not be empty")
    if len(ext_id) > EXT_ID_MAX_LENGTH:
        raise LifePayInputError(
            f"ext_id is {len(ext_id)} characters long; LifePay accepts at most {EXT_ID_MAX_LENGTH}"
        )


def check_cashier(name: str | None, inn: str | None) -> None:
    """A cashier's name of at most 64 characters and a person's INN of 12 digits."""
    if name is not None and (not name.strip() or len(name) > CASHIER_NAME_MAX_LENGTH):
        raise LifePayInputError(
            f"A cashier's name is 1 to {CASHIER_NAME_MAX_LENGTH} characters, got {name!r}"
        )
    if inn is not None and (len(inn) != INN_LENGTH or not inn.isascii() or not inn.isdigit()):
        raise LifePayInputError(f"A cashier's INN is {INN_LENGTH} digits, got {inn!r}")


def check_callback_url(url: str) -> None:
    """An absolute http(s) URL of at most 255 characters."""
    if len(url) > CALLBACK_URL_MAX_LENGTH:
        raise LifePayInputError(
            f"callback_url is {len(url)} characters long; "
            f"LifePay accepts at most {CALLBACK_URL_MAX_LENGTH}"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LifePayInputError(f"callback_url must be an absolute http(s) URL, got {url!r}")
