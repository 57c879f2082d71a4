"""Diagnostics never show the apikey, the login, the webhook or a job's secret."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_API_KEY, CONF_URL, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.lifepay.const import CONF_LOGIN, DOMAIN

from .conftest import WEBHOOK_ID, settle

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle


async def test_diagnostics_are_redacted(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
) -> None:
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.till_1_print_x_report"}, blocking=True
    )
    await settle(hass, lifepay_mock)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, loaded_entry)
    text = json.dumps(diagnostics)
    job = next(iter(loaded_entry.runtime_data.ledger))
    for secret in (lifepay_mock.demo.apikey, lifepay_mock.demo.admin_login, WEBHOOK_ID, job.token):
        assert secret not in text
    assert diagnostics["entry"]["data"]["api_key"] == "**REDACTED**"
    assert diagnostics["callback_url_available"] is True
    assert [p["name"] for p in diagnostics["printers"]] == ["Till 1", "Warehouse"]
    (job_view,) = diagnostics["jobs"]
    assert job_view["status"] == "processed"
    assert job_view["printer"] == "Till 1"
    assert job_view["uuid"] == job.uuid


async def test_no_secret_anywhere_in_the_downloaded_file(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    ha_url: str,
    lifepay_mock: MockHandle,
) -> None:
    """An account added through the real dialog with its defaults: its title is "LifePay" and
    the login, and so is the default name of its any-printer ("Any active printer (LifePay
    7999…)"). The whole file a person downloads shows neither the login nor another secret."""
    demo = lifepay_mock.demo
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            CONF_API_KEY: demo.apikey,
            CONF_LOGIN: demo.admin_login,
            "advanced": {CONF_URL: lifepay_mock.url},
        },
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "first_printer"}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    entry = result["result"]
    await hass.async_block_till_done()
    (printer,) = entry.subentries.values()
    assert printer.title == f"Any active printer (LifePay {demo.admin_login})"
    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": f"button.any_active_printer_lifepay_{demo.admin_login}_print_x_report"},
        blocking=True,
    )
    await settle(hass, lifepay_mock)
    (job,) = entry.runtime_data.ledger
    assert job.uuid is not None

    client = await hass_client()
    response = await client.get(f"/api/diagnostics/config_entry/{entry.entry_id}")
    assert response.status == 200
    text = await response.text()
    for secret in (demo.apikey, demo.admin_login, entry.data[CONF_WEBHOOK_ID], job.token):
        assert secret not in text
    diagnostics = json.loads(text)["data"]
    assert diagnostics["printers"] == [
        {"name": "Any active printer (LifePay **REDACTED**)", "serial": None}
    ]
    (job_view,) = diagnostics["jobs"]
    assert job_view["printer"] == "Any active printer (LifePay **REDACTED**)"
    assert job_view["uuid"] == job.uuid  # what support needs is still there
    await lifepay_mock.mock.close()
