"""Registry files for the official features' tests (visitors, visits, establishments: tests/factories.py)."""
import io

from openpyxl import Workbook

HEADER_VI = ["Mã số thuế", "Tên cơ sở", "Địa chỉ", "Phường/Xã", "Loại hình"]
HEADER_EN = ["Registration number", "Name", "Address", "Ward", "Category"]


def csv_bytes(rows, header=HEADER_VI, encoding="utf-8", delimiter=","):
    """A CSV file as bytes; `encoding` may be 'utf-8-sig' or 'cp1258'."""
    lines = [delimiter.join(header)] + [delimiter.join(_quote(c) for c in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _quote(cell):
    cell = str(cell)
    if any(ch in cell for ch in ',;"\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def xlsx_bytes(rows, header=HEADER_VI):
    """An XLSX workbook with the rows on its first sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def english(text):
    """A lazy message rendered in English (outside requests the portal speaks Vietnamese)."""
    from flask import current_app
    from flask_babel import force_locale

    with current_app.test_request_context(), force_locale("en"):
        return str(text)


def to_cp1258(text):
    """Encode like Vietnamese Windows: precomposed base letters, tone marks as combining characters."""
    import unicodedata

    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base, leftover = parts[0], ""
        for mark in parts[1:]:
            joined = unicodedata.normalize("NFC", base + mark)
            try:
                joined.encode("cp1258")
            except UnicodeEncodeError:
                leftover += mark
            else:
                base = joined if len(joined) == 1 else base
                leftover += "" if len(joined) == 1 else mark
        out += base.encode("cp1258") + leftover.encode("cp1258")
    return bytes(out)
