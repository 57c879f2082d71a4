"""The sale itself: create-receipt, cash-in and cash-out, and the shift totals they make.

Everything goes over loopback HTTP (the three endpoints, the control API, the report pages, the
callbacks), but the property at the end, which drives the backend directly to try thousands of
sequences.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_lifepay import DEMO
from mock_lifepay.backend import Backend
from mock_lifepay.faults import Fault, FaultKind
from mock_lifepay.models import REPORT_TOTALS, DocumentStatus, DocumentType
from mock_lifepay.server import LIFEPAY_CONTENT_TYPE

from .helpers import control, post_json, post_raw

if TYPE_CHECKING:
    from mock_lifepay.pytest_plugin import MockHandle
    from tests.conftest import CallbackReceiver

RECEIPT: Final = "/cloud-print/create-receipt"
CASH_IN: Final = "/cloud-print/cash-in"
CASH_OUT: Final = "/cloud-print/cash-out"
X: Final = "/cloud-print/create-x-report"
Z: Final = "/cloud-print/create-z-report"
OPEN: Final = "/cloud-print/create-session"
PRINTER: Final = DEMO.printers[0]
FORM: Final = "application/x-www-form-urlencoded"
BREAD: Final = {"name": "Хлеб", "price": 45.5, "quantity": 2, "tax": "vat10"}
ZERO: Final = dict.fromkeys(REPORT_TOTALS, 0)


def credentials() -> dict[str, Any]:
    return {"apikey": DEMO.apikey, "login": DEMO.admin_login, "target_serial": PRINTER}


def receipt(*products: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return credentials() | {"purchase": {"products": list(products) or [BREAD]}} | fields


class Till:
    """The demo shop's printer, driven over HTTP, with callbacks to a receiver."""

    def __init__(
        self, session: aiohttp.ClientSession, mock: MockHandle, receiver: CallbackReceiver
    ) -> None:
        self.session = session
        self.mock = mock
        self.receiver = receiver

    async def post(self, endpoint: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send ``payload`` (with the callback URL); wait until the printer is done; the view."""
        body = payload | {"callback_url": self.receiver.url}
        status, answer = await post_json(self.session, self.mock.url, body, endpoint)
        assert (status, answer["code"]) == (200, 0), answer
        await self.mock.mock.wait_until_idle()
        return await self.document(answer["data"]["uuid"])

    async def sell(self, *products: dict[str, Any], **fields: Any) -> dict[str, Any]:
        return await self.post(RECEIPT, receipt(*products, **fields))

    async def cash(self, endpoint: str, amount: Any) -> dict[str, Any]:
        return await self.post(endpoint, credentials() | {"amount": amount})

    async def document(self, uuid: str) -> dict[str, Any]:
        status, view = await control(self.session, "GET", f"{self.mock.url}/_mock/documents/{uuid}")
        assert status == 200
        return view  # type: ignore[no-any-return]

    async def shift(self) -> dict[str, Any]:
        url = f"{self.mock.url}/_mock/printers/{PRINTER}"
        status, printer = await control(self.session, "GET", url)
        assert status == 200
        return printer["shift"]  # type: ignore[no-any-return]

    async def tape(self, uuid: str) -> str:
        async with self.session.get(f"{self.mock.url}/reports/{uuid}") as response:
            assert response.status == 200
            return await response.text()


@pytest.fixture
def till(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, receiver: CallbackReceiver
) -> Till:
    return Till(session, lifepay_mock, receiver)


# --- every shape public clients send ----------------------------------------------------------


def _php(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).replace("/", "\\/").encode()


SHAPES: Final = [
    # (id, Content-Type or None, body, the receipt's total, card and cash in kopecks)
    ("prices-as-numbers", "application/json", receipt(BREAD), 9100, 0, 9100),
    (
        "prices-as-numeric-strings",
        FORM,
        receipt(BREAD | {"price": "45.50", "quantity": "2"}),
        9100,
        0,
        9100,
    ),
    ("quantity-1.0", None, receipt(BREAD | {"quantity": 1.0}), 4550, 0, 4550),
    ("card-amount-whole-sum", FORM, receipt(BREAD, card_amount="#"), 9100, 9100, 0),
    ("card-amount-part", FORM, receipt(BREAD, card_amount="50.00"), 9100, 5000, 4100),
    (
        "product-without-tax",
        "application/json; charset=utf-8",
        receipt({"name": "Пакет", "price": 5, "quantity": 1}),
        500,
        0,
        500,
    ),
    (
        "unknown-keys",
        FORM,
        receipt(
            BREAD | {"unit": "piece"},
            pos={"perform": 0, "slip_count": 0},
            order_number="A-17",
            client_email="a@example.org",
            enable=1,
        ),
        9100,
        0,
        9100,
    ),
    (
        "empty-strings-for-absent-options",
        FORM,
        receipt(
            BREAD | {"tax": "", "item_type": "", "type": ""},
            mode="",
            type="",
            tax_system="",
            card_amount="",
            prepayment_amount="",
            customer_email="",
            customer_phone="",
            cashier_name="",
            ext_id="",
            callback_data="",
        ),
        9100,
        0,
        9100,
    ),
    (
        "bitrix-full",
        FORM,
        receipt(
            {
                "name": "Торт",
                "price": 1000,
                "quantity": 1,
                "tax": "vat20",
                "item_type": 1,
                "type": 4,
            },
            {"name": "Доставка", "price": "300.00", "quantity": 1, "tax": "vat20", "item_type": 4},
            card_amount=800,
            prepayment_amount=100,
            tax_system="usn6",
            mode="print_email",
            customer_email="buyer@example.org",
            cashier_name="Иванова М.",
        ),
        130000,
        80000,
        40000,
    ),
]


@pytest.mark.parametrize(
    ("content_type", "payload", "total", "card", "cash"),
    [shape[1:] for shape in SHAPES],
    ids=[shape[0] for shape in SHAPES],
)
async def test_every_client_shape_makes_its_receipt(
    session: aiohttp.ClientSession,
    lifepay_mock: MockHandle,
    content_type: str | None,
    payload: dict[str, Any],
    total: int,
    card: int,
    cash: int,
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    async with session.post(
        lifepay_mock.url + RECEIPT, data=_php(payload), headers=headers
    ) as response:
        assert response.headers["Content-Type"] == LIFEPAY_CONTENT_TYPE
        answer = await response.json(content_type=None)
    assert (answer["code"], answer["message"], list(answer["data"])) == (0, "", ["uuid"])
    await lifepay_mock.mock.wait_until_idle()
    _, view = await control(
        session, "GET", f"{lifepay_mock.url}/_mock/documents/{answer['data']['uuid']}"
    )
    assert (view["type"], view["status"]) == ("receipt", "processed")
    sold = view["report"]["receipt"]
    assert (sold["total"], sold["card"], sold["cash"]) == (total, card, cash)


@pytest.mark.parametrize("test", [1, "1", True])
@pytest.mark.parametrize("endpoint", [RECEIPT, CASH_IN, CASH_OUT])
async def test_test_mode_prints_nothing_and_counts_nothing(
    till: Till, endpoint: str, test: Any
) -> None:
    payload = receipt() if endpoint == RECEIPT else credentials() | {"amount": 10}
    status, answer = await post_json(
        till.session, till.mock.url, payload | {"test": test, "ext_id": "t"}, endpoint
    )
    assert (status, answer) == (200, {"code": 0, "message": "", "data": []})
    await till.mock.mock.wait_until_idle()
    assert till.mock.mock.backend.documents == {}
    assert (await till.shift())["totals"] == ZERO


# --- validation: 400 "Ошибка данных." with per-field Russian messages --------------------------

ERRORS: Final = [
    ("no-purchase", RECEIPT, credentials(), {"purchase": ["Необходимо заполнить «Purchase»."]}),
    (
        "no-products",
        RECEIPT,
        credentials() | {"purchase": {"products": []}},
        {"purchase.products": ["Необходимо заполнить «Products»."]},
    ),
    (
        "three-decimals",
        RECEIPT,
        receipt(BREAD | {"price": 10.005}),
        {
            "purchase.products.0.price": [
                "Значение «Price» должно содержать не более 2 знаков после запятой."
            ]
        },
    ),
    (
        "price-not-a-number",
        RECEIPT,
        receipt(BREAD | {"price": "12,50"}),
        {"purchase.products.0.price": ["Значение «Price» должно быть числом."]},
    ),
    (
        "unknown-tax",
        RECEIPT,
        receipt(BREAD | {"tax": "vat7"}),
        {"purchase.products.0.tax": ["Значение «Tax» неверно."]},
    ),
    (
        "card-above-the-total",
        RECEIPT,
        receipt(BREAD, card_amount=91.01),
        {"card_amount": ["Значение «Card Amount» не должно превышать сумму чека (91.00)."]},
    ),
    (
        "email-without-a-contact",
        RECEIPT,
        receipt(BREAD, mode="email"),
        {
            "customer_email": [
                "Необходимо заполнить «Customer Email» или «Customer Phone» для электронного чека."
            ]
        },
    ),
    (
        "bad-phone",
        RECEIPT,
        receipt(BREAD, mode="email", customer_phone="+7 999 000-00-00"),
        {"customer_phone": ["Значение «Customer Phone» должно иметь вид 7XXXXXXXXXX."]},
    ),
    ("cash-without-amount", CASH_IN, credentials(), {"amount": ["Необходимо заполнить «Amount»."]}),
    (
        "cash-without-printer",
        CASH_OUT,
        {"apikey": DEMO.apikey, "login": DEMO.admin_login, "amount": "100"},
        {"target_serial": ["Необходимо заполнить «Target Serial»."]},
    ),
    (
        "cash-zero",
        CASH_IN,
        credentials() | {"amount": 0},
        {"amount": ["Значение «Amount» должно быть больше 0."]},
    ),
]


@pytest.mark.parametrize(
    ("endpoint", "payload", "data"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
async def test_bad_sales_are_data_errors(
    session: aiohttp.ClientSession,
    lifepay_mock: MockHandle,
    endpoint: str,
    payload: dict[str, Any],
    data: dict[str, list[str]],
) -> None:
    status, answer = await post_json(session, lifepay_mock.url, payload, endpoint)
    assert (status, answer) == (200, {"code": 400, "message": "Ошибка данных.", "data": data})
    assert lifepay_mock.mock.backend.documents == {}


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"login": "70000000000"}, 6009),
        ({"apikey": "someone-else"}, 6010),
        ({"login": DEMO.blocked_login}, 6095),
        ({"apikey": DEMO.no_cloud_apikey, "login": DEMO.no_cloud_login, "target_serial": ""}, 6080),
    ],
)
@pytest.mark.parametrize("endpoint", [RECEIPT, CASH_IN])
async def test_sales_are_refused_as_reports_are(
    session: aiohttp.ClientSession,
    lifepay_mock: MockHandle,
    endpoint: str,
    payload: dict[str, Any],
    code: int,
) -> None:
    body = (receipt() if endpoint == RECEIPT else credentials() | {"amount": 1}) | payload
    if code == 6080:
        body["target_serial"] = DEMO.no_cloud_printer
    _, answer = await post_json(session, lifepay_mock.url, body, endpoint)
    assert (answer["code"], answer["data"]) == (code, [])


# --- the shift's totals are its own documents ------------------------------------------------


async def test_the_shift_totals_to_the_kopeck(till: Till) -> None:
    x_before = (await till.post(X, credentials()))["report"]
    assert {name: x_before[name] for name in REPORT_TOTALS} == ZERO  # no background sales

    await till.cash(CASH_IN, "1000.00")
    await till.sell(BREAD, {"name": "Кофе", "price": "199.99", "quantity": 1}, card_amount=100)
    await till.sell({"name": "Торт", "price": 1234.56, "quantity": 1.5}, card_amount="#")
    await till.sell(BREAD, type="refund")  # cash
    await till.cash(CASH_OUT, 300)

    expected = ZERO | {
        "sales_count": 2,
        "sales_total": 29099 + 185184,  # 91.00 + 199.99; 1234.56 × 1.5 = 1851.84
        "sales_cash": 19099,
        "sales_card": 10000 + 185184,
        "returns_count": 1,
        "returns_total": 9100,
        "returns_cash": 9100,
        "cash_in": 100000,
        "cash_out": 30000,
        "cash_in_drawer": 100000 + 19099 - 9100 - 30000,
        "non_cash_total": 195184,
    }
    shift = await till.shift()
    assert (shift["totals"], shift["receipts"]) == (expected, 3)
    x_report = (await till.post(X, credentials()))["report"]
    assert {name: x_report[name] for name in REPORT_TOTALS} == expected
    x_tape = await till.tape(till.receiver.documents()[-1]["uuid"])
    assert "НАЛИЧНЫХ В КАССЕ                  799.99" in x_tape

    z_report = (await till.post(Z, credentials()))["report"]
    assert {name: z_report[name] for name in REPORT_TOTALS} == expected
    await till.post(OPEN, credentials())
    assert (await till.shift())["totals"] == ZERO
    x_next = (await till.post(X, credentials()))["report"]
    assert {name: x_next[name] for name in REPORT_TOTALS} == ZERO


async def test_purchases_take_from_the_drawer_and_their_refunds_give_back(till: Till) -> None:
    await till.cash(CASH_IN, 500)
    await till.sell({"name": "Металлолом", "price": 120, "quantity": 2.5}, type="buy")
    await till.sell({"name": "Металлолом", "price": 120, "quantity": 1}, type="buy_refund")
    totals = (await till.shift())["totals"]
    assert (totals["purchases_count"], totals["purchases_total"]) == (1, 30000)
    assert (totals["purchase_returns_count"], totals["purchase_returns_total"]) == (1, 12000)
    assert totals["cash_in_drawer"] == 50000 - 30000 + 12000


async def test_background_sales_only_when_asked(till: Till, session: aiohttp.ClientSession) -> None:
    status, changed = await control(
        session, "PATCH", f"{till.mock.url}/_mock/settings", {"background_sales": True}
    )
    assert (status, changed["background_sales"]) == (200, True)
    totals: list[int] = []
    for _ in range(6):
        totals.append((await till.post(X, credentials()))["report"]["sales_total"])
    assert totals == sorted(totals)
    assert totals[-1] > 0


# --- the choices where LifePay says nothing -------------------------------------------------


async def test_a_receipt_on_a_closed_shift_is_refused(till: Till) -> None:
    await till.post(Z, credentials())
    view = await till.sell()
    assert (view["status"], view["message"], view["report"]) == (
        "error",
        "Смена не открыта.",
        None,
    )
    callback = till.receiver.documents()[-1]
    assert (callback["status"], callback["error_code"]) == ("error", 2)
    assert "ofd_url" not in callback
    assert (await till.shift())["receipts"] == 0


async def test_a_cash_out_beyond_the_drawer_is_refused(till: Till) -> None:
    await till.cash(CASH_IN, "100.00")
    refused = await till.cash(CASH_OUT, "100.01")
    assert (refused["status"], refused["message"]) == (
        "error",
        "Недостаточно наличных в денежном ящике.",
    )
    assert till.receiver.documents()[-1]["error_code"] == 4
    # A cash refund the drawer cannot pay is refused the same way; by card it prints.
    assert (await till.sell(BREAD | {"price": 60}, type="refund"))["status"] == "error"
    assert (await till.sell(BREAD | {"price": 60}, type="refund", card_amount="#"))[
        "status"
    ] == "processed"
    assert (await till.shift())["totals"]["cash_in_drawer"] == 10000


async def test_a_printer_error_carries_error_code_1(till: Till) -> None:
    url = f"{till.mock.url}/_mock/printers/{PRINTER}"
    await control(till.session, "PATCH", url, {"error_message": "Ошибка ФН."})
    assert (await till.sell())["status"] == "error"
    assert till.receiver.documents()[-1]["error_code"] == 1


async def test_vat18_is_twenty_percent_since_2019(till: Till) -> None:
    view = await till.sell(
        {"name": "A", "price": 118, "quantity": 1, "tax": "vat18"},
        {"name": "B", "price": 110, "quantity": 1, "tax": "vat10"},
        {"name": "C", "price": "0.05", "quantity": 1, "tax": "vat20"},
    )
    sold = view["report"]["receipt"]
    # 118 × 20/120 = 19.67; 110 × 10/110 = 10.00; 0.05 × 20/120 = 0.0083 → 0.01 (half up)
    assert [p["vat"] for p in sold["positions"]] == [1967, 1000, 1]
    assert sold["vat"] == {"НДС 20%": 1968, "НДС 10%": 1000}  # from each rate's total


async def test_discounts(till: Till) -> None:
    view = await till.sell(
        {"name": "A", "price": 99.99, "quantity": 3, "discount": {"type": "percent", "value": 15}},
        {"name": "B", "price": 50, "quantity": 1, "discount": {"type": "amount", "value": "7.50"}},
    )
    positions = view["report"]["receipt"]["positions"]
    # 299.97 × 15% = 44.9955 → 45.00
    assert [(p["discount"], p["total"]) for p in positions] == [(4500, 25497), (750, 4250)]


# --- idempotency, callbacks, the tape --------------------------------------------------------


async def test_a_repeated_ext_id_prints_one_receipt(till: Till) -> None:
    first = await till.sell(ext_id="order-1")
    second = await till.sell(ext_id="order-1", card_amount="#")
    assert second["uuid"] == first["uuid"]
    assert (await till.shift())["totals"]["sales_count"] == 1


async def test_the_receipt_callback_carries_ofd_url_and_fiscal_data(till: Till) -> None:
    view = await till.sell(callback_data={"order": 42})
    (callback,) = till.receiver.documents()
    printed = view["report"]
    assert (callback["uuid"], callback["type"], callback["status"]) == (
        view["uuid"],
        "receipt",
        "processed",
    )
    assert callback["callback_data"] == {"order": 42}
    assert "error_code" not in callback
    url = urlsplit(callback["ofd_url"])
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    assert url.scheme == "https"
    assert (query["fn"], query["fd"], query["fp"], query["s"]) == (
        printed["fn_number"],
        str(printed["fiscal_document_number"]),
        printed["fiscal_sign"],
        "91.00",
    )
    assert (callback["fiscal_document_number"], callback["receipt_number"]) == (
        printed["fiscal_document_number"],
        1,
    )


async def test_the_receipt_on_the_tape(till: Till) -> None:
    view = await till.sell(
        BREAD, {"name": "Кофе", "price": 200, "quantity": 1, "tax": "vat20"}, card_amount=150
    )
    printed = view["report"]
    tape = await till.tape(view["uuid"])
    for line in (
        "КАССОВЫЙ ЧЕК",
        "ПРИХОД",
        "1. Хлеб",
        "2 x 45.50",
        "=91.00",
        "НДС 10%",
        "=8.27",
        "СУММА НДС 20%",
        "=33.33",
        "ИТОГ",
        "=291.00",
        "НАЛИЧНЫМИ",
        "=141.00",
        "БЕЗНАЛИЧНЫМИ",
        "=150.00",
        f"Смена № {printed['shift_number']}",
        "Чек № 1",
        printed["fn_number"],
        printed["fiscal_sign"],
        str(printed["fiscal_document_number"]),
        "check.ofd.example",
    ):
        assert line in tape, line


async def test_cash_slips_on_the_tape(till: Till) -> None:
    cash_in = await till.cash(CASH_IN, "1500.5")
    assert cash_in["report"]["cash_in_drawer"] == 150050
    assert "ВНЕСЕНИЕ" in await till.tape(cash_in["uuid"])


@pytest.mark.parametrize("kind", list(FaultKind))
async def test_every_fault_kind_applies_to_the_sale_endpoints(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle, kind: FaultKind
) -> None:
    lifepay_mock.mock.faults.add(Fault(kind, times=3, seconds=0.01, status=502))
    for endpoint, payload in (
        (RECEIPT, receipt()),
        (CASH_IN, credentials() | {"amount": 1}),
        (CASH_OUT, credentials() | {"amount": 1}),
    ):
        try:
            async with session.post(lifepay_mock.url + endpoint, json=payload) as response:
                status = response.status
                await response.read()
        except aiohttp.ClientError:
            status = None
        assert (kind, status) == (
            kind,
            {FaultKind.DROP: None, FaultKind.HTTP_STATUS: 502}.get(kind, 200),
        )
    entries = lifepay_mock.mock.journal.entries()
    assert [(entry.path, entry.fault) for entry in entries] == [
        (RECEIPT, kind.value),
        (CASH_IN, kind.value),
        (CASH_OUT, kind.value),
    ]


async def test_a_raw_body_with_exact_numbers(
    session: aiohttp.ClientSession, lifepay_mock: MockHandle
) -> None:
    # 0.1 + 0.2 in floats is 0.30000000000000004: read as decimals it is 0.30 exactly.
    body = json.dumps(receipt(BREAD | {"price": 0.1}, card_amount=0.2)).encode()
    _, answer = await post_raw(session, lifepay_mock.url, body, FORM, RECEIPT)
    await lifepay_mock.mock.wait_until_idle()
    document = lifepay_mock.mock.backend.documents[answer["data"]["uuid"]]
    assert document.sale is not None
    assert not isinstance(document.sale, int)
    assert (document.sale.total, document.sale.card, document.sale.cash) == (20, 20, 0)


# --- the drawer and the totals always add up ------------------------------------------------

MONEY: Final = st.decimals(min_value=0, max_value=Decimal("5000"), places=2)
STEP: Final = st.one_of(
    st.tuples(
        st.sampled_from(["payment", "refund", "buy", "buy_refund"]), MONEY, MONEY, st.integers(1, 3)
    ),
    st.tuples(st.sampled_from(["cash_in", "cash_out"]), MONEY.filter(bool)),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(STEP, max_size=25))
def test_the_drawer_and_the_totals_always_add_up(steps: list[tuple[Any, ...]]) -> None:
    backend = Backend()
    base = credentials()
    printer = backend.world.printers[PRINTER]
    sums = {
        operation: [0, 0, 0, 0]
        for operation in ("sales", "returns", "purchases", "purchase_returns")
    }
    operation_of = {
        "payment": "sales",
        "refund": "returns",
        "buy": "purchases",
        "buy_refund": "purchase_returns",
    }
    moved = {"cash_in": 0, "cash_out": 0}
    for step in steps:
        if len(step) == 2:
            kind, amount = step
            body = base | {"amount": str(amount)}
            answer = backend.create(json.dumps(body).encode(), DocumentType(kind))
        else:
            kind, price, card, quantity = step
            payload = receipt({"name": "x", "price": str(price), "quantity": quantity}, type=kind)
            payload["card_amount"] = str(min(card, price * quantity))
            answer = backend.create(json.dumps(payload).encode(), DocumentType.RECEIPT)
        assert answer.code == 0, answer.envelope()
        document = answer.document
        assert document is not None
        drawer = printer.shift.cash_in_drawer
        backend.process(document)
        if document.status is DocumentStatus.PROCESSED:
            if len(step) == 2:
                moved[kind] += int(step[1] * 100)
            else:
                sale = document.sale
                assert sale is not None
                assert not isinstance(sale, int)
                figures = sums[operation_of[kind]]
                for index, value in enumerate((1, sale.total, sale.cash, sale.card)):
                    figures[index] += value
        else:
            # Refused only for want of cash: never leaves the drawer below zero.
            assert document.message == "Недостаточно наличных в денежном ящике."
            assert drawer < (int(step[1] * 100) if len(step) == 2 else document.sale.cash)  # type: ignore[union-attr]
        assert printer.shift.cash_in_drawer >= 0
    totals = printer.shift.totals()
    for operation, (count, total, cash, card) in sums.items():
        assert [totals[f"{operation}_{f}"] for f in ("count", "total", "cash", "card")] == [
            count,
            total,
            cash,
            card,
        ]
    assert totals["cash_in_drawer"] == (
        moved["cash_in"]
        - moved["cash_out"]
        + sums["sales"][2]
        - sums["returns"][2]
        - sums["purchases"][2]
        + sums["purchase_returns"][2]
    )
