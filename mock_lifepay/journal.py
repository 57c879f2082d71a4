"""A bounded journal of the requests the LifePay endpoint received."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime
from email.parser import HeaderParser
from itertools import count
from typing import Any, Protocol

BODY_PREVIEW_LIMIT = 10_000


class _Envelope(Protocol):
    def envelope(self) -> dict[str, Any]: ...


class JournalEntry:
    """One request and what it was answered.

    Recorded on every request, read rarely: it keeps what it was given (the body's bytes, the
    header's text, the answer) and makes the readable forms (text, MIME type, JSON) on reading.
    """

    __slots__ = (
        "_answer",
        "_body",
        "_ended",
        "_received_at",
        "_started",
        "content_type_header",
        "fault",
        "http_status",
        "id",
        "method",
        "path",
    )

    def __init__(
        self,
        id: int,  # noqa: A002 - the journal's field name
        received_at: float,
        method: str,
        path: str,
        *,
        content_type_header: str | None,
        body: bytes,
        started: float,
    ) -> None:
        self.id = id
        self._received_at = received_at
        self.method = method
        self.path = path
        self.content_type_header = content_type_header
        """The ``Content-Type`` header exactly as sent, or ``None`` when there was none."""
        self._body = body
        self._started = started
        self._ended: float | None = None
        self._answer: _Envelope | dict[str, Any] | None = None
        self.http_status: int | None = None
        self.fault: str | None = None

    @property
    def received_at(self) -> datetime:
        return datetime.fromtimestamp(self._received_at, UTC)

    @property
    def content_type(self) -> str:
        """The MIME type, without parameters (``application/octet-stream`` when none was sent)."""
        if self.content_type_header is None:
            return "application/octet-stream"
        # As aiohttp's request.content_type reads it (the standard library's header parser).
        header = HeaderParser().parsestr(f"Content-Type: {self.content_type_header}")
        return header.get_content_type()

    @property
    def body(self) -> str:
        return self._body[:BODY_PREVIEW_LIMIT].decode("utf-8", errors="replace")

    @property
    def response(self) -> Any:
        """The envelope answered, or ``None`` when none was (a transport fault)."""
        answer = self._answer
        if answer is None or isinstance(answer, dict):
            return answer
        return answer.envelope()

    @response.setter
    def response(self, answer: _Envelope | dict[str, Any] | None) -> None:
        """An object with ``envelope()`` (made into JSON when read) or the envelope itself."""
        self._answer = answer

    @property
    def duration_ms(self) -> float | None:
        return None if self._ended is None else round((self._ended - self._started) * 1000, 3)

    def answered(self, ended: float) -> None:
        """The answer left at ``ended`` (the monotonic clock of ``started``)."""
        self._ended = ended

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "received_at": self.received_at.isoformat(),
            "method": self.method,
            "path": self.path,
            "content_type": self.content_type,
            "body": self.body,
            "content_type_header": self.content_type_header,
            "http_status": self.http_status,
            "response": self.response,
            "fault": self.fault,
            "duration_ms": self.duration_ms,
        }


# A request answered at once with 200, as the endpoint records it: id, received_at, method,
# path, Content-Type header, body, started, ended, answer. Made a JournalEntry when read.
type _Answered = tuple[int, float, str, str, str | None, bytes, float, float, _Envelope]


class Journal:
    """The last ``limit`` requests, newest last."""

    def __init__(self, limit: int = 1000) -> None:
        self._entries: deque[JournalEntry | _Answered] = deque(maxlen=limit)
        self._ids = count(1)

    def record(
        self,
        received_at: float,
        method: str,
        path: str,
        content_type_header: str | None,
        body: bytes,
        *,
        started: float,
    ) -> JournalEntry:
        """A new entry: ``received_at`` a POSIX timestamp, ``started`` the monotonic clock."""
        entry = JournalEntry(
            next(self._ids),
            received_at,
            method,
            path,
            content_type_header=content_type_header,
            body=body,
            started=started,
        )
        self._entries.append(entry)
        return entry

    def record_answered(
        self,
        received_at: float,
        method: str,
        path: str,
        *,
        content_type_header: str | None,
        body: bytes,
        answer: _Envelope,
        started: float,
        ended: float,
    ) -> None:
        """A request answered with HTTP 200 and ``answer``, in one step.

        The endpoint's usual case: a tuple now, an entry when someone reads the journal.
        """
        self._entries.append(
            (
                next(self._ids),
                received_at,
                method,
                path,
                content_type_header,
                body,
                started,
                ended,
                answer,
            )
        )

    def entries(self) -> list[JournalEntry]:
        if any(entry.__class__ is tuple for entry in self._entries):
            self._entries = deque(map(_entry, self._entries), maxlen=self._entries.maxlen)
        return list(self._entries)  # type: ignore[arg-type] # all entries now

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()


def _entry(recorded: JournalEntry | _Answered) -> JournalEntry:
    if isinstance(recorded, JournalEntry):
        return recorded
    id_, received_at, method, path, content_type_header, body, started, ended, answer = recorded
    entry = JournalEntry(
        id_,
        received_at,
        method,
        path,
        content_type_header=content_type_header,
        body=body,
        started=started,
    )
    entry.http_status = 200
    entry.response = answer
    entry.answered(ended)
    return entry
