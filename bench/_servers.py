"""Servers the benchmarks run in their own processes: a bare aiohttp handler and a callback sink.

``python bench/_servers.py bare PORT`` answers the endpoint with the mock's success JSON and does
nothing else; ``python bench/_servers.py sink PORT`` answers every POST with 200 (a callback
receiver). Both print ``ready`` once listening.
"""

from __future__ import annotations

import json
import sys

from aiohttp import web

BODY = json.dumps(
    {"code": 0, "message": "", "data": {"uuid": "e3e70682-c209-4cac-a29f-6fbed82c07cd"}}
)


async def bare(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(text=BODY, content_type="application/json")


async def sink(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(text="OK")


def main() -> None:
    kind, port = sys.argv[1], int(sys.argv[2])
    app = web.Application()
    app.router.add_post("/{tail:.*}", bare if kind == "bare" else sink)

    async def announce(_app: web.Application) -> None:
        print("ready", flush=True)

    app.on_startup.append(announce)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
