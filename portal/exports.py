"""CSV and XLSX exports that spreadsheets cannot turn into formulas.

A cell that starts with =, +, -, @, tab, carriage return or NUL is prefixed with a single quote,
so Excel, LibreOffice and Google Sheets show it as text (OWASP's CSV-injection advice). Numbers
stay numbers. Old rows that today's validation would reject (control characters, huge text,
aware datetimes) still export.
"""
import csv
import io
from datetime import date, datetime, timezone
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r", "\0")
MAX_CELL = 32767  # Excel's limit for one cell


def _local(value):
    """An aware datetime as naive local time (spreadsheets have no timezones)."""
    try:
        from flask import current_app
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(current_app.config["PORTAL_TIMEZONE"])
    except RuntimeError:  # outside an app
        zone = timezone.utc
    return value.astimezone(zone).replace(tzinfo=None)


def neutralise(value):
    """A cell value that cannot start a formula; numbers, dates and None pass unchanged."""
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, Decimal):  # PostgreSQL's sums
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return _local(value) if value.tzinfo else value
    if isinstance(value, date):
        return value
    text = str(value)
    if text.startswith(DANGEROUS_FIRST):
        return "'" + text
    return text


def _rows(header, rows):
    yield [neutralise(h) for h in header]
    for row in rows:
        yield [neutralise(v) for v in row]


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


def _xlsx_cell(value):
    if not isinstance(value, str):
        return value
    # XML cannot hold most control characters: drop them first, then neutralise what is left,
    # so "\x01=cmd" cannot turn into a formula once the control character is gone.
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", value)
    if cleaned != value:
        cleaned = neutralise(cleaned)
    return cleaned[:MAX_CELL]


def to_xlsx(header, rows, title="Export"):
    """An XLSX workbook with one sheet; every text cell is stored as a string, never a formula."""
    workbook = Workbook(write_only=True)
    safe_title = "".join(ch for ch in str(title) if ch not in "[]:*?/\\")[:31] or "Export"
    sheet = workbook.create_sheet(title=safe_title)
    for row in _rows(header, rows):
        sheet.append([_xlsx_cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
