"""The live console: the page at ``/`` and the server-sent events that keep it current.

The page is one hand-written HTML file (``static/console.html``: no build step, nothing fetched
from elsewhere). It subscribes to ``/_mock/events``; each ``state`` event carries everything it
shows, sent when the mock changes (coalesced to five a second at most). Its controls call the
control API, whose changes come back through the same stream.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from .seed import DEMO
from .views import accounts_view, document_view, printer_view

if TYPE_CHECKING:
    from .backend import Backend
    from .runtime import MockLifePay

CONSOLE_DOCUMENTS: Final = 50
"""The newest documents the console shows in full."""


@cache
def console_page() -> str:
    return files(__package__).joinpath("static", "console.html").read_text(encoding="utf-8")


def console_printers(backend: Backend) -> list[dict[str, Any]]:
    """Every printer, those a developer watches first.

    First the demo's printers (the ones ``scripts/lifepay_demo.py`` adds to Home Assistant), in
    the demo's order; then the printers that have documents; then the rest, in the world's order.
    ``used`` marks the first two kinds: the page lists them in full and folds the others.
    """
    world = backend.world
    documents = Counter(document.printer_serial for document in backend.documents.values())
    demo = {serial: index for index, serial in enumerate(DEMO.printers)}
    rows = []
    for printer in world.printers.values():
        count = documents[printer.serial]
        rows.append(
            printer_view(printer)
            | {
                "company_name": world.companies[printer.company_id].name,
                "trade_point_name": world.trade_points[printer.trade_point_id].name,
                "documents": count,
                "demo": printer.serial in demo,
                "used": printer.serial in demo or count > 0,
            }
        )
    rows.sort(key=lambda row: (demo.get(row["serial"], len(demo)), not row["used"]))
    return rows


def console_state(mock: MockLifePay) -> dict[str, Any]:
    """Everything the console shows, newest documents first, the printers in use first."""
    backend = mock.backend
    documents = list(backend.documents.values())[-CONSOLE_DOCUMENTS:]
    documents.reverse()
    return {
        "version": mock.changes.version,
        "now": backend.clock().isoformat(),
        "accounts": accounts_view(backend.world),
        "printers": console_printers(backend),
        "documents": [document_view(document) for document in documents],
        "documents_total": len(backend.documents),
        "faults": [fault.to_dict() for fault in mock.faults.pending()],
        "settings": mock.settings.to_dict(),
        "journal_total": len(mock.journal),
    }


async def stream_events(request: web.Request, mock: MockLifePay) -> web.StreamResponse:
    """``text/event-stream``: a ``state`` event now and after each change; keep-alive comments."""
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    try:
        async for changed in mock.changes.watch():
            if changed:
                data = json.dumps(console_state(mock), ensure_ascii=False)
                await response.write(f"event: state\ndata: {data}\n\n".encode())
            else:
                await response.write(b": keep-alive\n\n")
    except ConnectionResetError:
        pass  # the browser went away
    return response
