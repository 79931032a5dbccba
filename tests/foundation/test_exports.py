"""Export cells and headers: XLSX text is a string cell shown as typed, CSV keeps its quote."""
import csv
import io
import zipfile

from openpyxl import load_workbook

from portal.exports import CONTENT_TYPES, download, to_csv, to_xlsx

FORMULAS = ["=1+1", "+84 912 345 678", "-2+3", "@SUM(A1)", '=HYPERLINK("http://evil.example","Bấm")']


def test_xlsx_text_cells_are_strings_without_a_visible_quote():
    body = to_xlsx(["=Tên", "Số"], [[text, 7] for text in FORMULAS])
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows())
    assert [(c.value, c.data_type) for c in rows[0]] == [("=Tên", "s"), ("Số", "s")]
    assert [(r[0].value, r[0].data_type) for r in rows[1:]] == [(text, "s") for text in FORMULAS]
    assert all((r[1].value, r[1].data_type) == (7, "n") for r in rows[1:])
    sheet_xml = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"'=1+1" not in sheet_xml


def test_csv_keeps_its_protection():
    parsed = list(csv.reader(io.StringIO(to_csv(["=Tên"], [[t] for t in FORMULAS]).decode("utf-8-sig"))))
    assert [row[0] for row in parsed] == ["'=Tên"] + ["'" + text for text in FORMULAS]


def test_a_csv_download_names_the_charset_once(app):
    response = download(b"a", "csv", "x.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]
    assert response.headers["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    xlsx = download(b"a", "xlsx", "x.xlsx")
    assert xlsx.headers["Content-Type"] == CONTENT_TYPES["xlsx"] and "charset" not in xlsx.headers["Content-Type"]


def test_every_list_download_names_the_charset_once(client, make, login):
    ward = make.wards(1)[0]
    make.venue(name="=Quán Một", ward_code=ward.code, category="market")
    login(make.user(role="province_admin"))
    urls = [f"/reports/wards/{ward.code}/{kind}" for kind in ("not-registered", "not-used", "no-exits")]
    urls += ["/reports/high-risk", f"/registry/wards/{ward.code}/follow-ups"]
    for url in urls:
        csv_response = client.get(url + ".csv")
        assert csv_response.status_code == 200, url
        assert csv_response.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"], url
        xlsx_response = client.get(url + ".xlsx")
        assert xlsx_response.headers.getlist("Content-Type") == [CONTENT_TYPES["xlsx"]], url
