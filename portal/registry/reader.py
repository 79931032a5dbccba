"""Read an uploaded registry file (CSV or XLSX) into a header and a stream of rows of text.

Anything about the file as a whole that stops the import raises FileRejected with a message
for the user; row problems are the validator's business. Nothing here holds the whole file as
text: CSV is decoded line by line and XLSX streamed (xlsx.py), each under the caps in limits.py.
"""
import codecs
import csv
import io
import itertools
import re
import unicodedata

from flask_babel import lazy_gettext as _l

from .limits import MAX_CSV_ROW, MAX_ROW_NUMBER, FileRejected, not_a_table, too_many_rows
from .xlsx import xlsx_rows

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls and other Office 97 files
UTF8_BOM = b"\xef\xbb\xbf"
SAMPLE = 4096
_BLANK = re.compile(rb"[ \t\r\n\x00]*\Z")

__all__ = ["FileRejected", "read_table"]


def read_table(data):
    """(header, rows) from CSV or XLSX bytes; rows are (row_number, [cell text]) with blanks skipped."""
    if not data or _BLANK.match(data):
        raise FileRejected(_l("The file is empty."))
    if data.startswith(XLSX_MAGIC):
        table = xlsx_rows(data)
    elif data.startswith(OLE_MAGIC):
        raise FileRejected(_l("This is an old Excel (.xls) file. Save it as .xlsx or CSV and upload it again."))
    else:
        table = _csv_rows(data)
    rows = _rest(table)
    for _number, cells in rows:
        return [c.strip() for c in cells], rows
    raise FileRejected(_l("The file is empty."))


def _rest(table):
    for number, cells in table:
        if any(c.strip() for c in cells):
            if number > MAX_ROW_NUMBER:  # by number, not by rows read: blank rows count too
                raise too_many_rows(number)
            yield number, cells


def _encoding(data):
    """UTF-8 (with or without BOM) when every byte decodes, else Windows-1258; refuses binaries."""
    if b"\x00" in data[:SAMPLE]:
        raise not_a_table()
    start = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    encoding = ("utf-8-sig" if start else "utf-8") if _is_utf8(data, start) else "cp1258"
    sample = data[:SAMPLE].decode(encoding, errors="ignore")
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > len(sample) // 100 or sample.startswith("%PDF"):
        raise not_a_table()
    return encoding


def _is_utf8(data, start):
    """Checked in chunks, so a 20 MB upload is never decoded into one string."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for at in range(start, len(data), 1024 * 1024):
            decoder.decode(view[at:at + 1024 * 1024])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


class _Lines:
    """Physical lines for the csv module, each NFC-normalised, with a cap on one row's length."""

    def __init__(self, stream):
        self.stream = stream
        self.used = 0
        self.row = 1

    def __iter__(self):
        return self

    def __next__(self):
        line = self.stream.readline(MAX_CSV_ROW + 1)
        if not line:
            raise StopIteration
        self.used += len(line)
        if self.used > MAX_CSV_ROW:
            raise FileRejected(_l("Row %(row)s of the CSV file is longer than %(max)s characters. "
                                  "Check that the file is the list of establishments.",
                                  row=self.row, max=MAX_CSV_ROW))
        # Windows-1258 writes some accents as combining marks: NFC joins them.
        return unicodedata.normalize("NFC", line)


def _csv_rows(data):
    encoding = _encoding(data)
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="",
                              errors="strict" if encoding.startswith("utf") else "replace")
    lines = _Lines(stream)
    first_line = next(lines, "")
    delimiter = max((",", ";", "\t"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(itertools.chain([first_line], lines), delimiter=delimiter)
    try:
        for cells in reader:
            yield lines.row, cells
            lines.row += 1
            lines.used = 0  # csv reads no further ahead than the row it returns
    except csv.Error as exc:
        raise FileRejected(_l("The CSV file is damaged near row %(row)s.", row=lines.row)) from exc
