"""The periodic report's inspections section: per ward, inspections done, posters found fake or retired,
violations and suspensions in the period; on the page and as extra columns of the downloads."""
import csv
import io
from datetime import date, datetime, timedelta, timezone

from portal.extensions import db
from portal.inspection.models import Inspection, PosterCheck
from portal.registry.models import FollowUp
from portal.reports.periodic import periodic_report, report_wards

from ..factories import PASSWORD
from ..html import check_page

DAY = date(2026, 11, 19)


def local(day, hour):
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone(timedelta(hours=7))).astimezone(timezone.utc)


def inspection(venue, inspector, at, result, verdicts=()):
    row = Inspection(venue_id=venue.id, inspector_id=inspector.id, inspected_at=at, result=result,
                     note="Ghi chú" if result != "meets" else None)
    db.session.add(row)
    db.session.flush()
    for verdict in verdicts:
        db.session.add(PosterCheck(venue_id=venue.id, inspector_id=inspector.id, inspection_id=row.id,
                                   checked_at=at - timedelta(minutes=5), verdict=verdict))
    db.session.commit()


def dataset(make):
    a, b = make.wards(2)
    inspector = make.user(role="inspector")
    official = make.user(role="ward_official", wards=[a, b])
    market = make.venue(name="Chợ An Phú", category="market", ward_code=a.code)
    shop = make.venue(name="Tiệm Bến Cát", ward_code=a.code)
    other = make.venue(name="Quán Dĩ An", ward_code=b.code)
    # In the day: two inspections in ward a (one violation), one in ward b.
    inspection(market, inspector, local(DAY, 9), "violation",
               ["genuine", "retired", "foreign_host", "unknown", "other_venue"])
    inspection(shop, inspector, local(DAY, 23), "meets", ["genuine", "retired"])
    inspection(other, inspector, local(DAY, 1), "to_fix", ["entrance"])
    # Outside the day: the day before and the day after (local days).
    inspection(market, inspector, local(DAY, 0) - timedelta(minutes=1), "violation", ["foreign_host"])
    inspection(other, inspector, local(DAY + timedelta(days=1), 0), "violation", ["retired"])
    # A check not recorded in an inspection is not counted.
    db.session.add(PosterCheck(venue_id=market.id, inspector_id=inspector.id, checked_at=local(DAY, 10),
                               verdict="foreign_host"))
    for venue, on in ((market, DAY), (other, DAY - timedelta(days=1))):
        db.session.add(FollowUp(ward_code=venue.ward_code, venue_id=venue.id, action="suspended", action_on=on,
                                note="Vi phạm", official_id=official.id))
    db.session.add(FollowUp(ward_code=a.code, venue_id=shop.id, action="warned", action_on=DAY, note="",
                            official_id=official.id))
    db.session.commit()
    return a, b, official


def test_the_section_counts_each_ward_s_inspections_posters_violations_and_suspensions(app, make):
    a, b, _official = dataset(make)
    report = periodic_report(report_wards([a.code, b.code], "79"), "daily", DAY)
    section = report["inspections"]
    by_ward = {ward.code: figures.values() for ward, figures in section["rows"]}
    # inspections, fake posters, retired posters, violations, suspensions
    assert by_ward[a.code] == [2, 3, 2, 1, 1]
    assert by_ward[b.code] == [1, 0, 0, 0, 0]
    assert section["total"].values() == [3, 3, 2, 1, 1]


def test_a_weekly_report_counts_the_days_before_too(app, make):
    a, b, _official = dataset(make)
    report = periodic_report(report_wards([a.code, b.code], "79"), "weekly", DAY)
    by_ward = {ward.code: figures.values() for ward, figures in report["inspections"]["rows"]}
    assert by_ward[a.code] == [3, 4, 2, 2, 1]
    assert by_ward[b.code] == [1, 0, 0, 0, 1]


def test_wards_without_any_inspection_are_left_out_of_the_rows(app, make):
    a, b = make.wards(2)
    make.venue(ward_code=a.code)
    report = periodic_report(report_wards([a.code, b.code], "79"), "daily", DAY)
    assert report["inspections"]["rows"] == [] and not report["inspections"]["total"]


def test_the_page_shows_the_section_and_the_downloads_add_its_columns(app, make, client):
    a, b, official = dataset(make)
    client.post("/auth/login", data={"phone": official.phone, "password": PASSWORD})
    client.set_cookie("lang", "en")
    html = check_page(client.get("/reports/periodic?date=2026-11-19"))
    section = html[html.index('id="inspections"'):]
    assert "Posters found fake" in section and "Suspensions" in section and a.name in section
    rows = list(csv.reader(io.StringIO(client.get("/reports/periodic.csv?date=2026-11-19").data.decode("utf-8-sig"))))
    start = rows[0].index("Inspections done")
    assert rows[0][start:] == ["Inspections done", "Posters found fake", "Posters found retired", "Violations",
                               "Suspensions"]
    by_code = {r[0]: r[start:] for r in rows[1:]}
    assert by_code[a.code] == ["2", "3", "2", "1", "1"] and by_code[b.code] == ["1", "0", "0", "0", "0"]
    assert rows[-1][1] == "Total" and rows[-1][start:] == ["3", "3", "2", "1", "1"]
