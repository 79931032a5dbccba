"""The periodic report's checkpoints section: crossings in and out, rejected scans and gaps per
checkpoint of the report's wards and period, in Vietnamese order; counts and times only."""
import csv
import io
import re
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from portal.extensions import db
from portal.reports.periodic import periodic_report, report_wards
from portal.staff.models import Scan
from portal.venues.models import Venue

from ..factories import staff_at
from ..html import check_page

DAY = date(2026, 11, 19)


def local(day, hour, minute=0, second=0):
    """A local (UTC+7) time as aware UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, second,
                    tzinfo=timezone(timedelta(hours=7))).astimezone(timezone.utc)


def scan(venue, at, outcome, direction, user=None):
    db.session.add(Scan(venue_id=venue.id, user_id=user.id if user else None, device="aaaaaaaaaaaa",
                        scanned_at=at, outcome=outcome, method="staff", direction=direction))
    db.session.commit()


def dataset(make):
    a, b = make.wards(2)
    an_phu = make.venue(name="Chốt An Phú", category="checkpoint", ward_code=a.code)
    make.venue(name="Chốt Ăn Khê", category="checkpoint", ward_code=a.code)
    closed = make.venue(name="Chốt Đã Đóng", category="checkpoint", ward_code=a.code)
    closed.status = "closed"
    ben_cat = make.venue(name="Chốt Bến Cát", category="checkpoint", ward_code=b.code)
    shop = make.venue(name="Tiệm Tạp Hóa", ward_code=a.code)
    for venue in db.session.scalars(select(Venue)):  # all registered long before the report's day
        venue.created_at = local(DAY - timedelta(days=30), 9)
    db.session.commit()
    make.venue(name="Chốt Mới Lập", category="checkpoint", ward_code=a.code)  # registered after the period
    officer = staff_at(make, an_phu, "checkpoint")
    # An Phú, directions chosen on the form: in at 08:00:00, 08:00:20, a refused scan at 08:00:50, in at
    # 23:30 (still the day); out at 09:00 and 09:02.
    for at, outcome, direction in ((local(DAY, 8), "in", "in"), (local(DAY, 8, 0, 20), "in", "in"),
                                   (local(DAY, 8, 0, 50), "mistyped", "in"), (local(DAY, 23, 30), "in", "in"),
                                   (local(DAY, 9), "out", "out"), (local(DAY, 9, 2), "out", "out"),
                                   (local(DAY, 9, 3), "repeat", "out")):
        scan(an_phu, at, outcome, direction, officer)
    scan(an_phu, local(DAY - timedelta(days=1), 10), "in", "in")  # the day before: in the week only
    scan(an_phu, local(DAY + timedelta(days=1), 0, 30), "in", "in")  # the next day
    scan(ben_cat, local(DAY, 10), "in", "in")
    scan(ben_cat, local(DAY, 10, 0, 40), "in", "in")
    scan(shop, local(DAY, 10), "in", None)
    return a, b, officer


def section(report):
    return [(v.name, w.crossings_in, w.crossings_out, w.rejected, w.median_gap, w.p95_gap)
            for v, w in report["checkpoints"]["rows"]]


def test_the_daily_section_per_checkpoint_in_vietnamese_order(make):
    dataset(make)
    report = periodic_report(report_wards(None, "79"), "daily", DAY)
    # An Phú's gaps: 20, 30, 15 h 29 min 10 s (in), 120, 60 (out): usual 60 s, the 95th percentile the longest.
    assert section(report) == [
        ("Chốt An Phú", 3, 2, 1, 60, 55750),
        ("Chốt Ăn Khê", 0, 0, 0, None, None),
        ("Chốt Bến Cát", 2, 0, 0, 40, 40),
    ]
    total = report["checkpoints"]["total"]
    assert (total.crossings_in, total.crossings_out, total.rejected) == (5, 2, 1)
    assert (total.median_gap, total.p95_gap) == (50, 55750)  # of 20, 30, 40, 60, 120, 55750


def test_the_weekly_section_takes_the_seven_days(make):
    dataset(make)
    report = periodic_report(report_wards(None, "79"), "weekly", DAY)
    an_phu = section(report)[0]
    # The day before adds a crossing in, 22 h before the first one of the day.
    assert an_phu[:4] == ("Chốt An Phú", 4, 2, 1) and an_phu[5] == 79200


def test_the_report_page_shows_the_section_of_the_officials_wards(client, make, login):
    a, _b, officer = dataset(make)
    login(make.user(role="ward_official", wards=[a]))
    client.set_cookie("lang", "en")
    html = check_page(client.get("/reports/periodic?date=2026-11-19"))
    part = html.split('<h2 id="checkpoints">')[1]
    assert "Chốt Bến Cát" not in part and "Chốt Đã Đóng" not in part and "Tiệm Tạp Hóa" not in part
    assert officer.full_name not in html
    rows = re.findall(r"<tr(?: class=\"total\")?>\s*<th scope=\"row\">(.*?)</tr>", part, re.S)
    assert [re.sub(r"<.*", "", r, flags=re.S) for r in rows] == ["Chốt An Phú", "Chốt Ăn Khê", "Total"]
    cells = re.findall(r'<td class="(in|out|rejected|median|p95)">([^<]*)</td>', rows[0])
    assert cells == [("in", "3"), ("out", "2"), ("rejected", "1"), ("median", "60 s"), ("p95", "15 h 29 min")]
    # The CSV keeps its shape: one row per ward and the total, no checkpoint rows.
    table = list(csv.reader(io.StringIO(client.get("/reports/periodic.csv?date=2026-11-19").data.decode("utf-8-sig"))))
    assert [r[1] for r in table[1:]] == [a.name, "Total"]


def test_wards_without_checkpoints_say_so(client, make, login):
    ward = make.wards(1)[0]
    login(make.user(role="ward_official", wards=[ward]))
    html = check_page(client.get("/reports/periodic?date=2026-11-19"))
    assert "Không có chốt kiểm soát giao thông nào ở các phường, xã này." in html
