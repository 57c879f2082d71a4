"""Fixtures for the integration in a real Home Assistant, talking to the real mock."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from homeassistant import block_async_io
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.const import CONF_API_KEY, CONF_URL, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.lifepay.const import CONF_LOGIN, CONF_SERIAL, DOMAIN, SUBENTRY_PRINTER

if TYPE_CHECKING:
    from mock_lifepay.journal import JournalEntry
    from mock_lifepay.pytest_plugin import MockHandle

WEBHOOK_ID = "0123456789abcdef" * 4


@pytest.fixture(autouse=True)
def _custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/lifepay."""


@pytest.fixture(autouse=True)
def _blocking_calls_detected(disable_block_async_io: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Watch for blocking calls in the event loop, every one a real Home Assistant watches.

    Under pytest Home Assistant skips some checks (imports among them); here none is skipped.
    A custom integration's blocking call is only logged; the root conftest fails any test that
    logs one. ``disable_block_async_io`` undoes this afterwards.
    """
    monkeypatch.setattr(block_async_io, "_IN_TESTS", False)
    block_async_io.enable()


@pytest.fixture(autouse=True)
def _config_dir_of_its_own(hass: HomeAssistant, tmp_path: Path) -> None:
    """The documents are written to real files (storage.py): each test in a folder of its own."""
    hass.config.config_dir = str(tmp_path)


@pytest.fixture
async def ha_url(hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator) -> str:
    """Serve Home Assistant's HTTP app on 127.0.0.1 and make it the instance's internal URL."""
    # Routes must exist before the server starts: the webhook, diagnostics and repairs views.
    for component in ("http", "webhook", "diagnostics", "repairs"):
        assert await async_setup_component(hass, component, {})
    client = await hass_client_no_auth()
    url = f"http://127.0.0.1:{client.server.port}"
    await hass.config.async_update(internal_url=url)
    return url


def printer_subentry(serial: str | None, title: str) -> ConfigSubentryData:
    return ConfigSubentryData(
        data={CONF_SERIAL: serial},
        subentry_type=SUBENTRY_PRINTER,
        title=title,
        unique_id=serial or "any",
    )


@pytest.fixture
def entry_data(lifepay_mock: MockHandle) -> dict[str, Any]:
    return {
        CONF_API_KEY: lifepay_mock.demo.apikey,
        CONF_LOGIN: lifepay_mock.demo.admin_login,
        CONF_URL: lifepay_mock.url,
        CONF_WEBHOOK_ID: WEBHOOK_ID,
    }


@pytest.fixture
def mock_entry(
    hass: HomeAssistant, lifepay_mock: MockHandle, entry_data: dict[str, Any]
) -> MockConfigEntry:
    """The demo account with its two printers, not yet set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"LifePay {lifepay_mock.demo.admin_login}",
        unique_id=lifepay_mock.demo.admin_login,
        data=entry_data,
        minor_version=2,
        subentries_data=[
            printer_subentry(lifepay_mock.demo.printers[0], "Till 1"),
            printer_subentry(lifepay_mock.demo.printers[1], "Warehouse"),
        ],
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant, mock_entry: MockConfigEntry, ha_url: str, lifepay_mock: MockHandle
) -> AsyncIterator[MockConfigEntry]:
    """The demo account, set up, with Home Assistant reachable for callbacks."""
    assert await hass.config_entries.async_setup(mock_entry.entry_id)
    await hass.async_block_till_done()
    yield mock_entry
    # Stop the mock's deliveries before Home Assistant's server goes away.
    await lifepay_mock.mock.close()


def documents_asked(lifepay_mock: MockHandle) -> list[JournalEntry]:
    """The requests that asked for a document: the set-up's test-mode check left out."""
    return [
        entry
        for entry in lifepay_mock.mock.journal.entries()
        if json.loads(entry.body).get("test") in (0, None)
    ]


async def settle(hass: HomeAssistant, lifepay_mock: MockHandle) -> None:
    """Wait until the mock has printed and delivered, and Home Assistant has applied it."""
    await lifepay_mock.mock.wait_until_idle()
    await hass.async_block_till_done()


def printer_id_of(entry: MockConfigEntry, serial: str) -> str:
    """The subentry id of the entry's printer with this serial."""
    return next(s.subentry_id for s in entry.subentries.values() if s.unique_id == serial)


def jobs_file(hass: HomeAssistant, entry: MockConfigEntry) -> Path:
    return Path(hass.config.path(".storage", f"{DOMAIN}.{entry.entry_id}.jobs"))


def save_jobs(hass: HomeAssistant, entry: MockConfigEntry, jobs: list[dict[str, Any]]) -> None:
    """Jobs as the account saves them, as if left by an earlier run of Home Assistant (in
    the format Home Assistant's Store wrote them in earlier versions)."""
    path = jobs_file(hass, entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = path.name
    document = {"version": 1, "minor_version": 1, "key": key, "data": {"jobs": jobs}}
    path.write_text(json.dumps(document))


def saved_jobs(hass: HomeAssistant, entry: MockConfigEntry) -> list[dict[str, Any]]:
    """The jobs on disk right now."""
    jobs: list[dict[str, Any]] = json.loads(jobs_file(hass, entry).read_text())["data"]["jobs"]
    return jobs


async def press(hass: HomeAssistant, entity_id: str = "button.till_1_print_x_report") -> None:
    """Press a Print X-report button, as a person would."""
    await hass.services.async_call("button", "press", {"entity_id": entity_id}, blocking=True)


async def set_up_with(hass: HomeAssistant, entry: MockConfigEntry, **options: Any) -> None:
    """Set the account up with these options (Home Assistant reachable: ask for ha_url)."""
    hass.config_entries.async_update_entry(entry, options=options)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
