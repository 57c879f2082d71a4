"""A bounded journal of the requests the LifePay endpoint received."""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import count
from typing import Any

BODY_PREVIEW_LIMIT = 10_000


@dataclass(slots=True)
class JournalEntry:
    id: int
    received_at: datetime
    method: str
    path: str
    content_type: str
    """The MIME type, without parameters (``application/octet-stream`` when none was sent)."""
    body: str
    content_type_header: str | None = None
    """The ``Content-Type`` header exactly as sent, or ``None`` when there was none."""
    http_status: int | None = None
    response: Any = None
    fault: str | None = None
    duration_ms: float | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["received_at"] = self.received_at.isoformat()
        return data


class Journal:
    """The last ``limit`` requests, newest last."""

    def __init__(self, limit: int = 1000) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=limit)
        self._ids = count(1)

    def record(
        self, received_at: datetime, method: str, path: str, content_type: str, body: bytes
    ) -> JournalEntry:
        entry = JournalEntry(
            id=next(self._ids),
            received_at=received_at,
            method=method,
            path=path,
            content_type=content_type,
            body=body[:BODY_PREVIEW_LIMIT].decode("utf-8", errors="replace"),
        )
        self._entries.append(entry)
        return entry

    def entries(self) -> list[JournalEntry]:
        return list(self._entries)

    def clear(self) -> None:
        self._entries.clear()
