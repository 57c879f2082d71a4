"""Timing and delivery settings of a mock instance, changeable at run time."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any, Final

from . import bounds
from .models import DocumentStatus

# What LifePay's sender (GuzzleHttp 7, PHP) puts in User-Agent; Guzzle adds curl's and PHP's
# versions after it, which vary by server.
LIFEPAY_USER_AGENT: Final = "GuzzleHttp/7"
# LifePay's payment notifications: retried after 1, 3, 5, 10 minutes, then hourly, 10 tries in all.
DEFAULT_CALLBACK_RETRY_DELAYS = (60.0, 180.0, 300.0, 600.0, 3600.0, 3600.0, 3600.0, 3600.0, 3600.0)

NOTIFIED_STATUSES: Final = (
    DocumentStatus.PROCESSED,
    DocumentStatus.AWAITING_RETRY,
    DocumentStatus.ERROR,
)
STATUS_WORD_PRESETS: Final[Mapping[str, Mapping[str, str]]] = {
    # The mock's own words: the statuses' names.
    "document": {},
    # The words of the one captured LifePay (payment) notification; it has no awaiting-retry word.
    "payment": {DocumentStatus.PROCESSED.value: "success", DocumentStatus.ERROR.value: "fail"},
}


class CallbackEncoding(StrEnum):
    MULTIPART = "multipart"
    """``multipart/form-data`` with one field ``data``, as LifePay's GuzzleHttp sender does."""
    FORM = "form"
    """``application/x-www-form-urlencoded`` body ``data=<json>``."""
    JSON = "json"
    """``application/json`` body ``{"data": {...}}``."""


def parse_status_words(raw: Any) -> dict[str, str]:
    """A preset name or a status-to-word mapping, checked; raises ``ValueError``."""
    if isinstance(raw, str):
        if raw not in STATUS_WORD_PRESETS:
            raise ValueError(
                f"callback_status_words: unknown preset {raw!r}; "
                f"the presets are {sorted(STATUS_WORD_PRESETS)}, or a JSON object of words"
            )
        return dict(STATUS_WORD_PRESETS[raw])
    if not isinstance(raw, dict):
        raise ValueError(
            "callback_status_words must be a preset name or an object mapping statuses to words"
        )
    statuses = [status.value for status in NOTIFIED_STATUSES]
    words: dict[str, str] = {}
    for status, word in raw.items():
        if status not in statuses:
            raise ValueError(
                f"callback_status_words: {status!r} is not a notified status; use {statuses}"
            )
        if not isinstance(word, str) or not 0 < len(word) <= bounds.STATUS_WORD_MAX_LENGTH:
            raise ValueError(
                f"callback_status_words[{status!r}] must be non-empty text of at most "
                f"{bounds.STATUS_WORD_MAX_LENGTH} characters"
            )
        words[status] = word
    return words


def parse_user_agent(raw: Any) -> str:
    """A User-Agent header value, checked; raises ``ValueError``."""
    if not isinstance(raw, str) or not re.fullmatch(bounds.USER_AGENT_PATTERN, raw):
        raise ValueError(
            "callback_user_agent must be 1 to 200 printable ASCII characters, e.g. "
            f"{LIFEPAY_USER_AGENT!r}"
        )
    return raw


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false")
    return value


@dataclass(slots=True)
class Settings:
    processing_delay: float = 2.0
    """Seconds a printer takes to print a document."""
    callback_encoding: CallbackEncoding = CallbackEncoding.MULTIPART
    callback_status_words: dict[str, str] = field(default_factory=dict)
    """The word a callback's ``status`` carries per status; a status not named keeps its name."""
    callback_retry_delays: tuple[float, ...] = field(default=DEFAULT_CALLBACK_RETRY_DELAYS)
    """Waits between delivery tries of one notification; its length + 1 is the number of tries."""
    callback_timeout: float = 10.0
    """Seconds to wait for the receiver's answer before a try counts as failed."""
    callback_user_agent: str = LIFEPAY_USER_AGENT
    """The User-Agent header of every callback."""
    background_sales: bool = False
    """X- and Z-reports first ring up random sales made at the till (not through the cloud);
    off by default, so a shift's totals are exactly its receipts' and cash movements'."""
    max_documents: int = 10_000
    """History kept: past this, the oldest finished documents are forgotten, a sixteenth of it at
    a time (0: keep all)."""

    def status_word(self, status: DocumentStatus) -> str:
        """The word put on the wire for ``status``."""
        return self.callback_status_words.get(status.value, status.value)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["callback_retry_delays"] = list(self.callback_retry_delays)
        return data

    def update(self, raw: Any) -> None:
        """Apply a control-API patch; raises ``ValueError`` and changes nothing when invalid."""
        known = [f.name for f in fields(self)]
        if not isinstance(raw, dict) or not raw:
            raise ValueError(f"send one or more of {known}")
        unknown = set(raw) - set(known)
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        changes: dict[str, Any] = {}
        if "processing_delay" in raw:
            changes["processing_delay"] = bounds.PROCESSING_DELAY.check(
                raw["processing_delay"], "processing_delay"
            )
        if "callback_timeout" in raw:
            changes["callback_timeout"] = bounds.CALLBACK_TIMEOUT.check(
                raw["callback_timeout"], "callback_timeout"
            )
        if "max_documents" in raw:
            changes["max_documents"] = bounds.MAX_DOCUMENTS.check_int(
                raw["max_documents"], "max_documents"
            )
        changes |= {name: _flag(raw[name], name) for name in ("background_sales",) if name in raw}
        if "callback_encoding" in raw:
            try:
                changes["callback_encoding"] = CallbackEncoding(raw["callback_encoding"])
            except ValueError:
                choices = ", ".join(repr(encoding.value) for encoding in CallbackEncoding)
                raise ValueError(f"callback_encoding must be one of {choices}") from None
        if "callback_status_words" in raw:
            changes["callback_status_words"] = parse_status_words(raw["callback_status_words"])
        if "callback_user_agent" in raw:
            changes["callback_user_agent"] = parse_user_agent(raw["callback_user_agent"])
        if "callback_retry_delays" in raw:
            delays = raw["callback_retry_delays"]
            if not isinstance(delays, list) or len(delays) > bounds.CALLBACK_RETRIES:
                raise ValueError(
                    f"callback_retry_delays must be a list of at most {bounds.CALLBACK_RETRIES} "
                    "waits in seconds"
                )
            changes["callback_retry_delays"] = tuple(
                bounds.CALLBACK_RETRY_DELAY.check(delay, "each of callback_retry_delays")
                for delay in delays
            )
        for key, value in changes.items():
            setattr(self, key, value)
