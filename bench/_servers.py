"""Servers the benchmarks run in their own processes: bare, parse, the fair limit, a sink.

``python bench/_servers.py bare PORT`` answers the endpoint with the mock's success JSON and does
nothing else. ``python bench/_servers.py parse PORT`` is the least a server that implements the
endpoint does: it decodes the JSON body, makes a ``uuid4``, keeps the request under it (the
last 10,000, as the mock keeps documents) and answers with that uuid.
``python bench/_servers.py fair PORT SINK_URL`` answers as bare does and also sends one
callback POST per request (a multipart body of the mock's size) to ``SINK_URL`` through one shared
client session: the least any server that calls back must do, so the fair limit for the mock
with callbacks on. ``python bench/_servers.py sink PORT`` answers every POST with 200 (a callback
receiver). Each prints ``ready`` once listening.

Each tunes the garbage collector as the mock's command does (``mock_lifepay.process``): the
ratios then compare the work per request, not the collector's settings.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from uuid import uuid4

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from mock_lifepay.process import tune_collector

BODY = json.dumps(
    {"code": 0, "message": "", "data": {"uuid": "e3e70682-c209-4cac-a29f-6fbed82c07cd"}}
)
NOTIFICATION = json.dumps(
    {
        "uuid": "e3e70682-c209-4cac-a29f-6fbed82c07cd",
        "ext_id": None,
        "type": "x_report",
        "status": "processed",
        "message": "Документ обработан.",
        "target_serial": "00106304012797",
        "created_at": "2026-11-28T10:00:00.000000+00:00",
        "updated_at": "2026-11-28T10:00:00.000000+00:00",
        "callback_data": {"token": "bench"},
    },
    ensure_ascii=False,
).encode()
BOUNDARY = "0" * 40
CALLBACK = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="data"\r\n'
    f"Content-Length: {len(NOTIFICATION)}\r\n\r\n".encode()
    + NOTIFICATION
    + f"\r\n--{BOUNDARY}--\r\n".encode()
)
CALLBACK_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


async def bare(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(text=BODY, content_type="application/json")


KEPT = 10_000
"""Requests the parse server keeps, as many as the mock keeps documents by default."""


def parse_handler() -> web.Handler:
    kept: dict[str, object] = {}

    async def parse(request: web.Request) -> web.Response:
        payload = json.loads(await request.read())
        uuid = str(uuid4())
        kept[uuid] = payload
        if len(kept) > KEPT:
            del kept[next(iter(kept))]
        answer = {"code": 0, "message": "", "data": {"uuid": uuid}}
        return web.Response(text=json.dumps(answer), content_type="application/json")

    return parse


def fair_handler(app: web.Application, sink_url: str) -> web.Handler:
    session: aiohttp.ClientSession | None = None
    tasks: set[asyncio.Task[None]] = set()

    async def close(_app: web.Application) -> None:
        if session is not None:
            await session.close()

    app.on_cleanup.append(close)

    async def call_back() -> None:
        assert session is not None
        async with session.post(
            sink_url, data=CALLBACK, headers={"Content-Type": CALLBACK_TYPE}
        ) as response:
            await response.read()

    async def fair(request: web.Request) -> web.Response:
        nonlocal session
        if session is None:
            session = aiohttp.ClientSession()
        await request.read()
        task = asyncio.get_running_loop().create_task(call_back())
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return web.Response(text=BODY, content_type="application/json")

    return fair


async def sink(request: web.Request) -> web.Response:
    try:
        await request.read()
    except ConnectionResetError:  # the mock was stopped mid-callback, at the end of the run
        return web.Response(status=499)
    return web.Response(text="OK")


def main() -> None:
    tune_collector()
    kind, port = sys.argv[1], int(sys.argv[2])
    app = web.Application()
    if kind == "fair":
        handler = fair_handler(app, sys.argv[3])
    else:
        handler = {"bare": bare, "sink": sink, "parse": parse_handler()}[kind]
    app.router.add_post("/{tail:.*}", handler)

    async def announce(_app: web.Application) -> None:
        print("ready", flush=True)

    app.on_startup.append(announce)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
