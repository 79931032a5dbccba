"""The import page tells the story of a refused file and shows how types were read before importing."""
import csv
import io
import re

from sqlalchemy import func, select

from portal.collation import sorted_vi
from portal.extensions import db
from portal.registry.categories import CategoryResolver
from portal.registry.models import Establishment, RegistryCheck

from ..html import check_page
from ..reports.data import csv_bytes
from .test_import_ui import count, upload


def csv_link(html):
    return re.search(r'href="(/registry/import/problems/[^"]+\.csv)"', html).group(1)


def test_rows_outside_the_wards_are_told_in_one_line_naming_the_wards_of_the_file(client, make, login):
    mine, *others = make.wards(4)
    login(make.user(role="ward_official", wards=[mine]))
    client.set_cookie("lang", "en")
    rows = [[f"37{i:08d}", f"Place {i}", f"{i} Street", others[i % 3].name, "shop"] for i in range(240)]
    rows.append(["3799999999", "Mine", "1 Street", mine.code, "shop"])
    html = check_page(upload(client, csv_bytes(rows)), 422)
    file_wards = ", ".join(sorted_vi(w.name for w in [mine, *others]))
    assert "240 of the 241 rows are in wards outside your area." in html
    assert f"The file covers 4 wards: {file_wards}.\nYour area: {mine.name}.</p>" in html
    others_sorted = ", ".join(sorted_vi(w.name for w in others))
    # One group, not 240 lines: the rows, how many, and the wards they name.
    assert f"<td>ward not in your area (3 wards: {others_sorted})</td><td>240</td><td>2–241</td>" in html
    assert "is not one of your wards" not in html  # no line per row
    assert count() == 0


def test_identical_problems_are_one_line_and_the_page_holds_a_screenful(client, make, login, monkeypatch):
    ward = make.wards(1)[0]
    login(make.user(role="province_admin"))
    client.set_cookie("lang", "en")
    rows = []
    for i in range(60):  # a bad row every other row: 30 separate runs of row numbers
        rows.append([f"37{i:08d}", f"Place {i}", "1 Street", ward.code if i % 2 else "", ""])
    rows += [[f"38{i:08d}", f"Odd {i}", "2 Street", f"Phường Không Có {i:02d}", ""] for i in range(15)]
    rows.append(["12", "Short number", "3 Street", ward.code, ""])
    html = check_page(upload(client, csv_bytes(rows)), 422)
    assert "46 rows have problems" in html
    assert "<td>the ward is missing</td><td>30</td><td>2, 4, 6, 8, 10, 12, 14, 16, 18, 20 and 20 more</td>" in html
    assert ("unknown ward (15 wards: Phường Không Có 00, Phường Không Có 01, Phường Không Có 02, Phường Không Có 03, "
            "Phường Không Có 04, Phường Không Có 05, Phường Không Có 06, Phường Không Có 07, Phường Không Có 08, "
            "Phường Không Có 09, and 5 more)</td><td>15</td><td>62–76</td>") in html
    assert "not a registration or tax number: 10 digits, or 13 for a branch (12)</td><td>1</td><td>77</td>" in html
    # The most rows first; more kinds than fit are counted, not listed.
    assert html.index("the ward is missing") < html.index("unknown ward (") < html.index("(12)")
    monkeypatch.setattr("portal.registry.views.imports.MAX_GROUPS", 2)
    html = check_page(upload(client, csv_bytes(rows)), 422)
    assert "… and 1 more kinds of problems." in html and "(12)</td>" not in html


def test_the_full_list_of_problems_downloads_as_csv_for_its_official_only(client, make, login):
    ward = make.wards(1)[0]
    official = make.user(role="province_admin")
    login(official)
    client.set_cookie("lang", "en")
    rows = [[f"37{i:08d}", f"Place {i}", "1 Street", "" if i % 2 else ward.code, ""] for i in range(40)]
    rows.append(["3700000000", "Same number", "2 Street", ward.code, ""])
    html = check_page(upload(client, csv_bytes(rows, header=["MST", "Tên", "Địa chỉ", "Phường", "Loại"])), 422)
    link = csv_link(html)
    response = client.get(link)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert table[0] == ["Row", "Column", "Problem", "Value"]
    assert len(table) == 1 + 21  # every problem, not a screenful: 20 missing wards and the repeated number
    assert table[1] == ["3", "ward", "the ward is missing", ""]
    assert table[-1] == ["42", "registration or tax number", "registration number 3700000000 is also on row 2",
                         "3700000000"]
    login(make.user(role="province_admin", name="Người Khác"))
    assert client.get(link).status_code == 404  # another official's list
    assert client.get("/registry/import/problems/nothing.csv").status_code == 404


def test_synonyms_are_shown_before_the_import_and_clinics_reach_the_clinics_filter(client, make, login):
    ward = make.wards(1)[0]
    login(make.user(role="ward_official", wards=[ward]))
    client.set_cookie("lang", "en")
    data = csv_bytes([
        ["3700000001", "Phòng khám Đa khoa An Bình", "1 Street", ward.code, "Cơ sở y tế"],
        ["3700000002", "Nha khoa Sài Gòn", "2 Street", ward.code, "CO SO Y TE"],
        ["3700000003", "Công ty May Việt", "3 Street", ward.code, "Doanh nghiệp"],
        ["3700000004", "Tiệm lạ", "4 Street", ward.code, "Loại gì đó"],
        ["3700000005", "Tạp hoá Cô Ba", "5 Street", ward.code, "Cửa hàng"],
    ])
    html = check_page(upload(client, data))
    assert "Check how the establishment types were read" in html and "Nothing is imported yet" in html
    assert "<td>Cơ sở y tế</td><td>2</td><td>Hospitals and clinics</td>" in html
    assert "<td>Doanh nghiệp</td><td>1</td><td>Offices and agencies</td>" in html
    assert "<td>Loại gì đó</td><td>1</td><td>Other (type not recognised)</td>" in html
    assert "<td>Cửa hàng</td><td>1</td><td>Shops</td>" in html
    assert count() == 0
    key = re.search(r'name="check" type="hidden" value="([^"]+)"', html).group(1)
    html = check_page(client.post("/registry/import/confirm", data={"check": key}))
    assert "The file is imported." in html and "5 new establishments" in html
    assert "1 rows with an unknown category were filed as “Other”" in html
    assert "<td>Cơ sở y tế</td><td>2</td><td>Hospitals and clinics</td>" in html  # what was done, kept in view
    assert db.session.scalar(select(func.count()).where(Establishment.category == "health")) == 2
    assert db.session.scalar(select(func.count()).select_from(RegistryCheck)) == 0  # used once
    clinics = client.get(f"/reports/wards/{ward.code}/not-registered?category=health").get_data(as_text=True)
    assert "Phòng khám Đa khoa An Bình" in clinics and "Nha khoa Sài Gòn" in clinics
    assert "Công ty May Việt" not in clinics
    # The same key again: the file was imported and is gone.
    html = check_page(client.post("/registry/import/confirm", data={"check": key}), 422)
    assert "The checked file is kept for an hour only: choose it again." in html


def test_files_whose_types_are_category_names_import_at_once(client, make, login):
    ward = make.wards(1)[0]
    login(make.user(role="ward_official", wards=[ward]))
    data = csv_bytes([["3700000001", "Bệnh viện Quận", "1 Street", ward.code, "Bệnh viện, phòng khám"],
                      ["3700000002", "Phòng khám A", "2 Street", ward.code, "Phòng khám"],
                      ["3700000003", "Quán B", "3 Street", ward.code, "cà phê"],
                      ["3700000004", "Nhà máy C", "4 Street", ward.code, "Factories and production sites"]])
    html = check_page(upload(client, data))
    assert "Đã nhập tệp." in html
    assert [e.category for e in db.session.scalars(select(Establishment).order_by(Establishment.id))] == [
        "health", "health", "restaurant", "factory"]


def test_the_preview_speaks_vietnamese(client, make, login):
    ward = make.wards(1)[0]
    login(make.user(role="ward_official", wards=[ward]))
    html = check_page(upload(client, csv_bytes([["3700000001", "Trạm A", "1 Đường", ward.code, "trạm y tế xã"],
                                                ["3700000002", "B", "2 Đường", "", "chợ"]])), 422)
    assert "Chưa nhập gì" in html and "<td>thiếu phường/xã</td>" in html
    html = check_page(upload(client, csv_bytes([["3700000001", "Trạm A", "1 Đường", ward.code, "trạm y tế xã"]])))
    assert "Kiểm tra cách đọc loại hình cơ sở" in html
    assert "<td>trạm y tế xã</td><td>1</td><td>Bệnh viện, phòng khám</td>" in html
    assert "Nhập với các loại hình này" in html


def test_types_are_read_without_case_or_accents_and_by_their_first_words(app):
    with app.test_request_context():
        resolver, exact = CategoryResolver(), CategoryResolver()
    assert resolver.resolve("CƠ SỞ Y TẾ") == ("health", True)
    assert resolver.resolve("co so y te") == ("health", True)
    assert resolver.resolve("Phòng khám nha khoa Mặt Trời") == ("health", True)
    assert resolver.resolve("Doanh nghiệp sản xuất") == ("factory", True)  # the longer words win
    assert resolver.resolve("Siêu thị mini") == ("supermarket", True)
    assert resolver.resolve("Chợ") == ("market", True)
    assert resolver.resolve("Loại gì đó") == ("other", False)
    readings = {r.value: (r.category, r.how, r.rows) for r in resolver.to_check()}
    assert readings["CƠ SỞ Y TẾ"] == ("health", "synonym", 2)  # the first spelling names both
    assert readings["Chợ"] == ("market", "exact", 1)
    assert readings["Loại gì đó"] == ("other", "unknown", 1)
    exact.resolve("shop")
    exact.resolve("Chợ")
    exact.resolve("")
    assert exact.to_check() == []  # nothing to confirm


def test_the_command_line_prints_how_types_were_read(runner, make, tmp_path):
    ward = make.wards(1)[0]
    path = tmp_path / "registry.csv"
    path.write_bytes(csv_bytes([["3700000001", "An", "1 Street", ward.code, "cơ sở y tế"],
                                ["3700000002", "Bình", "2 Street", ward.code, "shop"]]))
    result = runner.invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "type “cơ sở y tế” (1 rows) filed as health" in result.output
    assert count() == 2


def test_a_kept_check_expires_after_an_hour_and_belongs_to_its_official(make):
    from datetime import timedelta

    from portal.clock import utcnow
    from portal.registry import checks

    official, other = make.user(role="province_admin"), make.user(role="province_admin", name="Người Khác")
    now = utcnow()
    key = checks.save_pending(official, "a.csv", b"data", now)
    assert checks.load(official, "pending", key, now + timedelta(minutes=59)).body == b"data"
    assert checks.load(official, "problems", key, now) is None  # the other kind
    assert checks.load(other, "pending", key, now) is None
    assert checks.load(official, "pending", key, now + timedelta(minutes=61)) is None
    checks.save_problems(other, "b.csv", [[2, "ward", "the ward is missing", ""]], now + timedelta(minutes=61))
    assert db.session.get(RegistryCheck, key) is None  # expired checks are deleted by the next one
