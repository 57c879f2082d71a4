"""Parsing of control-API patches that need more than a type check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from . import bounds
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
        if error_message is not None and (
            not isinstance(error_message, str)
            or len(error_message) > bounds.ERROR_MESSAGE_MAX_LENGTH
        ):
            raise ValueError(
                f"error_message must be text of at most {bounds.ERROR_MESSAGE_MAX_LENGTH} "
                "characters, or null"
            )
        shift = patch.get("shift")
        if "shift" in patch and shift not in ("open", "closed"):
            raise ValueError("shift must be 'open' or 'closed'")
        if "shift_opened_at" in patch and "shift_age_hours" in patch:
            raise ValueError("send shift_opened_at or shift_age_hours, not both")
        opened_at = None
        if "shift_opened_at" in patch:
            opened_at = _moment(patch["shift_opened_at"])
        if "shift_age_hours" in patch:
            hours = bounds.SHIFT_AGE_HOURS.check(patch["shift_age_hours"], "shift_age_hours")
            opened_at = now - timedelta(hours=hours)
        closes = shift == "closed" or state is PrinterState.SHIFT_CLOSED
        if closes and (opened_at is not None or shift == "open"):
            raise ValueError("a patch that closes the shift cannot open it or set its opening time")
        return cls(
            state=state,
            error_message=error_message,
            open_shift=shift == "open",
            close_shift=shift == "closed",
            shift_opened_at=opened_at,
        )


def _moment(raw: Any) -> datetime:
    """An ISO 8601 date and time in the years the mock takes; one without an offset is UTC."""
    first, last = bounds.SHIFT_OPENED_YEARS
    reason = f"shift_opened_at must be an ISO 8601 date and time in the years {first} to {last}"
    if not isinstance(raw, str):
        raise ValueError(reason)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(reason) from None
    if not first <= moment.year <= last:
        raise ValueError(reason)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
