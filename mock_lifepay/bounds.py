"""The bounds of every number the mock takes from outside (control API, CLI), in one place.

The checks and the OpenAPI document both come from these: a value out of range is refused with
a message (HTTP 400 on the control API) and the document says the same range.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final


@dataclass(frozen=True, slots=True)
class Bound:
    """A closed range of numbers; ``whole`` for integers."""

    minimum: float
    maximum: float
    whole: bool = False
    unit: str = ""

    def _refuse(self, value: Any, name: str) -> None:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not self.minimum <= value <= self.maximum  # NaN too
            or (self.whole and isinstance(value, float) and not value.is_integer())
        ):
            raise ValueError(f"{name} must be {self.describe()}")

    def check(self, value: Any, name: str) -> float:
        """``value`` as a number within the range; ``ValueError`` with the reason otherwise."""
        self._refuse(value, name)
        return float(value)

    def check_int(self, value: Any, name: str) -> int:
        """``value`` as a whole number within the range; ``ValueError`` otherwise."""
        self._refuse(value, name)
        return int(value)

    def describe(self) -> str:
        kind = "a whole number" if self.whole else "a number"
        unit = f" {self.unit}" if self.unit else ""
        return f"{kind}{unit} from {self.minimum:g} to {self.maximum:g}"

    def schema(self, **extra: Any) -> dict[str, Any]:
        """The JSON Schema of the range (OpenAPI 3.1)."""
        low: float = int(self.minimum) if self.whole else self.minimum
        high: float = int(self.maximum) if self.whole else self.maximum
        return {
            "type": "integer" if self.whole else "number",
            "minimum": low,
            "maximum": high,
            **extra,
        }


DAY: Final = 86_400.0

PROCESSING_DELAY: Final = Bound(0, 3_600, unit="of seconds")
"""A printer takes at most an hour: longer leaves documents queued past any test's patience."""
CALLBACK_TIMEOUT: Final = Bound(0, 300, unit="of seconds")
CALLBACK_RETRY_DELAY: Final = Bound(0, DAY, unit="of seconds")
"""One wait between callback tries: LifePay's longest is an hour; a day is the ceiling."""
CALLBACK_RETRIES: Final = 50
"""At most this many waits (LifePay's payment notifications: 9, for 10 tries)."""
STATUS_WORD_MAX_LENGTH: Final = 64
USER_AGENT_PATTERN: Final = "^[\\x20-\\x7e]{1,200}$"
"""A User-Agent header: 1 to 200 printable ASCII characters (no line breaks)."""
MAX_DOCUMENTS: Final = Bound(0, 10_000_000, whole=True)
SHIFT_AGE_HOURS: Final = Bound(0, 24 * 366, unit="of hours")
"""Up to a year: a register's fiscal drive refuses a shift past 24 hours anyway."""
ERROR_MESSAGE_MAX_LENGTH: Final = 500
SHIFT_OPENED_YEARS: Final = (2000, 2099)
"""Russia's online registers (54-FZ) are far younger than 2000: outside these years, a typo."""
SHIFT_OPENED_PATTERN: Final = "^20[0-9]{2}-"
"""The years above, as the OpenAPI document states them (the year as written)."""

FAULT_TIMES: Final = Bound(1, 10_000, whole=True)
FAULT_STATUS: Final = Bound(400, 599, whole=True)
"""Only error statuses: 1xx hangs clients, 2xx and 3xx are not faults, past 599 breaks them."""
FAULT_SECONDS: Final = Bound(0, 600, unit="of seconds")
FAULT_CODE: Final = Bound(1, 99_999, whole=True)
"""LifePay's codes go up to 6095; any other positive code of that size goes, for tests."""
FAULT_BODY_MAX_LENGTH: Final = 64 * 1024

PORT: Final = Bound(0, 65_535, whole=True)
COMPANIES: Final = Bound(0, 1_000, whole=True)
SEED: Final = Bound(0, 2**63 - 1, whole=True)
