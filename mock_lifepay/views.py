"""JSON views of the mock's state for the control API and the callback payload."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from . import messages as msg
from .models import (
    CallbackAttempt,
    CashSlip,
    Document,
    DocumentStatus,
    DocumentType,
    Printed,
    PrintedReceipt,
    Printer,
    Report,
    Shift,
    iso_moment,
    json_text,
)
from .sales import Receipt
from .seed import World

SALE_TYPES = frozenset({DocumentType.RECEIPT, DocumentType.CASH_IN, DocumentType.CASH_OUT})


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def shift_view(shift: Shift) -> dict[str, Any]:
    return {
        "number": shift.number,
        "open": shift.is_open,
        "opened_at": shift.opened_at.isoformat(),
        "closed_at": _iso(shift.closed_at),
        "receipts": shift.receipts,
        "totals": shift.totals(),
    }


def printer_view(printer: Printer) -> dict[str, Any]:
    return {
        "serial": printer.serial,
        "model": printer.model,
        "company_id": printer.company_id,
        "trade_point_id": printer.trade_point_id,
        "state": printer.state.value,
        "active": printer.active,
        "error_message": printer.error_message,
        "shift": shift_view(printer.shift),
    }


def accounts_view(world: World) -> list[dict[str, Any]]:
    result = []
    for company in world.companies.values():
        result.append(
            {
                "id": company.id,
                "name": company.name,
                "inn": company.inn,
                "apikey": company.apikey,
                "cloud_print_enabled": company.cloud_print_enabled,
                "logins": [
                    {
                        "login": user.login,
                        "name": user.name,
                        "trade_point_id": user.trade_point_id,
                        "blocked": user.blocked,
                    }
                    for user in world.users.values()
                    if user.company_id == company.id
                ],
                "trade_points": [
                    {"id": point.id, "name": point.name, "address": point.address}
                    for point in world.trade_points.values()
                    if point.company_id == company.id
                ],
                "printers": [
                    printer_view(printer)
                    for printer in world.printers.values()
                    if printer.company_id == company.id
                ],
            }
        )
    return result


def printed_view(printed: Printed) -> dict[str, Any]:
    """What a processed document printed: a report, a receipt or a cash slip."""
    if isinstance(printed, PrintedReceipt):
        return receipt_view(printed)
    if isinstance(printed, CashSlip):
        return cash_slip_view(printed)
    return report_view(printed)


def _header_view(printed: Printed) -> dict[str, Any]:
    header = printed.header
    return {
        "serial": header.serial,
        "model": header.model,
        "company_name": header.company_name,
        "inn": header.inn,
        "address": header.address,
    }


def receipt_view(printed: PrintedReceipt) -> dict[str, Any]:
    return {
        "type": printed.type.value,
        **_header_view(printed),
        "shift_number": printed.shift_number,
        "number_in_shift": printed.number_in_shift,
        "fiscal_document_number": printed.fiscal_document_number,
        "fn_number": printed.fn_number,
        "registration_number": printed.registration_number,
        "fiscal_sign": printed.fiscal_sign,
        "printed_at": printed.printed_at.isoformat(),
        "ofd_url": printed.ofd_url,
        "cashier_name": printed.cashier_name,
        "receipt": printed.receipt.as_dict(),
    }


def cash_slip_view(slip: CashSlip) -> dict[str, Any]:
    return {
        "type": slip.type.value,
        **_header_view(slip),
        "shift_number": slip.shift_number,
        "amount": slip.amount,
        "cash_in_drawer": slip.cash_in_drawer,
        "printed_at": slip.printed_at.isoformat(),
        "cashier_name": slip.cashier_name,
    }


def sale_view(sale: Receipt | int | None) -> Any:
    """What a receipt or a cash movement asked for (money in kopecks), ``None`` otherwise."""
    if sale is None:
        return None
    if isinstance(sale, int):
        return {"amount": sale}
    return sale.as_dict()


def report_view(report: Report) -> dict[str, Any]:
    header = report.header
    return {
        "type": report.type.value,
        "serial": header.serial,
        "model": header.model,
        "company_name": header.company_name,
        "inn": header.inn,
        "address": header.address,
        "shift_number": report.shift_number,
        "shift_opened_at": report.shift_opened_at.isoformat(),
        "shift_closed_at": _iso(report.shift_closed_at),
        "printed_at": report.printed_at.isoformat(),
        "fiscal_document_number": report.fiscal_document_number,
        "cashier_name": report.cashier_name,
        "cashier_inn": report.cashier_inn,
        **report.totals,
    }


def attempt_view(attempt: CallbackAttempt) -> dict[str, Any]:
    return {
        "status": attempt.status.value,
        "attempt": attempt.attempt,
        "sent_at": attempt.sent_at.isoformat(),
        "encoding": attempt.encoding,
        "status_word": attempt.status_word,
        "http_status": attempt.http_status,
        "error": attempt.error,
        "delivered": attempt.delivered,
    }


def document_view(document: Document) -> dict[str, Any]:
    return {
        "uuid": document.uuid,
        "ext_id": document.ext_id,
        "type": document.type.value,
        "company_id": document.company_id,
        "login": document.login,
        "target_serial": document.printer_serial,
        "status": document.status.value,
        "message": document.message,
        "created_at": document.created_at.isoformat(),
        "updated_at": document.updated_at.isoformat(),
        "callback_url": document.callback_url,
        "callback_data": document.callback_data,
        "cashier_name": document.cashier_name,
        "cashier_inn": document.cashier_inn,
        "history": [
            {"at": at.isoformat(), "status": status.value, "message": message}
            for at, status, message in document.history
        ],
        "callbacks": [attempt_view(attempt) for attempt in document.callbacks],
        "sale": sale_view(document.sale),
        "report": printed_view(document.report) if document.report else None,
    }


def notification_view(document: Document, status_word: str | None = None) -> dict[str, Any]:
    """The callback document sent to ``callback_url`` (the mock's choice of fields).

    ``status_word`` is the word put in ``status`` (the status's own name by default).
    """
    return {
        "uuid": document.uuid,
        "ext_id": document.ext_id,
        "type": document.type.value,
        "status": status_word or document.status.value,
        "message": document.message,
        "target_serial": document.printer_serial,
        "created_at": document.created_at.isoformat(),
        "updated_at": document.updated_at.isoformat(),
        "callback_data": document.callback_data,
    } | sale_notification(document)


def sale_notification(document: Document) -> dict[str, Any]:
    """What a receipt's or a cash movement's callback adds: ``ofd_url`` and the fiscal data of
    a printed receipt, ``error_code`` of a failed one (empty for the reports)."""
    if document.type not in SALE_TYPES:
        return {}
    if document.status is DocumentStatus.ERROR:
        return {"error_code": msg.ERROR_CODES.get(document.message, msg.PRINTER_ERROR_CODE)}
    printed = document.report
    if not isinstance(printed, PrintedReceipt) or document.status is not DocumentStatus.PROCESSED:
        return {}
    return {
        "ofd_url": printed.ofd_url,
        "fn_number": printed.fn_number,
        "fiscal_document_number": printed.fiscal_document_number,
        "fiscal_sign": printed.fiscal_sign,
        "shift_number": printed.shift_number,
        "receipt_number": printed.number_in_shift,
    }


def notification_json(document: Document, status_word: str | None = None) -> str:
    """:func:`notification_view` as JSON text, written directly: built once per status change.

    The same text ``json.dumps(notification_view(...), ensure_ascii=False)`` gives.
    """
    at, status, message = document.last_step()
    return (
        f'{{"uuid": "{document.uuid}", "ext_id": {json_text(document.ext_id)}, '
        f'"type": "{document.type.value}", '
        f'"status": {_text(status_word or status.value)}, '
        f'"message": {_text(message)}, "target_serial": {_text(document.printer_serial)}, '
        f'"created_at": "{iso_moment(document.created_timestamp)}", '
        f'"updated_at": "{iso_moment(at)}", '
        f'"callback_data": {document.callback_data_json}'
        f"{_sale_fields(document)}}}"
    )


def _sale_fields(document: Document) -> str:
    if document.type not in SALE_TYPES:
        return ""
    added = sale_notification(document)
    return "".join(f", {json_text(name)}: {json_text(value)}" for name, value in added.items())


_TEXTS: dict[str | None, str] = {None: "null"}
"""JSON strings already written: words, messages and serials recur in every notification."""
_MAX_TEXTS = 1024


def _text(value: str | None) -> str:
    written = _TEXTS.get(value)
    if written is None:
        written = json_text(value)
        if len(_TEXTS) < _MAX_TEXTS:
            _TEXTS[value] = written
    return written
