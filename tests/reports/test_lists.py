"""The three ward lists: what is on them, filters, sorting, pages, printing and exports."""
import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from portal.extensions import db
from portal.clock import utcnow
from portal.reports import lists

from ..html import check_page
from ..factories import establishment, visit, visitor


def fetch(kind, ward, now=None, **args):
    rows, total = lists.fetch(lists.ListQuery.parse(kind, ward.code, args), now or utcnow())
    return [r["place"].name for r in rows], total


def test_not_registered_lists_listed_establishments_without_venue_in_the_ward(make):
    a, b = make.wards(2)
    establishment(a, name="Chưa đăng ký", category="market")
    establishment(a, name="Đã đăng ký", venue=make.venue(ward_code=a.code))
    establishment(a, name="Đã nghỉ", status="departed")
    establishment(b, name="Phường khác")
    establishment(a, name="Bách hoá", category="shop")
    assert fetch("not-registered", a) == (["Bách hoá", "Chưa đăng ký"], 2)
    assert fetch("not-registered", a, category="market") == (["Chưa đăng ký"], 1)
    assert fetch("not-registered", a, sort="name", order="desc")[0] == ["Chưa đăng ký", "Bách hoá"]
    assert fetch("not-registered", a, category="nonsense", sort="'; drop", page="-4")[1] == 2


def test_not_used_lists_active_venues_without_a_check_in_for_n_days(make):
    ward = make.wards(1)[0]
    now = utcnow()
    person = visitor()
    busy = make.venue(name="Có khách", ward_code=ward.code)
    quiet = make.venue(name="Vắng 5 ngày", ward_code=ward.code)
    make.venue(name="Chưa ai quét", ward_code=ward.code)
    closed = make.venue(name="Đã đóng", ward_code=ward.code)
    closed.status = "closed"
    db.session.commit()
    visit(busy, person, now - timedelta(hours=30), timedelta(minutes=20), "self")
    visit(quiet, person, now - timedelta(days=5), timedelta(minutes=20), "self")
    names, total = fetch("not-used", ward)
    assert total == 2 and set(names) == {"Vắng 5 ngày", "Chưa ai quét"}
    assert set(fetch("not-used", ward, days="1")[0]) == {"Có khách", "Vắng 5 ngày", "Chưa ai quét"}
    assert fetch("not-used", ward, days="7")[0] == ["Chưa ai quét"]
    assert fetch("not-used", ward, sort="last_in", order="desc")[0][0] == "Vắng 5 ngày"


def test_no_exits_lists_venues_where_fewer_than_half_checked_out_themselves(make):
    ward = make.wards(1)[0]
    now = utcnow()
    person = visitor()
    forgetful = make.venue(name="Quên quét ra", ward_code=ward.code)
    careful = make.venue(name="Quét ra đủ", ward_code=ward.code)
    half = make.venue(name="Một nửa", ward_code=ward.code)
    at = now - timedelta(days=1)
    for method in ("self", "auto", "auto", "moved"):
        visit(forgetful, person, at, timedelta(hours=1), method)
    visit(forgetful, person, at, None, None)  # still open: not counted
    visit(forgetful, person, now - timedelta(days=20), timedelta(hours=1), "self")  # outside 7 days
    for method in ("self", "staff", "auto"):
        visit(careful, person, at, timedelta(hours=1), method)
    for method in ("assisted", "auto"):
        visit(half, person, at, timedelta(hours=1), method)
    rows, total = lists.fetch(lists.ListQuery.parse("no-exits", ward.code, {}), now)
    assert total == 1
    assert (rows[0]["place"].name, rows[0]["closed"], rows[0]["proper"], rows[0]["share"]) == ("Quên quét ra", 4, 1, 25)
    assert fetch("no-exits", ward, days="30")[0] == ["Quên quét ra"]  # 2 of 5 closed visits


def test_lists_page_sort_links_and_pages(client, make, login):
    ward = make.wards(1)[0]
    for i in range(60):
        establishment(ward, name=f"Cơ sở {i:02d}")
    login(make.user(role="ward_official", wards=[ward]))
    client.set_cookie("lang", "en")
    html = check_page(client.get(f"/reports/wards/{ward.code}/not-registered"))
    assert "60 places" in html and "Page 1 of 2" in html and "Cơ sở 00" in html and "Cơ sở 50" not in html
    assert f"/reports/wards/{ward.code}/not-registered?sort=name&amp;order=desc" in html
    html = check_page(client.get(f"/reports/wards/{ward.code}/not-registered?page=2"))
    assert "Cơ sở 59" in html and "Cơ sở 00" not in html and 'rel="prev"' in html
    html = check_page(client.get(f"/reports/wards/{ward.code}/not-registered?page=99"))
    assert "Nothing in this list." in html
    html = check_page(client.get(f"/reports/wards/{ward.code}/not-registered?print=1"))
    assert 'class="field-list"' in html and "Cơ sở 00" in html and "Cơ sở 59" in html
    assert check_page(client.get(f"/reports/wards/{ward.code}/nonsense"), 404)
    assert check_page(client.get(f"/reports/wards/{ward.code}/not-used.pdf"), 404)


def test_exports_follow_the_filter_and_hold_no_visitor_data(client, make, login):
    ward = make.wards(1)[0]
    person = visitor(name="Trần Thị Riêng Tư", phone="+84987654321")
    venue = make.venue(name="Chợ Đêm", category="market", ward_code=ward.code)
    for method in ("auto", "auto", "self"):
        visit(venue, person, utcnow() - timedelta(days=1), timedelta(hours=1), method)
    establishment(ward, name="Chợ Sáng", category="market")
    establishment(ward, name="Tiệm Vàng", category="shop")
    login(make.user(role="ward_official", wards=[ward]))
    client.set_cookie("lang", "en")
    response = client.get(f"/reports/wards/{ward.code}/not-registered.csv?category=market")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Registration number", "Place name"] and [r[1] for r in rows[1:]] == ["Chợ Sáng"]
    response = client.get(f"/reports/wards/{ward.code}/no-exits.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][1] == "Chợ Đêm" and values[1][4:7] == [3, 1, 33]
    pages = [client.get(f"/reports/wards/{ward.code}/{kind}{suffix}").data
             for kind in lists.KINDS for suffix in ("", ".csv", "?print=1")]
    pages += [client.get(f"/registry/venues/{venue.short_code}/").data, client.get("/reports/").data,
              client.get(f"/reports/wards/{ward.code}/").data, client.get("/reports/high-risk").data]
    for body in pages:
        text = body.decode("utf-8", "replace")
        assert "Riêng Tư" not in text and "987654321" not in text and "987 654 321" not in text
