"""The mock's small web page: printers, documents and printed X-reports."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Final

from .models import Document, DocumentType, Report

if TYPE_CHECKING:
    from .runtime import MockLifePay

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin-bottom: 2rem; }
th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; font-size: .9rem; }
th { background: #f3f3f3; }
.processed { color: #1b7f3b; } .error { color: #b3261e; } .awaiting_retry { color: #a15c00; }
pre.receipt { font-family: monospace; background: #fffef5; border: 1px dashed #999;
  padding: 1rem; width: 26rem; }
"""


def _rubles(kopecks: int) -> str:
    return f"{kopecks // 100:,}.{kopecks % 100:02d}".replace(",", " ")


def render_index(mock: MockLifePay) -> str:
    world = mock.backend.world
    printer_rows = "".join(
        f"<tr><td>{escape(p.serial)}</td><td>{escape(p.model)}</td>"
        f"<td>{escape(world.companies[p.company_id].name)}</td>"
        f"<td>{escape(world.trade_points[p.trade_point_id].name)}</td>"
        f"<td>{escape(p.state.value)}</td><td>{p.shift.number}</td>"
        f"<td>{'open' if p.shift.is_open else 'closed'}</td>"
        f"<td>{p.shift.opened_at:%Y-%m-%d %H:%M}</td></tr>"
        for p in world.printers.values()
    )
    documents = sorted(mock.backend.documents.values(), key=lambda d: d.created_at, reverse=True)
    document_rows = "".join(
        f"<tr><td>{d.created_at:%Y-%m-%d %H:%M:%S}</td><td><code>{escape(d.uuid)}</code></td>"
        f"<td>{escape(d.ext_id or '')}</td><td>{TYPE_LABELS[d.type]}</td>"
        f"<td>{escape(d.printer_serial)}</td>"
        f'<td class="{d.status.value}">{escape(d.status.value)}</td><td>{escape(d.message)}</td>'
        f"<td>{sum(1 for a in d.callbacks if a.delivered)}/{len(d.callbacks)}</td>"
        f"<td>{_report_link(d)}</td></tr>"
        for d in documents[:200]
    )
    return f"""<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
<title>LifePay mock</title><style>{_STYLE}</style></head><body>
<h1>LifePay mock</h1>
<p>Endpoints: <code>POST /cloud-print/create-x-report</code>,
<code>/cloud-print/create-session</code>, <code>/cloud-print/create-z-report</code>. Control API
under <code>/_mock/</code>, described with LifePay's endpoints in the
<a href="/_mock/openapi.json">OpenAPI document</a> (see docs/mock-server.md).</p>
<h2>Printers</h2>
<table><tr><th>Serial</th><th>Model</th><th>Company</th><th>Trade point</th><th>State</th>
<th>Shift</th><th>Shift state</th><th>Shift opened (UTC)</th></tr>{printer_rows}</table>
<h2>Documents ({len(documents)})</h2>
<table><tr><th>Created (UTC)</th><th>uuid</th><th>ext_id</th><th>Type</th><th>Printer</th>
<th>Status</th><th>Message</th><th>Callbacks delivered</th><th>Printed</th></tr>{document_rows}
</table>
</body></html>"""


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


def _report_link(document: Document) -> str:
    if document.report is None:
        return ""
    return f'<a href="/reports/{escape(document.uuid)}">{TYPE_LABELS[document.type]}</a>'


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
    return f"""<!doctype html>
<html lang="ru"><head><meta charset="utf-8">
<title>{TYPE_LABELS[document.type]} {escape(document.uuid)}</title>
<style>{_STYLE}</style></head><body>
<p><a href="/">&larr; LifePay mock</a></p>
<pre class="receipt">{escape(receipt_text(document.report))}</pre>
</body></html>"""
