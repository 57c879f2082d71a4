"""Mock memory: resident memory growth per kept document, for 100,000 printed X-reports.

    .venv/bin/python bench/mock_memory.py [--documents 100000]

Creates documents through the mock's backend (the same code the HTTP endpoint calls), each with
an ext_id, a callback URL and callback data, prints each on the virtual printer (an X-report is
kept with it) and records one delivered callback try on it, as the running mock does, then
reports the growth of resident memory (RSS, from /proc) and of Python's own allocations
(tracemalloc), per document: with every document kept, and with the default cap.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mock_lifepay.backend import Backend  # noqa: E402
from mock_lifepay.models import CallbackAttempt  # noqa: E402
from mock_lifepay.seed import DEMO  # noqa: E402
from mock_lifepay.settings import Settings  # noqa: E402


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--keep", type=int, help=argparse.SUPPRESS)  # one measurement, alone
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.keep is not None:
        measure(args.documents, args.keep, trace=args.trace)
        return
    cap = Settings().max_documents
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{args.documents} documents created, printed and called back"
    )
    # Each measurement in a fresh process: RSS does not shrink back between them, and
    # tracemalloc's own bookkeeping would be counted as the mock's if it ran alongside.
    for label, keep in (("all kept (max_documents 0)", 0), (f"default cap ({cap})", cap)):
        for trace in (False, True):
            command = [sys.executable, __file__, "--documents", str(args.documents)]
            command += ["--keep", str(keep)] + (["--trace"] if trace else [])
            result = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
            print(f"[{label}] {result.stdout.strip()}")


def measure(count: int, keep: int, *, trace: bool) -> None:
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
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    for body in bodies:
        answer = backend.create_x_report(body)
        assert answer.document is not None
        assert answer.document.report is None
        document = answer.document
        backend.process(document)
        document.add_attempt(
            CallbackAttempt(
                document.status, 1, backend.timestamp(), "multipart", "processed", http_status=200
            )
        )
        if keep:  # as the running mock does after each new document
            backend.trim(keep)
    elapsed = time.perf_counter() - started
    gc.collect()
    kept = len(backend.documents)
    if trace:
        traced, _peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"kept {kept}: Python allocations (tracemalloc) {traced / 2**20:.1f} MiB = "
            f"{traced / kept:.0f} bytes per kept document"
        )
        return
    rss_growth = rss_bytes() - rss_before
    print(
        f"kept {kept}: RSS growth {rss_growth / 2**20:.1f} MiB = "
        f"{rss_growth / kept:.0f} bytes per kept document; "
        f"backend {elapsed / count * 1e6:.1f} us per document"
    )


if __name__ == "__main__":
    main()
