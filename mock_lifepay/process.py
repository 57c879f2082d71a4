"""Settings of the process a long-running mock serves from (not of an embedded one)."""

from __future__ import annotations

import gc
from typing import Final

GC_YOUNG_THRESHOLD: Final = 50_000
"""Allocations between two runs of the cyclic garbage collector's youngest generation.

Python's default, 2,000, suits short scripts. A busy server allocates that many objects every few
dozen requests (coroutines, tasks, headers), and each run walked thousands of live ones: measured
at concurrency 100 with callbacks, about 70 µs of CPU per request went to the collector, as much
as in a bare aiohttp server. Garbage without cycles is freed at once by reference counting
anyway; cycles now wait for 50,000 allocations, a few megabytes at most.
"""


def tune_collector() -> None:
    """Run the young generation's collection less often (the older generations as before)."""
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)
