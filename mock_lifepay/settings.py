"""Timing and delivery settings of a mock instance, changeable at run time."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any

# LifePay's payment notifications: retried after 1, 3, 5, 10 minutes, then hourly, 10 tries in all.
DEFAULT_CALLBACK_RETRY_DELAYS = (60.0, 180.0, 300.0, 600.0, 3600.0, 3600.0, 3600.0, 3600.0, 3600.0)


class CallbackEncoding(StrEnum):
    FORM = "form"
    """``application/x-www-form-urlencoded`` body ``data=<json>``."""
    JSON = "json"
    """``application/json`` body ``{"data": {...}}``."""


@dataclass(slots=True)
class Settings:
    processing_delay: float = 2.0
    """Seconds a printer takes to print a document."""
    callback_encoding: CallbackEncoding = CallbackEncoding.FORM
    callback_retry_delays: tuple[float, ...] = field(default=DEFAULT_CALLBACK_RETRY_DELAYS)
    """Waits between delivery tries of one notification; its length + 1 is the number of tries."""
    callback_timeout: float = 10.0
    """Seconds to wait for the receiver's answer before a try counts as failed."""
    max_documents: int = 10_000
    """History kept: past this, the oldest finished documents are forgotten (0: keep all)."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["callback_retry_delays"] = list(self.callback_retry_delays)
        return data

    def update(self, raw: Any) -> None:
        """Apply a control-API patch; raises ``ValueError`` and changes nothing when invalid."""
        if not isinstance(raw, dict):
            raise ValueError("settings are a JSON object")
        known = {f.name for f in fields(self)}
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        changes: dict[str, Any] = {}
        for key in ("processing_delay", "callback_timeout"):
            if key in raw:
                changes[key] = _seconds(raw[key], key)
        if "max_documents" in raw:
            value = raw["max_documents"]
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError("max_documents must be a whole number, 0 or more")
            changes["max_documents"] = value
        if "callback_encoding" in raw:
            try:
                changes["callback_encoding"] = CallbackEncoding(raw["callback_encoding"])
            except ValueError:
                raise ValueError("callback_encoding must be 'form' or 'json'") from None
        if "callback_retry_delays" in raw:
            delays = raw["callback_retry_delays"]
            if not isinstance(delays, list):
                raise ValueError("callback_retry_delays must be a list of seconds")
            changes["callback_retry_delays"] = tuple(
                _seconds(delay, "callback_retry_delays") for delay in delays
            )
        for key, value in changes.items():
            setattr(self, key, value)


def _seconds(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{key} must be a number of seconds, 0 or more")
    return float(value)
