"""Diagnostics never show the apikey, the login, the webhook or a job's secret."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

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
