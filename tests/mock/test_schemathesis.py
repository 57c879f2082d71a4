"""Schemathesis, a tool nobody here wrote, against the real mock over loopback HTTP.

Every check Schemathesis has (``--checks all``), every phase (examples, coverage, fuzzing, the
stateful one that follows the document's links), seeded and bounded. The only settings are in
``contract/schemathesis.toml``, each justified by the document. Schemathesis lives in its own
venv (``scripts/setup schemathesis``): its current releases need pytest >= 9, the floor's Home
Assistant pins 8.3.5. ``scripts/test`` runs this once per run, on the floor line.
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

import pytest

from mock_lifepay import MockLifePay, MockServer, Settings

HERE = Path(__file__).parent / "contract"
REPO = Path(__file__).resolve().parents[2]
TOOL = Path(os.environ.get("LIFEPAY_SCHEMATHESIS", REPO / ".venv-schemathesis" / "bin" / "st"))
SEED = "20261202"

pytestmark = pytest.mark.skipif(
    not TOOL.exists(), reason=f"{TOOL} is missing: run scripts/setup schemathesis"
)


async def run_schemathesis(url: str, where: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(TOOL),
        "--no-color",
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "run",
        f"{url}/_mock/openapi.json",
        "--checks",
        "all",
        "--seed",
        SEED,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=where,  # Hypothesis keeps its database in the working directory
        env={**os.environ, "PYTHONPATH": str(HERE)},
    )
    output, _ = await asyncio.wait_for(process.communicate(), 300)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_schemathesis_finds_nothing(tmp_path: Path) -> None:
    mock = MockLifePay(seed=0, companies=2, settings=Settings(processing_delay=0))
    async with MockServer(mock, "127.0.0.1", 0) as server:
        code, report = await run_schemathesis(server.url, tmp_path)
    assert code == 0, report
    assert "Selected: 26/26" in report, report
    assert "Tested: 26" in report, report
    generated = re.search(r"(\d+) generated, (\d+) passed", report)
    assert generated, report
    assert int(generated[1]) == int(generated[2]) > 500, report  # not a vacuous pass
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in report, report
    # The stateful phase really followed the links from a created document to its look-ups.
    assert re.search(r"API Links:\s+\d+ covered", report), report
