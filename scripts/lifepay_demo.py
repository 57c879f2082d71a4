"""The demo: the LifePay mock plus a real Home Assistant with the integration, set up for you.

Run through ``scripts/develop``. It starts ``python -m mock_lifepay`` and ``hass -c config``,
completes Home Assistant's onboarding through its HTTP API (first run only), adds the demo LifePay
account and its two printers through the integration's real config flow, prints the URLs and
stops both processes on Ctrl-C. Loopback only; state is kept in the config folder between runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import shutil
import signal
import sys
from pathlib import Path
from typing import IO, Any

import aiohttp

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mock_lifepay.seed import DEMO  # noqa: E402 - after the path is set

CLIENT_ID = "http://127.0.0.1/"
ONBOARDED = [
    {"step": step, "done": True} for step in ("user", "core_config", "analytics", "integration")
]
DASHBOARD = "lovelace-lifepay"
PRINTERS = (("Shop till", DEMO.printers[0]), ("Warehouse till", DEMO.printers[1]))

CONFIGURATION = """\
# Written by scripts/develop on every start; edit scripts/lifepay_demo.py instead.
homeassistant:
  name: LifePay demo
  country: RU
  currency: RUB
  time_zone: Europe/Moscow
  unit_system: metric
  internal_url: http://127.0.0.1:{ha_port}
  auth_providers:
    # Loopback only, without a password: this is a local demo.
    - type: trusted_networks
      trusted_networks: [127.0.0.1/32, "::1/128"]
      allow_bypass_login: true
    - type: homeassistant
http:
  server_host: 127.0.0.1
  server_port: {ha_port}
frontend:
config:
logger:
  default: warning
  logs:
    custom_components.lifepay: debug
lovelace:
  mode: storage
  dashboards:
    {dashboard}:
      mode: yaml
      title: LifePay
      icon: mdi:printer-pos
      show_in_sidebar: true
      filename: lifepay-dashboard.yaml
"""


def dashboard_yaml() -> str:
    cards = []
    for name, serial in PRINTERS:
        slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        cards.append(
            f"""      - type: entities
        title: {name} ({serial})
        entities:
          - entity: button.{slug}_print_x_report
            name: Print X-report
          - entity: sensor.{slug}_x_report_status
            name: Status
          - entity: sensor.{slug}_last_x_report
            name: Last X-report"""
        )
    body = "\n".join(cards)
    return f"""title: LifePay
views:
  - title: Printers
    path: printers
    cards:
{body}
"""


def prepare_config(config: Path, ha_port: int, reset: bool) -> None:
    if reset and config.exists():
        shutil.rmtree(config)
    (config / "custom_components").mkdir(parents=True, exist_ok=True)
    link = config / "custom_components" / "lifepay"
    if not link.exists():
        link.symlink_to(REPO / "custom_components" / "lifepay", target_is_directory=True)
    (config / "configuration.yaml").write_text(
        CONFIGURATION.format(ha_port=ha_port, dashboard=DASHBOARD)
    )
    (config / "lifepay-dashboard.yaml").write_text(dashboard_yaml())


async def start_mock(port: int, processing_delay: float) -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "mock_lifepay",
        "--port",
        str(port),
        "--processing-delay",
        str(processing_delay),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    if process.stdout is None:  # pragma: no cover - PIPE was asked for
        raise SystemExit("no output from the LifePay mock")
    async with asyncio.timeout(30):
        while line := (await process.stdout.readline()).decode():
            if match := re.search(r"listening on (http://\S+)", line):
                asyncio.get_running_loop().create_task(_drain(process.stdout))
                return process, match.group(1)
    raise SystemExit(f"the LifePay mock did not start (exit code {process.returncode})")


async def _drain(stream: asyncio.StreamReader) -> None:
    while await stream.readline():
        pass


async def start_hass(config: Path, log: IO[bytes]) -> asyncio.subprocess.Process:
    hass = Path(sys.executable).with_name("hass")
    return await asyncio.create_subprocess_exec(
        str(hass), "-c", str(config), "--skip-pip", stdout=log, stderr=log
    )


class HomeAssistantApi:
    """The few HTTP API calls the demo needs, as the frontend would make them."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url
        self.token = ""

    async def call(self, method: str, path: str, payload: Any = None, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with self.session.request(
            method, self.url + path, json=payload, headers=headers, **kwargs
        ) as response:
            if response.status >= 400:
                text = await response.text()
                raise SystemExit(f"Home Assistant answered {response.status} to {path}: {text}")
            return await response.json(content_type=None)

    async def wait_until_up(self, process: asyncio.subprocess.Process) -> list[dict[str, Any]]:
        async with asyncio.timeout(180):
            while True:
                if process.returncode is not None:
                    raise SystemExit("Home Assistant exited; see config/home-assistant.log")
                with contextlib.suppress(aiohttp.ClientError):
                    async with self.session.get(self.url + "/api/onboarding") as response:
                        if response.status == 200:
                            steps: list[dict[str, Any]] = await response.json()
                            return steps
                    # Once onboarded, Home Assistant no longer loads onboarding: 404 there.
                    async with self.session.get(self.url + "/auth/providers") as response:
                        if response.status == 200:
                            return ONBOARDED
                await asyncio.sleep(0.5)

    async def token_for(self, code: str) -> None:
        async with self.session.post(
            self.url + "/auth/token",
            data={"grant_type": "authorization_code", "code": code, "client_id": CLIENT_ID},
        ) as response:
            self.token = (await response.json())["access_token"]

    async def onboard(self, steps: list[dict[str, Any]]) -> None:
        done = {step["step"] for step in steps if step["done"]}
        if "user" not in done:
            user = await self.call(
                "POST",
                "/api/onboarding/users",
                {
                    "client_id": CLIENT_ID,
                    "name": "Shop owner",
                    "username": "owner",
                    "password": "lifepay-demo",
                    "language": "en",
                },
            )
            await self.token_for(user["auth_code"])
        else:
            await self.login_trusted()
        if "core_config" not in done:
            await self.call("POST", "/api/onboarding/core_config")
        if "analytics" not in done:
            await self.call("POST", "/api/onboarding/analytics")
        if "integration" not in done:
            await self.call(
                "POST",
                "/api/onboarding/integration",
                {"client_id": CLIENT_ID, "redirect_uri": CLIENT_ID},
            )

    async def login_trusted(self) -> None:
        """Log in as the local user through the trusted-networks provider, no password."""
        flow = await self.call(
            "POST",
            "/auth/login_flow",
            {
                "client_id": CLIENT_ID,
                "handler": ["trusted_networks", None],
                "redirect_uri": CLIENT_ID,
            },
        )
        if flow["type"] == "create_entry":  # one user and allow_bypass_login: no question
            await self.token_for(flow["result"])
            return
        user_id = flow["data_schema"][0]["options"][0][0]
        result = await self.call(
            "POST", f"/auth/login_flow/{flow['flow_id']}", {"client_id": CLIENT_ID, "user": user_id}
        )
        await self.token_for(result["result"])

    async def ensure_lifepay(self, mock_url: str) -> None:
        """Add the demo account and printers, or point an existing account at this mock."""
        account = {
            "api_key": DEMO.apikey,
            "login": DEMO.admin_login,
            "advanced": {"url": mock_url},
        }
        entries = await self.call("GET", "/api/config/config_entries/entry?domain=lifepay")
        if entries:
            entry_id = entries[0]["entry_id"]
            flow = await self.call(
                "POST",
                "/api/config/config_entries/flow",
                {"handler": "lifepay", "entry_id": entry_id},
            )
            await self.finish(f"/api/config/config_entries/flow/{flow['flow_id']}", account)
            if entries[0].get("num_subentries", 0) >= len(PRINTERS):
                return
        else:
            flow = await self.call(
                "POST",
                "/api/config/config_entries/flow",
                {"handler": "lifepay", "show_advanced_options": True},
            )
            result = await self.finish(
                f"/api/config/config_entries/flow/{flow['flow_id']}", account
            )
            entry_id = result["result"]["entry_id"]
        for name, serial in PRINTERS:
            flow = await self.call(
                "POST",
                "/api/config/config_entries/subentries/flow",
                {"handler": [entry_id, "printer"]},
            )
            await self.finish(
                f"/api/config/config_entries/subentries/flow/{flow['flow_id']}",
                {"serial": serial, "name": name},
            )

    async def finish(self, path: str, user_input: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("POST", path, user_input)
        if result["type"] == "menu":  # the account is in: its printers are added below
            result = await self.call("POST", path, {"next_step_id": "finish"})
        if result["type"] not in ("create_entry", "abort") or result.get("errors"):
            raise SystemExit(f"the LifePay config flow did not finish: {result}")
        return result


async def stop(process: asyncio.subprocess.Process | None) -> None:
    if process is None or process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), 30)
    except TimeoutError:
        process.kill()
        await process.wait()


async def run(args: argparse.Namespace, config: Path, log: IO[bytes]) -> int:
    mock_process = hass_process = None
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    try:
        mock_process, mock_url = await start_mock(args.mock_port, args.processing_delay)
        hass_process = await start_hass(config, log)
        ha_url = f"http://127.0.0.1:{args.ha_port}"
        async with aiohttp.ClientSession() as session:
            api = HomeAssistantApi(session, ha_url)
            steps = await api.wait_until_up(hass_process)
            await api.onboard(steps)
            await api.ensure_lifepay(mock_url)
        print(
            f"""
LifePay demo is running.
  Home Assistant:   {ha_url}/{DASHBOARD}/printers   (no password from this machine)
  LifePay mock:     {mock_url}/   (printers, documents, printed X-reports)
  Mock control API: {mock_url}/_mock/   e.g. take a printer offline:
    curl -X PATCH {mock_url}/_mock/printers/{DEMO.printers[0]} -d '{{"state": "offline"}}'
  Config folder:    {config}
Press Ctrl-C to stop both.""",
            flush=True,
        )
        waiters = [
            asyncio.ensure_future(stopped.wait()),
            asyncio.ensure_future(hass_process.wait()),
            asyncio.ensure_future(mock_process.wait()),
        ]
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()
    finally:
        await stop(hass_process)
        await stop(mock_process)
    print("LifePay demo stopped.", flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/develop", description=__doc__)
    parser.add_argument("--ha-port", type=int, default=8123, help="Home Assistant's port")
    parser.add_argument("--mock-port", type=int, default=8080, help="the LifePay mock's port")
    parser.add_argument("--config", default=str(REPO / "config"), help="Home Assistant's folder")
    parser.add_argument("--processing-delay", type=float, default=2.0, help="printer's seconds")
    parser.add_argument("--reset", action="store_true", help="start from an empty config folder")
    args = parser.parse_args()
    config = Path(args.config).resolve()
    prepare_config(config, args.ha_port, args.reset)
    with (config / "hass-stdout.log").open("ab") as log:
        return asyncio.run(run(args, config, log))


if __name__ == "__main__":
    sys.exit(main())
