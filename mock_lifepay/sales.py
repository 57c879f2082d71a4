"""Receipts and cash movements: what ``create-receipt``, ``cash-in`` and ``cash-out`` carry.

Plain Python, no HTTP. Money is exact: JSON numbers arrive as :class:`~decimal.Decimal` (the
endpoint decodes sale bodies with ``parse_float=Decimal``), numeric strings are read as decimals
too, and every sum is kept in kopecks (``int``). Nothing here ever touches a float.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Final
from urllib.parse import urlencode

from . import messages as msg


class ReceiptKind(StrEnum):
    """The request's ``type``: the operation (FFD tag 1054, "признак расчёта")."""

    PAYMENT = "payment"
    """A sale (приход); the default."""
    REFUND = "refund"
    """A sale's refund (возврат прихода)."""
    BUY = "buy"
    """A purchase from a customer (расход)."""
    BUY_REFUND = "buy_refund"
    """A purchase's refund (возврат расхода)."""


class ReceiptMode(StrEnum):
    PRINT = "print"
    EMAIL = "email"
    PRINT_EMAIL = "print_email"


class TaxSystem(StrEnum):
    OSN = "osn"
    USN6 = "usn6"
    USN15 = "usn15"
    ESHN = "eshn"
    PATENT = "patent"


# VAT rates in percent, by the code clients send. "vat18" is printed and computed as 20%: since
# 1 January 2019 the fiscal drive's rate code that meant 18% means 20% (the mock's choice, as a
# register fiscalizing today would do; docs/mock-server.md).
VAT_RATES: Final[dict[str, int | None]] = {
    "none": None,
    "vat0": 0,
    "vat10": 10,
    "vat18": 20,
    "vat20": 20,
}
TAX_LABELS: Final = {
    "none": "БЕЗ НДС",
    "vat0": "НДС 0%",
    "vat10": "НДС 10%",
    "vat18": "НДС 20%",
    "vat20": "НДС 20%",
}
TAX_SYSTEM_LABELS: Final = {
    TaxSystem.OSN: "ОСН",
    TaxSystem.USN6: "УСН доход",
    TaxSystem.USN15: "УСН доход - расход",
    TaxSystem.ESHN: "ЕСХН",
    TaxSystem.PATENT: "ПСН",
}
KIND_LABELS: Final = {
    ReceiptKind.PAYMENT: "ПРИХОД",
    ReceiptKind.REFUND: "ВОЗВРАТ ПРИХОДА",
    ReceiptKind.BUY: "РАСХОД",
    ReceiptKind.BUY_REFUND: "ВОЗВРАТ РАСХОДА",
}
# FFD tag 1214 (payment method) 1 to 7; 4, full payment, when a product names none.
PAYMENT_METHODS: Final = {
    1: "ПРЕДОПЛАТА 100%",
    2: "ПРЕДОПЛАТА",
    3: "АВАНС",
    4: "ПОЛНЫЙ РАСЧЕТ",
    5: "ЧАСТИЧНЫЙ РАСЧЕТ И КРЕДИТ",
    6: "ПЕРЕДАЧА В КРЕДИТ",
    7: "ОПЛАТА КРЕДИТА",
}
FULL_PAYMENT: Final = 4
# FFD tag 1212 (payment subject): FFD 1.05 knows 1 to 19, later versions up to 33.
ITEM_TYPES: Final = range(1, 34)
ITEM_TYPE_LABELS: Final = {1: "ТОВАР", 2: "ПОДАКЦИЗНЫЙ ТОВАР", 3: "РАБОТА", 4: "УСЛУГА"}
GOODS: Final = 1
MAX_PRODUCTS: Final = 100
PRODUCT_NAME_MAX_LENGTH: Final = 128  # FFD tag 1030
UNIT_MAX_LENGTH: Final = 16  # FFD tag 1197
CUSTOMER_EMAIL_MAX_LENGTH: Final = 64  # FFD tag 1008
MAX_RUBLES: Final = Decimal("99999999.99")
"""The largest price, sum or amount taken (under 100 million roubles)."""
MAX_QUANTITY: Final = Decimal("99999.999")
KOPECK: Final = Decimal("0.01")
QUANTITY_STEP: Final = Decimal("0.001")  # FFD 1.05 quantities have at most 3 decimals
WHOLE_SUM: Final = "#"
"""``card_amount`` as ``"#"``: the whole sum is paid by card (public clients)."""
PHONE: Final = re.compile(r"7[0-9]{10}")
EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
OFD_RECEIPT_URL: Final = "https://check.ofd.example/rec"
"""Where a receipt's page "at the fiscal data operator" is: a reserved domain, never a real OFD."""


class SaleError(Exception):
    """Per-field messages (Yii 2 style); the endpoint answers 400 with them."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("invalid sale")
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Position:
    """One line of a receipt; sums in kopecks."""

    name: str
    price: int
    quantity: Decimal
    tax: str
    item_type: int
    payment_method: int
    unit: str | None
    discount: int
    """The discount in kopecks (a percent discount is turned into kopecks, half up)."""
    total: int
    """price × quantity (half up to the kopeck) less the discount."""

    @property
    def vat(self) -> int | None:
        """This line's VAT in kopecks (included in the price), ``None`` without VAT."""
        return vat_of(self.total, self.tax)


@dataclass(frozen=True, slots=True)
class Receipt:
    """A receipt as the request asked for it: positions, sums and payment, in kopecks."""

    kind: ReceiptKind
    mode: ReceiptMode
    tax_system: TaxSystem
    positions: tuple[Position, ...]
    card: int
    prepayment: int
    customer_email: str | None = None
    customer_phone: str | None = None

    @property
    def total(self) -> int:
        return sum(position.total for position in self.positions)

    @property
    def cash(self) -> int:
        return self.total - self.card - self.prepayment

    def vat_by_rate(self) -> dict[str, int]:
        """The VAT of each rate on the receipt, from the rate's total (as FFD tags 1102-1107)."""
        totals: dict[str, int] = {}
        for position in self.positions:
            label = TAX_LABELS[position.tax]
            totals[label] = totals.get(label, 0) + position.total
        tax_of_label = {TAX_LABELS[tax]: tax for tax in VAT_RATES}
        return {
            label: vat
            for label, total in totals.items()
            if (vat := vat_of(total, tax_of_label[label])) is not None
        }

    def as_dict(self) -> dict[str, Any]:
        """The receipt as the control API shows it (money in kopecks)."""
        return {
            "kind": self.kind.value,
            "mode": self.mode.value,
            "tax_system": self.tax_system.value,
            "positions": [
                {
                    "name": p.name,
                    "price": p.price,
                    "quantity": str(p.quantity),
                    "tax": p.tax,
                    "item_type": p.item_type,
                    "payment_method": p.payment_method,
                    "unit": p.unit,
                    "discount": p.discount,
                    "total": p.total,
                    "vat": p.vat,
                }
                for p in self.positions
            ],
            "total": self.total,
            "card": self.card,
            "cash": self.cash,
            "prepayment": self.prepayment,
            "vat": self.vat_by_rate(),
            "customer_email": self.customer_email,
            "customer_phone": self.customer_phone,
        }


def vat_of(total: int, tax: str) -> int | None:
    """The VAT included in ``total`` kopecks at ``tax``'s rate, half up; ``None`` without VAT."""
    rate = VAT_RATES[tax]
    if rate is None:
        return None
    return _half_up(Decimal(total) * rate / (100 + rate))


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _absent(value: Any) -> bool:
    return value is None or value == ""


def _label(field: str) -> str:
    """Yii 2's label of an attribute: words capitalized."""
    return " ".join(part.capitalize() for part in field.rsplit(".", 1)[-1].split("_"))


def _required(field: str) -> str:
    return f"Необходимо заполнить «{_label(field)}»."


def _invalid(field: str) -> str:
    return f"Значение «{_label(field)}» неверно."


class _Checker:
    """Collects per-field messages while reading a sale's fields."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def decimal(
        self, field: str, value: Any, *, places: int = 2, maximum: Decimal = MAX_RUBLES
    ) -> Decimal | None:
        """A number or a numeric string, at least 0, at most ``places`` decimals."""
        if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
            self.fail(field, f"Значение «{_label(field)}» должно быть числом.")
            return None
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or (isinstance(value, str) and not value.strip()):
            self.fail(field, f"Значение «{_label(field)}» должно быть числом.")
            return None
        if number < 0:
            self.fail(field, f"Значение «{_label(field)}» должно быть не меньше 0.")
            return None
        if number > maximum:
            self.fail(field, f"Значение «{_label(field)}» должно быть не больше {maximum}.")
            return None
        step = Decimal(1).scaleb(-places)
        if number != number.quantize(step):
            self.fail(
                field,
                f"Значение «{_label(field)}» должно содержать не более {places} знаков "
                "после запятой.",
            )
            return None
        return number

    def kopecks(self, field: str, value: Any) -> int | None:
        number = self.decimal(field, value)
        return None if number is None else int(number * 100)

    def text(self, field: str, value: Any, limit: int, *, required: bool = False) -> str | None:
        if _absent(value):
            if required:
                self.fail(field, _required(field))
            return None
        if not isinstance(value, str):
            self.fail(field, f"Значение «{_label(field)}» должно быть строкой.")
            return None
        if len(value) > limit:
            self.fail(field, msg.too_long_label(_label(field), limit))
            return None
        return value

    def choice[T](self, field: str, value: Any, choices: type[T], default: T) -> T:
        if _absent(value):
            return default
        try:
            return choices(value)  # type: ignore[call-arg]
        except ValueError:
            self.fail(field, _invalid(field))
            return default

    def whole(self, field: str, value: Any, allowed: range | dict[int, str], default: int) -> int:
        """An integer (or its digits as text) among ``allowed``."""
        if _absent(value):
            return default
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif (isinstance(value, str) and value.isdigit() and len(value) < 4) or (
            isinstance(value, Decimal) and value == value.to_integral_value()
        ):
            number = int(value)
        if number is None or number not in allowed:
            self.fail(field, _invalid(field))
            return default
        return number


def parse_receipt(payload: dict[str, Any]) -> Receipt:
    """The receipt a ``create-receipt`` body asks for; raises :class:`SaleError`."""
    check = _Checker()
    kind = check.choice("type", payload.get("type"), ReceiptKind, ReceiptKind.PAYMENT)
    mode = check.choice("mode", payload.get("mode"), ReceiptMode, ReceiptMode.PRINT)
    tax_system = check.choice("tax_system", payload.get("tax_system"), TaxSystem, TaxSystem.OSN)
    email = check.text("customer_email", payload.get("customer_email"), CUSTOMER_EMAIL_MAX_LENGTH)
    if email is not None and not EMAIL.fullmatch(email):
        check.fail(
            "customer_email", "Значение «Customer Email» не является правильным email адресом."
        )
        email = None
    phone = check.text("customer_phone", payload.get("customer_phone"), 32)
    if phone is not None and not PHONE.fullmatch(phone):
        check.fail("customer_phone", "Значение «Customer Phone» должно иметь вид 7XXXXXXXXXX.")
        phone = None
    if (
        mode is not ReceiptMode.PRINT
        and email is phone is None
        and not check.errors.keys() & {"customer_email", "customer_phone"}
    ):
        check.fail(
            "customer_email",
            "Необходимо заполнить «Customer Email» или «Customer Phone» для электронного чека.",
        )

    positions = _positions(check, payload.get("purchase"))
    total = sum(position.total for position in positions)

    card = 0
    card_value = payload.get("card_amount")
    if card_value == WHOLE_SUM:
        card = total
    elif not _absent(card_value):
        card = check.kopecks("card_amount", card_value) or 0
    prepayment = 0
    if not _absent(payload.get("prepayment_amount")):
        prepayment = check.kopecks("prepayment_amount", payload["prepayment_amount"]) or 0
    if positions and not check.errors.keys() & {"card_amount", "prepayment_amount"}:
        if card > total:
            check.fail(
                "card_amount",
                f"Значение «Card Amount» не должно превышать сумму чека ({rubles(total)}).",
            )
        elif card + prepayment > total:
            check.fail(
                "prepayment_amount",
                "Сумма «Card Amount» и «Prepayment Amount» не должна превышать сумму чека "
                f"({rubles(total)}).",
            )
    if check.errors:
        raise SaleError(check.errors)
    return Receipt(kind, mode, tax_system, positions, card, prepayment, email, phone)


def _positions(check: _Checker, purchase: Any) -> tuple[Position, ...]:
    if _absent(purchase):
        check.fail("purchase", _required("purchase"))
        return ()
    if not isinstance(purchase, dict):
        check.fail("purchase", _invalid("purchase"))
        return ()
    products = purchase.get("products")
    if _absent(products) or products == []:
        check.fail("purchase.products", _required("products"))
        return ()
    if not isinstance(products, list):
        check.fail("purchase.products", _invalid("products"))
        return ()
    if len(products) > MAX_PRODUCTS:
        check.fail(
            "purchase.products",
            f"Значение «Products» должно содержать не более {MAX_PRODUCTS} позиций.",
        )
        return ()
    positions = []
    for index, product in enumerate(products):
        where = f"purchase.products.{index}"
        if not isinstance(product, dict):
            check.fail(where, _invalid("product"))
            continue
        position = _position(check, where, product)
        if position is not None:
            positions.append(position)
    return tuple(positions)


def _position(check: _Checker, where: str, product: dict[str, Any]) -> Position | None:
    before = len(check.errors)
    name = check.text(f"{where}.name", product.get("name"), PRODUCT_NAME_MAX_LENGTH, required=True)
    price = (
        None if _absent(product.get("price")) else check.kopecks(f"{where}.price", product["price"])
    )
    if _absent(product.get("price")):
        check.fail(f"{where}.price", _required("price"))
    quantity_value = product.get("quantity")
    quantity: Decimal | None = Decimal(1)
    if not _absent(quantity_value):
        quantity = check.decimal(
            f"{where}.quantity", quantity_value, places=3, maximum=MAX_QUANTITY
        )
        if quantity is not None and quantity == 0:
            check.fail(f"{where}.quantity", "Значение «Quantity» должно быть больше 0.")
            quantity = None
    tax: str = "none"  # one production client sends no tax at all
    if not _absent(product.get("tax")):
        tax = product["tax"]
    if not isinstance(tax, str) or tax not in VAT_RATES:
        check.fail(f"{where}.tax", _invalid("tax"))
    item_type = check.whole(f"{where}.item_type", product.get("item_type"), ITEM_TYPES, GOODS)
    method = check.whole(f"{where}.type", product.get("type"), PAYMENT_METHODS, FULL_PAYMENT)
    unit = check.text(f"{where}.unit", product.get("unit"), UNIT_MAX_LENGTH)
    if len(check.errors) > before or name is None or price is None or quantity is None:
        return None
    gross = _half_up(price * quantity)
    discount = _discount(check, f"{where}.discount", product.get("discount"), gross)
    if discount is None:
        return None
    return Position(name, price, quantity, tax, item_type, method, unit, discount, gross - discount)


def _discount(check: _Checker, field: str, value: Any, gross: int) -> int | None:
    """The discount in kopecks; ``None`` (and a message) when it is not valid."""
    if _absent(value):
        return 0
    if not isinstance(value, dict) or value.get("type") not in ("percent", "amount"):
        check.fail(
            field,
            'Значение «Discount» должно иметь вид {"type": "percent" или '
            '"amount", "value": число}.',
        )
        return None
    if value["type"] == "percent":
        percent = check.decimal(field, value.get("value"), maximum=Decimal(100))
        return None if percent is None else _half_up(gross * percent / 100)
    amount = check.kopecks(field, value.get("value"))
    if amount is not None and amount > gross:
        check.fail(field, f"Скидка не может превышать стоимость позиции ({rubles(gross)}).")
        return None
    return amount


def parse_amount(payload: dict[str, Any]) -> int:
    """A cash movement's ``amount`` in kopecks (more than zero); raises :class:`SaleError`."""
    check = _Checker()
    value = payload.get("amount")
    amount = None
    if _absent(value):
        check.fail("amount", _required("amount"))
    else:
        amount = check.kopecks("amount", value)
        if amount == 0:
            check.fail("amount", "Значение «Amount» должно быть больше 0.")
    if check.errors or amount is None:
        raise SaleError(check.errors)
    return amount


def rubles(kopecks: int) -> str:
    """``12345`` as ``"123.45"``."""
    sign = "-" if kopecks < 0 else ""
    kopecks = abs(kopecks)
    return f"{sign}{kopecks // 100}.{kopecks % 100:02d}"


def fn_number(serial: str) -> str:
    """The register's fiscal drive number (16 digits), fixed for a serial."""
    return "99600440" + _digits(f"fn:{serial}", 8)


def registration_number(serial: str) -> str:
    """The register's registration number at the tax service (16 digits)."""
    return "00000" + _digits(f"rn:{serial}", 11)


def fiscal_sign(fn: str, document_number: int, printed_at: float, total: int) -> str:
    """The document's fiscal sign (ФП): up to 10 digits, as the drive computes it from the data."""
    return str(int(_digits(f"fp:{fn}:{document_number}:{printed_at}:{total}", 10)) % 4294967296)


def ofd_url(
    fn: str, *, document_number: int, sign: str, printed_at: str, total: int, kind: int
) -> str:
    """The receipt's page at the fiscal data operator (the QR code's fields as parameters)."""
    query = {"fn": fn, "fd": document_number, "fp": sign, "t": printed_at, "s": rubles(total)}
    return f"{OFD_RECEIPT_URL}?{urlencode(query | {'n': kind})}"


def _digits(seed: str, count: int) -> str:
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8])
    return f"{number % 10**count:0{count}d}"
