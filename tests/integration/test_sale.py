"""The sale from Home Assistant: receipts, refunds, cash in and out, on a real Home Assistant
and the real mock over loopback HTTP. Every sale is money: it reaches LifePay with the exact
kopecks, once, and never after its window."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.lifepay.api import LifePayInputError
from custom_components.lifepay.const import DOMAIN, EVENT_CALLBACK, EVENT_DOCUMENT
from custom_components.lifepay.jobs import JobStatus
from custom_components.lifepay.sales import SaleKind
from custom_components.lifepay.services import _bad_sale_input
from mock_lifepay.faults import Fault, FaultKind

from .conftest import (
    documents_asked,
    printer_id_of,
    printer_subentry,
    save_jobs,
    saved_jobs,
    set_up_with,
    settle,
)
from .test_queue import advance

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle

TRANSLATIONS = Path(__file__).resolve().parents[2] / "custom_components/lifepay/translations"
TILL = "button.till_1_print_x_report"
RECEIPT = "sensor.till_1_receipt"
CASH = "sensor.till_1_cash_in_or_out"
COFFEE = {"name": "Кофе", "price": 199.99, "quantity": 1, "tax": "vat20"}
BREAD = {"name": "Хлеб", "price": "45.50", "quantity": 2, "tax": "vat10"}


async def sell(hass: HomeAssistant, action: str = "print_receipt", **data: Any) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN,
        action,
        {ATTR_ENTITY_ID: TILL, **data},
        blocking=True,
        return_response=True,
    )
    assert isinstance(response, dict)
    return response


def in_words(error: ServiceValidationError, language: str = "en") -> str:
    """The sentence a person reads for ``error``, from the translation files."""
    tree = json.loads((TRANSLATIONS / f"{language}.json").read_text())
    template = tree["exceptions"][error.translation_key]["message"]
    return str(template.format(**(error.translation_placeholders or {})))


def asked(lifepay_mock: MockHandle, path: str) -> list[dict[str, Any]]:
    """The bodies of the documents asked for at ``path``, in order."""
    return [json.loads(entry.body) for entry in documents_asked(lifepay_mock) if entry.path == path]


async def test_a_sale_by_card_and_cash_reaches_lifepay_to_the_kopeck(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    events = async_capture_events(hass, EVENT_DOCUMENT)
    callbacks = async_capture_events(hass, EVENT_CALLBACK)
    response = await sell(
        hass,
        positions=[COFFEE, {**BREAD, "discount_percent": 10}],
        card_amount=100,
        customer_email="buyer@example.com",
        send_mode="print_email",
        cashier_name="Иванова М.",
        ext_id="order-1042",
        callback_data={"order": 1042},
    )
    assert response["ext_id"] == "order-1042"
    assert (response["document"], response["outcome"]) == ("receipt", "new")
    assert response["status"] in ("accepted", "processed")  # the mock may print at once
    assert response["total"] == "281.89"  # 199.99 + 91.00 less 10 % (9.10)
    sale = lifepay_mock.mock.backend.documents[response["uuid"]].sale
    assert (sale.total, sale.card, sale.cash) == (28189, 10000, 18189)
    assert sale.customer_email == "buyer@example.com"
    body = asked(lifepay_mock, "/cloud-print/create-receipt")[0]
    assert body["purchase"]["products"][0]["price"] == 199.99  # a number, as written
    assert body["cashier_name"] == "Иванова М."

    await settle(hass, lifepay_mock)
    state = hass.states.get(RECEIPT)
    assert state.state == "processed"
    assert state.attributes["ofd_url"].startswith("http")
    assert state.attributes["total"] == "281.89"
    assert state.attributes["document"] == "receipt"
    printed = [e.data for e in events if e.data["status"] == "processed"]
    assert printed[0]["kind"] == "receipt"
    assert printed[0]["ofd_url"] == state.attributes["ofd_url"]
    assert printed[0]["callback_data"] == {"order": 1042}
    assert printed[0]["entity_id"] == RECEIPT
    assert callbacks[-1].data["ofd_url"] == state.attributes["ofd_url"]
    assert callbacks[-1].data["error_code"] is None
    assert hass.states.get("sensor.till_1_last_message").state == "Receipt: Printed"

    # The same ext_id again: LifePay's first receipt, no second one.
    again = await sell(hass, positions=[COFFEE], ext_id="order-1042")
    assert (again["outcome"], again["uuid"]) == ("repeat", response["uuid"])
    assert again["ofd_url"] == state.attributes["ofd_url"]
    assert len(asked(lifepay_mock, "/cloud-print/create-receipt")) == 1


async def test_two_identical_sales_are_two_receipts(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    """Unlike a press of a report button, a second sale while the first is under way is a
    receipt of its own."""
    first = await sell(hass, positions=[COFFEE])
    second = await sell(hass, positions=[COFFEE])
    assert first["outcome"] == second["outcome"] == "new"
    assert first["ext_id"] != second["ext_id"]
    await settle(hass, lifepay_mock)
    printer = lifepay_mock.mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    assert printer.shift.receipts >= 2
    assert len(asked(lifepay_mock, "/cloud-print/create-receipt")) == 2


async def test_a_refund_and_the_whole_sum_by_card(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    response = await sell(
        hass, positions=[BREAD], kind="refund", card_amount="all", tax_system="usn6"
    )
    body = asked(lifepay_mock, "/cloud-print/create-receipt")[0]
    assert (body["type"], body["card_amount"], body["tax_system"]) == ("refund", "#", "usn6")
    sale = lifepay_mock.mock.backend.documents[response["uuid"]].sale
    assert (sale.kind.value, sale.total, sale.card, sale.cash) == ("refund", 9100, 9100, 0)
    await settle(hass, lifepay_mock)
    assert hass.states.get(RECEIPT).state == "processed"


async def test_cash_in_and_out_move_the_drawer(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    printer = lifepay_mock.mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    before = printer.shift.cash_in_drawer
    put = await sell(hass, "cash_in", amount="5000.00")
    assert (put["document"], put["total"]) == ("cash_in", "5000.00")
    await settle(hass, lifepay_mock)
    assert printer.shift.cash_in_drawer == before + 500000
    state = hass.states.get(CASH)
    assert (state.state, state.attributes["document"]) == ("processed", "cash_in")

    taken = await sell(hass, "cash_out", amount=1234.5)
    await settle(hass, lifepay_mock)
    assert printer.shift.cash_in_drawer == before + 500000 - 123450
    assert lifepay_mock.mock.backend.documents[taken["uuid"]].sale == 123450
    state = hass.states.get(CASH)
    assert (state.state, state.attributes["document"]) == ("processed", "cash_out")
    assert state.attributes["total"] == "1234.50"
    assert asked(lifepay_mock, "/cloud-print/cash-out")[0]["amount"] == 1234.5


async def test_test_mode_sells_nothing(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    response = await sell(hass, positions=[COFFEE], test=True)
    assert (response["outcome"], response["uuid"], response["status"]) == (
        "check_passed",
        None,
        None,
    )
    assert response["total"] == "199.99"
    assert (await sell(hass, "cash_in", amount=10, test=True))["outcome"] == "check_passed"
    assert documents_asked(lifepay_mock) == []


BAD_INPUT = [
    ({"positions": [{**COFFEE, "price": 0}]}, "invalid_price", "the price 0"),
    ({"positions": [COFFEE, {**BREAD, "quantity": -1}]}, "invalid_quantity", "Position 2"),
    ({"positions": [{**COFFEE, "tax": "vat22"}]}, "invalid_tax", "VAT code"),
    ({"positions": [{**COFFEE, "name": " "}]}, "invalid_name", "the name"),
    (
        {"positions": [COFFEE], "send_mode": "email", "customer_email": "no-at-sign"},
        "invalid_customer_email",
        "not an email address",
    ),
    ({"positions": [COFFEE], "send_mode": "email"}, "invalid_customer_email", "email or phone"),
    ({"positions": [COFFEE], "customer_phone": "12345"}, "invalid_customer_phone", "phone"),
    ({"positions": [COFFEE], "card_amount": 200}, "invalid_card_amount", "total 199.99"),
    ({"positions": [COFFEE], "kind": "gift"}, "invalid_kind", "receipt kind gift"),
    ({"positions": [COFFEE], "send_mode": "fax"}, "invalid_mode", "send mode"),
    ({"positions": [COFFEE], "tax_system": "usn7"}, "invalid_tax_system", "tax system"),
    ({"positions": []}, "invalid_positions", "at least one position"),
    (
        {"positions": [{**COFFEE, "discount_percent": 5, "discount_amount": 1}]},
        "invalid_discount_amount",
        "not both",
    ),
    ({"positions": [{**COFFEE, "unit": "x" * 17}]}, "invalid_unit", "unit"),
    ({"positions": [{**COFFEE, "item_type": 99}]}, "invalid_item_type", "item type 99"),
    ({"positions": [{**COFFEE, "payment_method": 9}]}, "invalid_payment_method", "payment"),
    ({"positions": [{**COFFEE, "discount_percent": 101}]}, "invalid_discount_percent", "percent"),
]


@pytest.mark.parametrize(("data", "key", "words"), BAD_INPUT)
async def test_bad_input_names_its_field(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    data: dict[str, Any],
    key: str,
    words: str,
) -> None:
    with pytest.raises(ServiceValidationError) as caught:
        await sell(hass, **data)
    assert caught.value.translation_key == key
    assert words in in_words(caught.value)
    assert documents_asked(lifepay_mock) == []


async def test_bad_cash_and_targets(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    with pytest.raises(ServiceValidationError) as caught:
        await sell(hass, "cash_in", amount="12.345")
    assert caught.value.translation_key == "invalid_amount"
    assert "The amount 12.345" in in_words(caught.value)
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            DOMAIN,
            "print_receipt",
            {
                ATTR_ENTITY_ID: [TILL, "button.warehouse_print_x_report"],
                "positions": [COFFEE],
            },
            blocking=True,
        )
    assert caught.value.translation_key == "sale_needs_one_printer"
    assert documents_asked(lifepay_mock) == []


async def test_cash_needs_a_printer_with_a_serial(
    hass: HomeAssistant, entry_data: dict[str, Any], ha_url: str
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="any",
        data=entry_data,
        minor_version=2,
        subentries_data=[printer_subentry(None, "Any")],
    )
    entry.add_to_hass(hass)
    await set_up_with(hass, entry)
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            DOMAIN,
            "cash_in",
            {ATTR_ENTITY_ID: "button.any_print_x_report", "amount": 10},
            blocking=True,
        )
    assert caught.value.translation_key == "cash_needs_serial"
    assert "«Any»" in in_words(caught.value, "ru")


async def test_a_receipt_on_a_closed_shift_fails_saying_so(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    printer = lifepay_mock.mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    lifepay_mock.mock.backend.close_shift(printer)
    events = async_capture_events(hass, EVENT_DOCUMENT)
    await sell(hass, positions=[COFFEE])
    await settle(hass, lifepay_mock)
    state = hass.states.get(RECEIPT)
    assert (state.state, state.attributes["problem"]) == ("error", "shift_not_open")
    assert "ofd_url" not in state.attributes
    failed = [e.data for e in events if e.data["outcome"] == "failed"]
    assert (failed[0]["kind"], failed[0]["problem"]) == ("receipt", "shift_not_open")
    assert hass.states.get("sensor.till_1_shift").state == "closed"


async def test_a_transport_fault_sends_the_same_receipt_once(
    hass: HomeAssistant,
    mock_entry: MockConfigEntry,
    lifepay_mock: MockHandle,
    ha_url: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    await set_up_with(hass, mock_entry)
    lifepay_mock.mock.faults.add(Fault(FaultKind.HTTP_STATUS, status=503, times=2))
    response = await sell(hass, positions=[COFFEE, BREAD], card_amount="50.05")
    assert response["status"] == "retrying"  # no error: it is kept and sent again
    for minutes in (1, 3):
        await advance(hass, freezer, lifepay_mock, minutes=minutes)
    bodies = [
        body
        for body in asked(lifepay_mock, "/cloud-print/create-receipt")
        if body["ext_id"] == response["ext_id"]
    ]
    assert len(bodies) == 3  # two 503s, then taken
    assert all(body == bodies[0] for body in bodies)  # the very same receipt each time
    made = [
        d for d in lifepay_mock.mock.backend.documents.values() if d.ext_id == response["ext_id"]
    ]
    assert len(made) == 1
    assert (made[0].sale.total, made[0].sale.card) == (29099, 5005)
    assert hass.states.get(RECEIPT).state == "processed"


def pending_receipt(printer_id: str, ext_id: str, requested_at: Any) -> dict[str, Any]:
    return {
        "printer_id": printer_id,
        "ext_id": ext_id,
        "token": f"secret-{ext_id}",
        "requested_at": requested_at.isoformat(),
        "kind": "receipt",
        "status": "retrying",
        "target_serial": None,
        "attempts": 1,
        "sale": {
            "positions": [
                {"name": "Кофе", "price": "199.99", "quantity": "1", "tax": "vat20"},
            ],
            "kind": "payment",
            "card_amount": "#",
            "mode": "print",
            "total": "199.99",
        },
    }


async def test_a_pending_receipt_is_sent_after_a_restart_within_its_window_only(
    hass: HomeAssistant, mock_entry: MockConfigEntry, lifepay_mock: MockHandle, ha_url: str
) -> None:
    printer_id = printer_id_of(mock_entry, lifepay_mock.demo.printers[0])
    now = dt_util.utcnow()
    save_jobs(
        hass,
        mock_entry,
        [
            pending_receipt(printer_id, "fresh", now - timedelta(minutes=5)),
            pending_receipt(printer_id, "old", now - timedelta(hours=3)),
            {
                **pending_receipt(printer_id, "cash", now - timedelta(minutes=1)),
                "kind": "cash_in",
                "target_serial": lifepay_mock.demo.printers[0],
                "sale": {"amount": "700.00", "total": "700.00"},
            },
        ],
    )
    await set_up_with(hass, mock_entry)
    # The overdue tries are due at once: fire their timers rather than hope the loop has.
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    await settle(hass, lifepay_mock)
    sent = asked(lifepay_mock, "/cloud-print/create-receipt")
    assert [body["ext_id"] for body in sent] == ["fresh"]
    assert sent[0]["card_amount"] == "#"
    assert Decimal(str(sent[0]["purchase"]["products"][0]["price"])) == Decimal("199.99")
    jobs = {job["ext_id"]: job for job in saved_jobs(hass, mock_entry)}
    assert jobs["old"]["status"] == "failed"
    assert jobs["old"]["problem"] in ("expired", "gave_up")
    assert jobs["fresh"]["status"] in ("accepted", "processed")
    assert jobs["fresh"]["sale"]["total"] == "199.99"
    assert asked(lifepay_mock, "/cloud-print/cash-in")[0]["amount"] == 700


async def test_receipt_device_triggers(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    device = dr.async_get(hass).async_get_device(
        {(DOMAIN, printer_id_of(loaded_entry, lifepay_mock.demo.printers[0]))}
    )
    assert device is not None
    fired: list[str] = []
    hass.services.async_register("test", "note", lambda call: fired.append(call.data["what"]))
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "trigger": {
                        "platform": "device",
                        "domain": DOMAIN,
                        "device_id": device.id,
                        "type": kind,
                    },
                    "action": {"service": "test.note", "data": {"what": kind}},
                }
                for kind in ("receipt_printed", "receipt_failed")
            ]
        },
    )
    await sell(hass, positions=[COFFEE])
    await settle(hass, lifepay_mock)
    printer = lifepay_mock.mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    lifepay_mock.mock.backend.close_shift(printer)
    await sell(hass, positions=[COFFEE])
    await settle(hass, lifepay_mock)
    assert fired == ["receipt_printed", "receipt_failed"]


async def test_logbook_lines_and_last_message_for_sales(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    """The logbook's words for a receipt and a cash movement, from their real events."""
    from custom_components.lifepay import logbook  # noqa: PLC0415

    described: list[Any] = []
    logbook.async_describe_events(
        hass, lambda _domain, _event, describe: described.append(describe)
    )
    events = async_capture_events(hass, EVENT_DOCUMENT)
    printer = lifepay_mock.mock.backend.world.printers[lifepay_mock.demo.printers[0]]
    lifepay_mock.mock.backend.close_shift(printer)
    await sell(hass, positions=[COFFEE])
    await settle(hass, lifepay_mock)
    await sell(hass, "cash_in", amount=100)
    await settle(hass, lifepay_mock)
    lines = [described[0](event)["message"] for event in events if event.data["final"]]
    assert lines[0].startswith("Receipt — Not printed: The shift is not open")
    assert lines[1].startswith("Cash in — Not done")
    assert described[0](events[-1])["entity_id"] == CASH
    assert hass.states.get("sensor.till_1_last_message").state.startswith("Cash in: ")


async def test_the_accounts_receipt_defaults(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, lifepay_mock: MockHandle
) -> None:
    """Options: the tax system, the VAT of a position that names none, the cashier; what a
    call gives wins."""
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"give_up_minutes": 120, "confirm_hours": 12, "cashier_name": "К" * 65},
    )
    assert result["errors"] == {"cashier_name": "cashier_name_too_long"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "give_up_minutes": 120,
            "confirm_hours": 12,
            "tax_system": "usn6",
            "default_tax": "none",
            "cashier_name": " Петрова О. ",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_entry.options == {
        "give_up_minutes": 120,
        "confirm_hours": 12,
        "tax_system": "usn6",
        "default_tax": "none",
        "cashier_name": "Петрова О.",
    }
    untaxed = {"name": "Булка", "price": "30"}
    await sell(hass, positions=[untaxed, COFFEE])
    await sell(hass, positions=[untaxed], tax_system="osn", cashier_name="Иванова М.")
    first, second = asked(lifepay_mock, "/cloud-print/create-receipt")
    assert [p["tax"] for p in first["purchase"]["products"]] == ["none", "vat20"]
    assert (first["tax_system"], first["cashier_name"]) == ("usn6", "Петрова О.")
    assert (second["tax_system"], second["cashier_name"]) == ("osn", "Иванова М.")

    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description
    }
    assert suggested["tax_system"] == "usn6"


async def test_a_sale_the_client_cannot_send_is_refused_not_retried(
    hass: HomeAssistant, entry_data: dict[str, Any], lifepay_mock: MockHandle, ha_url: str
) -> None:
    """The account's own guard, below the action's checks: a sale without its document, cash
    on a printer without a serial. Refused at once and recorded; nothing reaches LifePay."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="guard",
        data=entry_data,
        minor_version=2,
        subentries_data=[
            printer_subentry(None, "Any"),
            printer_subentry(lifepay_mock.demo.printers[0], "Till 1"),
        ],
    )
    entry.add_to_hass(hass)
    await set_up_with(hass, entry)
    account = entry.runtime_data
    by_name = {printer.name: printer for printer in account.printers.values()}
    with pytest.raises(HomeAssistantError):
        await account.async_send(by_name["Till 1"], SaleKind.RECEIPT)
    with pytest.raises(HomeAssistantError):
        await account.async_send(by_name["Any"], SaleKind.CASH_IN, sale={"amount": "10.00"})
    assert [job.status for job in account.ledger] == [JobStatus.REJECTED] * 2
    assert documents_asked(lifepay_mock) == []


def test_a_field_without_words_of_its_own_is_still_named() -> None:
    error = _bad_sale_input(LifePayInputError("no", field="prepayment_amount"), "1")
    assert error.translation_key == "invalid_sale_input"
    assert error.translation_placeholders == {"field": "prepayment_amount", "reason": "no"}
