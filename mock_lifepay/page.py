"""Printed reports as the paper tape shows them (``/reports/{uuid}``)."""

from __future__ import annotations

from html import escape
from typing import Final

from .models import Document, DocumentType, Report

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1rem; color: #222; }
pre.receipt { font-family: monospace; background: #fffef5; border: 1px dashed #999;
  padding: 1rem; width: 26rem; }
.zone { color: #555; font-size: .9em; }
"""


def _rubles(kopecks: int) -> str:
    return f"{kopecks // 100:,}.{kopecks % 100:02d}".replace(",", " ")


TYPE_LABELS: Final = {
    DocumentType.X_REPORT: "X-report",
    DocumentType.OPEN_SHIFT: "Shift opening",
    DocumentType.Z_REPORT: "Z-report",
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
        lines += [
            "",
            f"Продажи: {report.sales_count} чек(ов) на {_rubles(report.sales_total)} ₽",
            f"Возвраты: {report.returns_count} чек(ов) на {_rubles(report.returns_total)} ₽",
            f"Внесения: {_rubles(report.cash_in)} ₽",
            f"Выплаты: {_rubles(report.cash_out)} ₽",
            f"Безналичными: {_rubles(report.non_cash_total)} ₽",
            f"Наличных в кассе: {_rubles(report.cash_in_drawer)} ₽",
        ]
    lines += ["", f"ККТ {report.model}, ЗН {report.serial}"]
    return "\n".join(lines)


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
<pre class="receipt">{escape(receipt_text(document.report))}</pre>
</body></html>"""
