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
    endpoint: str = ENDPOINT,
) -> tuple[int, Any]:
    """POST ``body`` to an endpoint; return the HTTP status and the decoded JSON."""
    async with session.post(
        base_url + endpoint, data=body, headers={"Content-Type": content_type}
    ) as response:
        return response.status, json.loads(await response.read())


async def post_json(
    session: aiohttp.ClientSession, base_url: str, payload: Any, endpoint: str = ENDPOINT
) -> tuple[int, Any]:
    return await post_raw(session, base_url, json.dumps(payload).encode(), endpoint=endpoint)


async def control(
    session: aiohttp.ClientSession, method: str, url: str, payload: Any = None
) -> tuple[int, Any]:
    """A control-API call; the HTTP status and the decoded JSON (``None`` for no body)."""
    async with session.request(method, url, json=payload) as response:
        body = await response.read()
        return response.status, json.loads(body) if body else None
