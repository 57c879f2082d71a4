"""Spectral (ruleset ``spectral:oas``) and Redocly lint the served document: no errors.

They are npm packages, run with npx (pinned versions, the exact commands in
docs/development.md); without npx the test is skipped. The first run downloads them.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from mock_lifepay import MockLifePay, MockServer

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("npx") is None, reason="npx (npm) is not installed"),
]

CONTRACT = Path(__file__).parent / "contract"
SPECTRAL = "@stoplight/spectral-cli@6.16.3"
REDOCLY = "@redocly/cli@2.77.0"


async def npx(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        "npx",
        "--yes",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=CONTRACT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 300)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_spectral_and_redocly_find_no_errors() -> None:
    async with MockServer(MockLifePay(companies=0), "127.0.0.1", 0) as server:
        document = f"{server.url}/_mock/openapi.json"
        spectral = await npx(SPECTRAL, "lint", "--ruleset", "spectral.yaml", document)
        redocly = await npx(REDOCLY, "lint", document)
    code, report = spectral
    assert code == 0, report
    assert "No results with a severity of 'error' found!" in report, report
    code, report = redocly
    assert code == 0, report
    assert "Your API description is valid" in report, report
