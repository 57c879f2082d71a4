"""Faults scheduled for the next requests to the LifePay endpoint (WireMock's vocabulary)."""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

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
        return asdict(self)

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
        fault = cls(kind=kind)
        fault.times = _number(raw, "times", int, fault.times, minimum=1)
        fault.status = _number(raw, "status", int, fault.status, minimum=100)
        fault.seconds = float(_number(raw, "seconds", float, fault.seconds, minimum=0))
        fault.code = _number(raw, "code", int, fault.code, minimum=1)
        if kind is FaultKind.HTTP_STATUS and fault.status == 200:
            raise ValueError("an http_status fault needs a status other than 200")
        process = raw.get("process")
        if process is not None and not isinstance(process, bool):
            raise ValueError("process must be true or false")
        fault.process = process
        body = raw.get("body", "")
        if not isinstance(body, str):
            raise ValueError("body must be text")
        fault.body = body
        return fault


def _number[N: (int, float)](
    raw: dict[str, Any], key: str, kind: type[N], default: N, *, minimum: float
) -> N:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key} must be a number")
    if kind is int and not float(value).is_integer():
        raise ValueError(f"{key} must be a whole number")
    if value < minimum:
        raise ValueError(f"{key} must be at least {minimum:g}")
    return kind(value)


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
