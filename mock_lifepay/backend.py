"""The mock's business logic: what LifePay answers and how documents are processed.

No HTTP and no asyncio here: the HTTP layer turns requests into calls on :class:`Backend`, and
the runtime decides *when* documents are processed and notifications sent.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import time
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Final
from urllib.parse import urlsplit

from . import messages as msg
from . import sales
from .models import (
    REPORT_FIGURES,
    REPORT_TOTALS,
    CashSlip,
    Company,
    Document,
    DocumentStatus,
    DocumentType,
    PrintedReceipt,
    Printer,
    PrinterState,
    Report,
    ReportHeader,
    Shift,
    User,
)
from .seed import World, build_world

EXT_ID_MAX_LENGTH = 50
CALLBACK_URL_MAX_LENGTH = 255
CASHIER_NAME_MAX_LENGTH = 64
MAX_SHARED_URLS = 1024
CASHIER_INN_LENGTH = 12
_PERSON_INN: Final = re.compile(f"[0-9]{{{CASHIER_INN_LENGTH}}}")
# A register's fiscal drive refuses most documents once a shift is older than this; the
# Z-report that closes the shift still prints.
SHIFT_MAX_AGE: Final = timedelta(hours=24)
_MAX_SHIFT_SECONDS: Final = SHIFT_MAX_AGE.total_seconds()
# The sales rung up between two reports are drawn from this many bundles made at start: one
# random number per report instead of dozens.
SALES_BUNDLES: Final = 256
# The documents that name a cashier (the sibling pages of create-x-report, and receipts).
WITH_CASHIER: Final = frozenset(
    {DocumentType.OPEN_SHIFT, DocumentType.Z_REPORT, DocumentType.RECEIPT}
)
# The documents of a sale: their bodies carry money, read as exact decimals.
SALES: Final = frozenset({DocumentType.RECEIPT, DocumentType.CASH_IN, DocumentType.CASH_OUT})
# The message of a processed document, by type.
PROCESSED_MESSAGES: Final = {
    DocumentType.X_REPORT: msg.PROCESSED,
    DocumentType.OPEN_SHIFT: msg.SHIFT_OPENED,
    DocumentType.Z_REPORT: msg.SHIFT_CLOSED_BY_Z_REPORT,
    DocumentType.RECEIPT: msg.PROCESSED,
    DocumentType.CASH_IN: msg.PROCESSED,
    DocumentType.CASH_OUT: msg.PROCESSED,
}
# The shift's counters each receipt operation adds to.
OPERATION_OF: Final = {
    sales.ReceiptKind.PAYMENT: "sales",
    sales.ReceiptKind.REFUND: "returns",
    sales.ReceiptKind.BUY: "purchases",
    sales.ReceiptKind.BUY_REFUND: "purchase_returns",
}
# The operations whose cash part leaves the drawer.
PAYS_OUT: Final = frozenset({sales.ReceiptKind.REFUND, sales.ReceiptKind.BUY})

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def _moment(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


@dataclass(slots=True)
class Answer:
    """The envelope the endpoint returns, and the document it created or found."""

    code: int
    message: str
    data: Any
    document: Document | None = None
    created: bool = False

    @classmethod
    def error(cls, code: int, data: Any = None) -> Answer:
        return cls(code=code, message=msg.CODE_MESSAGES[code], data=[] if data is None else data)

    def envelope(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "data": self.data}

    def text(self) -> str:
        """The envelope as JSON text, as json.dumps writes it (UTF-8, not \\u escapes)."""
        if self.document is not None and self.code == 0:
            # The answer to nearly every request: written directly, it costs nothing.
            return f'{{"code": 0, "message": "", "data": {{"uuid": "{self.document.uuid}"}}}}'
        return json.dumps(self.envelope(), ensure_ascii=False)


@dataclass(slots=True)
class _Request:
    apikey: str
    login: str
    test: bool
    target_serial: str | None
    ext_id: str | None
    callback_url: str | None
    callback_data: Any
    cashier_name: str | None = None
    cashier_inn: str | None = None


class _InvalidRequestError(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("invalid request")
        self.errors = errors


@dataclass(slots=True)
class Backend:
    """All accounts and documents of one mock instance."""

    seed: int = 0
    companies_count: int = 3
    clock: Clock = utc_now
    world: World = field(init=False)
    documents: dict[str, Document] = field(init=False)
    _ext_ids: dict[int, dict[str, str]] = field(init=False)
    """Per company: every ext_id seen, to the first document's uuid."""
    _headers: dict[tuple[str, int], ReportHeader] = field(init=False)
    _callback_urls: dict[str, str] = field(init=False)
    """One copy of each callback URL (clients send the same one again and again)."""
    _rng: random.Random = field(init=False)
    _uuid_rng: random.Random = field(init=False)
    """Seeded from the system, never from ``seed``: uuids never repeat across starts and resets,
    as LifePay's do not (a client keeping uuids across restarts must meet no collision)."""
    _uuids: list[str] = field(init=False)
    """Made ahead, in batches (see _uuid4_batch)."""
    _opened: tuple[datetime, float] | None = field(init=False)
    """The last shift opening looked at and its timestamp (datetime.timestamp() is not free)."""
    _sales: list[tuple[int, int, int, int, int, int]] = field(init=False)
    _next_trim_walk: int = field(init=False)
    """After a trim that found too few finished documents: the count to wait for (see trim)."""
    timestamp: Callable[[], float] = field(init=False)
    """The clock as a POSIX timestamp (without making a datetime when it is the system's)."""

    def __post_init__(self) -> None:
        clock = self.clock
        self.timestamp = time.time if clock is utc_now else lambda: clock().timestamp()
        self._uuid_rng = random.Random(os.urandom(32))
        self.reset()

    def reset(self) -> None:
        """Back to the state the mock started with."""
        self.world = build_world(self.seed, self.companies_count, self.clock())
        self.documents = {}
        self._ext_ids = {}
        self._headers = {}
        self._callback_urls = {}
        self._rng = random.Random(self.seed)
        self._uuids = []  # the generator goes on: a reset hands out no uuid twice
        self._opened = None
        self._next_trim_walk = 0
        self._sales = [self._sales_bundle() for _ in range(SALES_BUNDLES)]

    # --- the endpoint -------------------------------------------------------------------

    def create_x_report(self, body: bytes) -> Answer:
        """Handle a ``create-x-report`` request body as LifePay would."""
        return self.create(body, DocumentType.X_REPORT)

    def create(self, body: bytes, kind: DocumentType) -> Answer:
        """Handle a request body to the endpoint that makes documents of ``kind``.

        The three endpoints share everything but the cashier fields, which only
        ``create-session`` and ``create-z-report`` take.
        """
        payload = _decode(body) if kind not in SALES else _decode_exact(body)
        if payload is None:
            return Answer.error(msg.INVALID_FORMAT)
        errors: dict[str, list[str]] = {}
        try:
            request = _validate(
                payload, with_cashier=kind in WITH_CASHIER, valid_urls=self._callback_urls
            )
        except _InvalidRequestError as invalid:
            errors = invalid.errors
        sale: sales.Receipt | int | None = None
        if kind in SALES:
            sale = _sale(payload, kind, errors)
        if errors:
            return Answer.error(msg.DATA_ERROR, errors)

        user = self.world.users.get(request.login)
        if user is None:
            return Answer.error(msg.LOGIN_NOT_FOUND)
        company = self.world.companies[user.company_id]
        if company.apikey != request.apikey:
            return Answer.error(msg.LOGIN_APIKEY_MISMATCH)
        if user.blocked:
            return Answer.error(msg.ACCESS_DENIED)
        if not company.cloud_print_enabled:
            return Answer.error(msg.CLOUD_PRINT_FORBIDDEN)

        if request.ext_id is not None and not request.test:
            first = self._ext_ids.get(company.id, {}).get(request.ext_id)
            if first is not None:
                # Documented: a repeated ext_id creates nothing and returns the first uuid.
                return Answer(0, "", {"uuid": first}, document=self.documents.get(first))

        printer = self._pick_printer(company, user, request.target_serial)
        if isinstance(printer, Answer):
            return printer
        if request.test:
            return Answer(0, "", [])

        document = self._new_document(company, user, printer, request, kind, sale=sale)
        return Answer(0, "", {"uuid": document.uuid}, document=document, created=True)

    def _uuid4(self) -> str:
        if not self._uuids:
            self._uuids = _uuid4_batch(self._uuid_rng)
        return self._uuids.pop()

    def _pick_printer(self, company: Company, user: User, serial: str | None) -> Printer | Answer:
        if serial is not None:
            printer = self.world.printers.get(serial)
            if printer is None or printer.company_id != company.id:
                return Answer.error(msg.DATA_ERROR, {"target_serial": [msg.PRINTER_NOT_FOUND]})
            if user.trade_point_id is not None and printer.trade_point_id != user.trade_point_id:
                return Answer.error(msg.ACCESS_DENIED)
            return printer
        candidates = self.printers_of(company.id)
        if user.trade_point_id is not None:
            bound = [p for p in candidates if p.trade_point_id == user.trade_point_id]
            if bound:
                # Documented: a trade point's login prints on the trade point's printer.
                return next((p for p in bound if p.active), bound[0])
        active = [p for p in candidates if p.active]
        if not active:
            return Answer.error(msg.DATA_ERROR, {"target_serial": [msg.NO_ACTIVE_PRINTER]})
        return active[0]

    def _new_document(
        self,
        company: Company,
        user: User,
        printer: Printer,
        request: _Request,
        kind: DocumentType,
        *,
        sale: sales.Receipt | int | None = None,
    ) -> Document:
        uuid = self._uuid4()
        while uuid in self.documents:  # pragma: no cover - 122 random bits
            uuid = self._uuid4()
        callback_url = request.callback_url
        if callback_url is not None and len(self._callback_urls) < MAX_SHARED_URLS:
            callback_url = self._callback_urls.setdefault(callback_url, callback_url)
        document = Document(
            uuid=uuid,
            company_id=company.id,
            login=user.login,
            printer_serial=printer.serial,
            created_at=self.timestamp(),
            ext_id=request.ext_id,
            callback_url=callback_url,
            callback_data=request.callback_data,
            type=kind,
            cashier_name=request.cashier_name,
            cashier_inn=request.cashier_inn,
            message=msg.QUEUED,
            sale=sale,
        )
        self.documents[uuid] = document
        if request.ext_id is not None:
            self._ext_ids.setdefault(company.id, {})[request.ext_id] = uuid
        return document

    # --- processing ---------------------------------------------------------------------

    def process(self, document: Document, *, background_sales: bool = False) -> bool:
        """Let the printer work on ``document``; ``True`` when its status changed.

        ``background_sales``: an X- or Z-report first rings up random sales made at the till
        since the last report (off by default, so a shift's totals are its own documents').
        """
        if document.final:
            return False
        printer = self.world.printers[document.printer_serial]
        if printer.error_message:
            return self._set_status(document, DocumentStatus.ERROR, printer.error_message)
        if printer.state is PrinterState.OFFLINE:
            return self._set_status(document, DocumentStatus.AWAITING_RETRY, msg.PRINTER_OFFLINE)
        if printer.state is PrinterState.PAPER_OUT:
            return self._set_status(document, DocumentStatus.AWAITING_RETRY, msg.PAPER_OUT)
        now = self.timestamp()
        kind = document.type
        refusal = self._refusal(kind, printer.shift, now)
        if refusal is not None:
            return document.set_status(DocumentStatus.ERROR, refusal, now)
        if kind in SALES:
            return self._sell(printer, document, now)
        if kind is DocumentType.OPEN_SHIFT:
            printer.shift = Shift(number=printer.shift.number + 1, opened_at=_moment(now))
        elif background_sales:
            self._ring_up(printer.shift)
        document.report = self._print_report(printer, document, now)
        if kind is DocumentType.Z_REPORT:
            printer.shift.closed_at = _moment(now)
        return document.set_status(DocumentStatus.PROCESSED, PROCESSED_MESSAGES[kind], now)

    def _refusal(self, kind: DocumentType, shift: Shift, now: float) -> str | None:
        """Why the fiscal drive refuses a document of ``kind`` in ``shift``, if it does."""
        if kind is DocumentType.OPEN_SHIFT:
            return msg.SHIFT_ALREADY_OPEN if shift.is_open else None
        if not shift.is_open:
            return msg.SHIFT_CLOSED
        if kind is not DocumentType.Z_REPORT and now - self._opened_at(shift) > _MAX_SHIFT_SECONDS:
            return msg.SHIFT_EXPIRED
        return None

    def _sell(self, printer: Printer, document: Document, now: float) -> bool:
        """Print a receipt or a cash movement in the open shift and count it in the totals."""
        shift = printer.shift
        sale = document.sale
        if isinstance(sale, int):
            if document.type is DocumentType.CASH_OUT:
                if sale > shift.cash_in_drawer:
                    return document.set_status(DocumentStatus.ERROR, msg.NOT_ENOUGH_CASH, now)
                shift.cash_out += sale
            else:
                shift.cash_in += sale
            document.report = CashSlip(
                self._header(printer),
                document.type,
                sale,
                shift.number,
                shift.cash_in_drawer,
                now,
                document.cashier_name,
            )
            return document.set_status(DocumentStatus.PROCESSED, msg.PROCESSED, now)
        assert sale is not None  # noqa: S101 - a receipt document always has its receipt
        if sale.kind in PAYS_OUT and sale.cash > shift.cash_in_drawer:
            return document.set_status(DocumentStatus.ERROR, msg.NOT_ENOUGH_CASH, now)
        shift.add(OPERATION_OF[sale.kind], sale.total, sale.cash, sale.card)
        shift.receipts += 1
        printer.fiscal_document_number += 1
        number = printer.fiscal_document_number
        fn = sales.fn_number(printer.serial)
        sign = sales.fiscal_sign(fn, number, now, sale.total)
        moment = _moment(now)
        document.report = PrintedReceipt(
            header=self._header(printer),
            receipt=sale,
            shift_number=shift.number,
            number_in_shift=shift.receipts,
            fiscal_document_number=number,
            fn_number=fn,
            registration_number=sales.registration_number(printer.serial),
            fiscal_sign=sign,
            printed_timestamp=now,
            ofd_url=sales.ofd_url(
                fn,
                document_number=number,
                sign=sign,
                printed_at=f"{moment:%Y%m%dT%H%M}",
                total=sale.total,
                kind=list(sales.ReceiptKind).index(sale.kind) + 1,
            ),
            cashier_name=document.cashier_name,
        )
        return document.set_status(DocumentStatus.PROCESSED, msg.PROCESSED, now)

    def _opened_at(self, shift: Shift) -> float:
        """When ``shift`` opened, as a POSIX timestamp."""
        opened = self._opened
        if opened is None or opened[0] is not shift.opened_at:
            opened = self._opened = (shift.opened_at, shift.opened_at.timestamp())
        return opened[1]

    def shift_expired(self, shift: Shift) -> bool:
        """An open shift older than 24 hours: only its Z-report prints."""
        return shift.is_open and self.timestamp() - self._opened_at(shift) > _MAX_SHIFT_SECONDS

    def _set_status(self, document: Document, status: DocumentStatus, message: str) -> bool:
        return document.set_status(status, message, self.timestamp())

    def _sales_bundle(self) -> tuple[int, int, int, int, int, int]:
        """Up to 12 random sales and returns: counts and sums (all, in cash) of each."""
        rand = self._rng.random  # random() is many times cheaper than randint()
        sold = sales_total = cash_sales = returns = returns_total = cash_returns = 0
        for _ in range(int(rand() * 13)):
            amount = (50 + int(rand() * 4_951)) * 100  # 50 to 5,000 roubles
            cash = rand() < 0.4
            if rand() < 0.08:
                returns += 1
                returns_total += amount
                cash_returns += amount if cash else 0
            else:
                sold += 1
                sales_total += amount
                cash_sales += amount if cash else 0
        return sold, sales_total, cash_sales, returns, returns_total, cash_returns

    def _ring_up(self, shift: Shift) -> None:
        """Some random sales and returns since the last report, so totals grow through a shift.

        Made at the till, not through the cloud: no receipt documents, but the register counts
        the receipts (and the cloud's next receipt numbers on from them). A cash refund the drawer
        cannot pay is paid by card, so the drawer never goes below zero.
        """
        sold, sales_total, cash_sales, returns, returns_total, cash_returns = self._sales[
            int(self._rng.random() * SALES_BUNDLES)
        ]
        if cash_returns > shift.cash_in_drawer + cash_sales:
            cash_returns = 0
        shift.receipts += sold + returns  # printed at the till: they count, and number on
        shift.sales_count += sold
        shift.sales_total += sales_total
        shift.sales_cash += cash_sales
        shift.sales_card += sales_total - cash_sales
        shift.returns_count += returns
        shift.returns_total += returns_total
        shift.returns_cash += cash_returns
        shift.returns_card += returns_total - cash_returns

    def _print_report(self, printer: Printer, document: Document, now: float) -> Report:
        """The document as printed at ``now``: the shift's number, opening and totals so far."""
        shift = printer.shift
        printer.fiscal_document_number += 1
        figures = REPORT_FIGURES.pack(
            shift.number,
            printer.fiscal_document_number,
            *(getattr(shift, name) for name in REPORT_TOTALS),
            self._opened_at(shift),
            now,
            now if document.type is DocumentType.Z_REPORT else math.nan,
        )
        return Report(self._header(printer), document.type, figures, document.cashier)

    def _header(self, printer: Printer) -> ReportHeader:
        """The top of the printer's reports, made once per printer and trade point."""
        key = (printer.serial, printer.trade_point_id)
        header = self._headers.get(key)
        if header is None:
            company = self.world.companies[printer.company_id]
            point = self.world.trade_points[printer.trade_point_id]
            header = ReportHeader(
                printer.serial, printer.model, company.name, company.inn, point.address
            )
            self._headers[key] = header
        return header

    # --- control ------------------------------------------------------------------------

    def printers_of(self, company_id: int) -> list[Printer]:
        return [p for p in self.world.printers.values() if p.company_id == company_id]

    def trim(self, keep: int) -> int:
        """Forget the oldest finished documents beyond ``keep``; return how many went.

        Their ext_ids stay known, so a repeat still gets the first uuid and prints nothing.
        Past the cap it forgets a sixteenth of it at once: one walk of the oldest for many
        documents, not one per request. A walk that finds too few finished documents (a printer
        offline for thousands of requests) is not repeated until a sixteenth more arrived.
        """
        count = len(self.documents)
        if count <= keep or count < self._next_trim_walk:
            return 0
        step = keep // 16
        excess = count - keep + step
        if keep <= 0 or excess <= 0:
            return 0
        old: list[str] = []
        # Oldest first, stopping as soon as enough are found: called after every new document.
        for uuid, document in self.documents.items():
            if len(old) == excess:
                break
            if document.final:
                old.append(uuid)
        for uuid in old:
            del self.documents[uuid]
        if len(old) < excess:
            # Mostly unfinished: walking all of them again on the next request would find the same.
            self._next_trim_walk = len(self.documents) + max(step, 1)
        return len(old)

    def set_printer_state(self, printer: Printer, state: PrinterState) -> None:
        if state is PrinterState.SHIFT_CLOSED:
            # The old "shift closed" state: now the shift's own business, the connection stays.
            self.close_shift(printer)
            return
        printer.state = state

    def open_shift(self, printer: Printer, opened_at: datetime | None = None) -> None:
        """Open the next shift, as a cashier at the till would; an open shift stays as it is."""
        if not printer.shift.is_open:
            printer.shift = Shift(number=printer.shift.number + 1, opened_at=self.clock())
        if opened_at is not None:
            printer.shift.opened_at = opened_at

    def close_shift(self, printer: Printer) -> None:
        """Close the shift without a Z-report reaching the cloud (done at the till)."""
        if printer.shift.is_open:
            printer.shift.closed_at = self.clock()

    def waiting_documents(self, serial: str) -> list[Document]:
        """Documents the printer still owes, oldest first."""
        return [
            d
            for d in self.documents.values()
            if d.printer_serial == serial and d.status is DocumentStatus.AWAITING_RETRY
        ]


UUID_BATCH: Final = 64


def _uuid4_batch(rng: random.Random) -> list[str]:
    """Random (version 4) UUIDs from ``rng``, as uuid.UUID writes them.

    Made many at a time from one draw: per request, one UUID costs a list's pop.
    """
    digits = f"{rng.getrandbits(128 * UUID_BATCH):0{32 * UUID_BATCH}x}"
    made = []
    for start in range(0, 32 * UUID_BATCH, 32):
        d = digits[start : start + 32]
        # The version (4) and the variant (10xx) bits, as uuid.UUID(version=4) sets them.
        variant = "89ab"[int(d[16], 16) & 3]
        made.append(f"{d[:8]}-{d[8:12]}-4{d[13:16]}-{variant}{d[17:20]}-{d[20:]}")
    made.reverse()  # popped from the end
    return made


# json.loads's own scanner, called directly for the usual body: one object, no surrounding
# whitespace (json.loads adds two Python calls and two regular expressions around it).
_SCAN_JSON: Final[Callable[[str, int], tuple[Any, int]]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _decode(body: bytes) -> dict[str, Any] | None:
    try:
        text = body.decode("utf-8")
        if text[:1] == "{" and text[-1:] == "}":
            try:
                payload, end = _SCAN_JSON(text, 0)
            except StopIteration:
                return None
            if end == len(text):
                return payload  # type: ignore[no-any-return]
        payload = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return payload if isinstance(payload, dict) else None


_EXACT: Final = json.JSONDecoder(parse_float=Decimal)


def _decode_exact(body: bytes) -> dict[str, Any] | None:
    """:func:`_decode` with JSON numbers that have a fraction read as exact decimals."""
    try:
        payload = _EXACT.decode(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return payload if isinstance(payload, dict) else None


def _sale(
    payload: dict[str, Any], kind: DocumentType, errors: dict[str, list[str]]
) -> sales.Receipt | int | None:
    """The receipt or the cash movement's amount; its messages are added to ``errors``."""
    try:
        if kind is DocumentType.RECEIPT:
            return sales.parse_receipt(payload)
        if _absent(payload.get("target_serial")):
            # Documented: a cash movement names its printer.
            errors["target_serial"] = [msg.TARGET_SERIAL_REQUIRED]
        return sales.parse_amount(payload)
    except sales.SaleError as invalid:
        for name, messages in invalid.errors.items():
            errors.setdefault(name, []).extend(messages)
        return None


def _absent(value: Any) -> bool:
    return value is None or value == ""


# The fields of the usual request, which _usual_request checks in one pass.
_USUAL_FIELDS: Final = frozenset(
    {"apikey", "login", "target_serial", "ext_id", "callback_url", "callback_data"}
)


def _usual_request(payload: dict[str, Any], valid_urls: Container[str]) -> _Request | None:
    """The request nearly every client sends, when it is plainly valid; else ``None``.

    Only texts, a known callback URL and an object of callback data: every check here is one
    the full validation makes too, so the answer is the same, only sooner.
    """
    if not payload.keys() <= _USUAL_FIELDS:
        return None
    get = payload.get
    apikey, login, serial = get("apikey"), get("login"), get("target_serial")
    ext_id, url, data = get("ext_id"), get("callback_url"), get("callback_data")
    if (
        apikey.__class__ is str
        and apikey
        and login.__class__ is str
        and login
        and (serial is None or (serial.__class__ is str and serial))
        and (ext_id is None or (ext_id.__class__ is str and 0 < len(ext_id) <= EXT_ID_MAX_LENGTH))
        and (url is None or (url.__class__ is str and url in valid_urls))
        and (data is None or data.__class__ is dict)
    ):
        return _Request(apikey, login, False, serial, ext_id, url, data)
    return None


def _validate(
    payload: dict[str, Any], *, with_cashier: bool, valid_urls: Container[str] = ()
) -> _Request:
    """The one validation of the three endpoints; ``with_cashier`` adds the cashier fields.

    ``valid_urls`` are callback URLs already found valid (and no longer than the limit).
    """
    if not with_cashier and (usual := _usual_request(payload, valid_urls)) is not None:
        return usual
    errors: dict[str, list[str]] = {}

    def text(field: str, *, required: bool = False, limit: int | None = None) -> str | None:
        value = payload.get(field)
        if value.__class__ is str and value and (limit is None or len(value) <= limit):
            return value  # the usual case, first
        if _absent(value):
            if required:
                errors[field] = [msg.required(field)]
            return None
        if not isinstance(value, str):
            errors[field] = [msg.not_a_string(field)]
            return None
        if limit is not None and len(value) > limit:
            errors[field] = [msg.too_long(field, limit)]
            return None
        return value

    apikey = text("apikey", required=True)
    login = text("login", required=True)

    test_value = payload.get("test")
    test = False
    if not _absent(test_value):
        # PHP clients send booleans, CMS settings send strings; PHP compares both loosely.
        if test_value in (0, 1, "0", "1"):  # True == 1 and False == 0 in Python too
            test = int(test_value) == 1
        else:
            errors["test"] = [msg.invalid("test")]

    target_serial = text("target_serial")
    ext_id = text("ext_id", limit=EXT_ID_MAX_LENGTH)
    callback_url = text("callback_url", limit=CALLBACK_URL_MAX_LENGTH)
    if callback_url is not None:
        parts = urlsplit(callback_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            errors["callback_url"] = [msg.not_a_url("callback_url")]
            callback_url = None

    callback_data = payload.get("callback_data")
    if _absent(callback_data):
        callback_data = None  # PHP frameworks treat an empty value as a missing one
    elif not isinstance(callback_data, str | dict | list):
        errors["callback_data"] = [msg.invalid("callback_data")]

    cashier_name = cashier_inn = None
    if with_cashier:
        cashier_name = text("cashier_name", limit=CASHIER_NAME_MAX_LENGTH)
        cashier_inn = text("cashier_inn")
        # A person's INN: 12 digits (the check digits are not verified; assumption).
        if cashier_inn is not None and not _PERSON_INN.fullmatch(cashier_inn):
            errors["cashier_inn"] = [msg.not_digits("cashier_inn", CASHIER_INN_LENGTH)]
            cashier_inn = None

    if errors:
        raise _InvalidRequestError(errors)
    assert apikey is not None  # noqa: S101 - guaranteed by the required checks above
    assert login is not None  # noqa: S101
    return _Request(
        apikey,
        login,
        test,
        target_serial,
        ext_id,
        callback_url,
        callback_data,
        cashier_name,
        cashier_inn,
    )
