"""Repair issues belong to what they describe: an account's issue outlives its printers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lifepay.const import DOMAIN

from .conftest import press, printer_id_of

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle


async def test_removing_the_printer_keeps_the_accounts_cloud_printing_issue(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    """Cloud fiscalization is off for the whole company: the issue raised by a press on Till 1
    is the account's, and stays when Till 1 is removed (the account reloads without it)."""
    lifepay_mock.mock.backend.world.companies[1].cloud_print_enabled = False
    with pytest.raises(HomeAssistantError):
        await press(hass)
    issue_id = f"cloud_print_disabled_{loaded_entry.entry_id}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert not (issue.data or {}).get("subentry_id")  # an account's issue names no printer

    till = printer_id_of(loaded_entry, lifepay_mock.demo.printers[0])
    hass.config_entries.async_remove_subentry(loaded_entry, till)
    await hass.async_block_till_done()

    assert till not in loaded_entry.subentries
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
