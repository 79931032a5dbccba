"""What an uploaded registry file may hold, and the refusals (FileRejected) when it holds more.

Every limit is checked on what the file declares (zip directory, sheet dimension, shared-string
counts) before parsing, and again on what the parser meets, so a file that lies is refused too.
"""
from flask_babel import lazy_gettext as _l

MAX_ROWS = 300_000  # establishments in one file
#: The highest row number a file may use: the header and a few title or blank lines above it.
MAX_ROW_NUMBER = MAX_ROWS + 20
MAX_COLUMNS = 100
MAX_CELL = 32_767  # characters; Excel's own limit for one cell
MAX_CSV_ROW = 20_000  # characters in one CSV row, quoted line breaks included
MAX_PROBLEMS = 5_000  # row problems kept for the report; the rest are only counted

# XLSX: a zip of XML parts.
MAX_PARTS = 1_000
MAX_DIRECTORY = 1024 * 1024  # bytes of the zip's central directory
MAX_PART = 256 * 1024 * 1024  # bytes of one part unpacked: streamed, so this bounds time, not memory
MAX_UNPACKED = 384 * 1024 * 1024  # bytes of all parts once unpacked
MAX_PRELUDE = 1024 * 1024  # bytes of a sheet before its rows (views, column widths: a few KB)
MAX_RATIO = 100  # deflate reaches ~1000:1 on crafted data; real sheets stay well under 30:1
RATIO_FLOOR = 1024 * 1024  # parts smaller than this may have any ratio
MAX_SHARED_STRINGS = 2_000_000  # distinct texts; they stay in memory while the sheet is read
MAX_SHARED_TEXT = 64 * 1024 * 1024  # bytes (UTF-8) of all distinct texts together

MB = 1024 * 1024


class FileRejected(ValueError):
    """The whole file cannot be imported; `message` says why in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def not_a_table():
    """The refusal for anything that is not a spreadsheet."""
    return FileRejected(_l("This is not a CSV or XLSX file. Export the list from Excel as CSV or XLSX."))


def too_many_rows(row):
    """The refusal for a row number past the cap, declared or met."""
    return FileRejected(_l("The sheet goes down to row %(row)s; at most %(max)s rows can be imported. "
                           "Delete any empty rows under the list, or split it by ward.",
                           row=row, max=MAX_ROW_NUMBER))


def too_many_columns(letters):
    """The refusal for a column past the cap, declared or met."""
    return FileRejected(_l("The sheet uses columns up to %(column)s; at most %(max)s columns can be imported. "
                           "Delete the columns that are not needed.", column=letters, max=MAX_COLUMNS))


def too_many_texts():
    """The refusal for more distinct texts than the """
    return FileRejected(_l("This workbook holds more than %(max)s different texts. Split the list by ward.",
                           max=MAX_SHARED_STRINGS))


def too_long_text():
    """The refusal for a cell longer than Excel allows."""
    return FileRejected(_l("A cell of this workbook holds more than %(max)s characters, more than Excel allows.",
                           max=MAX_CELL))




def texts_too_big():
    """The refusal for distinct texts taking more bytes than the """
    return FileRejected(_l("The texts of this workbook take more than %(max)s MB. Split the list by ward.",
                           max=MAX_SHARED_TEXT // MB))
