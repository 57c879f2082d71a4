"""Asking the journal what was received, as WireMock's ``verify`` does.

A :class:`RequestPattern` selects journal entries by path, document type, login, printer serial,
ext_id and time; the control API counts and lists them (``GET /_mock/journal?...``,
``GET /_mock/journal/count?...``) and the pytest plugin's ``assert_received`` explains a miss
with the requests nearest to the pattern.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any, Final

from .journal import JournalEntry
from .models import DocumentType

# What a pattern may name; the query parameters of the same names.
PATTERN_FIELDS: Final = ("path", "type", "login", "serial", "ext_id", "since", "until")


@dataclass(frozen=True, slots=True)
class RequestPattern:
    """What a received request must match; a field left ``None`` matches anything."""

    path: str | None = None
    type: DocumentType | None = None
    """The document the endpoint makes (its path says which)."""
    login: str | None = None
    serial: str | None = None
    """The request's ``target_serial``."""
    ext_id: str | None = None
    since: datetime | None = None
    """Received at or after."""
    until: datetime | None = None
    """Received at or before."""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> RequestPattern:
        """From query parameters; raises ``ValueError`` with a readable reason."""
        unknown = sorted(set(query) - set(PATTERN_FIELDS))
        if unknown:
            raise ValueError(f"unknown filters {unknown}: use any of {list(PATTERN_FIELDS)}")
        kind = None
        if "type" in query:
            try:
                kind = DocumentType(query["type"])
            except ValueError:
                choices = [t.value for t in DocumentType]
                raise ValueError(f"type must be one of {choices}") from None
        return cls(
            path=query.get("path"),
            type=kind,
            login=query.get("login"),
            serial=query.get("serial"),
            ext_id=query.get("ext_id"),
            since=_moment(query, "since"),
            until=_moment(query, "until"),
        )

    def criteria(self) -> dict[str, Any]:
        """The fields set, for messages."""
        named = {f.name: getattr(self, f.name) for f in fields(self)}
        return {key: _shown(value) for key, value in named.items() if value is not None}

    def misses(self, entry: JournalEntry, endpoints: Mapping[str, DocumentType]) -> list[str]:
        """The criteria ``entry`` fails (empty: it matches)."""
        body = _body(entry)
        received = entry.received_at
        checks = (
            ("path", self.path, entry.path),
            ("type", self.type, endpoints.get(entry.path)),
            ("login", self.login, body.get("login")),
            ("serial", self.serial, body.get("target_serial")),
            ("ext_id", self.ext_id, body.get("ext_id")),
        )
        missed = [name for name, wanted, got in checks if wanted is not None and wanted != got]
        if self.since is not None and received < self.since:
            missed.append("since")
        if self.until is not None and received > self.until:
            missed.append("until")
        return missed


def pattern_of(criteria: Mapping[str, Any]) -> RequestPattern:
    """A pattern from keyword criteria; ``type`` may be a :class:`DocumentType` or its value."""
    kind = criteria.get("type")
    if isinstance(kind, str):
        criteria = {**criteria, "type": DocumentType(kind)}
    return RequestPattern(**criteria)


def assert_received(
    entries: list[JournalEntry],
    endpoints: Mapping[str, DocumentType],
    count: int | None,
    criteria: Mapping[str, Any],
) -> list[JournalEntry]:
    """The entries matching ``criteria``; ``AssertionError`` with the nearest ones when there
    are none (``count`` None) or not exactly ``count``."""
    pattern = pattern_of(criteria)
    matched = select(entries, pattern, endpoints)
    if (count is None and not matched) or (count is not None and len(matched) != count):
        expected = "at least 1 request" if count is None else f"{count} request(s)"
        raise AssertionError(
            explain_miss(entries, pattern, endpoints, expected=expected, found=len(matched))
        )
    return matched


def select(
    entries: list[JournalEntry], pattern: RequestPattern, endpoints: Mapping[str, DocumentType]
) -> list[JournalEntry]:
    return [entry for entry in entries if not pattern.misses(entry, endpoints)]


def explain_miss(
    entries: list[JournalEntry],
    pattern: RequestPattern,
    endpoints: Mapping[str, DocumentType],
    *,
    expected: str,
    found: int,
    nearest: int = 3,
) -> str:
    """A failure message: what was wanted, what came, and the requests nearest to it."""
    ranked = sorted(
        enumerate(entries), key=lambda item: (len(pattern.misses(item[1], endpoints)), -item[0])
    )
    lines = [
        f"expected {expected} matching {pattern.criteria()}, found {found} "
        f"(of {len(entries)} in the journal)"
    ]
    if not entries:
        lines.append("the journal is empty: no request reached LifePay's endpoints")
    else:
        lines.append("nearest requests:")
        for _index, entry in ranked[:nearest]:
            missed = pattern.misses(entry, endpoints)
            why = f"differs in {', '.join(missed)}" if missed else "matches"
            lines.append(
                f"  #{entry.id} {entry.received_at.isoformat()} {entry.method} {entry.path} "
                f"({why}): {entry.body[:300]}"
            )
    return "\n".join(lines)


def _body(entry: JournalEntry) -> dict[str, Any]:
    """The request's JSON object, or nothing when it was not one (as the endpoint reads it)."""
    try:
        body = json.loads(entry.body)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _moment(query: Mapping[str, str], key: str) -> datetime | None:
    if key not in query:
        return None
    try:
        moment = datetime.fromisoformat(query[key])
    except ValueError:
        raise ValueError(f"{key} must be an ISO 8601 date and time") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _shown(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, DocumentType):
        return value.value
    return value
