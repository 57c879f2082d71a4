"""The throughput benchmark still runs: every server starts and every case gets its row.

It measures nothing here (a fraction of a second per case); it keeps ``bench/`` from rotting.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_throughput_benchmark_prints_a_row_per_case_and_the_ratios() -> None:
    run = subprocess.run(
        [
            sys.executable,
            "bench/mock_throughput.py",
            "--seconds",
            "0.3",
            "--repeat",
            "1",
            "--concurrency",
            "2",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    rows = {
        match.group(1): match.group(2)
        for match in re.finditer(r"^\s+2 \| (\S+)\s+\|(.*)$", run.stdout, re.MULTILINE)
    }
    assert set(rows) == {"bare", "parse", "mock", "fair+cb", "mock+cb"}
    assert re.search(r"\d\.\d\d of bare", rows["mock"])
    assert re.search(r"\d\.\d\d of bare", rows["parse"])
    assert re.search(r"\d\.\d\d of fair\+cb", rows["mock+cb"])
    assert re.search(r"mock to parse: \d\.\d\d \(req/s\)", run.stdout)


@pytest.mark.slow
def test_peers_benchmark_measures_each_peer_or_says_why_not() -> None:
    run = subprocess.run(
        [
            sys.executable,
            "bench/peers.py",
            "--seconds",
            "0.3",
            "--repeat",
            "1",
            "--warmup",
            "0.3",
            "--concurrency",
            "2",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    rows = {
        match.group(1): match.group(2)
        for match in re.finditer(r"^\s+2 \| (\S+)\s+\|(.*)$", run.stdout, re.MULTILINE)
    }
    assert {"mock", "parse", "bare"} <= set(rows), run.stdout
    for peer in ("prism", "wiremock"):
        measured = peer in rows and re.search(r"\| \d+\.\d\d$", rows[peer])
        assert measured or f"{peer}: not measured: " in run.stdout, run.stdout
