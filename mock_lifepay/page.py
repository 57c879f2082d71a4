"""Printed reports as the paper tape shows them (``/reports/{uuid}``)."""

from __future__ import annotations

from html import escape
from typing import Final

from . import sales
from .models import CashSlip, Document, DocumentType, Printed, PrintedReceipt, Report

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1rem; color: #222; }
pre.receipt { font-family: monospace; background: #fffef5; border: 1px dashed #999;
  padding: 1rem; width: 26rem; }
.zone { color: #555; font-size: .9em; }
"""


def _rubles(kopecks: int) -> str:
    sign = "-" if kopecks < 0 else ""
    kopecks = abs(kopecks)
    return f"{sign}{kopecks // 100:,}.{kopecks % 100:02d}".replace(",", " ")


WIDTH: Final = 40
"""Characters on a line of the tape (an 80 mm register prints about 40–48)."""


def _line(left: str, right: str) -> str:
    """``left`` and ``right`` on one line, the right one flush right, as a register prints."""
    room = max(WIDTH - len(right) - 1, 1)
    return f"{left[:room]:<{room}} {right}"


TYPE_LABELS: Final = {
    DocumentType.X_REPORT: "X-report",
    DocumentType.OPEN_SHIFT: "Shift opening",
    DocumentType.Z_REPORT: "Z-report",
    DocumentType.RECEIPT: "Receipt",
    DocumentType.CASH_IN: "Cash in",
    DocumentType.CASH_OUT: "Cash out",
}
TAPE_TITLES: Final = {
    DocumentType.X_REPORT: "ОТЧЁТ О ТЕКУЩЕМ СОСТОЯНИИ РАСЧЁТОВ (X-ОТЧЁТ)",
    DocumentType.OPEN_SHIFT: "ОТЧЁТ ОБ ОТКРЫТИИ СМЕНЫ",
    DocumentType.Z_REPORT: "ОТЧЁТ О ЗАКРЫТИИ СМЕНЫ (Z-ОТЧЁТ)",
}


def receipt_text(report: Report) -> str:
    """The report as the printer's paper tape shows it."""
    lines = [
        report.company_name,
        f"ИНН {report.inn}",
        report.address,
        "",
        TAPE_TITLES[report.type],
        f"Смена № {report.shift_number}, открыта {report.shift_opened_at:%d.%m.%Y %H:%M}",
    ]
    if report.shift_closed_at is not None:
        lines.append(f"Смена закрыта {report.shift_closed_at:%d.%m.%Y %H:%M}")
    lines.append(f"ФД № {report.fiscal_document_number}   {report.printed_at:%d.%m.%Y %H:%M}")
    if report.cashier_name or report.cashier_inn:
        cashier = f"Кассир: {report.cashier_name or ''}"
        lines.append(cashier + (f", ИНН {report.cashier_inn}" if report.cashier_inn else ""))
    if report.type is not DocumentType.OPEN_SHIFT:
        for title, operation in OPERATION_TITLES:
            lines += [
                "",
                _line(
                    f"{title} ({getattr(report, operation + '_count')} чек.)",
                    _rubles(getattr(report, operation + "_total")),
                ),
                _line("  наличными", _rubles(getattr(report, operation + "_cash"))),
                _line("  безналичными", _rubles(getattr(report, operation + "_card"))),
            ]
        lines += [
            "",
            _line("ВНЕСЕНИЯ", _rubles(report.cash_in)),
            _line("ВЫПЛАТЫ", _rubles(report.cash_out)),
            _line("БЕЗНАЛИЧНЫМИ ИТОГО", _rubles(report.non_cash_total)),
            _line("НАЛИЧНЫХ В КАССЕ", _rubles(report.cash_in_drawer)),
        ]
    lines += ["", f"ККТ {report.model}, ЗН {report.serial}"]
    return "\n".join(lines)


OPERATION_TITLES: Final = (
    ("ПРИХОД", "sales"),
    ("ВОЗВРАТ ПРИХОДА", "returns"),
    ("РАСХОД", "purchases"),
    ("ВОЗВРАТ РАСХОДА", "purchase_returns"),
)


def receipt_tape(printed: PrintedReceipt) -> str:
    """A fiscal receipt as the register prints it (FFD 1.05 requisites)."""
    receipt = printed.receipt
    header = printed.header
    lines = [
        header.company_name,
        f"ИНН {header.inn}",
        header.address,
        "",
        "КАССОВЫЙ ЧЕК",
        sales.KIND_LABELS[receipt.kind],
        _line(f"Смена № {printed.shift_number}", f"Чек № {printed.number_in_shift}"),
        f"{printed.printed_at:%d.%m.%Y %H:%M}",
        "",
    ]
    for number, position in enumerate(receipt.positions, 1):
        quantity = f"{position.quantity.normalize():f}"
        lines.append(f"{number}. {position.name}")
        lines.append(
            _line(
                f"   {quantity} x {_rubles(position.price)}",
                f"={_rubles(position.total + position.discount)}",
            )
        )
        if position.discount:
            lines.append(_line("   СКИДКА", f"-{_rubles(position.discount)}"))
            lines.append(_line("   СТОИМОСТЬ", f"={_rubles(position.total)}"))
        vat = position.vat
        label = f"   {sales.TAX_LABELS[position.tax]}"
        lines.append(label if vat is None else _line(label, f"={_rubles(vat)}"))
        lines.append(
            f"   {sales.PAYMENT_METHODS[position.payment_method]}, "
            + sales.ITEM_TYPE_LABELS.get(
                position.item_type, f"ПРЕДМЕТ РАСЧЕТА {position.item_type}"
            )
        )
    lines += ["", _line("ИТОГ", f"={_rubles(receipt.total)}")]
    if receipt.cash:
        lines.append(_line("НАЛИЧНЫМИ", f"={_rubles(receipt.cash)}"))
    if receipt.card:
        lines.append(_line("БЕЗНАЛИЧНЫМИ", f"={_rubles(receipt.card)}"))
    if receipt.prepayment:
        lines.append(_line("ЗАЧЕТ ПРЕДОПЛАТЫ (АВАНСА)", f"={_rubles(receipt.prepayment)}"))
    for label, vat in receipt.vat_by_rate().items():
        lines.append(_line(f"СУММА {label}", f"={_rubles(vat)}"))
    if any(position.tax == "none" for position in receipt.positions):
        lines.append(
            _line(
                "СУММА БЕЗ НДС",
                f"={_rubles(sum(p.total for p in receipt.positions if p.tax == 'none'))}",
            )
        )
    lines += ["", f"СНО: {sales.TAX_SYSTEM_LABELS[receipt.tax_system]}"]
    if printed.cashier_name:
        lines.append(f"Кассир: {printed.cashier_name}")
    if receipt.customer_email or receipt.customer_phone:
        lines.append(
            f"Эл. адр. покупателя: {receipt.customer_email or '+' + str(receipt.customer_phone)}"
        )
    if receipt.mode is sales.ReceiptMode.EMAIL:
        lines.append("Чек отправлен в электронной форме, не напечатан")
    lines += [
        "",
        _line("РН ККТ", printed.registration_number),
        _line("ЗН ККТ", header.serial),
        _line("ФН", printed.fn_number),
        _line("ФД", str(printed.fiscal_document_number)),
        _line("ФП", printed.fiscal_sign),
        "Сайт ФНС: www.nalog.gov.ru",
        f"Чек в ОФД: {printed.ofd_url}",
    ]
    return "\n".join(lines)


def cash_slip_tape(slip: CashSlip) -> str:
    """A cash movement's slip: not a fiscal document."""
    header = slip.header
    title = "ВНЕСЕНИЕ" if slip.type is DocumentType.CASH_IN else "ВЫПЛАТА"
    lines = [
        header.company_name,
        f"ИНН {header.inn}",
        header.address,
        "",
        title,
        f"Смена № {slip.shift_number}   {slip.printed_at:%d.%m.%Y %H:%M}",
        _line("СУММА", f"={_rubles(slip.amount)}"),
        _line("НАЛИЧНЫХ В КАССЕ", f"={_rubles(slip.cash_in_drawer)}"),
    ]
    if slip.cashier_name:
        lines.append(f"Кассир: {slip.cashier_name}")
    lines += ["", f"ККТ {header.model}, ЗН {header.serial}"]
    return "\n".join(lines)


def tape(printed: Printed) -> str:
    """Whatever a document printed, as on the paper tape."""
    if isinstance(printed, PrintedReceipt):
        return receipt_tape(printed)
    if isinstance(printed, CashSlip):
        return cash_slip_tape(printed)
    return receipt_text(printed)


def render_report(document: Document) -> str:
    assert document.report is not None  # noqa: S101 - the route checks it
    zone = document.report.printed_at.tzname()  # the report keeps its moments in UTC
    return f"""<!doctype html>
<html lang="ru"><head><meta charset="utf-8">
<title>{TYPE_LABELS[document.type]} {escape(document.uuid)}</title>
<style>{_STYLE}</style></head><body>
<p><a href="/" target="_top">&larr; LifePay mock</a></p>
<p class="zone" lang="en">Times on the tape are in {zone}, \
the mock's clock (the console shows them in your time zone).</p>
<pre class="receipt">{escape(tape(document.report))}</pre>
</body></html>"""
