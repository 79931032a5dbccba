"""Zone levels with history, who may set them, and the high-risk places list."""
import csv
import io
from datetime import date, timedelta

from sqlalchemy import func, select

from portal.extensions import db
from portal.clock import utcnow
from portal.reports.models import ZoneLevel
from portal.clock import local_date
from portal.reports.zones import history, levels_on, set_level

from ..html import check_page
from ..factories import visit, visitor


def test_levels_keep_their_history_and_the_latest_effective_one_wins(make):
    a, b = make.wards(2)
    admin = make.user(role="province_admin")
    set_level(admin, a, 3, date(2026, 10, 1), "Quyết định 1")
    set_level(admin, a, 2, date(2026, 11, 1), "Quyết định 2")
    set_level(admin, a, 1, date(2026, 11, 1), "Sửa lại cùng ngày")
    set_level(admin, a, 4, date(2026, 12, 1))
    set_level(admin, b, 2, date(2026, 11, 15))
    db.session.commit()
    assert levels_on([a.code], date(2026, 9, 30)) == {}
    assert levels_on([a.code], date(2026, 10, 31))[a.code].level == 3
    assert levels_on([a.code], date(2026, 11, 20))[a.code].level == 1  # same day: set last wins
    assert levels_on([a.code], date(2026, 12, 1))[a.code].level == 4
    assert {c: e.level for c, e in levels_on(None, date(2026, 11, 20)).items()} == {a.code: 1, b.code: 2}
    assert [e.level for e in history(a)] == [4, 1, 2, 3]


def test_province_admin_sets_a_level_from_the_page(client, make, login):
    ward = make.wards(1)[0]
    login(make.user(role="province_admin"))
    client.set_cookie("lang", "en")
    today = local_date(utcnow())
    response = client.post("/reports/zones", data={"ward_code": ward.code, "level": "3",
                                                   "effective_on": today.strftime("%d/%m/%Y"), "note": "QĐ 12"})
    assert response.status_code == 302
    html = check_page(client.get(f"/reports/wards/{ward.code}/"))
    assert 'class="zone zone-3"' in html
    html = check_page(client.get("/reports/"))
    assert "row-zone-3" in html
    future = today + timedelta(days=10)
    client.post("/reports/zones", data={"ward_code": ward.code, "level": "1", "effective_on": future.isoformat()})
    html = check_page(client.get(f"/reports/zones/{ward.code}"))
    assert "(upcoming)" in html and "QĐ 12" in html
    table = html.split("<tbody>")[1]
    assert table.index("zone-1") < table.index("zone-3")  # newest first


def test_bad_levels_are_refused_and_nothing_is_saved(client, make, login):
    ward = make.wards(1)[0]
    login(make.user(role="province_admin"))
    client.set_cookie("lang", "en")
    for data, message in [
        ({"ward_code": ward.code, "level": "5", "effective_on": "2026-11-01"}, "Choose the level."),
        ({"ward_code": "99999", "level": "2", "effective_on": "2026-11-01"}, "Choose the ward or commune."),
        ({"ward_code": ward.code, "level": "2", "effective_on": "hôm qua"}, "Enter the date as day/month/year"),
        ({"ward_code": ward.code, "level": "2", "effective_on": "2026-11-01", "note": "<b>x</b>"}, "&lt; and &gt;"),
    ]:
        html = check_page(client.post("/reports/zones", data=data), 422)
        assert message in html, message
    assert db.session.scalar(select(func.count()).select_from(ZoneLevel)) == 0


def test_ward_officials_see_levels_but_cannot_set_them(client, make, login):
    a, b = make.wards(2)
    login(make.user(role="ward_official", wards=[a]))
    html = check_page(client.get("/reports/zones"))
    assert "<form method=\"post\"" not in html.split("</header>")[1] and a.name in html and b.name not in html
    assert client.post("/reports/zones", data={"ward_code": a.code, "level": "1",
                                               "effective_on": "2026-11-01"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ZoneLevel)) == 0


def test_high_risk_places_by_visitors_in_green_and_yellow_wards(client, make, login):
    a, b = make.wards(2)
    admin = make.user(role="province_admin")
    set_level(admin, a, 2, date(2026, 1, 1))
    set_level(admin, b, 4, date(2026, 1, 1))
    db.session.commit()
    people = [visitor(phone=f"+8491200000{i}") for i in range(3)]
    market = make.venue(name="Chợ Lớn", category="market", ward_code=a.code)
    factory = make.venue(name="Nhà máy", category="factory", ward_code=a.code)
    cafe = make.venue(name="Cà phê", category="restaurant", ward_code=a.code)
    station = make.venue(name="Bến xe", category="station", ward_code=b.code)
    yesterday = utcnow() - timedelta(days=1)
    for person in people:
        visit(market, person, yesterday)
        visit(cafe, person, yesterday)
        visit(station, person, yesterday)
    visit(factory, people[0], yesterday)
    visit(factory, people[0], yesterday - timedelta(hours=3))
    visit(factory, people[1], utcnow() - timedelta(days=9))  # older than 7 days
    login(admin)
    client.set_cookie("lang", "en")
    html = check_page(client.get("/reports/high-risk?level=low"))
    assert "Chợ Lớn" in html and "Nhà máy" in html and "Cà phê" not in html and "Bến xe" not in html
    assert html.index("Chợ Lớn") < html.index("Nhà máy")
    html = check_page(client.get("/reports/high-risk"))
    assert "Bến xe" in html
    rows = list(csv.reader(io.StringIO(client.get("/reports/high-risk.csv?level=low").data.decode("utf-8-sig"))))
    assert [(r[4], r[7], r[8]) for r in rows[1:]] == [("Chợ Lớn", "3", "3"), ("Nhà máy", "1", "2")]
