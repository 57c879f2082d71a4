"""The lean install: the wheel holds the mock alone, and installs and runs in a fresh venv.

The Home Assistant integration is installed by HACS from custom_components/; pip must never put
it into a site-packages. The wheel is built from a copy of the tree (so the checkout gets no
build/ or egg-info) with the locked setuptools, without build isolation: nothing is downloaded
to build it.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

import aiohttp
import pytest

from mock_lifepay import DEMO

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
# What a checkout holds that a build could pick up; the integration must stay out.
COPIED = (
    "pyproject.toml",
    "README.md",
    "LICENSE",
    "hacs.json",
    "mock_lifepay",
    "custom_components",
    "docs",
)


def clean_env() -> dict[str, str]:
    """This environment without pytest-cov's: builds of the copied tree must not be measured."""
    return {key: value for key, value in os.environ.items() if not key.startswith("COV_CORE_")}


def run(*args: str | Path, cwd: Path | None = None) -> str:
    """Run a command of this test's own making; its output, or the failure with it."""
    done = subprocess.run(  # noqa: S603 - the arguments are this test's own
        [str(arg) for arg in args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        env=clean_env(),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def build_wheel(where: Path) -> Path:
    source = where / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in COPIED:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    pip = (sys.executable, "-m", "pip")
    run(*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", where / "dist", source)
    (wheel,) = (where / "dist").glob("*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_holds_the_mock_and_nothing_else(wheel: Path) -> None:
    assert re.fullmatch(r"mock_lifepay-[0-9.]+-py3-none-any\.whl", wheel.name), wheel.name
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        entry_text = archive.read(entry_points).decode()
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata_text = archive.read(metadata).decode()
        requires = [
            line.split(":", 1)[1].strip()
            for line in metadata_text.splitlines()
            if line.startswith("Requires-Dist:")
        ]
        (license_file,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert archive.read(license_file) == (REPO / "LICENSE").read_bytes()
    packaged = {name for name in names if not name.startswith("mock_lifepay-")}
    sources = {
        path.relative_to(REPO).as_posix()
        for path in (REPO / "mock_lifepay").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert packaged == sources  # every module and data file of the mock, nothing more
    assert not any("custom_components" in name or name.startswith("tests/") for name in names)
    assert "mock_lifepay/py.typed" in packaged
    assert "[console_scripts]\nmock-lifepay = mock_lifepay.__main__:main" in entry_text
    assert "[pytest11]\nlifepay_mock = mock_lifepay.pytest_plugin" in entry_text
    assert "License-Expression: MIT" in metadata_text
    # The long description (docs/mock-server.md) read on its own: every link and image absolute.
    description = metadata_text.split("\n\n", 1)[1]
    targets = re.findall(r"\]\(([^)]*)\)", description)
    assert targets, "no links found: the pattern is wrong"
    assert [t for t in targets if not t.startswith("https://")] == []
    assert sorted(requires) == [
        "aiohttp>=3.11",
        "faker>=30",
        'pytest-asyncio>=0.24; extra == "pytest"',
        'pytest>=8; extra == "pytest"',
    ]


async def test_the_wheel_installs_and_mock_lifepay_serves(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    await asyncio.to_thread(run, sys.executable, "-m", "venv", venv)
    # The lock pins aiohttp and faker: the same versions the suite uses, usually from pip's cache.
    lock = REPO / "requirements" / "test.txt"
    await asyncio.to_thread(run, python, "-m", "pip", "install", "-q", wheel, "-c", lock)
    found = json.loads(await asyncio.to_thread(run, python, "-c", PROBE, cwd=tmp_path))
    assert found == {"custom_components": False, "homeassistant": False, "plugin": True}

    process = await asyncio.create_subprocess_exec(
        str(venv / "bin" / "mock-lifepay"),
        "--port",
        "0",
        "--processing-delay",
        "0",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=tmp_path,
        env=clean_env(),
    )
    assert process.stdout is not None
    try:
        async with asyncio.timeout(30):
            banner = ""
            while "Try it:" not in banner:
                line = await process.stdout.readline()
                assert line, banner
                banner += line.decode()
        match = re.search(r"listening on (http://\S+)", banner)
        assert match, banner
        url = match.group(1)
        payload = {"apikey": DEMO.apikey, "login": DEMO.admin_login, "test": 1}
        async with (
            aiohttp.ClientSession() as session,
            session.post(url + "/cloud-print/create-session", json=payload) as answer,
        ):
            assert await answer.json(content_type=None) == {"code": 0, "message": "", "data": []}
            async with session.get(url + "/_mock/openapi.json") as spec:
                assert (await spec.json())["openapi"] == "3.1.0"  # served from the wheel too
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0


def documented_example() -> str:
    """The pytest example of docs/mock-server.md, exactly as written there."""
    text = (REPO / "docs" / "mock-server.md").read_text(encoding="utf-8")
    match = re.search(r"```python\n(# test_lifepay\.py\n.*?)```", text, re.DOTALL)
    assert match, "docs/mock-server.md has no test_lifepay.py example"
    return match.group(1)


@pytest.mark.parametrize("mode", ["strict", "auto"])
async def test_the_documented_pytest_example_runs_in_a_fresh_venv(
    wheel: Path, tmp_path_factory: pytest.TempPathFactory, mode: str
) -> None:
    """pip install "mock-lifepay[pytest]" and the documented example, in both asyncio modes.

    pytest and pytest-asyncio at the versions this suite runs with (usually from pip's cache).
    """
    venv = await example_venv(wheel, tmp_path_factory)
    project = tmp_path_factory.mktemp(f"example-{mode}")
    (project / "test_lifepay.py").write_text(documented_example(), encoding="utf-8")
    output = await asyncio.to_thread(
        run,
        venv / "bin" / "python",
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-o",
        f"asyncio_mode={mode}",
        "test_lifepay.py",
        cwd=project,
    )
    assert re.search(r"\b1 passed\b", output), output
    assert f"asyncio: mode=Mode.{mode.upper()}" in output, output


_EXAMPLE_VENV: dict[str, Path] = {}


async def example_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One venv with the wheel and its pytest extra, shared by both modes."""
    if "venv" not in _EXAMPLE_VENV:
        venv = tmp_path_factory.mktemp("example") / "venv"
        await asyncio.to_thread(run, sys.executable, "-m", "venv", venv)
        # The lock's aiohttp and faker; pytest and pytest-asyncio as in the venv running this.
        ours = ("pytest", "pytest-asyncio")
        lock = (REPO / "requirements" / "test.txt").read_text(encoding="utf-8").splitlines()
        constraints = venv.parent / "constraints.txt"
        constraints.write_text(
            "\n".join(line for line in lock if line.split("==")[0] not in ours), encoding="utf-8"
        )
        pins = [f"{name}=={version(name)}" for name in ours]
        pip = (venv / "bin" / "python", "-m", "pip", "install", "-q")
        await asyncio.to_thread(run, *pip, f"{wheel}[pytest]", *pins, "-c", constraints)
        _EXAMPLE_VENV["venv"] = venv
    return _EXAMPLE_VENV["venv"]


PROBE = """
import importlib.util, json
from importlib.metadata import entry_points
print(json.dumps({
    "custom_components": importlib.util.find_spec("custom_components") is not None,
    "homeassistant": importlib.util.find_spec("homeassistant") is not None,
    "plugin": any(e.value == "mock_lifepay.pytest_plugin" for e in entry_points(group="pytest11")),
}))
"""
