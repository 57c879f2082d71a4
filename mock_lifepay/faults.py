"""Faults scheduled for the next requests to the LifePay endpoint (WireMock's vocabulary)."""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any, Final

from . import bounds
from . import messages as msg


class FaultKind(StrEnum):
    HTTP_STATUS = "http_status"
    """Answer with a non-200 HTTP status and an HTML error page (a failing gateway)."""
    DELAY = "delay"
    """Answer normally, but only after ``seconds``."""
    DROP = "drop"
    """Close the connection without answering."""
    MALFORMED = "malformed"
    """HTTP 200 with a truncated, non-JSON body."""
    EMPTY = "empty"
    """HTTP 200 with an empty body."""
    BODY = "body"
    """HTTP 200 with exactly ``body`` (any text: a broken or unusual envelope)."""
    CODE = "code"
    """HTTP 200 with the envelope for ``code`` (e.g. 500; codes outside LifePay's table too)."""
    SPLIT = "split"
    """The real answer, its body sent in two pieces ``seconds`` apart (a slow proxy, TCP)."""


SPLIT_PAUSE = 0.05
"""The pause between a split answer's two pieces when the fault gives no ``seconds``."""


FIELDS_OF: Final[dict[FaultKind, tuple[str, ...]]] = {
    FaultKind.HTTP_STATUS: ("status",),
    FaultKind.DELAY: ("seconds",),
    FaultKind.DROP: (),
    FaultKind.MALFORMED: (),
    FaultKind.EMPTY: (),
    FaultKind.BODY: ("body",),
    FaultKind.CODE: ("code",),
    FaultKind.SPLIT: ("seconds",),
}
"""The fields each kind takes besides ``kind``, ``times`` and ``process``."""


@dataclass(slots=True)
class Fault:
    """One fault, applied to the next ``times`` requests.

    ``process`` says whether the request still reaches the backend behind the fault (a
    gateway that timed out after the document was made); by default only ``delay`` and
    ``split``, which deliver the real answer, do.
    """

    kind: FaultKind
    times: int = 1
    status: int = 503
    seconds: float = 0.0
    code: int = msg.INTERNAL_ERROR
    process: bool | None = None
    body: str = ""

    @property
    def reaches_backend(self) -> bool:
        if self.process is None:
            return self.kind in (FaultKind.DELAY, FaultKind.SPLIT)
        return self.process

    def to_dict(self) -> dict[str, Any]:
        """The fault as the control API shows it: only the fields its kind uses."""
        shown = asdict(self)
        return {key: shown[key] for key in ("kind", "times", "process", *FIELDS_OF[self.kind])}

    @classmethod
    def from_dict(cls, raw: Any) -> Fault:
        """Build from control-API JSON; raises ``ValueError`` with a readable reason."""
        if not isinstance(raw, dict):
            raise ValueError("a fault is a JSON object")
        unknown = set(raw) - {"kind", "times", "status", "seconds", "code", "process", "body"}
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        if raw.get("kind") not in FaultKind.__members__.values():
            raise ValueError(f"kind must be one of {[k.value for k in FaultKind]}")
        kind = FaultKind(raw["kind"])
        allowed = {"kind", "times", "process", *FIELDS_OF[kind]}
        if misplaced := sorted(set(raw) - allowed):
            raise ValueError(
                f"a {kind.value} fault takes no {', '.join(misplaced)}; "
                f"its fields are {sorted(allowed)}"
            )
        fault = cls(kind=kind)
        fault.times = bounds.FAULT_TIMES.check_int(raw.get("times", fault.times), "times")
        fault.status = bounds.FAULT_STATUS.check_int(raw.get("status", fault.status), "status")
        fault.seconds = bounds.FAULT_SECONDS.check(raw.get("seconds", fault.seconds), "seconds")
        fault.code = bounds.FAULT_CODE.check_int(raw.get("code", fault.code), "code")
        process = raw.get("process")
        if process is not None and not isinstance(process, bool):
            raise ValueError("process must be true or false")
        fault.process = process
        body = raw.get("body", "")
        if not isinstance(body, str) or len(body) > bounds.FAULT_BODY_MAX_LENGTH:
            raise ValueError(
                f"body must be text of at most {bounds.FAULT_BODY_MAX_LENGTH} characters"
            )
        fault.body = body
        return fault


class FaultQueue:
    """Faults in the order they were scheduled; each is used ``times`` times."""

    def __init__(self) -> None:
        self._faults: deque[Fault] = deque()

    def add(self, fault: Fault) -> None:
        self._faults.append(replace(fault))  # a copy: taking it counts down its own times

    def take(self) -> Fault | None:
        """The fault for the request arriving now, if any."""
        if not self._faults:
            return None
        fault = self._faults[0]
        fault.times -= 1
        if fault.times <= 0:
            self._faults.popleft()
        return replace(fault, times=1)

    def pending(self) -> list[Fault]:
        return list(self._faults)

    def clear(self) -> None:
        self._faults.clear()
