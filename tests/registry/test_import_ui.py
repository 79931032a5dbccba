"""The import page and `flask registry import`: what officials see and what the command prints."""
import io

from sqlalchemy import func, select

from portal.extensions import db
from portal.registry.models import Establishment

from ..html import check_page
from ..reports.data import csv_bytes, xlsx_bytes


def upload(client, data, name="registry.csv"):
    return client.post("/registry/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def count():
    return db.session.scalar(select(func.count()).select_from(Establishment))


def test_official_imports_a_file_and_sees_what_changed(client, make, login):
    ward = make.wards(1)[0]
    login(make.user(role="ward_official", wards=[ward]))
    client.set_cookie("lang", "en")
    html = check_page(client.get("/registry/import"))
    assert 'enctype="multipart/form-data"' in html
    html = check_page(upload(client, xlsx_bytes([["3700000001", "Tạp hoá An", "1 Street", ward.code, "shop"],
                                                  ["3700000002", "Chợ Bình", "2 Street", ward.name, "market"]]),
                             "registry.xlsx"))
    assert "The file is imported." in html and "2 new establishments" in html
    assert "registry.xlsx" in html  # recent imports
    assert count() == 2


def test_bad_file_lists_each_row_in_the_page_and_imports_nothing(client, make, login):
    ward = make.wards(1)[0]
    login(make.user(role="province_admin"))
    client.set_cookie("lang", "en")
    data = csv_bytes([["3700000001", "Good", "1 Street", ward.code, ""],
                      ["bad", "Bad number", "2 Street", ward.code, ""],
                      ["3700000003", "Nowhere", "3 Street", "Phường Không Có", ""]])
    html = check_page(upload(client, data), 422)
    assert "Nothing was imported" in html and "2 rows have problems" in html
    assert "<td>not a registration or tax number: 10 digits, or 13 for a branch (bad)</td><td>1</td><td>3</td>" in html
    assert "<td>unknown ward (1 ward: Phường Không Có)</td><td>1</td><td>4</td>" in html
    assert count() == 0


def test_missing_or_unreadable_file_is_a_form_error_not_a_500(client, make, login):
    login(make.user(role="province_admin"))
    client.set_cookie("lang", "en")
    html = check_page(client.post("/registry/import", data={}, content_type="multipart/form-data"), 422)
    assert "Choose the file to import." in html
    html = check_page(upload(client, b"\x00\x01\x02binary", "photo.jpg"), 422)
    assert "This is not a CSV or XLSX file" in html
    html = check_page(upload(client, b"", "empty.csv"), 422)
    assert "The file is empty." in html


def test_cli_imports_a_good_file(runner, make, tmp_path):
    ward = make.wards(1)[0]
    path = tmp_path / "registry.csv"
    path.write_bytes(csv_bytes([["3700000001", "An", "1 Street", ward.code, "shop"]], encoding="utf-8-sig"))
    result = runner.invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 rows: 1 added" in result.output
    assert count() == 1


def test_cli_lists_bad_rows_and_imports_nothing(runner, make, tmp_path):
    ward = make.wards(1)[0]
    path = tmp_path / "registry.csv"
    path.write_bytes(csv_bytes([["3700000001", "An", "1 Street", ward.code, ""],
                                ["3700000001", "Twice", "2 Street", ward.code, ""],
                                ["3700000003", "Hà Nội", "3 Street", "70", ""]]))
    result = runner.invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 1
    assert "row 3:" in result.output and "row 4:" in result.output
    assert "2 bad rows; nothing was imported" in result.output
    assert count() == 0
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = runner.invoke(args=["registry", "import", str(empty)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_a_file_of_many_bad_rows_counts_them_all_but_keeps_only_the_first_problems(client, runner, make, login,
                                                                                    tmp_path):
    from portal.registry.limits import MAX_PROBLEMS

    login(make.user(role="province_admin"))
    client.set_cookie("lang", "en")
    data = csv_bytes([[f"37{i:08d}", "Nowhere", "1 Street", "Phường Không Có", ""] for i in range(MAX_PROBLEMS + 1000)])
    html = check_page(upload(client, data), 422)
    assert f"{MAX_PROBLEMS + 1000} rows have problems" in html
    assert f"Only the first {MAX_PROBLEMS} problems are listed" in html
    assert f"<td>{MAX_PROBLEMS}</td><td>2–{MAX_PROBLEMS + 1}</td>" in html
    path = tmp_path / "registry.csv"
    path.write_bytes(data)
    result = runner.invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 1 and f"{MAX_PROBLEMS + 1000} bad rows; nothing was imported" in result.output
    assert f"only the first {MAX_PROBLEMS} problems are listed" in result.output
    assert count() == 0
