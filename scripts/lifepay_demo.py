"""The demo: the LifePay mock plus a real Home Assistant with the integration, set up for you.

Run through ``scripts/develop``. It starts ``python -m mock_lifepay`` and ``hass -c config``,
completes Home Assistant's onboarding through its HTTP API (first run only) in the chosen
language, adds the demo LifePay account and its first printer through the integration's real
config flow and the second printer through its printer flow, switches on the Close shift
buttons, adds an automation on the "X-report failed" device trigger, writes a dashboard, prints
the URLs and stops both processes on Ctrl-C. Loopback only; state is kept in the config folder
between runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import shutil
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

import aiohttp
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mock_lifepay.seed import DEMO  # noqa: E402 - after the path is set

CLIENT_ID = "http://127.0.0.1/"
ONBOARDED = [
    {"step": step, "done": True} for step in ("user", "core_config", "analytics", "integration")
]
DASHBOARD = "lovelace-lifepay"
AUTOMATION_ID = "lifepay_demo_x_report_failed"

# What a person reads in Home Assistant, per language; everything else comes from Home
# Assistant's and the integration's own translations.
TEXTS: Final[dict[str, dict[str, Any]]] = {
    "en": {
        "location": "LifePay demo",
        "owner": "Shop owner",
        "account": "Demo shop",
        "printers": ("Shop till", "Warehouse till"),
        "view": "Printers",
        "automation": "LifePay: tell me when an X-report fails",
        "notification_title": "X-report failed: {{ trigger.event.data.printer }}",
        "notification_message": (
            "The X-report on {{ trigger.event.data.printer }} was not printed: "
            "{{ trigger.event.data.message }}"
        ),
    },
    "ru": {
        "location": "Демо LifePay",
        "owner": "Владелец магазина",
        "account": "Демо-магазин",
        "printers": ("Касса в зале", "Касса на складе"),
        "view": "Принтеры",
        "automation": "LifePay: сообщить, если X-отчёт не напечатан",
        "notification_title": "X-отчёт не напечатан: {{ trigger.event.data.printer }}",
        "notification_message": (
            "X-отчёт на принтере «{{ trigger.event.data.printer }}» не напечатан: "
            "{{ trigger.event.data.message }}"
        ),
    },
}
LANGUAGES: Final = tuple(TEXTS)
# The printers of a fresh demo, in English (the tests of a restart use these names).
PRINTERS = tuple(zip(TEXTS["en"]["printers"], DEMO.printers, strict=True))

# Per printer, in this order: the shift, then each document's button, status and last time.
ROWS: Final = (
    "shift",
    "open_shift",
    "open_shift_status",
    "print_x_report",
    "x_report_status",
    "last_x_report",
    "close_shift",
    "z_report_status",
    "last_z_report",
)
# Below the rows, in full: a sentence is too long for a row, whose name it would cut short.
MESSAGE: Final = "last_message"
# Closing the shift is disabled by default (a stray press ends the fiscal day); a demo shop
# closes its day, so the demo switches it on, as a person would in the entity's settings.
ENABLED_BY_THE_DEMO: Final = ("close_shift",)

CONFIGURATION = """\
# Written by scripts/develop on every start; edit scripts/lifepay_demo.py instead.
# The name, location and language are set through Home Assistant's API (Settings > System >
# General), as onboarding does.
homeassistant:
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
recorder:
history:
# The user guide's recipe for a quiet logbook (docs/user-guide.md, "The logbook"): the printers'
# sentence for each step of a document and the status's own line, without the Last message, the
# printed-at times and the shift repeating them.
logbook:
  exclude:
    entity_globs:
      - sensor.*_last_message
      - sensor.*_printed
      - sensor.*_shift
automation: !include automations.yaml
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

# Onboarding's core configuration step also starts Google Translate text-to-speech, Met weather,
# Radio Browser and Shopping list. The first three need the internet and packages that `hass
# --skip-pip` does not install (their setup fails with import errors), so a fresh demo begins
# with that step done: its only other effect is the location, which the demo sets itself.
ONBOARDING_STORE = {
    "version": 4,
    "minor_version": 1,
    "key": "onboarding",
    "data": {"done": ["core_config"]},
}


@dataclass
class Printer:
    """A printer of the demo account, as Home Assistant has it."""

    name: str
    serial: str | None
    subentry_id: str
    device_id: str | None = None
    entities: dict[str, str] = field(default_factory=dict)  # translation key -> entity id
    disabled: list[str] = field(default_factory=list)  # entity ids switched off


def short_names(language: str) -> dict[str, str]:
    """The entities' own names in ``language``, by translation key, as the integration has them."""
    translations = json.loads(
        (REPO / "custom_components" / "lifepay" / "translations" / f"{language}.json").read_text()
    )
    return {
        key: words["name"]
        for platform in ("button", "sensor")
        for key, words in translations["entity"][platform].items()
    }


def dashboard_yaml(printers: Sequence[Printer], language: str) -> str:
    """One card per printer, the printer named once; every version from the floor shows it.

    The first row is the shift under its full name ("Shop till Shift"): Home Assistant makes it
    from the device's name, so the card follows a renamed printer at once. The other rows show
    the entities' own short names, without the printer's name in front of each (Home Assistant
    2025.4 has no way to ask a row for that but to write it). The last message is a sentence: in a
    row it would cut the row's name short (seen at 1280 px and on a phone), so it has a card of
    its own under the rows, where it wraps. docs/user-guide.md shows the same cards, and the tiles
    that newer versions can name by the device themselves.
    """
    names = short_names(language)
    cards = [
        {
            "type": "vertical-stack",
            "cards": [
                {
                    "type": "entities",
                    "entities": [
                        printer.entities[key]
                        if key == ROWS[0]
                        else {"entity": printer.entities[key], "name": names[key]}
                        for key in ROWS
                        if key in printer.entities
                    ],
                },
                # The last message wraps under its name instead of squeezing it in a row.
                {
                    "type": "markdown",
                    "content": (
                        f"**{names[MESSAGE]}**\n\n"
                        # Nothing yet reads as a dash, not as the raw word "unknown".
                        f"{{% set message = states('{printer.entities[MESSAGE]}') %}}"
                        "{{ '—' if message in ('unknown', 'unavailable') else message }}"
                    ),
                },
            ],
        }
        for printer in printers
    ]
    dashboard = {
        "title": "LifePay",
        "views": [{"title": TEXTS[language]["view"], "path": "printers", "cards": cards}],
    }
    header = "# Written by scripts/develop on every start; edit scripts/lifepay_demo.py instead.\n"
    return header + yaml.safe_dump(dashboard, allow_unicode=True, sort_keys=False)


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
    automations = config / "automations.yaml"
    if not automations.exists():
        automations.write_text("[]\n")
    storage = config / ".storage"
    if not (storage / "onboarding").exists() and not (storage / "auth").exists():
        storage.mkdir(exist_ok=True)
        (storage / "onboarding").write_text(json.dumps(ONBOARDING_STORE, indent=2))
    dashboard = config / "lifepay-dashboard.yaml"
    if not dashboard.exists():  # written again once the printers are known
        dashboard.write_text("title: LifePay\nviews: []\n")


async def start_mock(port: int, processing_delay: float) -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "mock_lifepay",
        "--port",
        str(port),
        "--processing-delay",
        str(processing_delay),
        "--background-sales",  # the demo's X- and Z-reports show a day's trade
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
    """The HTTP and websocket API calls the demo needs, as the frontend would make them."""

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

    async def ws(self, *commands: dict[str, Any]) -> list[Any]:
        """Websocket commands, in order, on one connection; their results."""
        results = []
        async with self.session.ws_connect(self.url + "/api/websocket") as socket:
            await socket.receive_json()  # auth_required
            await socket.send_json({"type": "auth", "access_token": self.token})
            if (answer := await socket.receive_json())["type"] != "auth_ok":
                raise SystemExit(f"Home Assistant refused the websocket: {answer}")
            for number, command in enumerate(commands, start=1):
                await socket.send_json({"id": number, **command})
                while (answer := await socket.receive_json()).get("id") != number:
                    pass
                if not answer["success"]:
                    raise SystemExit(f"Home Assistant refused {command}: {answer['error']}")
                results.append(answer["result"])
        return results

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

    async def onboard(self, steps: list[dict[str, Any]], language: str = "en") -> None:
        """Finish onboarding (the owner speaks ``language``), log in, set the core config."""
        done = {step["step"] for step in steps if step["done"]}
        if "user" not in done:
            user = await self.call(
                "POST",
                "/api/onboarding/users",
                {
                    "client_id": CLIENT_ID,
                    "name": TEXTS[language]["owner"],
                    "username": "owner",
                    "password": "lifepay-demo",
                    "language": language,
                },
            )
            await self.token_for(user["auth_code"])
        else:
            await self.login_trusted()
        # Before onboarding ends: what it creates then (the Map dashboard) takes the language.
        await self.configure(language)
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

    async def configure(self, language: str) -> None:
        """What onboarding's location step and the owner's profile set: a shop in Moscow
        (metric units are Home Assistant's default), Home Assistant's language, and the same
        language for the owner's browser."""
        wanted = {
            "location_name": TEXTS[language]["location"],
            "latitude": 55.7558,
            "longitude": 37.6173,
            "elevation": 150,
            "country": "RU",
            "currency": "RUB",
            "time_zone": "Europe/Moscow",
            "language": language,
            "internal_url": self.url,  # LifePay reports results to a webhook at this address
        }
        current = await self.call("GET", "/api/config")
        # Only what differs: Home Assistant reloads its translations on every update.
        if changes := {key: value for key, value in wanted.items() if current.get(key) != value}:
            await self.ws({"type": "config/core/update", **changes})
        await self.ws(
            {
                "type": "frontend/set_user_data",
                "key": "language",
                "value": {
                    "language": language,
                    "number_format": "language",
                    "time_format": "language",
                    "date_format": "language",
                    "time_zone": "server",
                    "first_weekday": "language",
                },
            }
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

    async def ensure_lifepay(self, mock_url: str, language: str = "en") -> str:
        """Add the demo account and printers, or point an existing account at this mock.

        The account's dialog adds the first printer too (its menu's "Add a fiscal printer"),
        as a person adding an account by hand would; the second comes from "Add printer".
        Returns the account's entry id.
        """
        names = TEXTS[language]["printers"]
        account = {
            "api_key": DEMO.apikey,
            "login": DEMO.admin_login,
            "advanced": {"url": mock_url},
        }
        entries = await self.call("GET", "/api/config/config_entries/entry?domain=lifepay")
        if entries:
            entry_id: str = entries[0]["entry_id"]
            flow = await self.call(
                "POST",
                "/api/config/config_entries/flow",
                {"handler": "lifepay", "entry_id": entry_id},
            )
            await self.finish(
                f"/api/config/config_entries/flow/{flow['flow_id']}",
                {"name": entries[0]["title"], **account},
            )
        else:
            flow = await self.call(
                "POST",
                "/api/config/config_entries/flow",
                {"handler": "lifepay", "show_advanced_options": True},
            )
            path = f"/api/config/config_entries/flow/{flow['flow_id']}"
            menu = await self.call("POST", path, {"name": TEXTS[language]["account"], **account})
            if menu["type"] != "menu" or "first_printer" not in menu["menu_options"]:
                raise SystemExit(f"the LifePay account was not accepted: {menu}")
            await self.call("POST", path, {"next_step_id": "first_printer"})
            result = await self.finish(path, {"serial": DEMO.printers[0], "name": names[0]})
            entry_id = result["result"]["entry_id"]
        [subentries] = await self.ws(
            {"type": "config_entries/subentries/list", "entry_id": entry_id}
        )
        serials_added = {subentry["unique_id"] for subentry in subentries}
        for name, serial in zip(names, DEMO.printers, strict=True):
            if serial in serials_added:
                continue
            flow = await self.call(
                "POST",
                "/api/config/config_entries/subentries/flow",
                {"handler": [entry_id, "printer"]},
            )
            await self.finish(
                f"/api/config/config_entries/subentries/flow/{flow['flow_id']}",
                {"serial": serial, "name": name},
            )
        return entry_id

    async def finish(self, path: str, user_input: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("POST", path, user_input)
        if result["type"] == "menu":  # the account is in: its printers are added below
            result = await self.call("POST", path, {"next_step_id": "finish"})
        if result["type"] not in ("create_entry", "abort") or result.get("errors"):
            raise SystemExit(f"the LifePay config flow did not finish: {result}")
        return result

    async def printers(self, entry_id: str) -> list[Printer]:
        """The account's printers with their devices and entities, from Home Assistant's
        registries (entity ids come from the names: never guessed here)."""
        subentries, entities = await self.ws(
            {"type": "config_entries/subentries/list", "entry_id": entry_id},
            {"type": "config/entity_registry/list"},
        )
        printers = [
            Printer(sub["title"], sub["unique_id"], sub["subentry_id"])
            for sub in subentries
            if sub["subentry_type"] == "printer"
        ]
        order = {serial: index for index, serial in enumerate(DEMO.printers)}
        printers.sort(key=lambda printer: order.get(printer.serial or "", len(order)))
        by_subentry = {printer.subentry_id: printer for printer in printers}
        for entity in entities:
            printer = by_subentry.get(entity.get("config_subentry_id") or "")
            if printer is None or entity["platform"] != "lifepay":
                continue
            printer.device_id = entity["device_id"]
            if entity["translation_key"]:
                printer.entities[entity["translation_key"]] = entity["entity_id"]
            if entity["disabled_by"]:
                printer.disabled.append(entity["entity_id"])
        return printers

    async def printers_ready(self, entry_id: str) -> list[Printer]:
        """The printers once each has all its entities: a printer just added gets them when
        the integration has taken it in, a moment after its dialog closed; after a start,
        once the account is loaded."""
        async with asyncio.timeout(60):
            while True:
                entries = await self.call("GET", "/api/config/config_entries/entry?domain=lifepay")
                loaded = any(e["entry_id"] == entry_id and e["state"] == "loaded" for e in entries)
                printers = await self.printers(entry_id)
                if (
                    loaded
                    and printers
                    and all({*ROWS, MESSAGE} <= set(printer.entities) for printer in printers)
                ):
                    return printers
                await asyncio.sleep(0.2)

    async def enable(self, entity_ids: Sequence[str]) -> None:
        """Switch entities on, as their settings dialog does; Home Assistant reloads the
        integration for it 30 s later, or at once on its next start."""
        await self.ws(
            *(
                {
                    "type": "config/entity_registry/update",
                    "entity_id": entity_id,
                    "disabled_by": None,
                }
                for entity_id in entity_ids
            )
        )

    async def offers_trigger(self, device_id: str, trigger_type: str) -> bool:
        [triggers] = await self.ws(
            {"type": "device_automation/trigger/list", "device_id": device_id}
        )
        return any(
            trigger.get("domain") == "lifepay" and trigger.get("type") == trigger_type
            for trigger in triggers or ()
        )

    async def save_automation(self, printers: Sequence[Printer], language: str) -> None:
        """The automation a person would build in the editor on the "X-report failed" device
        trigger: a persistent notification saying which printer failed and why (the event's
        message: LifePay's own words, e.g. "Смена не открыта.", or what went wrong on the way,
        in Home Assistant's language). Saved through the editor's own API into
        automations.yaml."""
        texts = TEXTS[language]
        automation = {
            "alias": texts["automation"],
            "description": "scripts/develop",
            "triggers": [
                {
                    "trigger": "device",
                    "domain": "lifepay",
                    "device_id": printer.device_id,
                    "type": "x_report_failed",
                }
                for printer in printers
            ],
            "conditions": [],
            "actions": [
                {
                    "action": "persistent_notification.create",
                    "data": {
                        "title": texts["notification_title"],
                        "message": texts["notification_message"],
                        "notification_id": (
                            "lifepay_x_report_failed_{{ trigger.event.data.serial }}"
                        ),
                    },
                }
            ],
            "mode": "queued",
        }
        await self.call("POST", f"/api/config/automation/config/{AUTOMATION_ID}", automation)


async def stop(process: asyncio.subprocess.Process | None) -> None:
    if process is None or process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), 30)
    except TimeoutError:
        process.kill()
        await process.wait()


def banner(ha_url: str, mock_url: str, config: Path) -> str:
    serial = DEMO.printers[0]
    return f"""
LifePay demo is running.
  Home Assistant:   {ha_url}/{DASHBOARD}/printers   (no password from this machine)
  LifePay mock:     {mock_url}/   (its console: printers, shifts, documents, printed reports)
  Mock control API: {mock_url}/_mock/printers   (every route: {mock_url}/_mock/openapi.json)
    e.g. take a printer offline, close its shift:
    curl -X PATCH {mock_url}/_mock/printers/{serial} -d '{{"state": "offline"}}'
    curl -X PATCH {mock_url}/_mock/printers/{serial} -d '{{"shift": "closed"}}'
  Add an account by hand: Settings > Devices & services > Add integration > LifePay,
    API key {DEMO.apikey}, login {DEMO.admin_login} (or {DEMO.shop_login}),
    and under Advanced, API address {mock_url}
  Config folder:    {config}
Press Ctrl-C to stop both."""


async def set_up(
    api: HomeAssistantApi, mock_url: str, language: str
) -> tuple[str, list[Printer], list[str]]:
    """The account, its printers, and the entities the demo switches on (to be reloaded)."""
    entry_id = await api.ensure_lifepay(mock_url, language)
    printers = await api.printers_ready(entry_id)
    to_enable = [
        printer.entities[key]
        for printer in printers
        for key in ENABLED_BY_THE_DEMO
        if printer.entities.get(key) in printer.disabled
    ]
    if to_enable:
        await api.enable(to_enable)
    return entry_id, printers, to_enable


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
            await api.onboard(await api.wait_until_up(hass_process), args.language)
            entry_id, printers, enabled = await set_up(api, mock_url, args.language)
            if enabled:
                # Switched-on entities appear when the integration reloads; a restart now is
                # quicker than Home Assistant's 30 s and cannot interrupt a press later.
                await stop(hass_process)
                hass_process = await start_hass(config, log)
                await api.onboard(await api.wait_until_up(hass_process), args.language)
                printers = await api.printers_ready(entry_id)
            for printer in printers:
                if not (
                    printer.device_id
                    and await api.offers_trigger(printer.device_id, "x_report_failed")
                ):
                    raise SystemExit(f"{printer.name} offers no 'X-report failed' trigger")
            await api.save_automation(printers, args.language)
            (config / "lifepay-dashboard.yaml").write_text(dashboard_yaml(printers, args.language))
        print(banner(ha_url, mock_url, config), flush=True)
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
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        default="en",
        help="Home Assistant's and the owner's language; a fresh demo's printer names too",
    )
    parser.add_argument("--reset", action="store_true", help="start from an empty config folder")
    args = parser.parse_args()
    config = Path(args.config).resolve()
    prepare_config(config, args.ha_port, args.reset)
    with (config / "hass-stdout.log").open("ab") as log:
        return asyncio.run(run(args, config, log))


if __name__ == "__main__":
    sys.exit(main())
