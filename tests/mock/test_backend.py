"""The mock's backend without HTTP: processing rules and the generated X-reports."""

from __future__ import annotations

import json

import pytest

from mock_lifepay import DEMO, DocumentStatus, PrinterState
from mock_lifepay import messages as msg
from mock_lifepay.backend import Backend
from mock_lifepay.seed import build_world
from mock_lifepay.views import notification_json, notification_view


def create(backend: Backend, **fields: object) -> str:
    payload = {"apikey": DEMO.apikey, "login": DEMO.admin_login} | fields
    answer = backend.create_x_report(json.dumps(payload).encode())
    assert answer.code == 0, answer
    return str(answer.data["uuid"])


def test_world_is_reproducible_from_the_seed() -> None:
    first, second, other = build_world(5), build_world(5), build_world(6)
    assert list(first.users) == list(second.users)
    assert [c.apikey for c in first.companies.values()] == [
        c.apikey for c in second.companies.values()
    ]
    assert list(first.printers) != list(other.printers)
    assert all(len(login) == 11 and login.startswith("7") for login in first.users)
    assert all(serial.isdigit() and len(serial) == 14 for serial in first.printers)


def test_background_sales_accumulate_over_the_shift() -> None:
    backend = Backend(seed=3)
    printer = backend.world.printers[DEMO.printers[0]]
    reports = []
    for _ in range(30):
        document = backend.documents[create(backend, target_serial=printer.serial)]
        assert backend.process(document, background_sales=True)
        assert document.report is not None
        reports.append(document.report)
    sales = [report.sales_total for report in reports]
    assert sales == sorted(sales)
    assert reports[-1].returns_count > 0
    numbers = [report.fiscal_document_number for report in reports]
    assert numbers == list(range(numbers[0], numbers[0] + 30))
    last = reports[-1]
    assert last.cash_in_drawer >= 0
    assert last.cash_in_drawer + last.non_cash_total == (
        last.cash_in - last.cash_out + last.sales_total - last.returns_total
    )
    # The till's receipts count as the register's: one per sale and per return.
    assert printer.shift.receipts == last.sales_count + last.returns_count > 0


def test_processing_twice_changes_nothing() -> None:
    backend = Backend()
    printer = backend.world.printers[DEMO.printers[0]]
    backend.set_printer_state(printer, PrinterState.OFFLINE)
    document = backend.documents[create(backend, target_serial=printer.serial)]
    assert backend.process(document)
    assert not backend.process(document)  # still offline: same status, no new callback
    backend.set_printer_state(printer, PrinterState.OFFLINE)
    backend.set_printer_state(printer, PrinterState.ONLINE)
    assert backend.process(document)
    assert document.status is DocumentStatus.PROCESSED
    assert not backend.process(document)  # final


def test_trade_point_without_printer_falls_back_to_any_active() -> None:
    backend = Backend()
    shop_point = backend.world.users[DEMO.shop_login].trade_point_id
    warehouse_point = backend.world.users[DEMO.warehouse_login].trade_point_id
    assert warehouse_point is not None
    assert shop_point != warehouse_point
    # Move the shop's printer to the warehouse: the shop has none of its own now.
    backend.world.printers[DEMO.printers[0]].trade_point_id = warehouse_point
    document = backend.documents[create(backend, login=DEMO.shop_login)]
    assert document.printer_serial == DEMO.printers[0]


@pytest.mark.parametrize(
    ("limit", "word"),
    [
        (1, "символ"),
        (21, "символ"),
        (11, "символов"),
        (2, "символа"),
        (24, "символа"),
        (12, "символов"),
        (50, "символов"),
        (255, "символов"),
    ],
)
def test_russian_plurals(limit: int, word: str) -> None:
    assert msg.too_long("ext_id", limit).endswith(f"максимум {limit} {word}.")


def test_trim_forgets_oldest_finished_documents_but_not_their_ext_ids() -> None:
    backend = Backend()
    uuids = [create(backend, ext_id=f"e{n}") for n in range(5)]
    for uuid in uuids[:4]:
        backend.process(backend.documents[uuid])
    assert backend.trim(0) == 0
    assert backend.trim(2) == 3  # the fifth is not finished, so it stays
    assert list(backend.documents) == [uuids[3], uuids[4]]
    assert create(backend, ext_id="e0") == uuids[0]  # still idempotent
    assert len(backend.documents) == 2


def test_trim_short_of_finished_documents_waits_for_more_before_walking_again() -> None:
    # A printer offline for thousands of requests: the cap is full of unfinished documents, and
    # walking all of them on every request would find the same nothing each time.
    backend = Backend()
    uuids = [create(backend) for _ in range(20)]
    assert backend.trim(16) == 0
    for uuid in uuids:
        backend.process(backend.documents[uuid])
    assert backend.trim(16) == 0  # not walked again yet: no new document since
    create(backend)
    assert backend.trim(16) == 6  # 21 - 16 + 16 // 16, oldest first
    assert list(backend.documents)[:2] == uuids[6:8]


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"ext_id": 'кавычки "и" \\ слэш', "callback_data": "Касса №1"},
        {"ext_id": "e1", "callback_data": {"n": [1, 2.5, None, True], "т": {"x": "\u2028"}}},
        {"callback_data": ["a", {"b": "</script>"}]},
    ],
)
def test_notification_text_is_the_views_json(fields: dict[str, object]) -> None:
    # The runtime writes the callback's JSON by hand, for speed: it must be json.dumps's text.
    backend = Backend()
    document = backend.documents[create(backend, **fields)]
    backend.process(document)
    for word in (None, "success", 'с "кавычками"'):
        text = notification_json(document, word)
        assert text == json.dumps(notification_view(document, word), ensure_ascii=False)


@pytest.mark.parametrize(
    "fields",
    [{}, {"test": 1}, {"target_serial": "123"}, {"login": "70000000000"}, {"ext_id": "x" * 60}],
)
def test_answer_text_is_the_envelopes_json(fields: dict[str, object]) -> None:
    # The endpoint writes the usual answer by hand, for speed: it must be json.dumps's text.
    backend = Backend()
    payload = {"apikey": DEMO.apikey, "login": DEMO.admin_login} | fields
    answer = backend.create_x_report(json.dumps(payload).encode())
    assert answer.text() == json.dumps(answer.envelope(), ensure_ascii=False)
