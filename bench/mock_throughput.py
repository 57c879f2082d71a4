"""Mock throughput and latency against its limits, side by side in one run.

    .venv/bin/python bench/mock_throughput.py [--seconds 5] [--concurrency 1 10 100] [--cases ...]

Starts five processes on 127.0.0.1: the mock (``python -m mock_lifepay``, printing instantly), a
bare aiohttp handler returning the same JSON, the parse reference (a handler that decodes the
JSON body, makes a uuid4 and keeps the request: the least an implementation of the endpoint
does), the fair limit (the bare handler that also sends one callback POST per request through one
shared client session) and a callback sink. This process is the load generator: for each
concurrency it sends create-x-report requests to each case for the same number of seconds,
interleaved, and prints requests per second, p50 and p99 latency, and the ratios that matter: the
endpoint alone (``mock`` to ``bare``, no callback_url; ``parse`` to ``bare`` says what parsing
alone costs, and a last line compares ``mock`` to ``parse``) and with callbacks (``mock+cb`` to
``fair+cb``, every request naming the sink as callback_url).
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


async def start(
    *args: str, ready: str, cwd: Path = REPO, program: str = sys.executable
) -> asyncio.subprocess.Process:
    """Start ``program args`` and wait for a line of its output containing ``ready``."""
    process = await asyncio.create_subprocess_exec(
        program, *args, cwd=cwd, stdout=asyncio.subprocess.PIPE
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


def cpu_seconds(pid: int) -> float:
    """The process's user and system CPU time so far, from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summary(
    latencies: list[float], seconds: float, cpu: float
) -> tuple[float, float, float, float]:
    """req/s, p50 and p99 in ms, and the server's CPU time per request in µs."""
    quantiles = statistics.quantiles(latencies, n=100)
    count = len(latencies)
    return count / seconds, quantiles[49] * 1000, quantiles[98] * 1000, cpu / count * 1e6


# Each row: a name, the server, whether requests name a callback_url, the server it is held to.
CASES = (
    ("bare", "bare", False, None),
    ("parse", "parse", False, "bare"),
    ("mock", "mock", False, "bare"),
    ("fair+cb", "fair", True, None),
    ("mock+cb", "mock", True, "fair+cb"),
)
# With --baseline: the same mock from another checkout (an older commit), side by side.
BASELINE_CASES = (("base", "base", False, "bare"), ("base+cb", "base", True, "fair+cb"))


async def main(args: argparse.Namespace) -> None:
    ports = {name: free_port() for name in ("sink", "bare", "parse", "fair", "mock")}
    sink_url = f"http://127.0.0.1:{ports['sink']}/hook"
    processes = {
        "sink": await start("bench/_servers.py", "sink", str(ports["sink"]), ready="ready"),
        "bare": await start("bench/_servers.py", "bare", str(ports["bare"]), ready="ready"),
        "parse": await start("bench/_servers.py", "parse", str(ports["parse"]), ready="ready"),
        "fair": await start(
            "bench/_servers.py", "fair", str(ports["fair"]), sink_url, ready="ready"
        ),
        "mock": await start(*mock_args(ports["mock"]), ready="listening on"),
    }
    if args.baseline is not None:
        ports["base"] = free_port()
        processes["base"] = await start(*mock_args(ports["base"]), ready="on", cwd=args.baseline)
    pids = {name: process.pid for name, process in processes.items()}
    request = {
        "apikey": DEMO.apikey,
        "login": DEMO.admin_login,
        "target_serial": DEMO.printers[0],
        "callback_data": {"token": "bench"},
    }
    bodies = {
        False: json.dumps(request).encode(),
        True: json.dumps(request | {"callback_url": sink_url}).encode(),
    }
    every = CASES + (BASELINE_CASES if args.baseline is not None else ())
    cases = [case for case in every if case[0] in args.cases or case[1] == "base"]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"aiohttp {aiohttp.__version__}; median of {args.repeat} interleaved runs of "
        f"{args.seconds:g} s, loopback, closed loop"
    )
    print(
        f"{'concurrency':>11} | {'server':<8} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} "
        f"| {'CPU us/req':>10} | ratio (req/s) | ratio (CPU per request)"
    )
    try:
        for concurrency in args.concurrency:
            # Interleave the servers and keep each one's median run: this machine is noisy.
            runs: dict[str, list[tuple[float, float, float, float]]] = {c[0]: [] for c in cases}
            for _ in range(args.repeat):
                for name, server, callbacks, _limit in cases:
                    url = f"http://127.0.0.1:{ports[server]}{ENDPOINT}"
                    before = cpu_seconds(pids[server])
                    latencies = await load(url, bodies[callbacks], concurrency, args.seconds)
                    await asyncio.sleep(0.5)  # let the callbacks drain (their CPU counts)
                    cpu = cpu_seconds(pids[server]) - before
                    runs[name].append(summary(latencies, args.seconds, cpu))
            results = {name: sorted(found)[len(found) // 2] for name, found in runs.items()}
            cpus = {
                name: statistics.median(run[3] for run in found) for name, found in runs.items()
            }
            for name, _server, _callbacks, limit in cases:
                rps, p50, p99, _cpu = results[name]
                ratio = cpu_ratio = ""
                if limit in results:
                    ratio = f"{rps / results[limit][0]:.2f} of {limit}"
                    cpu_ratio = f"{cpus[limit] / cpus[name]:.2f} of {limit}"
                print(
                    f"{concurrency:>11} | {name:<8} | {rps:>8.0f} | {p50:>7.2f} | {p99:>7.2f} "
                    f"| {cpus[name]:>10.0f} | {ratio:<13} | {cpu_ratio}"
                )
            if "mock" in results and "parse" in results:
                print(
                    f"{concurrency:>11} | mock to parse: {results['mock'][0] / results['parse'][0]:.2f}"
                    f" (req/s), {cpus['parse'] / cpus['mock']:.2f} (CPU per request)"
                )
    finally:
        for process in processes.values():
            process.terminate()
            await process.wait()


def mock_args(port: int) -> tuple[str, ...]:
    return (
        "-m",
        "mock_lifepay",
        "--port",
        str(port),
        "--processing-delay",
        "0",
        "--companies",
        "0",
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=3, help="runs per server, interleaved")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="also run the mock from this checkout (e.g. a git worktree of an older commit)",
    )
    parser.add_argument(
        "--cases",
        nargs="+",
        default=[case[0] for case in CASES],
        choices=[case[0] for case in CASES],
        help="which servers to run: the endpoint alone (bare, mock), with callbacks (fair+cb, mock+cb)",
    )
    asyncio.run(main(parser.parse_args()))
