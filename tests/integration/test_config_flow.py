"""Every path of the config flow, checked against the mock."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_NAME, CONF_URL, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.lifepay.const import (
    CONF_ADVANCED,
    CONF_LOGIN,
    CONF_SERIAL,
    DOMAIN,
    SUBENTRY_PRINTER,
)
from mock_lifepay import PrinterState
from mock_lifepay.faults import Fault, FaultKind

from .conftest import printer_id_of, printer_subentry

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle


def account_input(apikey: str, login: str, url: str) -> dict[str, Any]:
    return {CONF_API_KEY: apikey, CONF_LOGIN: login, CONF_ADVANCED: {CONF_URL: url}}


async def start_user_flow(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    return result


async def finish_without_printer(hass: HomeAssistant, result: dict[str, Any]) -> dict[str, Any]:
    """The account was accepted: the flow offers a first printer; decline it."""
    assert result["type"] is FlowResultType.MENU, result
    assert result["menu_options"] == ["first_printer", "finish"]
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "finish"}
    )


async def test_user_creates_the_account(hass: HomeAssistant, lifepay_mock: MockHandle) -> None:
    result = await start_user_flow(hass)
    demo = lifepay_mock.demo
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        account_input(f" {demo.apikey} ", f"{demo.admin_login} ", lifepay_mock.url),
    )
    result = await finish_without_printer(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"LifePay {demo.admin_login}"
    data = result["data"]
    assert data[CONF_API_KEY] == demo.apikey
    assert data[CONF_LOGIN] == demo.admin_login
    assert data[CONF_URL] == lifepay_mock.url
    assert len(data[CONF_WEBHOOK_ID]) == 64
    assert result["result"].unique_id == demo.admin_login
    assert lifepay_mock.mock.backend.documents == {}  # checked in test mode only
    # The dialog's check, then the set-up's (test-before-setup): both print nothing.
    entries = lifepay_mock.mock.journal.entries()
    assert [json.loads(entry.body)["test"] for entry in entries] == [1, 1]


async def test_account_without_active_printer_is_accepted(
    hass: HomeAssistant, lifepay_mock: MockHandle
) -> None:
    mock = lifepay_mock.mock
    for serial in lifepay_mock.demo.printers:
        mock.set_printer_state(mock.backend.world.printers[serial], PrinterState.OFFLINE)
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        account_input(lifepay_mock.demo.apikey, lifepay_mock.demo.admin_login, lifepay_mock.url),
    )
    result = await finish_without_printer(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    ("apikey", "login", "url", "fault", "error"),
    [
        ("demo-apikey-7f3c2a9b4e1d4c8a", "70000000000", None, None, "invalid_auth"),
        ("wrong", "79990000001", None, None, "invalid_auth"),
        ("demo-apikey-nocloud-5b6d", "79990000010", None, None, "cloud_print_disabled"),
        ("demo-apikey-7f3c2a9b4e1d4c8a", "79990000009", None, None, "access_denied"),
        (
            "demo-apikey-7f3c2a9b4e1d4c8a",
            "79990000001",
            "http://127.0.0.1:9",
            None,
            "cannot_connect",
        ),
        ("demo-apikey-7f3c2a9b4e1d4c8a", "79990000001", "ftp://127.0.0.1", None, "invalid_url"),
        (
            "demo-apikey-7f3c2a9b4e1d4c8a",
            "79990000001",
            None,
            Fault(FaultKind.CODE, code=500),
            "unknown",
        ),
        (
            "demo-apikey-7f3c2a9b4e1d4c8a",
            "79990000001",
            None,
            Fault(FaultKind.CODE, code=6000),
            "unknown",
        ),
        (
            "demo-apikey-7f3c2a9b4e1d4c8a",
            "79990000001",
            None,
            Fault(FaultKind.HTTP_STATUS, status=502),
            "cannot_connect",
        ),
    ],
)
async def test_user_errors_then_recovers(
    hass: HomeAssistant,
    lifepay_mock: MockHandle,
    apikey: str,
    login: str,
    url: str | None,
    fault: Fault | None,
    error: str,
) -> None:
    if fault is not None:
        lifepay_mock.mock.faults.add(fault)
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account_input(apikey, login, url or lifepay_mock.url)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    demo = lifepay_mock.demo
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account_input(demo.apikey, demo.admin_login, lifepay_mock.url)
    )
    result = await finish_without_printer(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_named_account_with_its_first_printer_in_one_flow(
    hass: HomeAssistant, lifepay_mock: MockHandle
) -> None:
    demo = lifepay_mock.demo
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {**account_input(demo.apikey, demo.admin_login, lifepay_mock.url), CONF_NAME: "Ленина 5"},
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "first_printer"}
    )
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "first_printer")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SERIAL: "99999999999999"}
    )
    assert result["errors"] == {CONF_SERIAL: "printer_rejected"}
    assert result["description_placeholders"]["message"] == "Принтер не найден."
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.title == "Ленина 5"
    (printer,) = entry.subentries.values()
    # No name given: a default that tells it apart from other accounts' "any printer".
    assert (printer.title, printer.unique_id) == ("Any active printer (Ленина 5)", "any")
    await hass.async_block_till_done()
    assert hass.states.get("button.any_active_printer_lenina_5_print_x_report") is not None


async def test_an_abandoned_flow_does_not_block_the_login(
    hass: HomeAssistant, lifepay_mock: MockHandle
) -> None:
    demo = lifepay_mock.demo
    abandoned = await start_user_flow(hass)
    await hass.config_entries.flow.async_configure(
        abandoned["flow_id"], account_input(demo.apikey, demo.admin_login, lifepay_mock.url)
    )  # left at the printer question
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account_input(demo.apikey, demo.admin_login, lifepay_mock.url)
    )
    result = await finish_without_printer(hass, result)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_names_shown_together_must_differ(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    demo = lifepay_mock.demo
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {**account_input(demo.apikey, demo.shop_login, lifepay_mock.url), CONF_NAME: "till 1"},
    )
    assert result["errors"] == {CONF_NAME: "name_taken"}  # a printer is called Till 1
    result = await start_printer_flow(hass, loaded_entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: loaded_entry.title}
    )
    assert result["errors"] == {CONF_NAME: "name_taken"}


async def test_one_entry_per_login(
    hass: HomeAssistant, mock_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    result = await start_user_flow(hass)
    demo = lifepay_mock.demo
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account_input(demo.apikey, demo.admin_login, lifepay_mock.url)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    lifepay_mock.mock.backend.world.companies[1].apikey = "new-key"
    result = await loaded_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["login"] == lifepay_mock.demo.admin_login
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "new-key"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert loaded_entry.data[CONF_API_KEY] == "new-key"
    await hass.async_block_till_done()
    assert loaded_entry.runtime_data.client.apikey == "new-key"


def loads_of(entry: MockConfigEntry) -> list[ConfigEntryState]:
    """Every state the entry goes through from now on: each set-up ends in LOADED."""
    states: list[ConfigEntryState] = []
    entry.async_on_state_change(lambda: states.append(entry.state))
    return states


async def test_reconfigure_changes_name_key_and_url_and_reloads_once(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    demo = lifepay_mock.demo
    states = loads_of(loaded_entry)
    result = await loaded_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account_input("bad", demo.admin_login, lifepay_mock.url)
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            **account_input(demo.apikey, demo.admin_login, lifepay_mock.url + "/"),
            CONF_NAME: "Ленина 5",
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert loaded_entry.unique_id == demo.admin_login
    assert loaded_entry.title == "Ленина 5"
    assert loaded_entry.data[CONF_URL] == lifepay_mock.url + "/"
    assert loaded_entry.data[CONF_WEBHOOK_ID]  # kept
    assert states.count(ConfigEntryState.LOADED) == 1, states
    assert loaded_entry.runtime_data.client.base_url == lifepay_mock.url


async def test_reconfigure_without_changes_reloads_once(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    """Nothing changed, so no update listener runs: the flow's own reload is the only one."""
    demo = lifepay_mock.demo
    states = loads_of(loaded_entry)
    result = await loaded_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            **account_input(demo.apikey, demo.admin_login, lifepay_mock.url),
            CONF_NAME: loaded_entry.title,
        },
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert states.count(ConfigEntryState.LOADED) == 1, states


@pytest.mark.parametrize("holder", [None, "Ленина 5"])
async def test_reconfigure_keeps_the_account_login(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    holder: str | None,
) -> None:
    """Another login is another account (another trade point's rights and printers), whether or
    not it is connected already: it is added as an account of its own, never swapped in."""
    demo = lifepay_mock.demo
    if holder is not None:
        MockConfigEntry(
            domain=DOMAIN, unique_id=demo.shop_login, data={}, title=holder
        ).add_to_hass(hass)
    states = loads_of(loaded_entry)
    asked_at_set_up = len(lifepay_mock.mock.journal.entries())  # its test-before-setup check
    result = await loaded_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account_input(demo.apikey, demo.shop_login, lifepay_mock.url)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unique_id_mismatch"
    await hass.async_block_till_done()
    assert loaded_entry.unique_id == demo.admin_login
    assert loaded_entry.data[CONF_LOGIN] == demo.admin_login
    assert states == []  # not reloaded
    # LifePay was not even asked
    assert len(lifepay_mock.mock.journal.entries()) == asked_at_set_up


async def test_reauth_reloads_once(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    lifepay_mock.mock.backend.world.companies[1].apikey = "new-key"
    states = loads_of(loaded_entry)
    result = await loaded_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "new-key"}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert states.count(ConfigEntryState.LOADED) == 1, states


async def test_reauth_of_an_account_that_is_not_set_up_sets_it_up(
    hass: HomeAssistant, mock_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    """No update listener exists before set-up: the flow itself sets the account up, once."""
    states = loads_of(mock_entry)
    result = await mock_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: lifepay_mock.demo.apikey + " "}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert states.count(ConfigEntryState.LOADED) == 1, states
    assert mock_entry.state is ConfigEntryState.LOADED


@pytest.mark.parametrize(
    ("apikey", "login", "errors"),
    [
        ("", "79990000001", {CONF_API_KEY: "empty_api_key"}),
        ("demo-apikey-7f3c2a9b4e1d4c8a", "  ", {CONF_LOGIN: "empty_login"}),
        (" ", "", {CONF_API_KEY: "empty_api_key", CONF_LOGIN: "empty_login"}),
    ],
)
async def test_empty_credentials_are_errors_under_their_fields(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    apikey: str,
    login: str,
    errors: dict[str, str],
) -> None:
    """Not "the API address is not valid": the field left empty says so, and LifePay is not
    asked."""
    asked_at_set_up = len(lifepay_mock.mock.journal.entries())  # its test-before-setup check
    for start in (start_user_flow(hass), loaded_entry.start_reconfigure_flow(hass)):
        result = await start
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], account_input(apikey, login, lifepay_mock.url)
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == errors
    if not apikey.strip():
        result = await loaded_entry.start_reauth_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_API_KEY: apikey}
        )
        assert result["errors"] == {CONF_API_KEY: "empty_api_key"}
    assert len(lifepay_mock.mock.journal.entries()) == asked_at_set_up


async def test_an_address_error_opens_the_advanced_section(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    """The API address lives in a collapsed section: an error about it must show the field."""
    demo = lifepay_mock.demo
    for start, login in (
        (start_user_flow(hass), demo.shop_login),
        (loaded_entry.start_reconfigure_flow(hass), demo.admin_login),
    ):
        result = await start
        assert result["data_schema"].schema["advanced"].options["collapsed"] is True
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], account_input(demo.apikey, login, "sapi.life-pay.ru")
        )
        assert result["errors"] == {"base": "invalid_url"}
        assert result["data_schema"].schema["advanced"].options["collapsed"] is False


async def test_first_printer_of_another_trade_point_says_so(
    hass: HomeAssistant, lifepay_mock: MockHandle
) -> None:
    """The account passed its check: a 6095 now is about the printer, not a blocked login."""
    demo = lifepay_mock.demo
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account_input(demo.apikey, demo.shop_login, lifepay_mock.url)
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "first_printer"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SERIAL: demo.printers[1]}
    )
    assert result["errors"] == {"base": "printer_access_denied"}


async def start_printer_flow(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PRINTER), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return result


async def test_add_printer_by_serial_and_any_printer(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    # Start from an account without printers.
    for subentry_id in list(loaded_entry.subentries):
        hass.config_entries.async_remove_subentry(loaded_entry, subentry_id)
    await hass.async_block_till_done()

    serial = lifepay_mock.demo.printers[1]
    result = await start_printer_flow(hass, loaded_entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SERIAL: f" {serial} ", CONF_NAME: "Склад"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Склад"
    assert result["data"] == {CONF_SERIAL: serial}
    assert result["unique_id"] == serial

    result = await start_printer_flow(hass, loaded_entry)
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"Any active printer ({loaded_entry.title})"
    assert result["data"] == {CONF_SERIAL: None}

    result = await start_printer_flow(hass, loaded_entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SERIAL: lifepay_mock.demo.printers[0]}
    )
    assert result["title"] == f"Printer {lifepay_mock.demo.printers[0]}"
    await hass.async_block_till_done()
    titles = sorted(s.title for s in loaded_entry.subentries.values())
    assert titles == [
        f"Any active printer ({loaded_entry.title})",
        f"Printer {lifepay_mock.demo.printers[0]}",
        "Склад",
    ]
    assert lifepay_mock.mock.backend.documents == {}


@pytest.mark.parametrize(
    ("serial", "fault", "errors", "message"),
    [
        ("12ab", None, {CONF_SERIAL: "invalid_serial"}, ""),
        ("99999999999999", None, {CONF_SERIAL: "printer_rejected"}, "Принтер не найден."),
        ("00106304019999", None, {CONF_SERIAL: "printer_rejected"}, "Принтер не найден."),
        ("00106304012797", Fault(FaultKind.DROP), {"base": "cannot_connect"}, ""),
        (
            "00106304012797",
            Fault(FaultKind.CODE, code=6095),
            {"base": "printer_access_denied"},
            "Доступ запрещен.",
        ),
        ("00106304012797", Fault(FaultKind.CODE, code=6010), {"base": "invalid_auth"}, None),
        (
            "00106304012797",
            Fault(FaultKind.CODE, code=6080),
            {"base": "cloud_print_disabled"},
            None,
        ),
        (
            "00106304012797",
            Fault(FaultKind.CODE, code=500),
            {"base": "unknown"},
            "Внутренняя ошибка сервера.",
        ),
    ],
)
async def test_printer_errors(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    serial: str,
    fault: Fault | None,
    errors: dict[str, str],
    message: str | None,
) -> None:
    hass.config_entries.async_remove_subentry(loaded_entry, next(iter(loaded_entry.subentries)))
    await hass.async_block_till_done()
    if fault is not None:
        lifepay_mock.mock.faults.add(fault)
    result = await start_printer_flow(hass, loaded_entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SERIAL: serial}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    if message is not None:
        assert result["description_placeholders"]["message"].startswith(message)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SERIAL: lifepay_mock.demo.printers[0]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_any_printer_refused_when_none_is_active(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    mock = lifepay_mock.mock
    for serial in lifepay_mock.demo.printers:
        mock.set_printer_state(mock.backend.world.printers[serial], PrinterState.OFFLINE)
    result = await start_printer_flow(hass, loaded_entry)
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert result["errors"] == {"base": "printer_rejected"}
    assert "регистратор" in result["description_placeholders"]["message"]


async def test_trade_point_login_may_not_add_another_points_printer(
    hass: HomeAssistant, mock_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    hass.config_entries.async_update_entry(
        mock_entry, data={**mock_entry.data, CONF_LOGIN: lifepay_mock.demo.shop_login}
    )
    warehouse = next(
        s for s in mock_entry.subentries.values() if s.unique_id == lifepay_mock.demo.printers[1]
    )
    hass.config_entries.async_remove_subentry(mock_entry, warehouse.subentry_id)
    result = await start_printer_flow(hass, mock_entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SERIAL: lifepay_mock.demo.printers[1]}
    )
    assert result["errors"] == {"base": "printer_access_denied"}


async def test_duplicate_printer_is_an_error_under_the_field(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    result = await start_printer_flow(hass, loaded_entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SERIAL: lifepay_mock.demo.printers[0]}
    )
    assert result["type"] is FlowResultType.FORM  # the dialog stays open
    assert result["errors"] == {CONF_SERIAL: "already_configured"}


async def test_reconfigure_printer(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    subentry = next(
        s for s in loaded_entry.subentries.values() if s.unique_id == lifepay_mock.demo.printers[0]
    )
    result = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, SUBENTRY_PRINTER),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry.subentry_id},
    )
    assert result["step_id"] == "reconfigure"
    # Taking another configured printer's serial is refused under the field.
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SERIAL: lifepay_mock.demo.printers[1], CONF_NAME: "x"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_SERIAL: "already_configured"}

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SERIAL: lifepay_mock.demo.printers[0], CONF_NAME: "Касса 1"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert loaded_entry.subentries[subentry.subentry_id].title == "Касса 1"
    device = dr.async_get(hass).async_get_device({(DOMAIN, subentry.subentry_id)})
    assert device is not None
    assert device.name == "Касса 1"
    # The entity keeps its id; its friendly name follows the device.
    assert hass.states.get("button.till_1_print_x_report").name == "Касса 1 Print X-report"


def shop_account(hass: HomeAssistant, lifepay_mock: MockHandle, *printers: Any) -> MockConfigEntry:
    """A trade point's login, connected as an account of its own (not set up)."""
    demo = lifepay_mock.demo
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Магазин на Ленина",
        unique_id=demo.shop_login,
        data={
            CONF_API_KEY: demo.apikey,
            CONF_LOGIN: demo.shop_login,
            CONF_URL: lifepay_mock.url,
            CONF_WEBHOOK_ID: "f" * 64,
        },
        minor_version=2,
        subentries_data=list(printers),
    )
    entry.add_to_hass(hass)
    return entry


async def test_a_till_of_another_account_is_named_before_it_is_added(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    """One register under two accounts would be two devices and two shifts: the dialog says
    which account has it, and the person chooses."""
    serial = lifepay_mock.demo.printers[0]  # the admin account's Till 1
    shop = shop_account(hass, lifepay_mock)
    result = await start_printer_flow(hass, shop)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SERIAL: serial, CONF_NAME: "Касса точки"}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "elsewhere"
    assert result["menu_options"] == ["add_anyway", "go_back"]
    assert result["description_placeholders"] == {
        "serial": serial,
        "other_account": loaded_entry.title,
        "other_printer": "Till 1",
    }
    # Back: the form again, as it was filled in; nothing added.
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"next_step_id": "go_back"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description
    }
    assert suggested == {CONF_SERIAL: serial, CONF_NAME: "Касса точки"}
    assert not shop.subentries
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SERIAL: serial, CONF_NAME: "Касса точки"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"next_step_id": "add_anyway"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["unique_id"] == serial
    assert [s.title for s in shop.subentries.values()] == ["Касса точки"]


async def test_a_changed_serial_another_account_has_is_named_too(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    first, second = lifepay_mock.demo.printers
    shop_account(hass, lifepay_mock, printer_subentry(second, "Склад точки"))
    hass.config_entries.async_remove_subentry(loaded_entry, printer_id_of(loaded_entry, second))
    await hass.async_block_till_done()
    till = printer_id_of(loaded_entry, first)
    result = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, SUBENTRY_PRINTER),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": till},
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SERIAL: second, CONF_NAME: "Till 1"}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["save_anyway", "go_back"]
    assert result["description_placeholders"]["other_printer"] == "Склад точки"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"next_step_id": "save_anyway"}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert loaded_entry.subentries[till].unique_id == second

    # Its serial already was elsewhere when it got it: a rename alone is not warned about.
    result = await hass.config_entries.subentries.async_init(
        (loaded_entry.entry_id, SUBENTRY_PRINTER),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": till},
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SERIAL: second, CONF_NAME: "Касса 2"}
    )
    assert result["reason"] == "reconfigure_successful"


async def test_the_first_printer_of_a_new_account_names_its_other_account(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    demo = lifepay_mock.demo
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {**account_input(demo.apikey, demo.shop_login, lifepay_mock.url), CONF_NAME: "Точка"},
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "first_printer"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SERIAL: demo.printers[0]}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "elsewhere"
    assert result["description_placeholders"] == {
        "serial": demo.printers[0],
        "other_account": loaded_entry.title,
        "other_printer": "Till 1",
    }
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "go_back"}
    )
    assert result["step_id"] == "first_printer"
    assert hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, demo.shop_login) is None
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SERIAL: demo.printers[0]}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "add_anyway"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, demo.shop_login)
    assert entry is not None
    assert [s.unique_id for s in entry.subentries.values()] == [demo.printers[0]]


async def test_a_new_account_is_kept_when_its_till_is_left_to_the_other_account(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    """The warning offers to finish without the printer: the checked account is saved."""
    demo = lifepay_mock.demo
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], account_input(demo.apikey, demo.shop_login, lifepay_mock.url)
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "first_printer"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_SERIAL: demo.printers[0]}
    )
    assert result["menu_options"] == ["add_anyway", "go_back", "finish"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "finish"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, demo.shop_login)
    assert entry is not None
    assert entry.subentries == {}
