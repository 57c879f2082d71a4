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
    """A parsed callback about one document."""

    uuid: str | None
    ext_id: str | None
    status: DocumentStatus
    message: str
    target_serial: str | None = None
    document_type: str | None = None
    callback_data: JsonValue = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
