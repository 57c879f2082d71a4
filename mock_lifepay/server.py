"""The mock's HTTP layer: LifePay's endpoint, the control API under /_mock/, and a web page.

Handlers only translate HTTP into calls on :class:`MockLifePay` and its backend.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Final

from aiohttp import web
from aiohttp.typedefs import Middleware

from . import messages as msg
from .backend import Answer
from .console import console_page, stream_events
from .control import PrinterPatch
from .faults import SPLIT_PAUSE, Fault, FaultKind
from .journal import JournalEntry
from .models import DocumentStatus, DocumentType
from .openapi import build_spec
from .page import render_report
from .runtime import MockLifePay
from .verify import RequestPattern, select
from .views import accounts_view, document_view, printer_view

MOCK_KEY: Final = web.AppKey("mock", MockLifePay)
ENDPOINT: Final = "/cloud-print/create-x-report"
# LifePay's cloud-print endpoints the mock serves, and the document each one makes.
ENDPOINTS: Final[dict[str, DocumentType]] = {
    ENDPOINT: DocumentType.X_REPORT,
    "/cloud-print/create-session": DocumentType.OPEN_SHIFT,
    "/cloud-print/create-z-report": DocumentType.Z_REPORT,
    "/cloud-print/create-receipt": DocumentType.RECEIPT,
    "/cloud-print/cash-in": DocumentType.CASH_IN,
    "/cloud-print/cash-out": DocumentType.CASH_OUT,
}
# Bodies beyond this are refused by aiohttp itself with HTTP 413, as a front proxy would.
MAX_BODY_BYTES: Final = 1024 * 1024
# What LifePay's PHP stack sends, spelled exactly so: one public Ruby client refuses anything else.
LIFEPAY_CONTENT_TYPE: Final = "application/json; charset=UTF-8"
# Set on a request whose answer a fault made (its kind): not LifePay's answer, by design.
FAULT_KEY: Final = "mock_lifepay.fault"

_GATEWAY_PAGE: Final = (
    "<html><head><title>{status} {reason}</title></head><body>"
    "<center><h1>{status} {reason}</h1></center><hr><center>nginx</center></body></html>"
)


def _json(data: Any, status: int = 200) -> web.Response:
    # UTF-8 text rather than PHP's \u escapes: the same JSON, readable in a terminal.
    body = json.dumps(data, ensure_ascii=False)
    return web.Response(text=body, status=status, content_type="application/json")


def _lifepay(body: str | bytes) -> web.Response:
    """An HTTP 200 answer of LifePay's endpoint, with LifePay's exact Content-Type header."""
    data = body.encode() if isinstance(body, str) else body
    # Set as a header, not content_type=: aiohttp would respell the charset "utf-8".
    return web.Response(body=data, headers={"Content-Type": LIFEPAY_CONTENT_TYPE})


def _envelope(envelope: dict[str, Any]) -> web.Response:
    # UTF-8 text rather than PHP's \u escapes: the same JSON, readable in a terminal.
    return _lifepay(json.dumps(envelope, ensure_ascii=False))


def _control_error(status: int, text: str) -> web.Response:
    return _json({"error": text}, status=status)


# --- LifePay's endpoint ---------------------------------------------------------------------


async def create_document(request: web.Request) -> web.StreamResponse:
    """Any of LifePay's endpoints: the path says which document to make."""
    mock = request.app[MOCK_KEY]
    kind = ENDPOINTS[request.path]
    started = time.monotonic()
    body = await request.read()
    # The label as sent (None when absent): the body is read as JSON whatever it says.
    content_type = request.headers.get("Content-Type")
    received_at = mock.backend.timestamp()
    fault = mock.faults.take()
    if fault is None:
        # The usual case, kept short: it is most of what the mock does under load. The journal
        # keeps the answer itself and writes its JSON only when someone reads it.
        made = mock.accept(body, kind)
        mock.journal.record_answered(
            received_at,
            request.method,
            request.path,
            content_type_header=content_type,
            body=body,
            answer=made,
            started=started,
            ended=time.monotonic(),
        )
        mock.changes.touch()
        reply = _lifepay(made.text())
        try:
            # The answer leaves first, then the printer starts, in the same step: a printer
            # that prints at once does so while the client reads the answer.
            await reply.prepare(request)
            await reply.write_eof()
        finally:
            mock.print_accepted(made)  # accepted is accepted, whatever became of the connection
        return reply
    entry = mock.journal.record(
        received_at, request.method, request.path, content_type, body, started=started
    )
    request[FAULT_KEY] = fault.kind
    answer = mock.create(body, kind) if fault.reaches_backend else None
    response = await _respond(request, fault, answer)
    entry.fault = fault.kind.value
    entry.http_status = response.status if response is not None else None
    entry.response = answer.envelope() if answer is not None and response is not None else None
    if fault.kind is FaultKind.CODE:
        entry.response = _forced_envelope(fault.code)
    entry.answered(time.monotonic())
    mock.changes.touch()
    if response is None:
        # Drop the connection: no status line, no body.
        assert request.transport is not None  # noqa: S101 - a live request has one
        request.transport.abort()
        raise asyncio.CancelledError
    return response


def _forced_envelope(code: int) -> dict[str, Any]:
    data: Any = {"target_serial": [msg.PRINTER_NOT_FOUND]} if code == msg.DATA_ERROR else []
    message = msg.CODE_MESSAGES.get(code, msg.UNKNOWN_ERROR)
    return {"code": code, "message": message, "data": data}


async def _respond(
    request: web.Request, fault: Fault, answer: Answer | None
) -> web.StreamResponse | None:
    match fault.kind:
        case FaultKind.DELAY:
            await asyncio.sleep(fault.seconds)
            return _envelope(answer.envelope() if answer else _forced_envelope(500))
        case FaultKind.SPLIT:
            envelope = answer.envelope() if answer else _forced_envelope(500)
            body = json.dumps(envelope, ensure_ascii=False).encode()
            return await _send_split(request, body, fault.seconds or SPLIT_PAUSE)
        case FaultKind.HTTP_STATUS:
            reason = web.Response(status=fault.status).reason or "Error"
            page = _GATEWAY_PAGE.format(status=fault.status, reason=reason)
            return web.Response(status=fault.status, text=page, content_type="text/html")
        case FaultKind.MALFORMED:
            return _lifepay('{"code": 0, "message": "", "data": {"uu')
        case FaultKind.EMPTY:
            return _lifepay(b"")
        case FaultKind.BODY:
            return _lifepay(fault.body)
        case FaultKind.CODE:
            return _envelope(_forced_envelope(fault.code))
        case FaultKind.DROP:
            return None


async def _send_split(request: web.Request, body: bytes, pause: float) -> web.StreamResponse:
    """LifePay's answer as two writes ``pause`` apart, so it reaches the client in two pieces.

    Split in the middle of the bytes: a Russian message may be cut inside a character.
    """
    response = web.StreamResponse(headers={"Content-Type": LIFEPAY_CONTENT_TYPE})
    response.content_length = len(body)
    await response.prepare(request)
    middle = len(body) // 2
    await response.write(body[:middle])
    await asyncio.sleep(pause)
    await response.write(body[middle:])
    await response.write_eof()
    return response


# --- the control API ------------------------------------------------------------------------


async def _read_json(request: web.Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "the body must be JSON"}), content_type="application/json"
        ) from None


async def list_accounts(request: web.Request) -> web.Response:
    return _json(accounts_view(request.app[MOCK_KEY].backend.world))


async def _patch_flag(request: web.Request, target: object, flag: str) -> web.Response | None:
    """Set one boolean attribute from a ``{flag: true|false}`` body; an error response or None."""
    patch = await _read_json(request)
    if not isinstance(patch, dict) or set(patch) != {flag}:
        # The same rule as every patch: an empty one is a mistake, not a no-op.
        return _control_error(400, f"send {{'{flag}': true or false}}; only '{flag}' can change")
    value = patch[flag]
    if not isinstance(value, bool):
        return _control_error(400, f"{flag} must be true or false")
    setattr(target, flag, value)
    return None


async def patch_company(request: web.Request) -> web.Response:
    world = request.app[MOCK_KEY].backend.world
    try:
        company = world.companies[int(request.match_info["company_id"])]
    except (KeyError, ValueError):
        return _control_error(404, "no such company")
    # A response is a mapping (and empty, so falsy): compare with None.
    if (error := await _patch_flag(request, company, "cloud_print_enabled")) is not None:
        return error
    return _json({"id": company.id, "cloud_print_enabled": company.cloud_print_enabled})


async def patch_login(request: web.Request) -> web.Response:
    user = request.app[MOCK_KEY].backend.world.users.get(request.match_info["login"])
    if user is None:
        return _control_error(404, "no such login")
    if (error := await _patch_flag(request, user, "blocked")) is not None:
        return error
    return _json({"login": user.login, "blocked": user.blocked})


async def list_printers(request: web.Request) -> web.Response:
    printers = request.app[MOCK_KEY].backend.world.printers.values()
    return _json([printer_view(printer) for printer in printers])


async def get_printer(request: web.Request) -> web.Response:
    printer = request.app[MOCK_KEY].backend.world.printers.get(request.match_info["serial"])
    if printer is None:
        return _control_error(404, "no such printer")
    return _json(printer_view(printer))


DOCUMENT_STATUSES: Final = tuple(status.value for status in DocumentStatus)
DOCUMENT_TYPES: Final = tuple(kind.value for kind in DocumentType)
PRINTER_FIELDS: Final = ("state", "error_message", "shift", "shift_opened_at", "shift_age_hours")


async def patch_printer(request: web.Request) -> web.Response:
    mock = request.app[MOCK_KEY]
    printer = mock.backend.world.printers.get(request.match_info["serial"])
    if printer is None:
        return _control_error(404, "no such printer")
    patch = await _read_json(request)
    if not isinstance(patch, dict) or not patch or set(patch) - set(PRINTER_FIELDS):
        return _control_error(400, f"send one or more of {list(PRINTER_FIELDS)}")
    try:
        change = PrinterPatch.parse(patch, mock.backend.clock())
    except ValueError as err:
        return _control_error(400, str(err))
    if change.shift_opened_at is not None and not (change.open_shift or printer.shift.is_open):
        # A valid patch the printer's state refuses: a conflict, not a bad request.
        return _control_error(409, "the shift is closed: open it to set its opening time")
    if "error_message" in patch:
        mock.set_printer_error(printer, change.error_message)
    if change.close_shift:
        mock.backend.close_shift(printer)
    if change.open_shift or change.shift_opened_at is not None:
        mock.backend.open_shift(printer, change.shift_opened_at)
    if change.state is not None:
        mock.set_printer_state(printer, change.state)
    return _json(printer_view(printer))


async def list_documents(request: web.Request) -> web.Response:
    documents = request.app[MOCK_KEY].backend.documents.values()
    query = request.query
    for name, choices in (("status", DOCUMENT_STATUSES), ("type", DOCUMENT_TYPES)):
        if name in query and query[name] not in choices:
            return _control_error(400, f"{name} must be one of {list(choices)}")
    selected = [
        document
        for document in documents
        if ("ext_id" not in query or document.ext_id == query["ext_id"])
        and ("serial" not in query or document.printer_serial == query["serial"])
        and ("status" not in query or document.status.value == query["status"])
        and ("type" not in query or document.type.value == query["type"])
    ]
    return _json([document_view(document) for document in selected])


async def get_document(request: web.Request) -> web.Response:
    document = request.app[MOCK_KEY].backend.documents.get(request.match_info["uuid"])
    if document is None:
        return _control_error(404, "no such document")
    return _json(document_view(document))


def _journal_selection(request: web.Request) -> list[JournalEntry] | web.Response:
    """The journal entries the query's filters select, or a 400."""
    try:
        pattern = RequestPattern.from_query(request.query)
    except ValueError as err:
        return _control_error(400, str(err))
    return select(request.app[MOCK_KEY].journal.entries(), pattern, ENDPOINTS)


async def get_journal(request: web.Request) -> web.Response:
    selected = _journal_selection(request)
    if isinstance(selected, web.Response):
        return selected
    return _json([entry.to_dict() for entry in selected])


async def count_journal(request: web.Request) -> web.Response:
    selected = _journal_selection(request)
    if isinstance(selected, web.Response):
        return selected
    return _json({"count": len(selected)})


async def clear_journal(request: web.Request) -> web.Response:
    request.app[MOCK_KEY].journal.clear()
    return web.Response(status=204)


async def list_faults(request: web.Request) -> web.Response:
    return _json([fault.to_dict() for fault in request.app[MOCK_KEY].faults.pending()])


async def add_faults(request: web.Request) -> web.Response:
    mock = request.app[MOCK_KEY]
    raw = await _read_json(request)
    if raw == []:
        return _control_error(400, "send a fault or a list of one or more")
    try:
        faults = [Fault.from_dict(item) for item in (raw if isinstance(raw, list) else [raw])]
    except ValueError as err:
        return _control_error(400, str(err))
    for fault in faults:
        mock.faults.add(fault)
    return _json([fault.to_dict() for fault in mock.faults.pending()], status=201)


async def clear_faults(request: web.Request) -> web.Response:
    request.app[MOCK_KEY].faults.clear()
    return web.Response(status=204)


async def get_settings(request: web.Request) -> web.Response:
    return _json(request.app[MOCK_KEY].settings.to_dict())


async def patch_settings(request: web.Request) -> web.Response:
    settings = request.app[MOCK_KEY].settings
    try:
        settings.update(await _read_json(request))
    except ValueError as err:
        return _control_error(400, str(err))
    return _json(settings.to_dict())


async def openapi(request: web.Request) -> web.Response:
    return _json(build_spec(str(request.url.origin())))


async def reset(request: web.Request) -> web.Response:
    await request.app[MOCK_KEY].reset()
    return web.Response(status=204)


# --- the pages ----------------------------------------------------------------------------


async def index(_request: web.Request) -> web.Response:
    return web.Response(text=console_page(), content_type="text/html")


async def events(request: web.Request) -> web.StreamResponse:
    return await stream_events(request, request.app[MOCK_KEY])


async def report_page(request: web.Request) -> web.Response:
    document = request.app[MOCK_KEY].backend.documents.get(request.match_info["uuid"])
    if document is None or document.report is None:
        raise web.HTTPNotFound(text="No printed report for this document")
    return web.Response(text=render_report(document), content_type="text/html")


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _touching(handler: Handler) -> Handler:
    """A control-API handler whose change the live console must see."""

    async def touched(request: web.Request) -> web.StreamResponse:
        response = await handler(request)
        request.app[MOCK_KEY].changes.touch()
        return response

    return touched


def create_app(mock: MockLifePay, middlewares: Sequence[Middleware] = ()) -> web.Application:
    """The aiohttp application serving ``mock``; starting it starts the mock.

    ``middlewares`` wrap every handler (the test suite checks answers against the spec so).
    """
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=middlewares)
    app[MOCK_KEY] = mock

    async def mock_running(_app: web.Application) -> AsyncIterator[None]:
        await mock.start()
        yield
        await mock.close()

    app.cleanup_ctx.append(mock_running)

    async def end_event_streams(_app: web.Application) -> None:
        mock.changes.close()  # before aiohttp waits for open connections to finish

    # aiosignal 1.4's annotations do not match aiohttp 3.11's signal type; the call is right.
    app.on_shutdown.append(end_event_streams)  # type: ignore[arg-type]
    routes: list[tuple[str, str, Handler]] = [
        *(("POST", path, create_document) for path in ENDPOINTS),
        ("GET", "/_mock/accounts", list_accounts),
        ("PATCH", "/_mock/companies/{company_id}", _touching(patch_company)),
        ("PATCH", "/_mock/logins/{login}", _touching(patch_login)),
        ("GET", "/_mock/printers", list_printers),
        ("GET", "/_mock/printers/{serial}", get_printer),
        ("PATCH", "/_mock/printers/{serial}", _touching(patch_printer)),
        ("GET", "/_mock/documents", list_documents),
        ("GET", "/_mock/documents/{uuid}", get_document),
        ("GET", "/_mock/journal", get_journal),
        ("GET", "/_mock/journal/count", count_journal),
        ("DELETE", "/_mock/journal", _touching(clear_journal)),
        ("GET", "/_mock/faults", list_faults),
        ("POST", "/_mock/faults", _touching(add_faults)),
        ("DELETE", "/_mock/faults", _touching(clear_faults)),
        ("GET", "/_mock/settings", get_settings),
        ("PATCH", "/_mock/settings", _touching(patch_settings)),
        ("POST", "/_mock/reset", reset),
        ("GET", "/_mock/openapi.json", openapi),
        ("GET", "/_mock/events", events),
        ("GET", "/", index),
        ("GET", "/reports/{uuid}", report_page),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, path, handler)
    return app


class MockServer:
    """Serves a :class:`MockLifePay` on a host and port (0 picks a free port)."""

    def __init__(
        self,
        mock: MockLifePay,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        middlewares: Sequence[Middleware] = (),
    ) -> None:
        self.mock = mock
        self.host = host
        self.port = port
        self.middlewares = middlewares
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """The base URL to give a LifePay client."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        app = create_app(self.mock, self.middlewares)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server  # the only way to learn the port chosen for 0
        assert isinstance(server, asyncio.Server)  # noqa: S101
        self.port = server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> MockServer:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()


__all__ = [
    "ENDPOINT",
    "ENDPOINTS",
    "FAULT_KEY",
    "LIFEPAY_CONTENT_TYPE",
    "MOCK_KEY",
    "Middleware",
    "MockServer",
    "create_app",
]
