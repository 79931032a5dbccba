"""Dashboards: figures on a known dataset, local days, SVG charts, scope and the province panels hook."""
from datetime import datetime, timedelta, timezone

from markupsafe import Markup

from portal import signals
from portal.extensions import db
from portal.reports.figures import daily_checkins, totals, ward_figures

from ..html import check_page
from ..factories import establishment, visit, visitor

# 10:00 on 20/11/2026 in Hồ Chí Minh City (UTC+7).
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)


def known_ward(make, ward):
    """4 listed establishments (2 with a venue), 1 departed; 3 open venues, 1 closed; known visits."""
    person = visitor()
    shop = make.venue(name="Shop", ward_code=ward.code)
    market = make.venue(name="Market", ward_code=ward.code, category="market")
    make.venue(name="Idle", ward_code=ward.code)
    gone = make.venue(name="Gone", ward_code=ward.code)
    gone.status = "closed"
    db.session.commit()
    establishment(ward, venue=shop)
    establishment(ward, venue=market)
    establishment(ward)
    establishment(ward)
    establishment(ward, status="departed")
    visit(shop, person, NOW - timedelta(hours=2), timedelta(minutes=30), "self")
    visit(shop, person, NOW - timedelta(days=3), timedelta(minutes=30), "auto")
    visit(market, person, NOW - timedelta(hours=23), timedelta(minutes=30), "staff")
    visit(market, person, NOW - timedelta(days=2), timedelta(minutes=30), "moved")
    visit(market, person, NOW - timedelta(hours=1), None, None)  # open: not in completeness
    visit(market, person, NOW - timedelta(days=20), timedelta(minutes=30), "self")  # outside 14 days
    return shop, market


def test_ward_figures_on_a_known_dataset(make):
    a, b = make.wards(2)
    known_ward(make, a)
    establishment(b)
    figures = ward_figures([a.code], NOW)
    assert set(figures) == {a.code}
    f = figures[a.code]
    assert (f["establishments"], f["matched"], f["coverage"]) == (4, 2, 50)
    assert f["venues"] == 3
    assert f["active"] == 2  # shop and market had check-ins in the last 24 hours
    assert (f["checkins"], f["closed"], f["proper"], f["completeness"]) == (5, 4, 2, 50)
    province = totals(ward_figures(None, NOW))
    assert province["establishments"] == 5 and province["coverage"] == 40


def test_the_ward_dashboard_summary_agrees_with_the_province_figures(make):
    from portal.reports.figures import ward_summary

    ward = make.wards(1)[0]
    known_ward(make, ward)
    figures, days = ward_summary(ward.code, NOW)
    assert figures == ward_figures([ward.code], NOW)[ward.code]
    assert sum(n for _day, n in days) == figures["checkins"] == 5
    assert days == daily_checkins([ward.code], NOW)


def test_check_ins_per_day_use_local_days(make):
    ward = make.wards(1)[0]
    person = visitor()
    venue = make.venue(ward_code=ward.code)
    visit(venue, person, datetime(2026, 11, 18, 16, 30, tzinfo=timezone.utc))  # 23:30 on 18/11 local
    visit(venue, person, datetime(2026, 11, 18, 17, 30, tzinfo=timezone.utc))  # 00:30 on 19/11 local
    visit(venue, person, datetime(2026, 11, 19, 1, 0, tzinfo=timezone.utc))  # 08:00 on 19/11 local
    days = dict(daily_checkins([ward.code], NOW))
    assert len(days) == 14 and max(days) == NOW.date()
    from datetime import date

    assert days[date(2026, 11, 18)] == 1 and days[date(2026, 11, 19)] == 2 and days[date(2026, 11, 20)] == 0
    assert dict(daily_checkins(None, NOW))[date(2026, 11, 19)] == 2


def test_ward_dashboard_shows_figures_chart_and_links(client, make, login):
    a, b = make.wards(2)
    known_ward(make, a)
    login(make.user(role="ward_official", wards=[a, b]))
    client.set_cookie("lang", "en")
    html = check_page(client.get("/reports/"))
    assert "Your wards" in html and a.name in html and b.name in html
    assert '<svg class="chart"' in html and "<script" not in html
    html = check_page(client.get(f"/reports/wards/{a.code}/"))
    assert "Known establishments" in html and "50 %" in html
    for kind in ("not-registered", "not-used", "no-exits"):
        assert f"/reports/wards/{a.code}/{kind}" in html
    assert f"/registry/wards/{a.code}/follow-ups" in html


def test_single_ward_official_lands_on_the_ward_dashboard(client, make, login):
    ward = make.wards(1)[0]
    response = login(make.user(role="ward_official", wards=[ward]))
    assert response.headers["Location"] == "/reports/"
    response = client.get("/reports/")
    assert response.status_code == 302 and response.headers["Location"] == f"/reports/wards/{ward.code}/"


def test_province_dashboard_lists_every_ward_and_renders_province_panels(client, make, login, app):
    calls = []

    def panel(actor, now):
        calls.append(actor.role)
        return Markup('<section class="card"><h2>Checkpoint throughput</h2></section>')

    def broken(actor, now):
        raise RuntimeError("a panel with a bug")

    with signals.province_panels.connected_to(broken, sender=app), \
            signals.province_panels.connected_to(panel, sender=app):
        admin = make.user(role="province_admin")
        response = login(admin)
        assert response.headers["Location"] == "/reports/"
        html = check_page(client.get("/reports/"))
        assert "Checkpoint throughput" in html and calls == ["province_admin"]
        for ward in make.wards(5):
            assert ward.name in html
        official = make.user(role="ward_official", wards=make.wards(2))
        client.post("/auth/logout")
        login(official)
        html = check_page(client.get("/reports/"))
        assert "Checkpoint throughput" not in html  # the province panels are for the province dashboard


def test_bar_chart_is_plain_svg_with_bars_to_scale():
    import re

    from portal.reports.charts import bar_chart, meter

    svg = str(bar_chart([("01/11", 5), ("<b>", 10), ("03/11", 0)], "Check-ins & more"))
    heights = [float(h) for h in re.findall(r'class="bar"[^>]*height="([0-9.]+)"', svg)]
    assert heights[1] == 2 * heights[0] and heights[2] == 0
    assert "&lt;b&gt;" in svg and "Check-ins &amp; more" in svg
    assert "<script" not in svg and "style=" not in svg  # CSP: no inline script or style
    assert 'width="40"' in str(meter(40, "Coverage")) and 'width="0"' in str(meter(None, "Coverage"))
