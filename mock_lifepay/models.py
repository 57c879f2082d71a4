"""The mock's state: companies, trade points, logins, printers, documents. Plain Python."""

from __future__ import annotations

import json
import math
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any, Final

from .sales import Receipt


class PrinterState(StrEnum):
    """What a virtual fiscal printer is doing; set through the control API."""

    ONLINE = "online"
    OFFLINE = "offline"
    PAPER_OUT = "paper_out"
    SHIFT_CLOSED = "shift_closed"
    """Not a state a printer is in: setting it closes the printer's shift (kept for old callers).

    The shift is modelled on its own (:class:`Shift`); a printer's state is its connection.
    """


class DocumentType(StrEnum):
    """What a cloud-print document asks the printer to do; the callback's ``type`` value."""

    X_REPORT = "x_report"
    OPEN_SHIFT = "open_shift"
    Z_REPORT = "z_report"
    RECEIPT = "receipt"
    CASH_IN = "cash_in"
    CASH_OUT = "cash_out"


REPORT_TYPES: Final = frozenset(
    {DocumentType.X_REPORT, DocumentType.OPEN_SHIFT, DocumentType.Z_REPORT}
)
"""The documents that print a shift's report (the others are sales and cash movements)."""


class DocumentStatus(StrEnum):
    """A cloud-print document's processing status.

    ``queued`` is the state on creation; the other three are the statuses LifePay notifies.
    """

    QUEUED = "queued"
    PROCESSED = "processed"
    AWAITING_RETRY = "awaiting_retry"
    ERROR = "error"


FINAL_STATUSES = frozenset({DocumentStatus.PROCESSED, DocumentStatus.ERROR})


OPERATIONS: Final = ("sales", "returns", "purchases", "purchase_returns")
"""The shift's counters per receipt operation: payment, refund, buy, buy_refund."""
REPORT_TOTALS: Final = (
    *(
        f"{operation}_{figure}"
        for operation in OPERATIONS
        for figure in ("count", "total", "cash", "card")
    ),
    "cash_in",
    "cash_out",
    "cash_in_drawer",
    "non_cash_total",
)
"""What a report prints: per operation its count and its sums (all, in cash, by card; the rest
of a total was an advance offset), the cash put in and taken out, the drawer, the net non-cash."""


@dataclass(slots=True)
class Shift:
    """The printer's current (or last) shift and its running totals, in kopecks."""

    number: int
    opened_at: datetime
    closed_at: datetime | None = None
    """When a Z-report (or the control API) closed it; ``None`` while it is open."""
    sales_count: int = 0
    sales_total: int = 0
    sales_cash: int = 0
    sales_card: int = 0
    returns_count: int = 0
    returns_total: int = 0
    returns_cash: int = 0
    returns_card: int = 0
    purchases_count: int = 0
    purchases_total: int = 0
    purchases_cash: int = 0
    purchases_card: int = 0
    purchase_returns_count: int = 0
    purchase_returns_total: int = 0
    purchase_returns_cash: int = 0
    purchase_returns_card: int = 0
    cash_in: int = 0
    cash_out: int = 0
    receipts: int = 0
    """Receipts printed in the shift: the last one's number in the shift (FFD tag 1042)."""

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def cash_in_drawer(self) -> int:
        """Cash the drawer holds: put in, taken, and every receipt's cash part, in and out."""
        return (
            self.cash_in
            - self.cash_out
            + self.sales_cash
            - self.returns_cash
            - self.purchases_cash
            + self.purchase_returns_cash
        )

    @property
    def non_cash_total(self) -> int:
        """Net card payments: taken for sales and purchase refunds, paid back otherwise."""
        return (
            self.sales_card - self.returns_card - self.purchases_card + self.purchase_returns_card
        )

    def totals(self) -> dict[str, int]:
        """Every figure a report prints, in :data:`REPORT_TOTALS`' order."""
        return {name: getattr(self, name) for name in REPORT_TOTALS}

    def add(self, operation: str, total: int, cash: int, card: int) -> None:
        """Count one receipt of ``operation`` (one of :data:`OPERATIONS`)."""
        for figure, value in (("count", 1), ("total", total), ("cash", cash), ("card", card)):
            name = f"{operation}_{figure}"
            setattr(self, name, getattr(self, name) + value)


@dataclass(slots=True)
class Printer:
    """A fiscal register connected to LifePay's cloud."""

    serial: str
    model: str
    company_id: int
    trade_point_id: int
    shift: Shift
    state: PrinterState = PrinterState.ONLINE
    error_message: str | None = None
    """When set, every document this printer processes ends in ``error`` with this text."""
    fiscal_document_number: int = 1

    @property
    def active(self) -> bool:
        """Connected to the cloud, so it may be picked when no serial is given."""
        return self.state is not PrinterState.OFFLINE


@dataclass(slots=True)
class TradePoint:
    """A shop or till; a login of a trade point prints on the trade point's printer."""

    id: int
    company_id: int
    name: str
    address: str


@dataclass(slots=True)
class User:
    """A LifePay login: a company administrator or a trade point's cashier."""

    login: str
    company_id: int
    name: str
    trade_point_id: int | None = None
    blocked: bool = False


@dataclass(slots=True)
class Company:
    """A LifePay customer with its API key."""

    id: int
    name: str
    inn: str
    apikey: str
    cloud_print_enabled: bool = True


# A kept document must cost well under a kilobyte: the classes below keep times as POSIX
# timestamps, the report's figures packed in one bytes object, the printer's and company's texts
# shared with every report of that printer, and callback_data as its JSON text.


def _moment(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


_LAST_SECOND: list[Any] = [None, ""]
"""The last whole second written by iso_moment and its text (many moments share one)."""


def iso_moment(timestamp: float) -> str:
    """``_moment(timestamp).isoformat()``, without making a datetime: notifications carry two.

    Rounded to the microsecond half to even, as ``datetime.fromtimestamp`` rounds.
    """
    fraction, whole = math.modf(timestamp)
    micro = round(fraction * 1e6)
    if micro >= 1_000_000:
        whole += 1
        micro -= 1_000_000
    elif micro < 0:
        whole -= 1
        micro += 1_000_000
    second, text = _LAST_SECOND
    if second != whole:
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
        _LAST_SECOND[:] = whole, text
    return f"{text}.{micro:06d}+00:00" if micro else f"{text}+00:00"


@dataclass(frozen=True, slots=True)
class ReportHeader:
    """What every report of one printer at one trade point prints at the top; shared."""

    serial: str
    model: str
    company_name: str
    inn: str
    address: str


# A report's figures, packed in this order: shift_number, fiscal_document_number, every total of
# REPORT_TOTALS (counts and sums in kopecks), then shift_opened_at, printed_at and shift_closed_at
# (NaN: none) as POSIX timestamps.
REPORT_FIGURES: Final = struct.Struct(f"<2I{len(REPORT_TOTALS)}q3d")
_FIGURE_OF_TOTAL: Final = {name: 2 + index for index, name in enumerate(REPORT_TOTALS)}
_OPENED: Final = 2 + len(REPORT_TOTALS)


class _NamesCashier:
    """The cashier a document named: one (name, INN) pair, shared by the document and its report."""

    __slots__ = ()
    _cashier: tuple[str | None, str | None] | None

    @property
    def cashier_name(self) -> str | None:
        return None if self._cashier is None else self._cashier[0]

    @property
    def cashier_inn(self) -> str | None:
        return None if self._cashier is None else self._cashier[1]


class Report(_NamesCashier):
    """A printed report: the shift's opening, or a snapshot of its running totals (X or Z)."""

    __slots__ = ("_cashier", "_figures", "header", "type")

    def __init__(
        self,
        header: ReportHeader,
        type: DocumentType,  # noqa: A002 - the wire's name
        figures: bytes,
        cashier: tuple[str | None, str | None] | None = None,
    ) -> None:
        """``figures`` packed by :data:`REPORT_FIGURES`; ``cashier`` is (name, INN)."""
        self.header = header
        self.type = type
        self._figures = figures
        self._cashier = cashier

    def _unpacked(self) -> tuple[Any, ...]:
        return REPORT_FIGURES.unpack(self._figures)

    serial = property(lambda self: self.header.serial)
    model = property(lambda self: self.header.model)
    company_name = property(lambda self: self.header.company_name)
    inn = property(lambda self: self.header.inn)
    address = property(lambda self: self.header.address)

    @property
    def shift_number(self) -> int:
        return int(self._unpacked()[0])

    @property
    def fiscal_document_number(self) -> int:
        return int(self._unpacked()[1])

    @property
    def totals(self) -> dict[str, int]:
        figures = self._unpacked()
        return {name: int(figures[_FIGURE_OF_TOTAL[name]]) for name in REPORT_TOTALS}

    @property
    def shift_opened_at(self) -> datetime:
        return _moment(self._unpacked()[_OPENED])

    @property
    def printed_at(self) -> datetime:
        return _moment(self._unpacked()[_OPENED + 1])

    @property
    def shift_closed_at(self) -> datetime | None:
        closed = self._unpacked()[_OPENED + 2]
        return None if math.isnan(closed) else _moment(closed)

    def __getattr__(self, name: str) -> int:
        # The totals by name (report.sales_total, ...), unpacked on demand.
        index = _FIGURE_OF_TOTAL.get(name)
        if index is None:
            raise AttributeError(name)
        return int(self._unpacked()[index])


XReport = Report  # the name before shift openings and Z-reports were printed too


@dataclass(frozen=True, slots=True)
class PrintedReceipt:
    """A fiscal receipt as the register printed it: the request's receipt and its fiscal data."""

    header: ReportHeader
    receipt: Receipt
    shift_number: int
    number_in_shift: int
    """The receipt's number in the shift (FFD tag 1042)."""
    fiscal_document_number: int
    fn_number: str
    registration_number: str
    fiscal_sign: str
    printed_timestamp: float
    ofd_url: str
    cashier_name: str | None = None
    type: DocumentType = DocumentType.RECEIPT

    @property
    def printed_at(self) -> datetime:
        return _moment(self.printed_timestamp)


@dataclass(frozen=True, slots=True)
class CashSlip:
    """A cash movement as the register printed it (not a fiscal document: no ФД, no ФП)."""

    header: ReportHeader
    type: DocumentType
    """``cash_in`` or ``cash_out``."""
    amount: int
    shift_number: int
    cash_in_drawer: int
    """The drawer after the movement, in kopecks."""
    printed_timestamp: float
    cashier_name: str | None = None

    @property
    def printed_at(self) -> datetime:
        return _moment(self.printed_timestamp)


Printed = Report | PrintedReceipt | CashSlip
"""Whatever a processed document printed."""


class _Phrases:
    """Interned tuples (a status and its message, ...): documents keep their numbers.

    The same few phrases recur in every document; a printer's error message or a callback's
    error adds one the first time it is seen.
    """

    def __init__(self) -> None:
        self._items: list[tuple[Any, ...]] = []
        self._numbers: dict[tuple[Any, ...], int] = {}
        self.final: set[int] = set()
        """The numbers of phrases that begin with a final status."""

    def number(self, phrase: tuple[Any, ...]) -> int:
        found = self._numbers.get(phrase)
        if found is None:
            found = self._numbers[phrase] = len(self._items)
            self._items.append(phrase)
            if phrase[0] in FINAL_STATUSES:
                self.final.add(found)
        return found

    def __getitem__(self, number: int) -> tuple[Any, ...]:
        return self._items[number]


_PHRASES: Final = _Phrases()


def _json_writer() -> Callable[[Any], str]:
    """``json.dumps(value, ensure_ascii=False)``, without making an encoder on every call.

    ``JSONEncoder.encode`` builds the C encoder anew each time; this builds it once, and
    writes ``None`` and texts (most values in a notification) without an encoder at all.
    """
    fallback = json.JSONEncoder(ensure_ascii=False).encode
    if c_make_encoder is None:  # pragma: no cover - CPython always has the C encoder
        return fallback

    def refuse(value: Any) -> Any:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    encoder = c_make_encoder(None, refuse, encode_basestring, None, ": ", ", ", False, False, True)

    def write(value: Any) -> str:
        kind = value.__class__
        if kind is str:
            text: str = encode_basestring(value)
            return text
        if value is None:
            return "null"
        return "".join(encoder(value, 0)) if kind is dict else fallback(value)

    return write


json_text: Final = _json_writer()
"""``json.dumps(value, ensure_ascii=False)``, made cheaply (the callback data of every request)."""
# A status change: when (a timestamp) and the phrase of (status, message).
_STEP: Final = struct.Struct("<dI")
_PHRASE_OF_LAST_STEP: Final = struct.Struct("<I")  # the last 4 bytes of a step
# A callback try: sent_at, the phrase of (status, encoding, status word, error), the try's
# number, and the HTTP status (0: no answer).
_TRY: Final = struct.Struct("<dIHH")


class CallbackAttempt:
    """One try at delivering a notification."""

    __slots__ = ("_sent_at", "attempt", "encoding", "error", "http_status", "status", "status_word")

    def __init__(
        self,
        status: DocumentStatus,
        attempt: int,
        sent_at: float,
        encoding: str,
        status_word: str,
        *,
        http_status: int | None = None,
        error: str | None = None,
    ) -> None:
        self.status = status
        self.attempt = attempt
        self._sent_at = sent_at
        """A POSIX timestamp."""
        self.encoding = encoding
        """The callback encoding used for this try (``multipart``, ``form`` or ``json``)."""
        self.status_word = status_word
        """The word the notification's ``status`` carried on the wire."""
        self.http_status = http_status
        self.error = error

    @property
    def sent_at(self) -> datetime:
        return _moment(self._sent_at)

    @property
    def delivered(self) -> bool:
        return self.http_status == 200

    def packed(self) -> bytes:
        phrase = _PHRASES.number((self.status, self.encoding, self.status_word, self.error))
        return _TRY.pack(self._sent_at, phrase, self.attempt, self.http_status or 0)

    @classmethod
    def unpacked(cls, data: bytes, offset: int) -> CallbackAttempt:
        sent_at, phrase, attempt, http_status = _TRY.unpack_from(data, offset)
        status, encoding, word, error = _PHRASES[phrase]
        made = cls(status, attempt, sent_at, encoding, word, error=error)
        made.http_status = http_status or None
        return made


class Document(_NamesCashier):
    """A cloud-print document: a report (X, opening, Z), a receipt or a cash movement.

    Compact: its status history and callback tries are packed bytes (times as timestamps,
    statuses and messages as interned phrases), ``callback_data`` is kept as JSON text; the
    properties give them back as objects.
    """

    __slots__ = (
        "_callback_data",
        "_callbacks",
        "_cashier",
        "_history",
        "callback_url",
        "company_id",
        "ext_id",
        "login",
        "printer_serial",
        "report",
        "sale",
        "type",
        "uuid",
    )

    def __init__(
        self,
        *,
        uuid: str,
        company_id: int,
        login: str,
        printer_serial: str,
        created_at: float,
        ext_id: str | None = None,
        callback_url: str | None = None,
        callback_data: Any = None,
        type: DocumentType = DocumentType.X_REPORT,  # noqa: A002 - the wire's name
        cashier_name: str | None = None,
        cashier_inn: str | None = None,
        message: str = "",
        sale: Receipt | int | None = None,
    ) -> None:
        self.uuid = uuid
        self.company_id = company_id
        self.login = login
        self.printer_serial = printer_serial
        self.ext_id = ext_id
        self.callback_url = callback_url
        self._callback_data = None if callback_data is None else json_text(callback_data)
        self.type = type
        self._cashier = None if cashier_name is cashier_inn is None else (cashier_name, cashier_inn)
        self.report: Printed | None = None
        self.sale = sale
        """A receipt's :class:`Receipt`, a cash movement's amount in kopecks, else ``None``."""
        self._history = _STEP.pack(created_at, _PHRASES.number((DocumentStatus.QUEUED, message)))
        self._callbacks: bytes | None = None

    @property
    def callback_data(self) -> Any:
        """What the request sent as ``callback_data`` (decoded anew on each read)."""
        return None if self._callback_data is None else json.loads(self._callback_data)

    @property
    def callback_data_json(self) -> str:
        """``callback_data`` as JSON text, as it goes into a notification."""
        return "null" if self._callback_data is None else self._callback_data

    @property
    def cashier(self) -> tuple[str | None, str | None] | None:
        """(name, INN) of the cashier the request named, or ``None``; its report shares it."""
        return self._cashier

    def _last(self) -> tuple[Any, ...]:
        _at, phrase = _STEP.unpack_from(self._history, len(self._history) - _STEP.size)
        return _PHRASES[phrase]

    @property
    def status(self) -> DocumentStatus:
        status: DocumentStatus = self._last()[0]
        return status

    @property
    def message(self) -> str:
        message: str = self._last()[1]
        return message

    @property
    def created_at(self) -> datetime:
        return _moment(self.created_timestamp)

    @property
    def created_timestamp(self) -> float:
        """``created_at`` as a POSIX timestamp."""
        at: float = _STEP.unpack_from(self._history, 0)[0]
        return at

    @property
    def updated_at(self) -> datetime:
        return _moment(_STEP.unpack_from(self._history, len(self._history) - _STEP.size)[0])

    @property
    def history(self) -> list[tuple[datetime, DocumentStatus, str]]:
        steps = []
        for at, phrase in _STEP.iter_unpack(self._history):
            status, message = _PHRASES[phrase]
            steps.append((_moment(at), status, message))
        return steps

    def last_step(self) -> tuple[float, DocumentStatus, str]:
        """The latest status change: when (a POSIX timestamp), the status and its message."""
        at, phrase = _STEP.unpack_from(self._history, len(self._history) - _STEP.size)
        status, message = _PHRASES[phrase]
        return at, status, message

    def set_status(self, status: DocumentStatus, message: str, at: float) -> bool:
        """Record a change at ``at`` (a POSIX timestamp); ``False`` when nothing changed."""
        phrase = _PHRASES.number((status, message))
        history = self._history
        if history and _PHRASE_OF_LAST_STEP.unpack_from(history, len(history) - 4)[0] == phrase:
            return False
        self._history = history + _STEP.pack(at, phrase)
        return True

    @property
    def callbacks(self) -> list[CallbackAttempt]:
        """The callback tries so far (new objects: add one with :meth:`add_attempt`)."""
        data = self._callbacks or b""
        return [CallbackAttempt.unpacked(data, at) for at in range(0, len(data), _TRY.size)]

    def add_attempt(self, attempt: CallbackAttempt) -> None:
        self._callbacks = (self._callbacks or b"") + attempt.packed()

    @property
    def final(self) -> bool:
        history = self._history
        last = _PHRASE_OF_LAST_STEP.unpack_from(history, len(history) - 4)[0]
        return last in _PHRASES.final
