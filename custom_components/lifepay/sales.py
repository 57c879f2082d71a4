"""Sale documents as a job keeps them: receipts and cash movements, plain Python.

A sale job keeps what it sends (the receipt, or the amount) so that every retry, after a
restart too, sends the very same document with the same ``ext_id``. Money is kept as text
(``"45.50"``), never as a float, and read back as a ``Decimal``.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from .api import WHOLE_SUM, Position, Receipt


class SaleKind(StrEnum):
    """Sale documents. Kept apart from :class:`~.api.DocumentKind`, whose members each get a
    button, a status sensor and triggers of their own; these get one status sensor for
    receipts and one for cash movements."""

    RECEIPT = "receipt"
    """A fiscal receipt (``create-receipt``): a sale, a refund, a purchase or its refund."""
    CASH_IN = "cash_in"
    """Cash put into the drawer (``cash-in``)."""
    CASH_OUT = "cash_out"
    """Cash taken out of the drawer (``cash-out``)."""


CASH_KINDS = frozenset({SaleKind.CASH_IN, SaleKind.CASH_OUT})


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def receipt_as_dict(receipt: Receipt) -> dict[str, Any]:
    """The receipt as JSON values (money as text), with its total; see :func:`receipt_from_dict`."""
    positions = [
        {
            "name": position.name,
            "price": str(position.price),
            "quantity": str(position.quantity),
            "tax": position.tax.value,
            "unit": position.unit,
            "item_type": None if position.item_type is None else int(position.item_type),
            "payment_method": (
                None if position.payment_method is None else int(position.payment_method)
            ),
            "discount_percent": _text(position.discount_percent),
            "discount_amount": _text(position.discount_amount),
        }
        for position in receipt.positions
    ]
    card = receipt.card_amount
    return {
        "positions": positions,
        "kind": receipt.kind.value,
        "card_amount": card if card == WHOLE_SUM or card is None else str(card),
        "prepayment_amount": _text(receipt.prepayment_amount),
        "customer_email": receipt.customer_email,
        "customer_phone": receipt.customer_phone,
        "mode": receipt.mode.value,
        "tax_system": receipt.tax_system.value if receipt.tax_system else None,
        "cashier_name": receipt.cashier_name,
        "total": str(receipt.total),
    }


def receipt_from_dict(data: dict[str, Any]) -> Receipt:
    """The receipt :func:`receipt_as_dict` saved; raises ``LifePayInputError`` (a
    ``ValueError``), ``KeyError`` or ``TypeError`` for one that is not."""
    positions = tuple(
        Position(
            item["name"],
            Decimal(item["price"]),
            Decimal(item["quantity"]),
            item["tax"],
            unit=item.get("unit"),
            item_type=item.get("item_type"),
            payment_method=item.get("payment_method"),
            discount_percent=_decimal(item.get("discount_percent")),
            discount_amount=_decimal(item.get("discount_amount")),
        )
        for item in data["positions"]
    )
    card = data.get("card_amount")
    return Receipt(
        positions,
        kind=data.get("kind", "payment"),
        card_amount=card if card == WHOLE_SUM else _decimal(card),
        prepayment_amount=_decimal(data.get("prepayment_amount")),
        customer_email=data.get("customer_email"),
        customer_phone=data.get("customer_phone"),
        mode=data.get("mode", "print"),
        tax_system=data.get("tax_system"),
        cashier_name=data.get("cashier_name"),
    )


def sale_total(sale: dict[str, Any] | None) -> str | None:
    """A sale job's sum as text: the receipt's total or the cash amount."""
    if not sale:
        return None
    value = sale.get("total", sale.get("amount"))
    return value if isinstance(value, str) else None
