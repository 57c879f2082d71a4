"""Fresh ids: document uuids never repeat across starts and resets; the seed still makes the
same companies, logins and printers (LifePay never hands out a uuid twice)."""

from __future__ import annotations

from typing import Any

import aiohttp

from mock_lifepay import MockLifePay, MockServer
from mock_lifepay.seed import DEMO

from .helpers import control, post_json

REQUEST = {"apikey": DEMO.apikey, "login": DEMO.admin_login, "target_serial": DEMO.printers[0]}


def people(accounts: list[dict[str, Any]]) -> list[Any]:
    """What the seed decides: companies, their apikeys, logins and printer serials."""
    return [
        (
            account["name"],
            account["apikey"],
            [login["login"] for login in account["logins"]],
            [printer["serial"] for printer in account["printers"]],
        )
        for account in accounts
    ]


async def first_uuids(session: aiohttp.ClientSession, url: str, count: int = 3) -> list[str]:
    uuids = []
    for _ in range(count):
        status, answer = await post_json(session, url, REQUEST)
        assert (status, answer["code"]) == (200, 0), answer
        uuids.append(answer["data"]["uuid"])
    return uuids


async def test_uuids_never_repeat_across_starts_and_resets(
    session: aiohttp.ClientSession,
) -> None:
    made: list[str] = []
    worlds = []
    for _start in range(2):
        async with MockServer(MockLifePay(seed=0, companies=2), "127.0.0.1", 0) as server:
            worlds.append(
                people((await control(session, "GET", server.url + "/_mock/accounts"))[1])
            )
            made += await first_uuids(session, server.url)
            assert (await control(session, "POST", server.url + "/_mock/reset"))[0] == 204
            worlds.append(
                people((await control(session, "GET", server.url + "/_mock/accounts"))[1])
            )
            made += await first_uuids(session, server.url)
    assert len(set(made)) == len(made) == 12, made
    # The seed still makes the same accounts every time, and another seed other ones.
    assert all(world == worlds[0] for world in worlds)
    async with MockServer(MockLifePay(seed=1, companies=2), "127.0.0.1", 0) as other:
        assert (
            people((await control(session, "GET", other.url + "/_mock/accounts"))[1]) != worlds[0]
        )
