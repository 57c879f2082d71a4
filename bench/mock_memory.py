"""Mock memory: resident memory growth per document, for 100,000 printed X-reports.

    .venv/bin/python bench/mock_memory.py [--documents 100000]

Creates documents through the mock's backend (the same code the HTTP endpoint calls), each with
an ext_id, a callback URL and callback data, and prints each on the virtual printer (an X-report
is generated), then reports the growth of resident memory (RSS, from /proc) and of Python's own
allocations (tracemalloc), per document.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mock_lifepay.backend import Backend  # noqa: E402
from mock_lifepay.seed import DEMO  # noqa: E402
from mock_lifepay.settings import Settings  # noqa: E402


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    count = parser.parse_args().documents
    cap = Settings().max_documents
    for label, keep in (("all kept (max_documents 0)", 0), (f"default cap ({cap})", cap)):
        measure(count, keep, label)


def measure(count: int, keep: int, label: str) -> None:
    backend = Backend(seed=0, companies_count=0)
    bodies = [
        json.dumps(
            {
                "apikey": DEMO.apikey,
                "login": DEMO.admin_login,
                "target_serial": DEMO.printers[n % 2],
                "ext_id": f"bench-{n:08d}",
                "callback_url": "http://127.0.0.1:9/hook",
                "callback_data": {"token": "bench-token-0123456789"},
            }
        ).encode()
        for n in range(count)
    ]
    gc.collect()
    rss_before = rss_bytes()
    tracemalloc.start()  # slows the run several times; the time below includes it
    started = time.perf_counter()
    for body in bodies:
        answer = backend.create_x_report(body)
        assert answer.document is not None
        backend.process(answer.document)
        if keep:  # as the running mock does after each new document
            backend.trim(keep)
    elapsed = time.perf_counter() - started
    gc.collect()
    traced, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = rss_bytes() - rss_before
    kept = len(backend.documents)
    print(
        f"[{label}] {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}\n"
        f"documents created and printed: {count}, kept in memory: {kept}\n"
        f"RSS growth: {rss_growth / 2**20:.1f} MiB = {rss_growth / count:.0f} bytes per document\n"
        f"Python allocations (tracemalloc): {traced / 2**20:.1f} MiB = "
        f"{traced / count:.0f} bytes per document\n"
        f"backend time: {elapsed:.2f} s = {elapsed / count * 1e6:.1f} us per document"
    )


if __name__ == "__main__":
    main()
