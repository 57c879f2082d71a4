"""The mock beside its peers on the same endpoint and the same answer, in one run.

    .venv/bin/python bench/peers.py [--seconds 4] [--repeat 3] [--concurrency 1 10 100]

Starts on 127.0.0.1: the mock (``python -m mock_lifepay``, doing all its work: validation, the
account, the document, printing, the journal), the parse reference and the bare handler
(``bench/_servers.py``), **Prism**'s mock server on the mock's own OpenAPI document (``npx
@stoplight/prism-cli mock``: it validates the request against the document and answers the
operation's first example) and **WireMock** standalone (the jar the npm package ``wiremock``
bundles, on this machine's Java runtime) with one stub answering ``create-x-report`` with the
mock's success JSON and LifePay's Content-Type. WireMock keeps its request journal at 1000
entries, as the mock does. Every server is warmed up first (WireMock's JIT needs it); then, for
each concurrency, the same closed-loop load goes to each server for the same seconds,
interleaved, and the median run is printed with the ratios: the mock to each peer, and the mock
to the parse reference with bare beside it. A peer that cannot start is named with the reason.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import aiohttp
from mock_throughput import ENDPOINT, REPO, free_port, load, mock_args, start, summary

sys.path.insert(0, str(REPO))
from mock_lifepay.openapi import build_spec
from mock_lifepay.seed import DEMO
from mock_lifepay.server import LIFEPAY_CONTENT_TYPE

PRISM = "@stoplight/prism-cli@5.16.0"
WIREMOCK = "wiremock@3.13.2"
WIREMOCK_JOURNAL = 1000
"""Requests WireMock keeps, as the mock's journal (its default keeps every one)."""
ANSWER = json.dumps(
    {"code": 0, "message": "", "data": {"uuid": "e3e70682-c209-4cac-a29f-6fbed82c07cd"}}
)


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU time of ``pid`` and every process under it (npx starts node, the
    wiremock package starts java)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier.extend(children)
    return sum(times.get(member, 0.0) for member in tree)


async def until_answering(url: str, body: bytes, timeout: float = 120) -> None:
    """Poll until ``url`` answers the request with HTTP 200 (Prism and WireMock print no
    single line that says they are ready)."""
    async with asyncio.timeout(timeout), aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.post(
                    url, data=body, headers={"Content-Type": "application/json"}
                ) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.5)


async def spawn(*argv: str, cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        start_new_session=True,  # its own process group: stopped with every child
    )


async def start_prism(port: int, work: Path) -> asyncio.subprocess.Process:
    document = work / "lifepay-mock.openapi.json"
    document.write_text(json.dumps(build_spec(f"http://127.0.0.1:{port}")))
    return await spawn(
        "npx", "--yes", PRISM, "mock", "-h", "127.0.0.1", "-p", str(port), str(document), cwd=work
    )


async def start_wiremock(port: int, work: Path) -> asyncio.subprocess.Process:
    mappings = work / "wiremock" / "mappings"
    mappings.mkdir(parents=True)
    stub = {
        "request": {"method": "POST", "url": ENDPOINT},
        "response": {
            "status": 200,
            "body": ANSWER,
            "headers": {"Content-Type": LIFEPAY_CONTENT_TYPE},
        },
    }
    (mappings / "create-x-report.json").write_text(json.dumps(stub))
    return await spawn(
        "npx",
        "--yes",
        WIREMOCK,
        "--port",
        str(port),
        "--bind-address",
        "127.0.0.1",
        "--root-dir",
        str(work / "wiremock"),
        "--max-request-journal-entries",
        str(WIREMOCK_JOURNAL),
        "--disable-banner",
        cwd=work,
    )


PEERS = ("prism", "wiremock")
"""Started through npx in a session of their own: npx, node and java go together."""


async def stop(process: asyncio.subprocess.Process, *, group: bool) -> None:
    """SIGTERM to the process (and its whole group for a peer, whose npx may be gone)."""
    with contextlib.suppress(ProcessLookupError):
        if group:
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.terminate()
    await process.wait()


def missing_peers() -> dict[str, str]:
    """Peers that cannot run here, and why."""
    missing = {}
    if shutil.which("npx") is None:
        missing["prism"] = missing["wiremock"] = "npx (npm) is not installed"
    elif shutil.which("java") is None:
        missing["wiremock"] = "no Java runtime (Debian: apt-get install default-jre-headless)"
    return missing


async def main(args: argparse.Namespace) -> None:
    body = json.dumps(
        {"apikey": DEMO.apikey, "login": DEMO.admin_login, "target_serial": DEMO.printers[0]}
    ).encode()
    names = ("mock", "parse", "bare", "prism", "wiremock")
    ports = {name: free_port() for name in names}
    skipped = missing_peers()
    processes: dict[str, asyncio.subprocess.Process] = {}
    with tempfile.TemporaryDirectory(prefix="lifepay-peers-") as temporary:
        work = Path(temporary)
        try:
            processes["mock"] = await start(*mock_args(ports["mock"]), ready="listening on")
            for name in ("parse", "bare"):
                processes[name] = await start(
                    "bench/_servers.py", name, str(ports[name]), ready="ready"
                )
            starters = {"prism": start_prism, "wiremock": start_wiremock}
            for name, starter in starters.items():
                if name in skipped:
                    continue
                processes[name] = await starter(ports[name], work)
                url = f"http://127.0.0.1:{ports[name]}{ENDPOINT}"
                try:
                    await until_answering(url, body)
                except TimeoutError:
                    skipped[name] = "started, but never answered HTTP 200 within 120 s"
            running = [name for name in names if name not in skipped]
            await measure(args, running, ports, processes, body)
        finally:
            for name, process in processes.items():
                await stop(process, group=name in PEERS)
    for name, reason in skipped.items():
        print(f"{name}: not measured: {reason}")


async def measure(
    args: argparse.Namespace,
    running: list[str],
    ports: dict[str, int],
    processes: dict[str, asyncio.subprocess.Process],
    body: bytes,
) -> None:
    def url(name: str) -> str:
        return f"http://127.0.0.1:{ports[name]}{ENDPOINT}"

    for name in running:  # warm-up, not measured: WireMock's JIT, Prism's first compilations
        await load(url(name), body, 10, args.warmup)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, aiohttp {aiohttp.__version__}; Prism {PRISM.rsplit('@', maxsplit=1)[-1]}, "
        f"WireMock {WIREMOCK.rsplit('@', maxsplit=1)[-1]}; median of {args.repeat} interleaved runs of "
        f"{args.seconds:g} s after {args.warmup:g} s of warm-up, loopback, closed loop"
    )
    print(
        f"{'concurrency':>11} | {'server':<8} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} "
        f"| {'CPU us/req':>10} | mock / this (req/s)"
    )
    for concurrency in args.concurrency:
        runs: dict[str, list[tuple[float, float, float, float]]] = {n: [] for n in running}
        for _ in range(args.repeat):
            for name in running:
                before = tree_cpu_seconds(processes[name].pid)
                latencies = await load(url(name), body, concurrency, args.seconds)
                cpu = tree_cpu_seconds(processes[name].pid) - before
                runs[name].append(summary(latencies, args.seconds, cpu))
        results = {name: sorted(found)[len(found) // 2] for name, found in runs.items()}
        mock_rps = results["mock"][0]
        for name in running:
            rps, p50, p99, cpu_us = results[name]
            ratio = "" if name == "mock" else f"{mock_rps / rps:.2f}"
            print(
                f"{concurrency:>11} | {name:<8} | {rps:>8.0f} | {p50:>7.2f} | {p99:>7.2f} "
                f"| {cpu_us:>10.0f} | {ratio}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds per server, first")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=3, help="runs per server, interleaved")
    asyncio.run(main(parser.parse_args()))
