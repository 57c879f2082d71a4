"""Many clients at once, with the same and different ext_ids: never a duplicate document."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import aiohttp

from .helpers import post_json

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle


async def test_concurrent_requests_never_duplicate(lifepay_mock: MockHandle) -> None:
    demo = lifepay_mock.demo
    payload = {"apikey": demo.apikey, "login": demo.admin_login}
    ext_ids = [f"burst-{n % 20}" for n in range(200)]  # each ext_id sent ten times
    connector = aiohttp.TCPConnector(limit=100)
    async with aiohttp.ClientSession(connector=connector) as session:
        answers = await asyncio.gather(
            *(
                post_json(session, lifepay_mock.url, payload | {"ext_id": ext_id})
                for ext_id in ext_ids
            ),
            *(post_json(session, lifepay_mock.url, payload) for _ in range(50)),
        )
    assert all(status == 200 and answer["code"] == 0 for status, answer in answers)
    by_ext_id: dict[str, set[str]] = {}
    for ext_id, (_, answer) in zip(ext_ids, answers, strict=False):
        by_ext_id.setdefault(ext_id, set()).add(answer["data"]["uuid"])
    assert all(len(uuids) == 1 for uuids in by_ext_id.values())
    documents = lifepay_mock.mock.backend.documents.values()
    assert len(documents) == 20 + 50
    with_ext_id = [d.ext_id for d in documents if d.ext_id is not None]
    assert sorted(with_ext_id) == sorted(set(ext_ids))
