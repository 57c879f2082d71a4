"""The fiscal day: create-session opens a shift, create-z-report closes it, X-reports in between.

Everything goes over loopback HTTP: the three LifePay endpoints, the control API, the callbacks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import aiohttp
import pytest

from mock_lifepay import ENDPOINTS

from .helpers import control, post_json

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle
    from tests.conftest import CallbackReceiver

X: Final = "/cloud-print/create-x-report"
OPEN: Final = "/cloud-print/create-session"
Z: Final = "/cloud-print/create-z-report"
TYPES: Final = {X: "x_report", OPEN: "open_shift", Z: "z_report"}
DATA_ERROR: Final = "Ошибка данных."
CASHIER: Final = {"cashier_name": "Иванова Мария", "cashier_inn": "500100732259"}


class Till:
    """The demo shop's printer driven over HTTP, with callbacks to a receiver."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        lifepay_mock: MockHandle,
        receiver: CallbackReceiver,
    ) -> None:
        self.session = session
        self.mock = lifepay_mock
        self.receiver = receiver
        self.serial = lifepay_mock.demo.printers[0]
        self.printer_url = f"{lifepay_mock.url}/_mock/printers/{self.serial}"

    async def send(self, endpoint: str, **fields: Any) -> str:
        """Ask for a document; wait until the printer is done with it; its uuid."""
        payload = {
            "apikey": self.mock.demo.apikey,
            "login": self.mock.demo.admin_login,
            "target_serial": self.serial,
            "callback_url": self.receiver.url,
        } | fields
        status, answer = await post_json(self.session, self.mock.url, payload, endpoint)
        assert (status, answer["code"]) == (200, 0), answer
        await self.mock.mock.wait_until_idle()
        uuid: str = answer["data"]["uuid"]
        return uuid

    async def document(self, uuid: str) -> dict[str, Any]:
        status, view = await control(self.session, "GET", f"{self.mock.url}/_mock/documents/{uuid}")
        assert status == 200
        return view  # type: ignore[no-any-return]

    async def shift(self) -> dict[str, Any]:
        status, printer = await control(self.session, "GET", self.printer_url)
        assert status == 200
        return printer["shift"]  # type: ignore[no-any-return]

    async def patch(self, payload: dict[str, Any]) -> dict[str, Any]:
        status, printer = await control(self.session, "PATCH", self.printer_url, payload)
        assert status == 200, printer
        return printer  # type: ignore[no-any-return]

    def last_callback(self) -> dict[str, Any]:
        return self.receiver.documents()[-1]


@pytest.fixture
def till(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, receiver: CallbackReceiver
) -> Till:
    return Till(session, lifepay_mock, receiver)


def test_the_mock_serves_the_three_shift_endpoints() -> None:
    assert {path: kind.value for path, kind in ENDPOINTS.items() if path in TYPES} == TYPES


# --- the answer: one validation for the three endpoints --------------------------------------


@pytest.mark.parametrize("endpoint", list(TYPES))
async def test_each_endpoint_makes_its_document(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, endpoint: str
) -> None:
    lifepay_mock.mock.settings.processing_delay = 3600
    payload = {"apikey": lifepay_mock.demo.apikey, "login": lifepay_mock.demo.shop_login}
    status, answer = await post_json(session, lifepay_mock.url, payload, endpoint)
    assert status == 200
    assert (answer["code"], answer["message"], list(answer["data"])) == (0, "", ["uuid"])
    _, view = await control(
        session, "GET", f"{lifepay_mock.url}/_mock/documents/{answer['data']['uuid']}"
    )
    assert (view["type"], view["status"]) == (TYPES[endpoint], "queued")
    assert view["target_serial"] == lifepay_mock.demo.printers[0]  # the shop's own printer
    (entry,) = lifepay_mock.mock.journal.entries()
    assert entry.path == endpoint


SHARED_ERRORS: Final = [
    ({"apikey": ""}, 400, {"apikey": ["Необходимо заполнить «Apikey»."]}),
    ({"test": "yes"}, 400, {"test": ["Значение «Test» неверно."]}),
    (
        {"ext_id": "e" * 51},
        400,
        {"ext_id": ["Значение «Ext Id» должно содержать максимум 50 символов."]},
    ),
    (
        {"callback_url": "ftp://x"},
        400,
        {"callback_url": ["Значение «Callback Url» не является правильным URL."]},
    ),
    ({"target_serial": "123"}, 400, {"target_serial": ["Принтер не найден."]}),
    ({"login": "70000000000"}, 6009, []),
    ({"apikey": "someone-else"}, 6010, []),
    ({"login": "79990000009"}, 6095, []),
    ({"apikey": "demo-apikey-nocloud-5b6d", "login": "79990000010"}, 6080, []),
]


@pytest.mark.parametrize("endpoint", [OPEN, Z])
@pytest.mark.parametrize(("change", "code", "data"), SHARED_ERRORS)
async def test_siblings_answer_as_create_x_report_does(
    session: aiohttp.ClientSession,
    lifepay_mock: MockHandle,
    valid: dict[str, Any],
    endpoint: str,
    change: dict[str, Any],
    code: int,
    data: Any,
) -> None:
    _, sibling = await post_json(session, lifepay_mock.url, valid | change, endpoint)
    _, x_report = await post_json(session, lifepay_mock.url, valid | change, X)
    assert sibling == x_report
    assert (sibling["code"], sibling["data"]) == (code, data)
    assert lifepay_mock.mock.backend.documents == {}


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (
            {"cashier_name": "Я" * 65},
            {"cashier_name": ["Значение «Cashier Name» должно содержать максимум 64 символа."]},
        ),
        (
            {"cashier_name": 7},
            {"cashier_name": ["Значение «Cashier Name» должно быть строкой."]},
        ),
        (
            {"cashier_inn": "50010073225"},
            {"cashier_inn": ["Значение «Cashier Inn» должно состоять из 12 цифр."]},
        ),
        (
            {"cashier_inn": "7707083893"},  # a company's INN: ten digits
            {"cashier_inn": ["Значение «Cashier Inn» должно состоять из 12 цифр."]},
        ),
        (
            {"cashier_inn": "50010073225x"},
            {"cashier_inn": ["Значение «Cashier Inn» должно состоять из 12 цифр."]},
        ),
        (
            {"cashier_inn": "５００１００７３２２５９"},  # full-width digits are not digits here
            {"cashier_inn": ["Значение «Cashier Inn» должно состоять из 12 цифр."]},
        ),
        (
            {"cashier_inn": 500100732259},
            {"cashier_inn": ["Значение «Cashier Inn» должно быть строкой."]},
        ),
        (
            {"login": "", "cashier_inn": "1"},
            {
                "login": ["Необходимо заполнить «Login»."],
                "cashier_inn": ["Значение «Cashier Inn» должно состоять из 12 цифр."],
            },
        ),
    ],
)
@pytest.mark.parametrize("endpoint", [OPEN, Z])
async def test_cashier_fields_are_checked(
    session: aiohttp.ClientSession,
    lifepay_mock: MockHandle,
    valid: dict[str, Any],
    endpoint: str,
    change: dict[str, Any],
    errors: dict[str, list[str]],
) -> None:
    status, answer = await post_json(session, lifepay_mock.url, valid | change, endpoint)
    assert status == 200
    assert answer == {"code": 400, "message": DATA_ERROR, "data": errors}
    # Test mode validates as much.
    _, probe = await post_json(session, lifepay_mock.url, valid | change | {"test": 1}, endpoint)
    assert probe == answer


@pytest.mark.parametrize("endpoint", [OPEN, Z])
async def test_cashier_is_kept_and_empty_is_absent(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any], endpoint: str
) -> None:
    lifepay_mock.mock.settings.processing_delay = 3600
    cashier = {"cashier_name": "Я" * 64, "cashier_inn": "500100732259"}
    _, named = await post_json(session, lifepay_mock.url, valid | cashier, endpoint)
    empty = {"cashier_name": "", "cashier_inn": ""}
    _, unnamed = await post_json(session, lifepay_mock.url, valid | empty, endpoint)
    documents = lifepay_mock.mock.backend.documents
    first, second = documents[named["data"]["uuid"]], documents[unnamed["data"]["uuid"]]
    assert (first.cashier_name, first.cashier_inn) == ("Я" * 64, "500100732259")
    assert (second.cashier_name, second.cashier_inn) == (None, None)


async def test_create_x_report_ignores_cashier_fields(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any]
) -> None:
    # Not fields of the X-report page: unknown keys, ignored as every unknown key is.
    _, answer = await post_json(session, lifepay_mock.url, valid | {"cashier_inn": "bad"}, X)
    assert answer["code"] == 0
    (document,) = lifepay_mock.mock.backend.documents.values()
    assert document.cashier_inn is None


@pytest.mark.parametrize("endpoint", [OPEN, Z])
async def test_test_mode_on_the_siblings(
    session: aiohttp.ClientSession,
    lifepay_mock: MockHandle,
    receiver: CallbackReceiver,
    valid: dict[str, Any],
    endpoint: str,
) -> None:
    probe = valid | CASHIER | {"test": "1", "ext_id": "t", "callback_url": receiver.url}
    _, answer = await post_json(session, lifepay_mock.url, probe, endpoint)
    assert answer == {"code": 0, "message": "", "data": []}
    await lifepay_mock.mock.wait_until_idle()
    assert lifepay_mock.mock.backend.documents == {}
    assert receiver.received == []


async def test_ext_id_is_one_namespace_across_document_types(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, valid: dict[str, Any]
) -> None:
    lifepay_mock.mock.settings.processing_delay = 3600
    uuids = []
    for endpoint in (OPEN, X, Z, OPEN):
        payload = valid | {"ext_id": "day-1"}
        _, answer = await post_json(session, lifepay_mock.url, payload, endpoint)
        assert answer["code"] == 0
        uuids.append(answer["data"]["uuid"])
    assert len(set(uuids)) == 1
    (document,) = lifepay_mock.mock.backend.documents.values()
    assert document.type.value == "open_shift"  # the first one's
    _, other = await post_json(session, lifepay_mock.url, valid | {"ext_id": "day-2"}, Z)
    assert other["data"]["uuid"] not in uuids


# --- the shift's life ---------------------------------------------------------------------


async def test_a_fiscal_day(till: Till, lifepay_mock: MockHandle) -> None:
    shift = await till.shift()
    assert (shift["open"], shift["closed_at"]) == (True, None)
    number = shift["number"]

    # The shift is open: opening it again is refused, in a callback.
    opening = await till.send(OPEN, ext_id="open-twice", **CASHIER)
    assert (await till.document(opening))["status"] == "error"
    refused = till.last_callback()
    assert (refused["uuid"], refused["type"], refused["status"]) == (opening, "open_shift", "error")
    assert refused["message"] == "Смена уже открыта."

    x_uuid = await till.send(X)
    x_report = (await till.document(x_uuid))["report"]
    assert (x_report["type"], x_report["shift_number"]) == ("x_report", number)
    assert x_report["shift_closed_at"] is None

    z_uuid = await till.send(Z, callback_data={"day": 1}, **CASHIER)
    z_view = await till.document(z_uuid)
    z_report = z_view["report"]
    assert (z_view["status"], z_view["message"]) == ("processed", "Смена закрыта.")
    assert (z_report["type"], z_report["shift_number"]) == ("z_report", number)
    assert z_report["shift_closed_at"] == z_report["printed_at"]
    assert (z_report["cashier_name"], z_report["cashier_inn"]) == tuple(CASHIER.values())
    # The Z-report prints the shift's totals: at least what the X-report showed.
    assert z_report["sales_count"] >= x_report["sales_count"]
    assert z_report["sales_total"] >= x_report["sales_total"]
    assert z_report["fiscal_document_number"] == x_report["fiscal_document_number"] + 1
    z_callback = till.last_callback()
    assert (z_callback["type"], z_callback["status"], z_callback["callback_data"]) == (
        "z_report",
        "processed",
        {"day": 1},
    )
    shift = await till.shift()
    assert (shift["number"], shift["open"], shift["closed_at"]) == (
        number,
        False,
        z_report["printed_at"],
    )

    # Closed: X- and Z-reports are refused.
    for endpoint in (X, Z):
        uuid = await till.send(endpoint)
        assert (await till.document(uuid))["status"] == "error"
        assert (till.last_callback()["type"], till.last_callback()["message"]) == (
            TYPES[endpoint],
            "Смена не открыта.",
        )

    # Opening starts the next shift from zero.
    before = datetime.now(UTC)
    opened = await till.send(OPEN, cashier_name="Петров")
    opening_view = await till.document(opened)
    assert (opening_view["status"], opening_view["message"]) == ("processed", "Смена открыта.")
    assert till.last_callback()["type"] == "open_shift"
    shift = await till.shift()
    assert (shift["number"], shift["open"], shift["closed_at"]) == (number + 1, True, None)
    assert datetime.fromisoformat(shift["opened_at"]) >= before
    assert opening_view["report"]["type"] == "open_shift"
    assert opening_view["report"]["shift_number"] == number + 1
    assert opening_view["report"]["sales_total"] == 0

    x_again = (await till.document(await till.send(X)))["report"]
    assert x_again["shift_number"] == number + 1
    assert x_again["sales_total"] <= z_report["sales_total"] or x_again["sales_count"] < 13


async def test_a_shift_older_than_24_hours(till: Till) -> None:
    printer = await till.patch({"shift_age_hours": 24.5})
    opened_at = datetime.fromisoformat(printer["shift"]["opened_at"])
    assert timedelta(hours=24.4) < datetime.now(UTC) - opened_at < timedelta(hours=24.6)

    x_uuid = await till.send(X)
    assert (await till.document(x_uuid))["message"] == "Смена превысила 24 часа."
    assert till.last_callback()["status"] == "error"
    open_uuid = await till.send(OPEN)
    assert (await till.document(open_uuid))["message"] == "Смена уже открыта."
    # The Z-report still prints, and closes the expired shift.
    z_uuid = await till.send(Z)
    assert (await till.document(z_uuid))["status"] == "processed"
    assert (await till.shift())["open"] is False
    await till.send(OPEN)
    assert (await till.document(await till.send(X)))["status"] == "processed"

    # 23 hours 59 minutes is still a valid shift.
    await till.patch({"shift_age_hours": 23.98})
    assert (await till.document(await till.send(X)))["status"] == "processed"


async def test_shift_opened_at_through_the_control_api(till: Till) -> None:
    printer = await till.patch({"shift_opened_at": "2026-01-05T09:30:00+03:00"})
    assert printer["shift"]["opened_at"] == "2026-01-05T09:30:00+03:00"
    naive = await till.patch({"shift_opened_at": "2026-01-05T09:30:00"})
    assert naive["shift"]["opened_at"] == "2026-01-05T09:30:00+00:00"  # UTC when no offset
    uuid = await till.send(X)
    assert (await till.document(uuid))["message"] == "Смена превысила 24 часа."


async def test_shift_open_and_close_through_the_control_api(till: Till) -> None:
    number = (await till.shift())["number"]
    closed = await till.patch({"shift": "closed"})
    assert (closed["shift"]["open"], closed["state"]) == (False, "online")
    assert closed["shift"]["closed_at"] is not None
    again = await till.patch({"shift": "closed"})  # closing a closed shift changes nothing
    assert again["shift"] == closed["shift"]
    assert (await till.document(await till.send(X)))["message"] == "Смена не открыта."

    opened = await till.patch({"shift": "open", "shift_age_hours": 2})
    assert (opened["shift"]["number"], opened["shift"]["open"]) == (number + 1, True)
    assert opened["shift"]["closed_at"] is None
    same = await till.patch({"shift": "open"})  # an open shift stays the same shift
    assert same["shift"]["number"] == number + 1
    assert same["shift"]["opened_at"] == opened["shift"]["opened_at"]

    # The state of old, "shift_closed", closes the shift and leaves the connection as it is.
    legacy = await till.patch({"state": "shift_closed"})
    assert (legacy["state"], legacy["shift"]["open"]) == ("online", False)


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"shift": "opened"}, "shift must be 'open' or 'closed'"),
        ({"shift": True}, "shift must be 'open' or 'closed'"),
        ({"shift_opened_at": "yesterday"}, "ISO 8601"),
        ({"shift_opened_at": 1700000000}, "ISO 8601"),
        ({"shift_age_hours": -1}, "a number of hours from 0 to 8784"),
        ({"shift_age_hours": "25"}, "a number of hours from 0 to 8784"),
        ({"shift_age_hours": 1e10}, "a number of hours from 0 to 8784"),
        ({"shift_age_hours": 7.7e307}, "a number of hours from 0 to 8784"),
        ({"shift_opened_at": "1999-12-31T23:59:59+00:00"}, "in the years 2000 to 2099"),
        ({"shift_opened_at": "2100-01-01T00:00:00+00:00"}, "in the years 2000 to 2099"),
        ({"shift_opened_at": "0001-01-01T00:00:00+05:00"}, "in the years 2000 to 2099"),
        ({"state": "shift_closed", "shift": "open"}, "cannot open it"),
        ({"state": "shift_closed", "shift_age_hours": 2}, "cannot open it"),
        ({"error_message": "Ф" * 501}, "at most 500 characters"),
        ({"shift_age_hours": 1, "shift_opened_at": "2026-01-05T09:30:00"}, "not both"),
        ({"shift": "closed", "shift_age_hours": 1}, "open it"),
        ({"shift_colour": "red"}, "send one or more of"),
    ],
)
async def test_bad_shift_patches_change_nothing(
    till: Till, session: aiohttp.ClientSession, payload: dict[str, Any], error: str
) -> None:
    before = await till.shift()
    status, body = await control(session, "PATCH", till.printer_url, payload)
    assert status == 400
    assert error in body["error"]
    assert await till.shift() == before


async def test_opening_time_of_a_closed_shift_needs_it_open(
    till: Till, session: aiohttp.ClientSession
) -> None:
    await till.patch({"shift": "closed"})
    status, body = await control(session, "PATCH", till.printer_url, {"shift_age_hours": 3})
    assert (status, body["error"]) == (409, "the shift is closed: open it to set its opening time")


# --- printers that cannot print now ----------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("offline", "Принтер не в сети. Документ будет напечатан после подключения."),
        ("paper_out", "В принтере закончилась бумага. Документ будет напечатан после замены."),
    ],
)
async def test_every_type_waits_for_the_printer_and_prints_in_order(
    till: Till, lifepay_mock: MockHandle, state: str, message: str
) -> None:
    number = (await till.shift())["number"]
    await till.patch({"state": state})
    uuids = [await till.send(endpoint) for endpoint in (X, Z, OPEN, X)]
    for uuid in uuids:
        view = await till.document(uuid)
        assert (view["status"], view["message"]) == ("awaiting_retry", message)

    await till.patch({"state": "online"})
    await lifepay_mock.mock.wait_until_idle()
    views = [await till.document(uuid) for uuid in uuids]
    assert [view["status"] for view in views] == ["processed"] * 4
    assert [view["report"]["shift_number"] for view in views] == [
        number,
        number,
        number + 1,
        number + 1,
    ]
    assert [(d["type"], d["status"]) for d in till.receiver.documents()[4:]] == [
        ("x_report", "processed"),
        ("z_report", "processed"),
        ("open_shift", "processed"),
        ("x_report", "processed"),
    ]


@pytest.mark.parametrize("endpoint", list(TYPES))
async def test_a_printer_error_fails_every_type(till: Till, endpoint: str) -> None:
    await till.patch({"error_message": "Ошибка ФН."})
    uuid = await till.send(endpoint)
    view = await till.document(uuid)
    assert (view["status"], view["message"], view["report"]) == ("error", "Ошибка ФН.", None)
    assert (till.last_callback()["type"], till.last_callback()["message"]) == (
        TYPES[endpoint],
        "Ошибка ФН.",
    )


# --- where the documents show -------------------------------------------------------------


async def test_every_type_in_the_control_api_the_journal_and_the_tape(
    till: Till, session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    z_uuid = await till.send(Z, **CASHIER)
    open_uuid = await till.send(OPEN)
    x_uuid = await till.send(X)
    base = lifepay_mock.url
    for kind, uuid in (("z_report", z_uuid), ("open_shift", open_uuid), ("x_report", x_uuid)):
        status, listed = await control(session, "GET", f"{base}/_mock/documents?type={kind}")
        assert status == 200
        assert [d["uuid"] for d in listed] == [uuid]
    # A type that does not exist is a mistake, not an empty list (the document has an enum).
    status, refused = await control(session, "GET", f"{base}/_mock/documents?type=invoice")
    assert (status, refused) == (400, {"error": refused["error"]})
    assert (
        "type must be one of ['x_report', 'open_shift', 'z_report', 'receipt'" in (refused["error"])
    )
    _, journal = await control(session, "GET", f"{base}/_mock/journal")
    assert [entry["path"] for entry in journal] == [Z, OPEN, X]

    async with session.get(f"{base}/reports/{z_uuid}") as response:
        z_tape = await response.text()
    assert "ОТЧЁТ О ЗАКРЫТИИ СМЕНЫ (Z-ОТЧЁТ)" in z_tape
    assert "Смена закрыта" in z_tape
    assert "Кассир: Иванова Мария, ИНН 500100732259" in z_tape
    async with session.get(f"{base}/reports/{open_uuid}") as response:
        open_tape = await response.text()
    assert "ОТЧЁТ ОБ ОТКРЫТИИ СМЕНЫ" in open_tape
    assert "ПРИХОД" not in open_tape
