"""The live console: the page at ``/`` and the server-sent events that keep it current.

The page is one hand-written HTML file (``static/console.html``: no build step, nothing fetched
from elsewhere). It subscribes to ``/_mock/events``; each ``state`` event carries everything it
shows, sent when the mock changes (coalesced to five a second at most). Its controls call the
control API, whose changes come back through the same stream.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from .views import accounts_view, document_view

if TYPE_CHECKING:
    from .runtime import MockLifePay

CONSOLE_DOCUMENTS: Final = 50
"""The newest documents the console shows in full."""


@cache
def console_page() -> str:
    return files(__package__).joinpath("static", "console.html").read_text(encoding="utf-8")


def console_state(mock: MockLifePay) -> dict[str, Any]:
    """Everything the console shows, newest documents first."""
    backend = mock.backend
    documents = list(backend.documents.values())[-CONSOLE_DOCUMENTS:]
    documents.reverse()
    return {
        "version": mock.changes.version,
        "now": backend.clock().isoformat(),
        "accounts": accounts_view(backend.world),
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
