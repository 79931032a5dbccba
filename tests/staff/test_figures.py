"""Checkpoint figures: scans per hour per scanner, median seconds between scans, failures."""
from datetime import datetime, timedelta, timezone

from flask import current_app

from portal import signals
from portal.extensions import db
from portal.clock import day_bounds, utcnow
from portal.passes import tokens
from portal.staff import figures
from portal.staff.panels import province_panel
from portal.staff.scanning import scan_pass

from ..html import check_page
from ..passes.helpers import with_pass
from ..factories import person, staff_at

TZ = "Asia/Ho_Chi_Minh"
# 08:00 in Hồ Chí Minh City.
MORNING = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)


def scan_at(token, venue, actor, device, at):
    result = scan_pass(token, venue, actor, device, at)
    db.session.commit()
    return result


def test_figures_per_device_hour_gaps_and_failures(app, make):
    venue = make.venue(category="checkpoint")
    lane_1, lane_2 = staff_at(make, venue, "checkpoint"), staff_at(make, venue, "checkpoint")
    people = [with_pass(person(f"Người {i}")) for i in range(4)]
    # Lane 1: scans 10 s, 20 s and 30 s apart at 08:00, one more at 09:00; lane 2: a good scan and a bad one.
    for token, offset in zip(people, (0, 10, 30, 60)):
        scan_at(token, venue, lane_1, "aaaaaaaaaaaa", MORNING + timedelta(seconds=offset))
    scan_at(people[0], venue, lane_1, "aaaaaaaaaaaa", MORNING + timedelta(hours=1))
    scan_at(people[1], venue, lane_2, "bbbbbbbbbbbb", MORNING + timedelta(seconds=120))
    scan_at("rác", venue, lane_2, "bbbbbbbbbbbb", MORNING + timedelta(seconds=125))
    scan_at(tokens.new_token(), venue, lane_2, "bbbbbbbbbbbb", MORNING + timedelta(seconds=135))

    start, end = day_bounds(MORNING, TZ)
    assert start == datetime(2026, 3, 1, 17, 0, tzinfo=timezone.utc)
    result = figures.lane_figures(venue, start, end, TZ)
    one, two = result.devices
    assert (one.device, one.scans, one.failures, one.per_hour) == ("aaaaaaaaaaaa", 5, 0, {8: 4, 9: 1})
    assert one.gaps == [10, 20, 30, 3540] and one.median_gap == 25
    assert (two.device, two.scans, two.failures, two.per_hour) == ("bbbbbbbbbbbb", 3, 2, {8: 3})
    assert two.median_gap == 7.5 and two.peak_per_hour == 3
    assert (result.scans, result.failures, result.hours) == (8, 2, [8, 9])
    assert result.median_gap == 15  # of 5, 10, 10, 20, 30, 3540
    assert one.staff == [lane_1.full_name]


def test_figures_leave_out_other_days_and_venues(app, make):
    venue, other = make.venue(), make.venue(name="Khác")
    staff = staff_at(make, venue)
    token = with_pass(person())
    scan_at(token, venue, staff, "aaaaaaaaaaaa", MORNING - timedelta(days=1))
    scan_at(token, other, staff, "aaaaaaaaaaaa", MORNING)
    start, end = day_bounds(MORNING, TZ)
    assert figures.lane_figures(venue, start, end, TZ).scans == 0


def test_the_figures_page_shows_todays_scans(client, make, login):
    venue = make.venue()
    staff = staff_at(make, venue)
    login(staff)
    client.post(f"/staff/{venue.short_code}/scan", data={"token": with_pass(person())})
    client.post(f"/staff/{venue.short_code}/scan", data={"token": "sai"})
    html = check_page(client.get(f"/staff/{venue.short_code}/figures"))
    assert '<dd class="figure-scans">2</dd>' in html and '<dd class="figure-failures">1</dd>' in html
    assert staff.full_name in html
    assert "Lượt quét mỗi giờ theo máy quét" in html


def test_province_admins_and_ward_officials_see_figures_in_scope(client, make, login):
    ward_a, ward_b = make.wards(2)
    venue = make.venue(ward_code=ward_a.code)
    login(make.user(role="province_admin"))
    check_page(client.get(f"/staff/{venue.short_code}/figures"))
    client.post("/auth/logout")
    login(make.user(role="ward_official", wards=[ward_b]))
    assert client.get(f"/staff/{venue.short_code}/figures").status_code == 404


def test_the_province_panel_shows_each_checkpoints_throughput_today(app, make):
    busy = make.venue(name="Chốt Busy", category="checkpoint")
    quiet = make.venue(name="Chốt Quiet", category="checkpoint")
    shop = make.venue(name="Tiệm Không Phải Chốt", category="shop")
    officer = staff_at(make, busy, "checkpoint")
    now = utcnow()
    people = [with_pass(person(f"Người {i}")) for i in range(3)]
    scan_at(people[0], busy, officer, "aaaaaaaaaaaa", now - timedelta(minutes=5))
    scan_at(people[1], busy, officer, "aaaaaaaaaaaa", now - timedelta(minutes=4))
    scan_at("x", busy, officer, "aaaaaaaaaaaa", now - timedelta(minutes=3))
    rows = figures.checkpoints_today(
        __import__("portal.venues.access", fromlist=["visible_venues"]).visible_venues(make.user(role="province_admin")),
        now, TZ,
    )
    assert [(r.venue.name, r.scans, r.failures, r.last_hour) for r in rows] == [
        ("Chốt Busy", 3, 1, 3), ("Chốt Quiet", 0, 0, 0)
    ]
    with current_app.test_request_context("/"):
        html = str(province_panel(make.user(role="province_admin"), now))
    assert "Chốt Busy" in html and "Chốt Quiet" in html and shop.name not in html
    assert f'href="/staff/{busy.short_code}/figures"' in html and f'href="/staff/{quiet.short_code}/figures"' in html
    assert "Người 0" not in html


def test_the_province_panel_is_registered(app):
    assert province_panel in signals.province_panels.receivers_for(app)


def test_the_province_dashboard_shows_the_checkpoints(client, make, login):
    checkpoint = make.venue(name="Chốt Cầu Ông Cộ", category="checkpoint")
    officer = staff_at(make, checkpoint, "checkpoint")
    scan_at(with_pass(person()), checkpoint, officer, "aaaaaaaaaaaa", utcnow())
    login(make.user(role="province_admin"))
    html = check_page(client.get("/reports/"))
    assert "Chốt kiểm soát giao thông hôm nay" in html and "Chốt Cầu Ông Cộ" in html
