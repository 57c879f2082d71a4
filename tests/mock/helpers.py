"""Small helpers for talking to the mock over raw HTTP."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from mock_lifepay import ENDPOINT


async def post_raw(
    session: aiohttp.ClientSession,
    base_url: str,
    body: bytes,
    content_type: str = "application/json",
) -> tuple[int, Any]:
    """POST ``body`` to the endpoint; return the HTTP status and the decoded JSON."""
    async with session.post(
        base_url + ENDPOINT, data=body, headers={"Content-Type": content_type}
    ) as response:
        return response.status, json.loads(await response.read())


async def post_json(session: aiohttp.ClientSession, base_url: str, payload: Any) -> tuple[int, Any]:
    return await post_raw(session, base_url, json.dumps(payload).encode())
