"""CSV and XLSX exports that spreadsheets cannot turn into formulas.

A cell that starts with =, +, -, @, tab, carriage return or NUL is prefixed with a single quote,
so Excel, LibreOffice and Google Sheets show it as text (OWASP's CSV-injection advice).
"""
import csv
import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r", "\0")


def neutralise(value):
    """A cell value that cannot start a formula; numbers and None pass unchanged."""
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(DANGEROUS_FIRST):
        return "'" + text
    return text


def _rows(header, rows):
    yield [neutralise(h) for h in header]
    for row in rows:
        yield [neutralise(v) for v in row]


def to_csv(header, rows):
    """UTF-8 CSV with a BOM (so Excel reads Vietnamese), every field quoted."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for row in _rows(header, rows):
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(header, rows, title="Export"):
    """An XLSX workbook with one sheet; every text cell is stored as a string, never a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in _rows(header, rows):
        # XML cannot hold most control characters; old rows may still contain them.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
