"""The periodic report: figures and changes on a known dataset, the page, exports and the command."""
import csv
import io
from datetime import date, datetime, timedelta, timezone

from openpyxl import load_workbook

from portal.extensions import db
from portal.registry.followups import record_follow_up
from portal.reports.periodic import periodic_report, report_wards
from portal.reports.zones import set_level

from ..html import check_page
from ..factories import establishment, visit, visitor

DAY = date(2026, 11, 19)


def local(day, hour, minute=0):
    """A local (UTC+7) time as aware UTC."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone(timedelta(hours=7))).astimezone(
        timezone.utc)


def dataset(make, ward):
    before, prev = date(2026, 11, 10), DAY - timedelta(days=1)
    person = visitor()
    old_venue = make.venue(name="Old", ward_code=ward.code)
    new_venue = make.venue(name="New", ward_code=ward.code)
    old_venue.created_at, new_venue.created_at = local(before, 9), local(DAY, 11)
    e1 = establishment(ward, when=local(before, 9))
    e1.venue_id, e1.matched_at = old_venue.id, local(date(2026, 11, 15), 9)
    establishment(ward, when=local(before, 9))
    establishment(ward, when=local(DAY, 10))  # new in the registry on the day
    gone = establishment(ward, when=local(before, 9))
    gone.status, gone.departed_at = "departed", local(DAY, 8)
    e5 = establishment(ward, when=local(before, 9))
    e5.venue_id, e5.matched_at = new_venue.id, local(DAY, 12)
    db.session.commit()
    for hour, method in ((8, "self"), (12, "auto"), (23, "self")):
        visit(old_venue, person, local(DAY, hour), timedelta(minutes=20), method)
    visit(new_venue, person, local(DAY, 14), timedelta(minutes=20), "staff")
    visit(old_venue, person, local(prev, 10), timedelta(minutes=20), "auto")
    visit(old_venue, person, local(prev, 23, 30), timedelta(minutes=20), "auto")  # still the day before
    official = make.user(role="ward_official", wards=[ward])
    record_follow_up(official, establishment=gone, action="reminded", action_on=DAY)
    record_follow_up(official, establishment=gone, action="reminded", action_on=prev)
    record_follow_up(official, venue=old_venue, action="visited", action_on=prev)
    set_level(official, ward, 2, date(2026, 11, 1))
    db.session.commit()


def figures(row):
    return {key: (value, change) for key, _pct, value, change in row["figures"]}


def test_daily_figures_and_changes_on_a_known_dataset(make):
    a, b = make.wards(2)
    dataset(make, a)
    report = periodic_report(report_wards(None, "79"), "daily", DAY)
    row = next(r for r in report["rows"] if r["ward"].code == a.code)
    assert row["level"] == 2
    assert figures(row) == {
        "establishments": (4, 0), "coverage": (50, 25), "venues": (2, 1), "new_venues": (1, 1),
        "checkins": (4, 2), "active": (2, 1), "completeness": (75, 75), "follow_ups": (1, -1),
    }
    other = next(r for r in report["rows"] if r["ward"].code == b.code)
    assert figures(other)["checkins"] == (0, 0) and figures(other)["coverage"] == (None, None)
    assert figures(report["total"])["checkins"] == (4, 2) and figures(report["total"])["coverage"] == (50, 25)


def test_weekly_report_covers_the_seven_days_ending_on_the_date(make):
    ward = make.wards(1)[0]
    dataset(make, ward)
    report = periodic_report(report_wards([ward.code], "79"), "weekly", DAY)
    assert (report["period"]["first_day"], report["period"]["last_day"]) == (date(2026, 11, 13), DAY)
    assert figures(report["rows"][0])["checkins"] == (6, 6)
    assert figures(report["rows"][0])["follow_ups"] == (3, 3)


def test_report_page_and_exports(client, make, login):
    ward = make.wards(1)[0]
    dataset(make, ward)
    login(make.user(role="ward_official", wards=[ward]))
    client.set_cookie("lang", "en")
    html = check_page(client.get("/reports/periodic?date=2026-11-19"))
    assert "Daily report 19/11/2026" in html and ward.name in html and "+25 points" in html
    html = check_page(client.get("/reports/periodic?date=2026-11-19&period=weekly"))
    assert "From 13/11/2026 to 19/11/2026" in html
    for bad in ("yesterday", "2019-12-31", "2999-01-01", "2026-02-30"):
        html = check_page(client.get(f"/reports/periodic?date={bad}"), 422)
        assert "Choose a date from 01/01/2020 to today" in html
    rows = list(csv.reader(io.StringIO(
        client.get("/reports/periodic.csv?date=2026-11-19").data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Ward code", "Ward", "Level", "Known establishments", "Change: Known establishments"]
    assert [r[1] for r in rows[1:]] == [ward.name, "Total"]  # a ward official's report has only their wards
    checkins = rows[0].index("Check-ins")
    assert rows[1][checkins:checkins + 2] == ["4", "2"] and rows[2][checkins:checkins + 2] == ["4", "2"]
    sheet = load_workbook(io.BytesIO(client.get("/reports/periodic.xlsx?date=2026-11-19&period=weekly").data)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[1][checkins:checkins + 2] == [6, 6]
    assert client.get("/reports/periodic.csv?date=bad").status_code == 404


def test_daily_command_writes_the_xlsx_under_instance_reports(make, runner, app, monkeypatch, tmp_path):
    ward = make.wards(1)[0]
    dataset(make, ward)
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    result = runner.invoke(args=["reports", "daily", "--date", "2026-11-19"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "reports" / "daily-2026-11-19.xlsx"
    assert str(path) in result.output
    values = [[c.value for c in r] for r in load_workbook(path).active.iter_rows()]
    assert len(values) == 1 + len(report_wards(None, "79")) + 1 and values[-1][1] == "Tổng cộng"
    result = runner.invoke(args=["reports", "daily", "--date", "19/11/2026"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
