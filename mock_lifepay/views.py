"""JSON views of the mock's state for the control API and the callback payload."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .models import CallbackAttempt, Document, Printer, XReport
from .seed import World


def printer_view(printer: Printer) -> dict[str, Any]:
    shift = printer.shift
    return {
        "serial": printer.serial,
        "model": printer.model,
        "company_id": printer.company_id,
        "trade_point_id": printer.trade_point_id,
        "state": printer.state.value,
        "active": printer.active,
        "error_message": printer.error_message,
        "shift": {"number": shift.number, "opened_at": shift.opened_at.isoformat()},
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


def report_view(report: XReport) -> dict[str, Any]:
    data = asdict(report)
    data["shift_opened_at"] = report.shift_opened_at.isoformat()
    data["printed_at"] = report.printed_at.isoformat()
    return data


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
        "type": document.type,
        "company_id": document.company_id,
        "login": document.login,
        "target_serial": document.printer_serial,
        "status": document.status.value,
        "message": document.message,
        "created_at": document.created_at.isoformat(),
        "updated_at": document.updated_at.isoformat(),
        "callback_url": document.callback_url,
        "callback_data": document.callback_data,
        "history": [
            {"at": at.isoformat(), "status": status.value, "message": message}
            for at, status, message in document.history
        ],
        "callbacks": [attempt_view(attempt) for attempt in document.callbacks],
        "report": report_view(document.report) if document.report else None,
    }


def notification_view(document: Document, status_word: str | None = None) -> dict[str, Any]:
    """The callback document sent to ``callback_url`` (the mock's choice of fields).

    ``status_word`` is the word put in ``status`` (the status's own name by default).
    """
    return {
        "uuid": document.uuid,
        "ext_id": document.ext_id,
        "type": document.type,
        "status": status_word or document.status.value,
        "message": document.message,
        "target_serial": document.printer_serial,
        "created_at": document.created_at.isoformat(),
        "updated_at": document.updated_at.isoformat(),
        "callback_data": document.callback_data,
    }
