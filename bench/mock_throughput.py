"""Mock throughput and latency against a bare aiohttp handler, side by side in one run.

    .venv/bin/python bench/mock_throughput.py [--seconds 5] [--concurrency 1 10 100]

Starts three processes on 127.0.0.1: the mock (``python -m mock_lifepay``, printing instantly,
callbacks switched on and delivered to a sink process, or off with ``--no-callbacks``) and a bare
aiohttp handler returning the same JSON. This process is the load generator: for each concurrency it sends create-x-report
requests to each server for the same number of seconds and prints requests per second, p50 and
p99 latency, and the mock's share of the bare handler's throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import sys
import time
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mock_lifepay.seed import DEMO  # noqa: E402

ENDPOINT = "/cloud-print/create-x-report"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def start(*args: str, ready: str) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, *args, cwd=REPO, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    async with asyncio.timeout(30):
        while ready not in (await process.stdout.readline()).decode():
            pass
    return process


async def load(url: str, body: bytes, concurrency: int, seconds: float) -> list[float]:
    """Closed-loop load: ``concurrency`` workers, each sending the next request on an answer."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                async with session.post(
                    url, data=body, headers={"Content-Type": "application/json"}
                ) as response:
                    await response.read()
                    if response.status != 200:
                        raise SystemExit(f"{url} answered {response.status}")
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def summary(latencies: list[float], seconds: float) -> tuple[float, float, float]:
    quantiles = statistics.quantiles(latencies, n=100)
    return len(latencies) / seconds, quantiles[49] * 1000, quantiles[98] * 1000


async def main(args: argparse.Namespace) -> None:
    sink_port, bare_port, mock_port = free_port(), free_port(), free_port()
    processes = [
        await start("bench/_servers.py", "sink", str(sink_port), ready="ready"),
        await start("bench/_servers.py", "bare", str(bare_port), ready="ready"),
        await start(
            "-m",
            "mock_lifepay",
            "--port",
            str(mock_port),
            "--processing-delay",
            "0",
            "--companies",
            "0",
            ready="listening on",
        ),
    ]
    request = {
        "apikey": DEMO.apikey,
        "login": DEMO.admin_login,
        "target_serial": DEMO.printers[0],
        "callback_data": {"token": "bench"},
    }
    if args.callbacks:
        request["callback_url"] = f"http://127.0.0.1:{sink_port}/hook"
    body = json.dumps(request).encode()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"aiohttp {aiohttp.__version__}; median of {args.repeat} interleaved runs of "
        f"{args.seconds:g} s, loopback, closed loop, "
        f"callbacks {'on' if args.callbacks else 'off'}"
    )
    print(
        f"{'concurrency':>11} | {'server':<6} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} | mock/bare"
    )
    try:
        for concurrency in args.concurrency:
            # Interleave the two servers and keep each one's median run: this machine is noisy.
            runs: dict[str, list[tuple[float, float, float]]] = {"bare": [], "mock": []}
            for _ in range(args.repeat):
                for name, port in (("bare", bare_port), ("mock", mock_port)):
                    latencies = await load(
                        f"http://127.0.0.1:{port}{ENDPOINT}", body, concurrency, args.seconds
                    )
                    runs[name].append(summary(latencies, args.seconds))
                    await asyncio.sleep(0.5)  # let the mock's callbacks drain
            results = {name: sorted(found)[len(found) // 2] for name, found in runs.items()}
            ratio = results["mock"][0] / results["bare"][0]
            for name, (rps, p50, p99) in results.items():
                share = f"{ratio:.2f}" if name == "mock" else ""
                print(
                    f"{concurrency:>11} | {name:<6} | {rps:>8.0f} | {p50:>7.2f} | {p99:>7.2f} | {share}"
                )
    finally:
        for process in processes:
            process.terminate()
            await process.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=3, help="runs per server, interleaved")
    parser.add_argument(
        "--no-callbacks",
        dest="callbacks",
        action="store_false",
        help="send no callback_url (the endpoint alone)",
    )
    asyncio.run(main(parser.parse_args()))
