"""Parsing of control-API patches that need more than a type check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .models import PrinterState


@dataclass(frozen=True, slots=True)
class PrinterPatch:
    """A checked ``PATCH /_mock/printers/{serial}`` body; nothing is applied until all is valid."""

    state: PrinterState | None = None
    error_message: str | None = None
    open_shift: bool = False
    close_shift: bool = False
    shift_opened_at: datetime | None = None

    @classmethod
    def parse(cls, patch: dict[str, Any], now: datetime) -> PrinterPatch:
        """Raise ``ValueError`` with a readable reason when a field is wrong."""
        state = None
        if "state" in patch:
            try:
                state = PrinterState(patch["state"])
            except ValueError:
                choices = [s.value for s in PrinterState]
                raise ValueError(f"state must be one of {choices}") from None
        error_message = patch.get("error_message")
        if error_message is not None and not isinstance(error_message, str):
            raise ValueError("error_message must be text or null")
        shift = patch.get("shift")
        if shift not in (None, "open", "closed"):
            raise ValueError("shift must be 'open' or 'closed'")
        if "shift_opened_at" in patch and "shift_age_hours" in patch:
            raise ValueError("send shift_opened_at or shift_age_hours, not both")
        opened_at = None
        if "shift_opened_at" in patch:
            opened_at = _moment(patch["shift_opened_at"])
        if "shift_age_hours" in patch:
            hours = patch["shift_age_hours"]
            if isinstance(hours, bool) or not isinstance(hours, int | float) or hours < 0:
                raise ValueError("shift_age_hours must be a number of hours, 0 or more")
            opened_at = now - timedelta(hours=hours)
        if opened_at is not None and shift == "closed":
            raise ValueError("a closed shift has no opening time to set: open it")
        return cls(
            state=state,
            error_message=error_message,
            open_shift=shift == "open",
            close_shift=shift == "closed",
            shift_opened_at=opened_at,
        )


def _moment(raw: Any) -> datetime:
    """An ISO 8601 date and time; one without an offset is UTC."""
    if not isinstance(raw, str):
        raise ValueError("shift_opened_at must be an ISO 8601 date and time")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError("shift_opened_at must be an ISO 8601 date and time") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
