"""Crafted uploads are refused with a clear message before they cost memory or time, and a refused
file saves nothing: zip and XML bombs, lying sizes, huge declared sheets, row numbers past the cap."""
import io
import re
import secrets

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.clock import utcnow
from portal.registry import limits
from portal.registry.models import Establishment
from portal.registry.reader import FileRejected
from portal.registry.services import import_registry

from ..reports.data import HEADER_VI, csv_bytes, english
from .crafted import BILLION_LAUGHS, MAIN, declare_size, row, shared_strings, sheet, text_cell, workbook

pytestmark = pytest.mark.once
LAST = limits.MAX_ROW_NUMBER


def count():
    return db.session.scalar(select(func.count()).select_from(Establishment))


def refusal(data):
    """The English message of a refused file, after checking that nothing was saved."""
    with pytest.raises(FileRejected) as caught:
        import_registry(data, filename="crafted.xlsx", actor=None, province_code="79", now=utcnow())
    db.session.rollback()
    assert count() == 0
    return english(caught.value.message)


def good_row(number, ward, registration=None):
    return row(number, [registration or f"37{number:08d}", f"Cơ sở {number}", f"{number} Lê Lợi", ward.code, "shop"])


def strings_bomb():
    """Like the issue's 223 KB file: a shared-strings part that unpacks to 200 MB."""
    block = "<si><t>" + "Ư" * 4000 + "</t></si>"
    return workbook(sheet(""), [f'<sst xmlns="{MAIN}">'] + [block * 100] * 200 + ["</sst>"])


def test_the_shared_strings_bomb_is_refused_from_the_zip_directory(make):
    data = strings_bomb()
    assert len(data) < 1024 * 1024
    assert re.search(r"unpacks to \d{3,} times its packed size", refusal(data))


def test_shared_strings_are_capped_by_their_declared_count_and_again_as_they_stream(make, monkeypatch):
    declared = workbook(sheet(""), shared_strings(["a", "b"], declared=50_000_000))
    assert "more than 2000000 different texts" in refusal(declared)
    monkeypatch.setattr(limits, "MAX_SHARED_STRINGS", 1000)
    lying = workbook(sheet(""), shared_strings([f"text {i}" for i in range(1001)], declared=3))
    assert "more than 1000 different texts" in refusal(lying)
    monkeypatch.setattr(limits, "MAX_SHARED_TEXT", 1024 * 1024)
    big = workbook(sheet(""), shared_strings([secrets.token_hex(600) for _ in range(1000)]))  # 1.2 MB
    assert "take more than 1 MB" in refusal(big)


def test_a_text_longer_than_any_cell_is_refused_while_it_streams(make):
    ward = make.wards(1)[0]
    in_strings = workbook(sheet(""), shared_strings(["x" * (limits.MAX_CELL + 1)]))
    assert "more than 32767 characters" in refusal(in_strings)
    inline = workbook(sheet(row(2, ["3700000001", "y" * (limits.MAX_CELL + 1), "1 Lê Lợi", ward.code, ""])))
    assert "more than 32767 characters" in refusal(inline)


def test_a_sheet_declaring_row_200_million_is_refused_before_its_rows_are_read(make):
    ward = make.wards(1)[0]
    data = workbook(sheet(good_row(2, ward) + row(200_000_000, ["3700000002", "Far", "Away", ward.code, ""]),
                          dimension="A1:E200000000"))
    assert len(data) < 5000
    message = refusal(data)
    assert "goes down to row 200000000" in message and f"at most {LAST} rows" in message
    wide = workbook(sheet(good_row(2, ward), dimension="A1:XFD3"))
    assert "columns up to XFD" in refusal(wide)


def test_row_numbers_jumping_past_the_cap_are_refused_and_nothing_is_saved(make):
    ward = make.wards(1)[0]
    rows = good_row(2, ward) + good_row(3, ward) + row(LAST + 1, ["3700000009", "Past", "the cap", ward.code, ""])
    assert f"goes down to row {LAST + 1}" in refusal(workbook(sheet(rows)))
    # The last allowed number is fine, and nothing between is filled in.
    result = import_registry(workbook(sheet(good_row(2, ward) + good_row(LAST, ward))), filename="x.xlsx",
                             actor=None, province_code="79", now=utcnow())
    assert result.rows == 2 and count() == 2
    db.session.rollback()
    cell_far_right = f'<row r="2">{text_cell("A2", "3700000001")}{text_cell("ZZ2", "x")}</row>'
    assert "columns up to ZZ" in refusal(workbook(sheet(cell_far_right)))


def test_csv_rows_are_capped_by_number_and_by_length(make):
    ward = make.wards(1)[0]
    good = ["3700000001", "An", "1 Street", ward.code, "shop"]
    head = ",".join(HEADER_VI) + "\r\n" + ",".join(good) + "\r\n"
    blank_lines = (head + "\r\n" * (LAST - 2) + "3700000002,Far,2 Street," + ward.code + ",\r\n").encode()
    assert f"goes down to row {LAST + 1}" in refusal(blank_lines)
    long_line = csv_bytes([good, ["3700000002", "x" * limits.MAX_CSV_ROW, "2 Street", ward.code, ""]])
    assert f"Row 3 of the CSV file is longer than {limits.MAX_CSV_ROW} characters" in refusal(long_line)
    # Quoted line breaks cannot stretch one row past the cap either.
    stretched = (head + '3700000003,"' + "a\r\n" * (limits.MAX_CSV_ROW // 3 + 1) + '",3 Street,1,\r\n').encode()
    assert "Row 3 of the CSV file is longer" in refusal(stretched)


def test_a_zip_bomb_part_is_refused_from_its_declared_sizes(make):
    ward = make.wards(1)[0]
    zeros = [b"\x00" * (1024 * 1024)] * 50  # 50 MB of zeros pack into ~50 KB
    bomb = workbook(sheet(good_row(2, ward)), extra=[("xl/media/image1.png", zeros)])
    assert re.search(r"unpacks to \d{3,} times its packed size", refusal(bomb))
    honest = workbook(sheet(good_row(2, ward)), extra=[("xl/media/image1.png", b"\x89PNG" * 100)])
    huge = declare_size(honest, "xl/media/image1.png", 4_000_000_000)
    assert "more than 256 MB once unpacked" in refusal(huge)


def test_a_zip_of_a_thousand_parts_or_a_sheet_with_megabytes_before_its_rows_is_refused(make):
    ward = make.wards(1)[0]
    many = workbook(sheet(good_row(2, ward)), extra=[(f"xl/media/{i}.xml", "<a/>") for i in range(limits.MAX_PARTS)])
    assert "not laid out like a workbook" in refusal(many)
    columns = "".join(f'<col min="{i}" max="{i}" width="{i % 97}.{i % 7}"/>' for i in range(1, 60_000))
    padded = sheet(good_row(2, ward)).replace("<sheetData>", f"<cols>{columns}</cols><sheetData>")
    assert len(padded) > 2 * limits.MAX_PRELUDE
    assert "not laid out like a workbook" in refusal(workbook(padded))


def test_a_part_that_declares_less_than_it_holds_is_read_no_further(make):
    ward = make.wards(1)[0]
    data = workbook(sheet("".join(good_row(n, ward) for n in range(2, 500))))
    assert refusal(declare_size(data, "xl/worksheets/sheet1.xml", 1000)) == "The XLSX file is damaged."


def test_billion_laughs_and_external_entities_are_refused(make):
    ward = make.wards(1)[0]
    laughs = sheet(good_row(2, ward) + '<row r="3"><c r="B3" t="inlineStr"><is><t>&lol9;</t></is></c></row>',
                   doctype=BILLION_LAUGHS)
    assert "XML declarations that spreadsheets never write" in refusal(workbook(laughs))
    external = ['<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
                f'<sst xmlns="{MAIN}"><si><t>&secret;</t></si></sst>']
    assert "XML declarations" in refusal(workbook(sheet(""), external))


def test_the_import_page_refuses_crafted_files_in_the_users_language(client, make, login):
    ward = make.wards(1)[0]
    login(make.user(role="province_admin"))
    jump = workbook(sheet(good_row(2, ward) + row(200_000_000, ["3700000002", "Far", "x", ward.code, ""])))
    for data, vietnamese in ((strings_bomb(), "lớn gấp"), (jump, "200000000")):
        response = client.post("/registry/import", data={"file": (io.BytesIO(data), "registry.xlsx")},
                               content_type="multipart/form-data")
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and vietnamese in html, html[-3000:]
    assert count() == 0


def test_the_command_refuses_crafted_files(runner, make, tmp_path):
    ward = make.wards(1)[0]
    path = tmp_path / "registry.xlsx"
    path.write_bytes(workbook(sheet(good_row(2, ward), dimension="A1:E200000000")))
    result = runner.invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 1 and "200000000" in result.output and "Traceback" not in result.output
    path.write_bytes(workbook(sheet(good_row(2, ward), doctype=BILLION_LAUGHS)))
    result = runner.invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 1 and "XML" in result.output and "Traceback" not in result.output
    assert count() == 0
