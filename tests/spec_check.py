"""Check the mock's answers against its OpenAPI document, so the spec cannot drift from the code.

:class:`SpecRecorder` is an aiohttp middleware the suite's ``lifepay_mock`` fixture puts in front
of every handler; after the test, each recorded answer is matched to its operation and response
in the spec and its JSON body validated with the OpenAPI 3.1 schema validator.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec

from mock_lifepay.faults import FaultKind
from mock_lifepay.openapi import build_spec
from mock_lifepay.server import ENDPOINTS, FAULT_KEY, LIFEPAY_CONTENT_TYPE

# Faults whose whole point is an answer that is not LifePay's: not held to the spec.
UNSPECIFIED_FAULTS = frozenset({FaultKind.MALFORMED, FaultKind.EMPTY, FaultKind.BODY})


@functools.cache
def spec() -> dict[str, Any]:
    """The mock's document, checked once per run by openapi-spec-validator."""
    document = build_spec("http://127.0.0.1")
    validate_spec(document)
    return document


@functools.cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    """Path templates as patterns; exact paths first, so /a/b beats /a/{x}."""
    paths = sorted(spec()["paths"], key=lambda path: path.count("{"))

    def pattern(template: str) -> re.Pattern[str]:
        parts = template.split("/")
        return re.compile("/".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))

    return [(pattern(template), template) for template in paths]


def schema_errors(instance: Any, schema: dict[str, Any]) -> list[str]:
    """Errors of ``instance`` against a schema of the spec (``$ref``s resolve in the spec)."""
    rooted = {"allOf": [schema], "components": spec()["components"]}
    validator = OAS31Validator(rooted, format_checker=OAS31Validator.FORMAT_CHECKER)
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def answer_problems(
    method: str, path: str, status: int, content_type: str | None, body: bytes | None
) -> list[str]:
    """What is wrong with one answer, judged by the spec; empty when it conforms."""
    where = f"{method} {path} -> {status}"
    template = next((t for pattern, t in _templates() if pattern.fullmatch(path)), None)
    operation = spec()["paths"][template].get(method.lower()) if template else None
    if operation is None:
        # The router's own answers for what the mock does not serve.
        return [] if status in (404, 405) else [f"{where}: no such operation in the spec"]
    responses = operation["responses"]
    response = responses.get(str(status)) or responses.get(f"{status // 100}XX")
    if response is None:
        return [f"{where}: status not in the spec"]
    content = response.get("content")
    if not content:
        return [f"{where}: the spec has no body, the mock sent one"] if body else []
    mime = (content_type or "").split(";", 1)[0].strip()
    if mime not in content:
        return [f"{where}: {mime!r} is not one of {sorted(content)}"]
    problems = []
    if path in ENDPOINTS and status == 200 and content_type != LIFEPAY_CONTENT_TYPE:
        problems.append(f"{where}: Content-Type {content_type!r}, not LifePay's")
    if mime == "application/json" and body is not None:
        try:
            document = json.loads(body)
        except ValueError:
            return [*problems, f"{where}: the body is not JSON"]
        schema = content[mime].get("schema", {})
        problems += [f"{where}: {error}" for error in schema_errors(document, schema)]
    return problems


@dataclass
class Answer:
    method: str
    path: str
    status: int
    content_type: str | None
    body: bytes | None


@dataclass
class SpecRecorder:
    """Records the mock's answers; :meth:`problems` judges them against the spec."""

    answers: list[Answer] = field(default_factory=list)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as error:
            self._record(request, error)
            raise
        if request.get(FAULT_KEY) not in UNSPECIFIED_FAULTS:
            self._record(request, response)
        return response

    def _record(self, request: web.Request, response: web.StreamResponse) -> None:
        body = response.body if isinstance(response, web.Response) else None
        self.answers.append(
            Answer(
                request.method,
                request.path,
                response.status,
                response.headers.get("Content-Type") or response.content_type,
                body if isinstance(body, bytes) else None,
            )
        )

    def problems(self) -> list[str]:
        return [
            problem
            for answer in self.answers
            for problem in answer_problems(
                answer.method, answer.path, answer.status, answer.content_type, answer.body
            )
        ]
