"""Read an uploaded registry file (CSV or XLSX) into a header and rows of text.

Anything about the file as a whole that stops the import raises FileRejected with a message
for the user; row problems are the validator's business.
"""
import csv
import io
import unicodedata

from flask_babel import lazy_gettext as _l

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls and other Office 97 files
BOMS = (b"\xef\xbb\xbf",)


class FileRejected(ValueError):
    """The whole file cannot be imported; `message` says why in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def read_table(data):
    """(header, rows) from CSV or XLSX bytes; rows are (row_number, [cell text]) with blanks skipped."""
    if not data or not data.strip(b" \t\r\n\x00"):
        raise FileRejected(_l("The file is empty."))
    if data.startswith(XLSX_MAGIC):
        table = _xlsx_rows(data)
    elif data.startswith(OLE_MAGIC):
        raise FileRejected(_l("This is an old Excel (.xls) file. Save it as .xlsx or CSV and upload it again."))
    else:
        table = _csv_rows(_decode(data))
    header = None
    for number, cells in table:
        cells = ["" if c is None else c for c in cells]
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            rows = _rest(table)
            return header, rows
    raise FileRejected(_l("The file is empty."))


def _rest(table):
    for number, cells in table:
        cells = ["" if c is None else c for c in cells]
        if any(c.strip() for c in cells):
            yield number, cells


def _decode(data):
    """Text from UTF-8 (with or without BOM) or Windows-1258, NFC-normalised."""
    if b"\x00" in data[:4096]:
        raise FileRejected(_l("This is not a CSV or XLSX file. Export the list from Excel as CSV or XLSX."))
    if data.startswith(BOMS[0]):
        text = data[3:].decode("utf-8", errors="strict") if _is_utf8(data[3:]) else None
    else:
        text = data.decode("utf-8") if _is_utf8(data) else None
    if text is None:
        # Windows-1258 (Vietnamese Windows) writes some accents as combining marks: NFC joins them.
        text = data.decode("cp1258", errors="replace")
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > len(sample) // 100 or text.startswith("%PDF"):
        raise FileRejected(_l("This is not a CSV or XLSX file. Export the list from Excel as CSV or XLSX."))
    return unicodedata.normalize("NFC", text)


def _is_utf8(data):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _csv_rows(text):
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error as exc:
        raise FileRejected(_l("The CSV file is damaged near row %(row)s.", row=reader.line_num)) from exc


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value))


def _xlsx_rows(data):
    from openpyxl import load_workbook

    try:
        # Not data_only: a formula someone typed in a name is read as its text, never evaluated.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
    except Exception as exc:  # noqa: BLE001  any zip that is not a workbook (docx, damaged) lands here
        raise FileRejected(_l("This is not a CSV or XLSX file. Export the list from Excel as CSV or XLSX.")) from exc
    try:
        for number, values in enumerate(rows, start=1):
            yield number, [_cell_text(v) for v in values]
    except Exception as exc:  # noqa: BLE001  a damaged sheet must not become a 500
        raise FileRejected(_l("The XLSX file is damaged.")) from exc
    finally:
        workbook.close()
