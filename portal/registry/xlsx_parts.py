"""SAX handlers for the parts of an XLSX workbook that are read: the sheet's declared dimension,
the shared strings and the sheet's rows, each capped while it streams."""
import re
import unicodedata
from array import array
from xml.sax.handler import ContentHandler

from . import limits as cap
from .limits import texts_too_big, too_long_text, too_many_columns, too_many_rows, too_many_texts

CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


class Handler(ContentHandler):
    """A SAX handler that can say it has read enough, and collects a text into `parts` (when not
    None) while it streams, refusing one longer than any cell as soon as it gets there."""

    done = False
    parts = None
    length = 0

    def characters(self, content):
        if self.parts is not None:
            self.length += len(content)
            if self.length > cap.MAX_CELL:
                raise too_long_text()
            self.parts.append(content)


def letters(column):
    """Column letters of a column number: 1 -> A, 28 -> AB."""
    text = ""
    while column:
        column, rest = divmod(column - 1, 26)
        text = chr(65 + rest) + text
    return text


def reference(ref):
    """(column number, row number) of a cell reference such as B12."""
    match = CELL.match(ref)
    if match is None:
        raise ValueError(ref)
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return column, int(match.group(2))


class Dimension(Handler):
    """Refuses a sheet whose declared dimension passes the caps; stops at the rows."""

    def startElementNS(self, name, qname, attrs):
        if name[1] == "dimension":
            match = CELL.match(attrs.get((None, "ref"), "").split(":")[-1])
            if match:
                column, row = reference(match.group(0))
                if row > cap.MAX_ROW_NUMBER:
                    raise too_many_rows(row)
                if column > cap.MAX_COLUMNS:
                    raise too_many_columns(match.group(1))
        self.done = self.done or name[1] in ("dimension", "sheetData")


class SharedStrings(Handler):
    """The workbook's distinct texts, packed as UTF-8 in one buffer (a Python str each would cost ~4x)."""

    def __init__(self):
        self.text = bytearray()
        self.ends = array("Q")
        self.parts = self.pieces = None
        self.length = 0
        self.phonetic = False

    def __getitem__(self, index):
        if index < 0:
            raise IndexError(index)
        start = self.ends[index - 1] if index else 0
        return self.text[start:self.ends[index]].decode()

    def startElementNS(self, name, qname, attrs):
        local = name[1]
        if local == "si":
            self.pieces, self.length = [], 0
        elif local == "t" and self.pieces is not None and not self.phonetic:
            self.parts = self.pieces
        elif local == "rPh":
            self.phonetic = True
        elif local == "sst":
            declared = attrs.get((None, "uniqueCount")) or "0"
            if declared.isdigit() and int(declared) > cap.MAX_SHARED_STRINGS:
                raise too_many_texts()

    def endElementNS(self, name, qname):
        local = name[1]
        if local == "t":
            self.parts = None
        elif local == "rPh":
            self.phonetic = False
        elif local == "si":
            encoded = unicodedata.normalize("NFC", "".join(self.pieces)).encode()
            self.pieces = None
            if len(self.ends) >= cap.MAX_SHARED_STRINGS:
                raise too_many_texts()
            if len(self.text) + len(encoded) > cap.MAX_SHARED_TEXT:
                raise texts_too_big()
            self.text += encoded
            self.ends.append(len(self.text))


class SheetRows(Handler):
    """Rows of a worksheet as they stream; completed rows wait in `ready`."""

    def __init__(self, strings):
        self.strings = strings
        self.ready = []
        self.row = self.column = self.length = 0
        self.cells = self.value = self.formula = None
        self.in_data = self.phonetic = False
        self.kind = self.parts = self.inline = None

    def startElementNS(self, name, qname, attrs):
        local = name[1]
        if local == "sheetData":
            self.in_data = True
        elif not self.in_data:
            return
        elif local == "row":
            ref = attrs.get((None, "r"))
            number = int(ref) if ref else self.row + 1
            if number <= self.row:
                raise ValueError("rows out of order")
            self.row, self.cells, self.column = number, [], 0
        elif local == "c" and self.cells is not None:
            ref = attrs.get((None, "r"))
            column = reference(ref)[0] if ref else self.column + 1
            if column <= self.column:
                raise ValueError("cells out of order")
            if column > cap.MAX_COLUMNS:
                raise too_many_columns(letters(column))
            self.column, self.kind = column, attrs.get((None, "t"), "n")
            self.value = self.formula = self.inline = None
            self.length = 0
        elif self.kind is None:
            return
        elif local in ("v", "f"):
            self.parts = []
        elif local == "is":
            self.inline = []
        elif local == "t" and self.inline is not None and not self.phonetic:
            self.parts = self.inline
        elif local == "rPh":
            self.phonetic = True

    def endElementNS(self, name, qname):
        local = name[1]
        if local == "v" and self.parts is not None:
            self.value, self.parts = "".join(self.parts), None
        elif local == "f" and self.parts is not None:
            self.formula, self.parts = "".join(self.parts), None
        elif local == "t":
            self.parts = None
        elif local == "rPh":
            self.phonetic = False
        elif local == "c" and self.kind is not None:
            text = self._text()
            self.kind = None
            if text:
                self.cells.extend([""] * (self.column - 1 - len(self.cells)))
                self.cells.append(text)
        elif local == "row" and self.cells is not None:
            if self.cells:
                self.ready.append((self.row, self.cells))
            self.cells = None
        elif local == "sheetData":
            self.in_data, self.done = False, True  # what follows the rows (merges, formats) is never needed

    def _text(self):
        """The cell as text: a formula as typed (never evaluated), else its value."""
        kind, value = self.kind, self.value
        if self.formula:
            return unicodedata.normalize("NFC", "=" + self.formula)
        if kind == "inlineStr":
            return unicodedata.normalize("NFC", "".join(self.inline or ()))
        if value is None:
            return ""
        if kind == "s":
            return self.strings[int(value)]
        if kind == "b":
            return str(value.strip() == "1")
        if kind == "n":
            return _number(value)
        return unicodedata.normalize("NFC", value)


def _number(value):
    """A number cell as a spreadsheet shows it: 3700000001, not 3700000001.0."""
    text = value.strip()
    try:
        return str(int(text))
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return unicodedata.normalize("NFC", text)
    return str(int(number)) if number.is_integer() else str(number)
