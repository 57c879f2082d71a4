"""``python -m mock_lifepay`` as a user runs it: a real process on a free port."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import re
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from mock_lifepay import DEMO, ENDPOINT
from mock_lifepay.__main__ import parse_args
from mock_lifepay.process import GC_YOUNG_THRESHOLD, tune_collector

REPO = Path(__file__).resolve().parents[2]


async def start_cli(*args: str) -> tuple[asyncio.subprocess.Process, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "mock_lifepay",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    banner = ""
    async with asyncio.timeout(20):
        while "Try it:" not in banner:
            line = await process.stdout.readline()
            if not line:
                break
            banner += line.decode()
    match = re.search(r"listening on (http://\S+)", banner)
    assert match, banner
    return process, match.group(1), banner


async def test_cli_serves_the_demo_account(session: aiohttp.ClientSession) -> None:
    process, url, banner = await start_cli("--port", "0", "--processing-delay", "0")
    try:
        assert DEMO.apikey in banner
        assert DEMO.admin_login in banner
        assert all(serial in banner for serial in DEMO.printers)
        assert url.startswith("http://127.0.0.1:")
        payload = {"apikey": DEMO.apikey, "login": DEMO.admin_login}
        async with session.post(
            url + ENDPOINT, json=payload | {"target_serial": DEMO.printers[0]}
        ) as ok:
            answer = json.loads(await ok.read())
        assert answer["code"] == 0
        assert answer["data"]["uuid"]
        async with session.post(url + ENDPOINT, json=payload | {"target_serial": "123"}) as bad:
            refused = json.loads(await bad.read())
        assert refused == {
            "code": 400,
            "message": "Ошибка данных.",
            "data": {"target_serial": ["Принтер не найден."]},
        }
    finally:
        process.send_signal(signal.SIGINT)
        stdout, _ = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0
    assert b"stopped" in stdout


async def test_cli_reports_a_busy_port() -> None:
    first, url, _ = await start_cli("--port", "0")
    try:
        port = url.rsplit(":", 1)[1]
        second = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "mock_lifepay",
            "--port",
            port,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await asyncio.wait_for(second.communicate(), 20)
        assert second.returncode == 1
        assert b"cannot listen" in stderr
    finally:
        first.send_signal(signal.SIGTERM)
        await asyncio.wait_for(first.communicate(), 20)


def test_arguments() -> None:
    args = parse_args(["--seed", "7", "--callback-encoding", "json", "--companies", "1", "-v"])
    assert (args.seed, args.callback_encoding, args.companies, args.verbose) == (7, "json", 1, True)
    defaults = parse_args([])
    assert defaults.host == "127.0.0.1"
    assert (defaults.callback_encoding, defaults.callback_status_words) == ("multipart", {})


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("payment", {"processed": "success", "error": "fail"}),
        ("document", {}),
        ('{"processed": "printing"}', {"processed": "printing"}),
        ("{}", {}),
    ],
)
def test_status_words_argument(value: str, words: dict[str, str]) -> None:
    assert parse_args(["--callback-status-words", value]).callback_status_words == words


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("paid", "unknown preset 'paid'"),
        ('{"queued": "new"}', "'queued' is not a notified status"),
        ('{"error": 1}', "must be non-empty text"),
        ("{oops", "--callback-status-words"),
    ],
)
def test_bad_status_words_argument(
    value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--callback-status-words", value])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


async def test_cli_callback_flags_reach_the_settings(session: aiohttp.ClientSession) -> None:
    process, url, _ = await start_cli(
        "--port",
        "0",
        "--callback-encoding",
        "form",
        "--callback-status-words",
        "payment",
        "--callback-user-agent",
        "GuzzleHttp/7.8 curl/8.5.0 PHP/8.2.7",
    )
    try:
        async with session.get(url + "/_mock/settings") as response:
            settings = await response.json()
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.communicate(), 20)
    assert settings["callback_encoding"] == "form"
    assert settings["callback_status_words"] == {"processed": "success", "error": "fail"}
    assert settings["callback_user_agent"] == "GuzzleHttp/7.8 curl/8.5.0 PHP/8.2.7"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "70000"], "argument --port: must be a whole number from 0 to 65535"),
        (["--port", "80.5"], "argument --port: must be a whole number from 0 to 65535"),
        (["--processing-delay", "1e300"], "must be a number of seconds from 0 to 3600"),
        (["--processing-delay", "nan"], "must be a number of seconds from 0 to 3600"),
        (["--companies", "-1"], "argument --companies: must be a whole number from 0 to 1000"),
        (["--seed", "x"], "argument --seed: must be a whole number"),
        (["--callback-user-agent", ""], "callback_user_agent must be 1 to 200 printable"),
    ],
)
def test_cli_options_have_bounds(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        parse_args(args)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("command", "prog"),
    [
        (["mock-lifepay"], "mock-lifepay"),
        ([sys.executable, "-m", "mock_lifepay"], "python -m mock_lifepay"),
    ],
)
async def test_help_names_the_program_as_invoked_and_says_what_v_does(
    command: list[str], prog: str, tmp_path: Path
) -> None:
    if command == ["mock-lifepay"]:
        # The console script as pip writes it, without installing anything.
        script = tmp_path / "mock-lifepay"
        script.write_text(
            f"#!{sys.executable}\nimport sys\nfrom mock_lifepay.__main__ import main\n"
            "sys.exit(main())\n"
        )
        script.chmod(0o755)
        command = [str(script)]
    process = await asyncio.create_subprocess_exec(
        *command,
        "--help",
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "COLUMNS": "200", "PYTHONPATH": str(REPO)},
    )
    out, _ = await asyncio.wait_for(process.communicate(), 20)
    text = out.decode()
    assert process.returncode == 0
    assert text.startswith(f"usage: {prog} "), text
    assert "-v, --verbose log every failed callback try" in " ".join(text.split()), text
    assert "--callback-user-agent TEXT" in text


def test_the_command_collects_young_garbage_less_often() -> None:
    # A server keeps many objects and allocates fast: see mock_lifepay.process.
    before = gc.get_threshold()
    try:
        tune_collector()
        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, *before[1:])
        assert before[0] < GC_YOUNG_THRESHOLD
    finally:
        gc.set_threshold(*before)
