"""CSV and XLSX exports that spreadsheets cannot turn into formulas.

CSV has no cell types: a field that starts with =, +, -, @, tab, carriage return or NUL is
prefixed with a single quote, so Excel, LibreOffice and Google Sheets show it as text (OWASP's
CSV-injection advice). XLSX has them: every text cell is written as a string cell, which no
spreadsheet evaluates, so the text is kept exactly as it was, with no visible quote. Numbers
stay numbers. Old rows that today's validation would reject (control characters, huge text,
aware datetimes) still export.
"""
import csv
import io
from datetime import date, datetime, timezone
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r", "\0")
MAX_CELL = 32767  # Excel's limit for one cell
#: Content-Type of each download: the charset named once, here only. Send it with
#: Response(content_type=...): Response(mimetype=...) appends a second charset to text types.
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _local(value):
    """An aware datetime as naive local time (spreadsheets have no timezones)."""
    try:
        from flask import current_app
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(current_app.config["PORTAL_TIMEZONE"])
    except RuntimeError:  # outside an app
        zone = timezone.utc
    return value.astimezone(zone).replace(tzinfo=None)


def plain(value):
    """A cell value as a spreadsheet holds it: numbers, naive local dates, None, else text."""
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, Decimal):  # PostgreSQL's sums
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return _local(value) if value.tzinfo else value
    if isinstance(value, date):
        return value
    return str(value)


def neutralise(value):
    """A CSV cell value that cannot start a formula; numbers, dates and None pass unchanged."""
    value = plain(value)
    if isinstance(value, str) and value.startswith(DANGEROUS_FIRST):
        return "'" + value
    return value


def _rows(header, rows, cell=neutralise):
    yield [cell(h) for h in header]
    for row in rows:
        yield [cell(v) for v in row]


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_csv(header, rows):
    """UTF-8 CSV with a BOM (so Excel reads Vietnamese), every field quoted."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for row in _rows(header, rows):
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_cell(sheet, value):
    cell = WriteOnlyCell(sheet)
    if not isinstance(value, str):
        cell.value = value
        return cell
    # XML cannot hold most control characters: drop them, and cut to what one cell holds.
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL]
    # openpyxl marks text starting with "=" as a formula: a string cell is never evaluated.
    cell.data_type = "s"
    return cell


def to_xlsx(header, rows, title="Export"):
    """An XLSX workbook with one sheet; every text cell is stored as a string, never a formula."""
    workbook = Workbook(write_only=True)
    safe_title = "".join(ch for ch in str(title) if ch not in "[]:*?/\\")[:31] or "Export"
    sheet = workbook.create_sheet(title=safe_title)
    for row in _rows(header, rows, cell=plain):
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def download(body, fmt, filename):
    """An attachment response for fmt 'csv' or 'xlsx', never cached, with one charset named."""
    from flask import Response

    return Response(body, content_type=CONTENT_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    })


def export_body(fmt, header, rows, title="Export"):
    """The bytes of `rows` under `header` as fmt 'csv' or 'xlsx'."""
    header = [str(h) for h in header]
    return to_csv(header, rows) if fmt == "csv" else to_xlsx(header, rows, title=str(title))


def export_response(fmt, basename, title, header, rows):
    """A CSV or XLSX download of `rows` under `header`, for fmt 'csv' or 'xlsx'; 404 otherwise.

    Every download of the portal goes through this module: the formula protection above, one
    Content-Type per format, no caching.
    """
    from flask import abort

    if fmt not in CONTENT_TYPES:
        abort(404)
    return download(export_body(fmt, header, rows, title), fmt, f"{basename}.{fmt}")
