"""Plain data types shared by the client, the callback parser and their callers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

type JsonValue = str | int | float | bool | list[JsonValue] | dict[str, JsonValue] | None


class DocumentStatus(StrEnum):
    """Processing status of a cloud-print document, as carried by callbacks.

    LifePay's page names the three statuses that trigger a notification but not their wire
    values; these are the values this project (and its mock) uses.
    """

    PROCESSED = "processed"
    AWAITING_RETRY = "awaiting_retry"
    ERROR = "error"


class DocumentKind(StrEnum):
    """The cloud-print documents of a shop's fiscal day; all three share one request shape.

    The values are what callbacks carry as ``type`` (the mock's choice: LifePay's pages do not
    name them) and what this project stores.
    """

    X_REPORT = "x_report"
    """The shift's running totals, without closing it (``create-x-report``)."""
    OPEN_SHIFT = "open_shift"
    """Open the printer's shift (``create-session``)."""
    Z_REPORT = "z_report"
    """Close the shift with its totals (``create-z-report``)."""

    @property
    def path(self) -> str:
        return _PATHS[self]

    @property
    def names_cashier(self) -> bool:
        """Whether the request may carry ``cashier_name`` and ``cashier_inn``."""
        return self is not DocumentKind.X_REPORT


_PATHS = {
    DocumentKind.X_REPORT: "/cloud-print/create-x-report",
    DocumentKind.OPEN_SHIFT: "/cloud-print/create-session",
    DocumentKind.Z_REPORT: "/cloud-print/create-z-report",
}


@dataclass(frozen=True, slots=True)
class Cashier:
    """Who opens or closes the shift, as printed on the document; both fields are optional."""

    name: str | None = None
    inn: str | None = None


@dataclass(frozen=True, slots=True)
class PrintResult:
    """What LifePay answered to an accepted print request."""

    uuid: str | None
    """The document's id; ``None`` in test mode, where LifePay creates no document."""
    ext_id: str | None
    """The ``ext_id`` sent with the request (repeat it when retrying)."""
    test: bool


@dataclass(frozen=True, slots=True)
class CallbackNotification:
    """A parsed callback about one document; nothing in it is trusted yet."""

    uuid: str | None
    ext_id: str | None
    status: DocumentStatus | None
    """The document's status: ``ERROR`` when an ``error_code`` came; else the meaning of
    ``status_word``; else ``PROCESSED`` for a receipt's ``ofd_url`` without a status word;
    ``None`` when none of them says anything we know."""
    message: str
    status_word: str | None = None
    """The status exactly as LifePay sent it."""
    target_serial: str | None = None
    callback_data: JsonValue = None
    ofd_url: str | None = None
    """A receipt's page at the fiscal data operator (receipt callbacks)."""
    error_code: str | None = None
    """LifePay's error code as text (numbers become text); its presence means the document
    failed, as public receivers of receipt callbacks read it."""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    """Fields this integration does not know, kept for whoever listens to the event."""
