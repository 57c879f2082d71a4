"""The mock from other languages' test suites, through its command line.

examples/php/lifepay_mock_test.php starts the mock on a free port, waits until it is ready,
resets it between its tests and stops it, as docs/mock-server.md describes; this runs it when a
PHP interpreter is installed (Debian: apt-get install php-cli), and skips otherwise.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PHP = shutil.which("php")


@pytest.mark.skipif(PHP is None, reason="no PHP interpreter (apt-get install php-cli)")
async def test_the_php_example_suite_passes() -> None:
    assert PHP is not None
    process = await asyncio.create_subprocess_exec(
        PHP,
        str(REPO / "examples" / "php" / "lifepay_mock_test.php"),
        sys.executable,
        "-m",
        "mock_lifepay",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=REPO,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    text = output.decode()
    assert process.returncode == 0, text
    assert text.splitlines()[-1] == "2 passed, 0 failed", text
