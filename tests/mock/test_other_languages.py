"""The mock from other languages' test suites, through its command line.

examples/php/lifepay_mock_test.php starts the mock on a free port, waits until it is ready,
resets it between its tests and stops it, as docs/mock-server.md describes; the Ruby snippet in
that document does the same. Each runs when its interpreter is installed (Debian: apt-get install
php-cli, ruby) and is skipped otherwise.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PHP = shutil.which("php")
RUBY = shutil.which("ruby")


async def run(*argv: str) -> str:
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=REPO
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    text = output.decode()
    assert process.returncode == 0, text
    return text


@pytest.mark.skipif(PHP is None, reason="no PHP interpreter (apt-get install php-cli)")
async def test_the_php_example_suite_passes() -> None:
    assert PHP is not None
    script = REPO / "examples" / "php" / "lifepay_mock_test.php"
    text = await run(PHP, str(script), sys.executable, "-m", "mock_lifepay")
    assert text.splitlines()[-1] == "2 passed, 0 failed", text


@pytest.mark.skipif(RUBY is None, reason="no Ruby interpreter (apt-get install ruby)")
async def test_the_ruby_snippet_in_the_docs_runs(tmp_path: Path) -> None:
    """The Ruby block of docs/mock-server.md as written, but for the command that starts the
    mock (``mock-lifepay`` is not installed in a checkout)."""
    assert RUBY is not None
    docs = (REPO / "docs" / "mock-server.md").read_text(encoding="utf-8")
    match = re.search(r"```ruby\n(.*?)```", docs, re.DOTALL)
    assert match, "docs/mock-server.md has no Ruby block"
    command = f'["{sys.executable}", "-m", "mock_lifepay", '
    snippet = match.group(1).replace('["mock-lifepay", ', command)
    assert command in snippet
    script = tmp_path / "snippet.rb"
    script.write_text(snippet + "puts \"code #{answer['code']}\"\n", encoding="utf-8")
    assert (await run(RUBY, str(script))).splitlines()[-1] == "code 0"
