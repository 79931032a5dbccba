"""The audit log as CSV and XLSX: the page's filters, Vietnamese labels, local times, and audited."""
import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.audit.services import entries_since, record
from portal.extensions import db

HEADER = ["Thời điểm", "Người thực hiện", "Vai trò", "Ca bệnh", "Thao tác", "Nội dung tra cứu", "Số dòng"]


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.fixture
def log(make):
    lan = make.user(role="tracer", name="Nguyễn Thị Lan", phone="0912 556 001")
    staff = make.user(role="staff", name="Lê Văn Quầy", phone="0912 556 003")
    record(lan, None, "lookup", {"by": "phone"}, 1, utc(2026, 11, 24, 17, 30))  # 25/11 00:30 local
    record(lan, None, "contacts", {"minutes": 15, "rule": "overlap"}, 4, utc(2026, 11, 25, 2, 0))
    record(staff, None, "assist_in", {"venue": "ABC123"}, 1, utc(2026, 11, 26, 3, 0))
    db.session.commit()
    return {"lan": lan, "staff": staff}


@pytest.fixture
def admin(client, login, make):
    user = make.user(role="province_admin", name="Quản Trị Tỉnh")
    login(user)
    return user


def exports():
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == "audit_export")).all()


def test_csv_export_has_the_pages_filters_labels_and_local_times(client, log, admin):
    response = client.get("/audit/export.csv?person=Lan&date_from=25/11/2026&date_to=2026-11-25")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="audit-log-') and disposition.endswith('.csv"')
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [
        HEADER,
        ["2026-11-25 09:00", "Nguyễn Thị Lan", "Cán bộ truy vết", "", "Xem danh sách tiếp xúc",
         "minutes=15 rule=overlap", "4"],
        ["2026-11-25 00:30", "Nguyễn Thị Lan", "Cán bộ truy vết", "", "Tra cứu một người", "by=phone", "1"],
    ]


def test_xlsx_export_holds_the_same_rows_as_typed_cells(client, log, admin):
    response = client.get("/audit/export.xlsx?action=assist_in")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.title == "Nhật ký truy cập"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert list(rows[1]) == [datetime(2026, 11, 26, 10, 0), "Lê Văn Quầy", "Nhân viên cơ sở", None,
                             "Nhân viên ghi vào hộ một người", "venue=ABC123", 1]
    assert len(rows) == 2


def test_each_export_is_audited_with_the_filters_but_not_the_typed_text(client, log, admin):
    client.get("/audit/export.csv?person=0912 556 001&action=lookup&date_from=25/11/2026")
    client.get("/audit/export.xlsx")
    first, second = exports()
    assert (first.actor_id, first.actor_role, first.case_id, first.row_count) == (admin.id, "province_admin", None, 1)
    assert first.query == f"accounts={log['lan'].id} action=lookup format=csv from=2026-11-25"
    assert "556" not in first.query  # the phone typed in the filter is not kept
    assert second.query == "format=xlsx" and second.row_count == 4  # the first export is in the second
    # The dashboard's count is of tracers' look-ups: reading the log is not one of them.
    assert entries_since(utc(2026, 1, 1)) == 2
    html = client.get("/audit/?action=audit_export").get_data(as_text=True)
    assert html.count("Xuất nhật ký truy cập</td>") == 2 and "(Quản trị cấp tỉnh/thành phố)" in html


def test_an_export_with_no_match_is_an_empty_file_and_still_audited(client, log, admin):
    body = client.get("/audit/export.csv?person=Không Ai").get_data().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body))) == [HEADER]
    assert [(e.query, e.row_count) for e in exports()] == [("accounts=none format=csv", 0)]


def test_exports_are_capped_newest_first(client, make, admin, monkeypatch):
    from portal.audit import download

    monkeypatch.setattr(download, "MAX_ROWS", 2)
    tracer = make.user(role="tracer")
    start = utc(2026, 11, 20, 1, 0)
    for n in range(5):
        record(tracer, None, "visits", {"n": n}, 1, start + timedelta(minutes=n))
    db.session.commit()
    sheet = load_workbook(io.BytesIO(client.get("/audit/export.xlsx").get_data())).active
    assert [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["n=4", "n=3"]
    assert exports()[0].row_count == 2
    assert "tối đa 2 mục mới nhất" in client.get("/audit/").get_data(as_text=True)


def test_only_province_administrators_read_or_export_the_log(client, login, make, log):
    for url in ("/audit/", "/audit/export.csv", "/audit/export.xlsx"):
        assert client.get(url).status_code == 302  # to the login page
    for role in ("owner", "staff", "checkpoint", "ward_official", "tracer"):
        login(make.user(role=role, wards=make.wards(1) if role == "ward_official" else ()))
        for url in ("/audit/", "/audit/export.csv", "/audit/export.xlsx", "/audit/?action=lookup"):
            assert client.get(url).status_code == 404, (role, url)
        client.post("/auth/logout")
    login(make.user(role="province_admin"))
    assert client.get("/audit/export.html").status_code == 404
    assert client.get("/audit/export.pdf").status_code == 404
    assert exports() == []
