"""The QR compliance lists: who sees which venues (404 outside the scope), filters, pages and downloads."""
import csv
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from portal.extensions import db

from ..factories import establishment
from ..html import check_page
from .compliance_data import NOW, TODAY, good_venue, inspect, scans
from .helpers import inspector, signed_in


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setattr("portal.inspection.views.compliance.utcnow", lambda: NOW)
    return NOW


def seed(make, app):
    """Ward a: a market meeting the conditions, a shop to fix, a silent restaurant; ward b: a market."""
    a, b = make.wards(2)
    checker = inspector(make, app, ["market", "shop"], [a])
    market = good_venue(make, a, checker, name="Chợ Ấp Bắc")
    shop = make.venue(name="Tiệm Tạp Hoá An", category="shop", ward_code=a.code)
    establishment(a, venue=shop)
    inspect(shop, checker, "to_fix", fix_by=TODAY + timedelta(days=4), note="Thiếu mã ở cổng phụ")
    scans(shop, checked_out=3, forgot=0)
    silent = make.venue(name="Quán Ăn Im Ắng", category="restaurant", ward_code=a.code)
    far = good_venue(make, b, checker, name="Chợ Bình An")
    return a, b, checker, {"market": market, "shop": shop, "silent": silent, "far": far}


def listed(html, places):
    return {key for key, venue in places.items() if venue.short_code in html}


def test_each_role_sees_only_its_scope(app, make, client, fixed_clock):
    a, b, checker, places = seed(make, app)
    official = signed_in(app, make.user(role="ward_official", wards=[a]))
    assert listed(check_page(official.get("/inspection/compliance/")), places) == {"market", "shop", "silent"}
    assert official.get(f"/inspection/compliance/?ward={b.code}").status_code == 404
    assert official.get(f"/inspection/compliance.csv?ward={b.code}").status_code == 404

    sector = signed_in(app, checker)  # markets and shops of ward a only
    assert listed(check_page(sector.get("/inspection/compliance/")), places) == {"market", "shop"}
    assert sector.get(f"/inspection/compliance/?ward={b.code}").status_code == 404
    assert sector.get(f"/inspection/{places['silent'].short_code}/certificate").status_code == 404

    admin = signed_in(app, make.user(role="province_admin"))
    html = check_page(admin.get("/inspection/compliance/"))
    assert listed(html, places) == {"market", "shop", "silent", "far"}
    assert "Per ward" in html and a.name in html and b.name in html

    for role in ("owner", "tracer", "staff"):
        assert signed_in(app, make.user(role=role)).get("/inspection/compliance/").status_code == 404
    assert client.get("/inspection/compliance/").status_code == 302  # to the login page


def test_the_list_shows_states_and_reasons_and_filters_by_state_ward_and_category(app, make, fixed_clock):
    a, b, _checker, places = seed(make, app)
    admin = signed_in(app, make.user(role="province_admin"))
    html = check_page(admin.get(f"/inspection/compliance/?ward={a.code}"))
    assert listed(html, places) == {"market", "shop", "silent"}
    assert "To fix by 24/11/2026 (inspection of 17/11/2026): Thiếu mã ở cổng phụ" in html
    assert "No check-in in the last 7 days." in html and "Never inspected." in html
    # Vietnamese order: Chợ Ấp Bắc, Quán Ăn Im Ắng, Tiệm Tạp Hoá An
    order = [html.index(places[k].short_code) for k in ("market", "silent", "shop")]
    assert order == sorted(order)
    assert listed(admin.get("/inspection/compliance/?state=meets").get_data(as_text=True), places) \
        == {"market", "far"}
    assert listed(admin.get("/inspection/compliance/?state=not_compliant").get_data(as_text=True), places) \
        == {"silent"}
    assert listed(admin.get("/inspection/compliance/?category=shop").get_data(as_text=True), places) == {"shop"}
    assert listed(admin.get(f"/inspection/compliance/?state=meets&ward={b.code}").get_data(as_text=True),
                  places) == {"far"}
    # The per-ward summary counts every state whatever the state asked.
    html = admin.get("/inspection/compliance/?state=meets").get_data(as_text=True)
    cells = re.search(rf">{re.escape(a.name)}</a></th>(.*?)</tr>", html).group(1)
    assert re.findall(r"<td>(\d+)</td>", cells) == ["1", "0", "1", "1", "3"]
    # Unknown filter values are dropped, never an error.
    assert check_page(admin.get("/inspection/compliance/?state=x&category=%3Cb%3E&page=abc"))


def test_the_list_is_paged(app, make, fixed_clock):
    ward = make.wards(1)[0]
    for n in range(52):
        make.venue(name=f"Quán Số {n + 1}", ward_code=ward.code)
    official = signed_in(app, make.user(role="ward_official", wards=[ward]))
    first = check_page(official.get("/inspection/compliance/"))
    assert "Page 1 of 2" in first and "Quán Số 50<" in first and "Quán Số 51<" not in first
    second = check_page(official.get("/inspection/compliance/?page=2"))
    assert "Quán Số 51<" in second and "Quán Số 52<" in second and "Quán Số 9<" not in second


def test_csv_and_xlsx_exports_hold_the_filtered_rows_with_reasons(app, make, fixed_clock):
    a, _b, _checker, places = seed(make, app)
    official = signed_in(app, make.user(role="ward_official", wards=[a]))
    response = official.get("/inspection/compliance.csv?state=to_fix")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "compliance-all-to_fix.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["Venue code", "Place name", "Address", "Ward", "Category", "Registration number", "State",
                       "Reasons", "Last inspection", "Check-ins", "Checked out by the visitor"]
    assert len(rows) == 2 and rows[1][0] == places["shop"].short_code and rows[1][6] == "To fix"
    assert "Thiếu mã ở cổng phụ" in rows[1][7] and rows[1][9] == "3" and rows[1][10] == "100"
    book = load_workbook(io.BytesIO(official.get(f"/inspection/compliance.xlsx?ward={a.code}").data))
    values = [[c.value for c in r] for r in book.active.iter_rows()]
    assert [v[1] for v in values[1:]] == ["Chợ Ấp Bắc", "Quán Ăn Im Ắng", "Tiệm Tạp Hoá An"]
    assert [v[6] for v in values[1:]] == ["Meets the conditions", "Not compliant", "To fix"]
    assert values[1][9] == 5 and values[2][9] == 0
    assert official.get("/inspection/compliance.pdf").status_code == 404


def test_a_name_starting_with_a_formula_is_exported_as_text(app, make, fixed_clock):
    ward = make.wards(1)[0]
    venue = make.venue(name="=HYPERLINK(\"http://x\")", ward_code=ward.code)
    db.session.commit()
    official = signed_in(app, make.user(role="ward_official", wards=[ward]))
    rows = list(csv.reader(io.StringIO(official.get("/inspection/compliance.csv").data.decode("utf-8-sig"))))
    assert rows[1][0] == venue.short_code and rows[1][1].startswith("'=")
