"""The mock's state: companies, trade points, logins, printers, documents. Plain Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


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


class DocumentStatus(StrEnum):
    """A cloud-print document's processing status.

    ``queued`` is the state on creation; the other three are the statuses LifePay notifies.
    """

    QUEUED = "queued"
    PROCESSED = "processed"
    AWAITING_RETRY = "awaiting_retry"
    ERROR = "error"


FINAL_STATUSES = frozenset({DocumentStatus.PROCESSED, DocumentStatus.ERROR})


@dataclass(slots=True)
class Shift:
    """The printer's current (or last) shift and its running totals, in kopecks."""

    number: int
    opened_at: datetime
    closed_at: datetime | None = None
    """When a Z-report (or the control API) closed it; ``None`` while it is open."""
    sales_count: int = 0
    sales_total: int = 0
    returns_count: int = 0
    returns_total: int = 0
    cash_in: int = 0
    cash_out: int = 0
    cash_sales: int = 0
    cash_returns: int = 0

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


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


@dataclass(slots=True)
class Report:
    """A printed report: the shift's opening, or a snapshot of its running totals (X or Z)."""

    serial: str
    model: str
    company_name: str
    inn: str
    address: str
    shift_number: int
    shift_opened_at: datetime
    printed_at: datetime
    fiscal_document_number: int
    sales_count: int
    sales_total: int
    returns_count: int
    returns_total: int
    cash_in: int
    cash_out: int
    cash_in_drawer: int
    non_cash_total: int
    type: DocumentType = DocumentType.X_REPORT
    shift_closed_at: datetime | None = None
    """Set on a Z-report: the shift it closed ended when it was printed."""
    cashier_name: str | None = None
    cashier_inn: str | None = None


XReport = Report  # the name before shift openings and Z-reports were printed too


@dataclass(slots=True)
class CallbackAttempt:
    """One try at delivering a notification."""

    status: DocumentStatus
    attempt: int
    sent_at: datetime
    encoding: str
    """The callback encoding used for this try (``multipart``, ``form`` or ``json``)."""
    status_word: str
    """The word the notification's ``status`` carried on the wire."""
    http_status: int | None = None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.http_status == 200


@dataclass(slots=True)
class Document:
    """A cloud-print document: an X-report, a shift opening or a Z-report."""

    uuid: str
    company_id: int
    login: str
    printer_serial: str
    created_at: datetime
    updated_at: datetime
    ext_id: str | None = None
    callback_url: str | None = None
    callback_data: Any = None
    type: DocumentType = DocumentType.X_REPORT
    cashier_name: str | None = None
    cashier_inn: str | None = None
    status: DocumentStatus = DocumentStatus.QUEUED
    message: str = ""
    report: Report | None = None
    history: list[tuple[datetime, DocumentStatus, str]] = field(default_factory=list)
    callbacks: list[CallbackAttempt] = field(default_factory=list)

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES
