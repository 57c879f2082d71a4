"""A sale as typed data: receipts (FFD 1.05, ``create-receipt``) and what they put on the wire.

Every value is checked when the object is made, so a :class:`Position` or a :class:`Receipt`
that exists is one LifePay can be sent; a refusal is a :class:`LifePayInputError` whose
``field`` names the attribute. Enum fields also take their wire value (``"vat20"``, ``4``), and
money fields a ``Decimal``, an ``int`` or numeric text, never a float: this is where data from a
form or an action call comes in.

Money stays a ``Decimal`` from input to wire. A position's sum is its price times its quantity
rounded half up to kopecks, as a register prints it; the receipt's total is the exact sum of
those. What LifePay itself computes is not documented; see docs/lifepay-client.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, InvalidOperation, Overflow, Rounded
from enum import Enum, IntEnum, StrEnum
from typing import Final, Literal

from .errors import LifePayInputError
from .validation import (
    KOPECK,
    check_cashier,
    check_email,
    check_money,
    check_phone,
    check_quantity,
    check_text,
)
from .wire import WireValue

RECEIPT_PATH: Final = "/cloud-print/create-receipt"
CASH_IN_PATH: Final = "/cloud-print/cash-in"
CASH_OUT_PATH: Final = "/cloud-print/cash-out"

WHOLE_SUM: Final = "#"
"""``card_amount`` for "the whole receipt by card", as LifePay's clients send it."""

NAME_MAX_LENGTH: Final = 128  # FFD tag 1030
UNIT_MAX_LENGTH: Final = 16  # FFD tag 1197
HUNDRED: Final = Decimal(100)

# Arithmetic that must be exact: a product or sum that would round raises instead. The bounds
# in validation.py keep every product of a price and a quantity far inside 40 digits.
_EXACT: Final = Context(prec=40, traps=[Inexact, Rounded, InvalidOperation, Overflow])


class ReceiptKind(StrEnum):
    """The receipt's ``type``: what the money does."""

    PAYMENT = "payment"
    """A sale: money comes in (LifePay's default)."""
    REFUND = "refund"
    """A sale's refund: money goes back to the customer."""
    BUY = "buy"
    """A purchase: the shop pays (buying from a person)."""
    BUY_REFUND = "buy_refund"
    """A purchase's refund."""


class SendMode(StrEnum):
    """The receipt's ``mode``: on paper, electronic, or both."""

    PRINT = "print"
    """Printed on the register (LifePay's default)."""
    EMAIL = "email"
    """Electronic only: sent to the customer's email and/or phone, not printed."""
    PRINT_EMAIL = "print_email"
    """Printed and sent."""

    @property
    def sends(self) -> bool:
        """Whether the receipt goes to the customer, who must then be named."""
        return self is not SendMode.PRINT


class TaxSystem(StrEnum):
    """The shop's tax system for this receipt (``tax_system``, FFD tag 1055)."""

    OSN = "osn"
    """The general system."""
    USN6 = "usn6"
    """Simplified, 6 % of income."""
    USN15 = "usn15"
    """Simplified, 15 % of income less expenses."""
    ESHN = "eshn"
    """The single agricultural tax."""
    PATENT = "patent"
    """The patent system."""


class Tax(StrEnum):
    """A position's VAT rate (``tax``), the values LifePay's clients send."""

    NONE = "none"
    """No VAT (a shop on a simplified system, or goods exempt from VAT)."""
    VAT0 = "vat0"
    VAT10 = "vat10"
    VAT18 = "vat18"
    """18 %: the rate before 2019, still sent by old clients."""
    VAT20 = "vat20"


class PaymentMethod(IntEnum):
    """How the position is settled (the product's ``type``, FFD tag 1214)."""

    FULL_PREPAYMENT = 1
    PREPAYMENT = 2
    ADVANCE = 3
    FULL_PAYMENT = 4
    """Paid in full now, goods handed over: an ordinary sale."""
    PARTIAL_PAYMENT_AND_CREDIT = 5
    CREDIT = 6
    """Handed over on credit, not paid."""
    CREDIT_PAYMENT = 7
    """Paying off a credit."""


class PaymentSubject(IntEnum):
    """What the position is (the product's ``item_type``, FFD tag 1212)."""

    GOODS = 1
    EXCISE_GOODS = 2
    WORK = 3
    SERVICE = 4
    GAMBLING_BET = 5
    GAMBLING_WIN = 6
    LOTTERY_TICKET = 7
    LOTTERY_WIN = 8
    INTELLECTUAL_PROPERTY = 9
    PAYMENT = 10
    AGENT_COMMISSION = 11
    COMPOSITE = 12
    OTHER = 13
    PROPERTY_RIGHT = 14
    NON_OPERATING_INCOME = 15
    INSURANCE_CONTRIBUTIONS = 16
    TRADE_FEE = 17
    RESORT_FEE = 18
    DEPOSIT = 19
    MARKED_GOODS = 33
    """Marked goods with a marking code (an FFD 1.2 value; a public client sends it here)."""


def _member[E: Enum](kind: type[E], value: object, field_name: str) -> E:
    """``value`` as a member of ``kind``: the member itself or its wire value."""
    if isinstance(value, kind):
        return value
    if issubclass(kind, IntEnum) and isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())  # a form's "4"
    if not isinstance(value, bool):  # True == 1 would pass for a payment method
        try:
            return kind(value)
        except ValueError:
            pass
    known = ", ".join(repr(member.value) for member in kind)
    raise LifePayInputError(f"{field_name} must be one of {known}, got {value!r}", field=field_name)


def _set(instance: object, name: str, value: object) -> None:
    """Store a checked, normalised value on a frozen dataclass while it is being made."""
    object.__setattr__(instance, name, value)


def kopecks(value: Decimal) -> Decimal:
    """``value`` rounded half up to whole kopecks, as a register rounds a position's sum."""
    return value.quantize(KOPECK, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Position:
    """One line of a receipt.

    ``price`` is per unit, in rubles with kopecks; ``quantity`` has at most three decimals.
    At most one of ``discount_percent`` and ``discount_amount`` (a sum off the whole line).
    """

    name: str
    price: Decimal
    quantity: Decimal
    tax: Tax
    unit: str | None = field(default=None, kw_only=True)
    """The unit's name as LifePay's clients send it (``piece``); optional."""
    item_type: PaymentSubject | None = field(default=None, kw_only=True)
    payment_method: PaymentMethod | None = field(default=None, kw_only=True)
    """Sent as the product's ``type``."""
    discount_percent: Decimal | None = field(default=None, kw_only=True)
    discount_amount: Decimal | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        _set(self, "name", check_text(self.name, "name", NAME_MAX_LENGTH))
        _set(self, "price", check_money(self.price, "price"))
        _set(self, "quantity", check_quantity(self.quantity))
        _set(self, "tax", _member(Tax, self.tax, "tax"))
        if self.unit is not None:
            _set(self, "unit", check_text(self.unit, "unit", UNIT_MAX_LENGTH))
        if self.item_type is not None:
            _set(self, "item_type", _member(PaymentSubject, self.item_type, "item_type"))
        if self.payment_method is not None:
            method = _member(PaymentMethod, self.payment_method, "payment_method")
            _set(self, "payment_method", method)
        if self.discount_percent is not None and self.discount_amount is not None:
            raise LifePayInputError(
                "A position has a discount in percent or in rubles, not both",
                field="discount_amount",
            )
        if self.discount_percent is not None:
            percent = check_money(self.discount_percent, "discount_percent")
            if percent > HUNDRED:
                raise LifePayInputError(
                    f"discount_percent is at most 100, got {percent}", field="discount_percent"
                )
            _set(self, "discount_percent", percent)
        if self.discount_amount is not None:
            amount = check_money(self.discount_amount, "discount_amount")
            if amount > self.gross:
                raise LifePayInputError(
                    f"discount_amount {amount} is more than the position's sum {self.gross}",
                    field="discount_amount",
                )
            _set(self, "discount_amount", amount)

    @property
    def gross(self) -> Decimal:
        """Price times quantity, rounded half up to kopecks."""
        return kopecks(_EXACT.multiply(self.price, self.quantity))

    @property
    def discount(self) -> Decimal:
        """The discount in rubles: the amount, or the percent of :attr:`gross` rounded half up."""
        if self.discount_amount is not None:
            return self.discount_amount
        if self.discount_percent is not None:
            return kopecks(_EXACT.divide(_EXACT.multiply(self.gross, self.discount_percent), 100))
        return Decimal("0.00")

    @property
    def total(self) -> Decimal:
        """What the customer pays for this line: :attr:`gross` less :attr:`discount`."""
        return _EXACT.subtract(self.gross, self.discount)

    def wire(self) -> dict[str, WireValue]:
        """The product as ``create-receipt`` takes it."""
        product: dict[str, WireValue] = {
            "name": self.name,
            "price": self.price,  # two decimals, from check_money
            "quantity": quantity_on_wire(self.quantity),
            "tax": self.tax.value,
        }
        if self.unit is not None:
            product["unit"] = self.unit
        if self.item_type is not None:
            product["item_type"] = int(self.item_type)
        if self.payment_method is not None:
            product["type"] = int(self.payment_method)
        if self.discount_percent is not None:
            product["discount"] = {"type": "percent", "value": self.discount_percent}
        elif self.discount_amount is not None:
            product["discount"] = {"type": "amount", "value": self.discount_amount}
        return product


def quantity_on_wire(quantity: Decimal) -> Decimal:
    """A quantity without trailing zeros or exponent: ``2``, ``1.5``, ``0.125``."""
    whole = quantity.to_integral_value()
    return whole.quantize(Decimal(1)) if whole == quantity else quantity.normalize(_EXACT)


@dataclass(frozen=True, slots=True)
class Receipt:
    """A fiscal receipt: its positions, what kind it is, how it was paid, where it goes.

    What is not paid by card (``card_amount``, a sum or :data:`WHOLE_SUM`) nor offset by an
    advance (``prepayment_amount``) is cash. ``customer_email`` or ``customer_phone`` is needed
    when ``mode`` sends the receipt.
    """

    positions: tuple[Position, ...]
    kind: ReceiptKind = ReceiptKind.PAYMENT
    card_amount: Decimal | Literal["#"] | None = None
    prepayment_amount: Decimal | None = None
    customer_email: str | None = None
    customer_phone: str | None = None
    mode: SendMode = SendMode.PRINT
    tax_system: TaxSystem | None = None
    cashier_name: str | None = None

    def __post_init__(self) -> None:
        positions = tuple(self.positions) if isinstance(self.positions, list | tuple) else ()
        if not positions:
            raise LifePayInputError("A receipt has at least one position", field="positions")
        if not all(isinstance(position, Position) for position in positions):
            raise LifePayInputError("A receipt's positions are Position objects", field="positions")
        _set(self, "positions", positions)
        _set(self, "kind", _member(ReceiptKind, self.kind, "kind"))
        _set(self, "mode", _member(SendMode, self.mode, "mode"))
        if self.tax_system is not None:
            _set(self, "tax_system", _member(TaxSystem, self.tax_system, "tax_system"))
        if self.cashier_name is not None:
            if not isinstance(self.cashier_name, str):
                raise LifePayInputError(
                    f"cashier_name must be text, got {self.cashier_name!r}", field="cashier_name"
                )
            check_cashier(self.cashier_name, None)
        if self.customer_email is not None:
            _set(self, "customer_email", check_email(self.customer_email))
        if self.customer_phone is not None:
            _set(self, "customer_phone", check_phone(self.customer_phone))
        if self.mode.sends and self.customer_email is None and self.customer_phone is None:
            raise LifePayInputError(
                f"A receipt sent by {self.mode.value} needs the customer's email or phone",
                field="customer_email",
            )
        self._check_payment()

    def _check_payment(self) -> None:
        total = self.total
        card = Decimal("0.00")
        if self.card_amount is not None and self.card_amount != WHOLE_SUM:
            # Bounded by the total, below.
            card = check_money(self.card_amount, "card_amount", zero_allowed=True, maximum=None)
            if card > total:
                raise LifePayInputError(
                    f"card_amount {card} is more than the receipt's total {total}",
                    field="card_amount",
                )
            _set(self, "card_amount", card)
        elif self.card_amount == WHOLE_SUM:
            card = total
        if self.prepayment_amount is not None:
            prepayment = check_money(self.prepayment_amount, "prepayment_amount", maximum=None)
            if _EXACT.add(card, prepayment) > total:
                raise LifePayInputError(
                    f"prepayment_amount {prepayment} and the card's {card} are more than "
                    f"the receipt's total {total}",
                    field="prepayment_amount",
                )
            _set(self, "prepayment_amount", prepayment)

    @property
    def total(self) -> Decimal:
        """The sum of the positions' totals, exact."""
        total = Decimal("0.00")
        for position in self.positions:
            total = _EXACT.add(total, position.total)
        return total

    @property
    def card_part(self) -> Decimal:
        """The part paid by card (the total for :data:`WHOLE_SUM`)."""
        if self.card_amount == WHOLE_SUM:
            return self.total
        return self.card_amount if isinstance(self.card_amount, Decimal) else Decimal("0.00")

    @property
    def cash_part(self) -> Decimal:
        """What is left for cash: the total less the card part and the advance offset."""
        rest = _EXACT.subtract(self.total, self.card_part)
        return _EXACT.subtract(rest, self.prepayment_amount or Decimal("0.00"))

    def wire(self) -> dict[str, WireValue]:
        """The receipt's own fields of a ``create-receipt`` request (the client adds the rest)."""
        body: dict[str, WireValue] = {
            "type": self.kind.value,
            "mode": self.mode.value,
            "purchase": {"products": [position.wire() for position in self.positions]},
        }
        if self.card_amount is not None:
            body["card_amount"] = self.card_amount
        if self.prepayment_amount is not None:
            body["prepayment_amount"] = self.prepayment_amount
        if self.customer_email is not None:
            body["customer_email"] = self.customer_email
        if self.customer_phone is not None:
            body["customer_phone"] = self.customer_phone
        if self.tax_system is not None:
            body["tax_system"] = self.tax_system.value
        if self.cashier_name is not None:
            body["cashier_name"] = self.cashier_name
        return body
