"""Test data for the official features: registry files, visitors, visits and establishments."""
import io
import itertools
from datetime import timedelta

from openpyxl import Workbook

from portal.checkin.models import Visit
from portal.checkin.services import new_ref
from portal.extensions import db
from portal.models_base import utcnow
from portal.registry.models import Establishment
from portal.visitors.models import Visitor

HEADER_VI = ["Mã số thuế", "Tên cơ sở", "Địa chỉ", "Phường/Xã", "Loại hình"]
HEADER_EN = ["Registration number", "Name", "Address", "Ward", "Category"]
_numbers = itertools.count(1)


def reg_number():
    """A fresh 10-digit registration number."""
    return f"37{next(_numbers):08d}"


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


def establishment(ward, name="Cửa hàng Tạp hoá Minh An", address="5 Đường Số 3", category="shop",
                  venue=None, number=None, status="listed", when=None):
    """An establishment row, committed."""
    when = when or utcnow() - timedelta(days=30)
    est = Establishment(
        registration_number=number or reg_number(), name=name, address=address,
        ward_code=getattr(ward, "code", ward), category=category, status=status,
        venue_id=venue.id if venue else None, matched_at=when if venue else None,
        imported_at=when, updated_at=when,
    )
    db.session.add(est)
    db.session.commit()
    return est


def visitor(name="Nguyễn Văn Khách", phone="+84912999888"):
    """A visitor, committed."""
    person = Visitor(full_name=name, phone=phone)
    db.session.add(person)
    db.session.commit()
    return person


def visit(venue, person, at, out_after=None, out_method=None):
    """A visit at `at`; closed `out_after` later with `out_method` (self/staff/auto/moved) if given."""
    row = Visit(
        ref=new_ref(), visitor_id=person.id, venue_id=venue.id, checked_in_at=at,
        due_out_at=at + timedelta(minutes=venue.default_stay_minutes), in_method="self",
        checked_out_at=at + out_after if out_after is not None else None, out_method=out_method,
    )
    db.session.add(row)
    db.session.commit()
    return row


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
