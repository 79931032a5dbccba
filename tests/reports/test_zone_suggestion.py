"""The zone level suggested from the case register: new cases per 100,000 residents over 7 days,
against the wards' populations imported from a file, kept beside the level an official decides."""
import io
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.cases.models import HealthCase
from portal.clock import local_date, utcnow
from portal.extensions import db
from portal.reports.models import WardPopulation, ZoneLevel
from portal.reports.population import PopulationRejected, import_population
from portal.reports.suggestion import level_for, suggestions

from ..html import check_page
from .data import csv_bytes, xlsx_bytes

HEADER = ["Mã phường", "Dân số"]


def _cases(ward, tracer, days, count=1):
    """`count` cases of the register living in `ward`, positive on each of `days`."""
    for day in days:
        for n in range(count):
            db.session.add(HealthCase(
                ref=f"r{ward.code}{day:%m%d}{n}", code=f"F0-{day:%Y%m%d}-{n}", full_name="Ca Bệnh",
                ward_code=ward.code, positive_on=day, risk_level="green", care_place="home",
                status="under_care", created_by_id=tracer.id))
    db.session.commit()


def _upload(client, data, name="dan-so.csv"):
    return client.post("/reports/population", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("cases, level", [(0, 1), (19, 1), (20, 2), (49, 2), (50, 3), (149, 3), (150, 4), (900, 4)])
def test_levels_at_the_thresholds_for_100000_people(app, cases, level):
    assert level_for(cases, 100_000) == level


def test_a_rate_exactly_at_a_threshold_is_not_lost_to_rounding(app):
    # 7 cases among 35,000 people is exactly 20 per 100,000; 3 among 6,000 exactly 50.
    assert level_for(7, 35_000) == 2 and level_for(6, 35_000) == 1
    assert level_for(3, 6_000) == 3 and level_for(2, 6_000) == 2
    assert level_for(5, None) is None and level_for(5, 0) is None


def test_thresholds_come_from_the_settings(make_app):
    app = make_app(PORTAL_ZONE_THRESHOLDS=(10, 30, 100))
    with app.app_context():
        assert level_for(10, 100_000) == 2 and level_for(30, 100_000) == 3 and level_for(99, 100_000) == 3
    broken = make_app(PORTAL_ZONE_THRESHOLDS=(50, 20, 150))
    with broken.app_context(), pytest.raises(ValueError):
        level_for(1, 100)


def test_the_window_is_the_7_local_days_ending_on_the_day_and_the_ward_of_residence(app, make):
    a, b = make.wards(2)
    tracer = make.user(role="tracer")
    day = date(2026, 12, 4)
    import_population(csv_bytes([[a.code, "10000"], [b.code, "10000"]], header=HEADER), tracer, "79")
    _cases(a, tracer, [day, day - timedelta(days=6)], count=1)  # both inside
    _cases(a, tracer, [day - timedelta(days=7), day + timedelta(days=1)])  # outside on either side
    _cases(b, tracer, [day - timedelta(days=3)], count=5)
    found = suggestions([a.code, b.code], day)
    assert (found[a.code].cases, found[a.code].rate, found[a.code].level) == (2, 20, 2)
    assert (found[b.code].cases, found[b.code].level) == (5, 3)
    c = make.wards(3)[2]
    assert suggestions([c.code], day)[c.code] == type(found[a.code])(0, None, None)  # no population


def test_import_by_code_and_by_name_from_csv_and_xlsx_replaces_only_the_wards_named(app, make):
    a, b, c = make.wards(3)
    admin = make.user(role="province_admin")
    assert import_population(csv_bytes([[a.code, "12.345"], [b.name, "8 000"]], header=HEADER), admin, "79") == {
        a.code: 12345, b.code: 8000}
    db.session.commit()
    import_population(xlsx_bytes([[int(a.code), 20000], [c.name, 3100]], header=["Ward", "Population"]), admin, "79")
    db.session.commit()
    people = dict(db.session.execute(select(WardPopulation.ward_code, WardPopulation.population)).all())
    assert people == {a.code: 20000, b.code: 8000, c.code: 3100}


def test_a_file_with_bad_rows_imports_nothing_and_names_every_row(app, make):
    a, b = make.wards(2)
    admin = make.user(role="province_admin")
    import_population(csv_bytes([[a.code, "5000"]], header=HEADER), admin, "79")
    db.session.commit()
    rows = [[a.code, "7000"], ["99999999", "100"], [b.code, "mười nghìn"], [b.code, "0"],
            [a.code, "9000"], [b.code, "6000000"], ["", "10"]]
    with pytest.raises(PopulationRejected) as caught, force_locale("en"):
        import_population(csv_bytes(rows, header=HEADER), admin, "79")
    db.session.rollback()
    problems = dict(caught.value.problems)
    assert caught.value.bad_rows == 6 and sorted(problems) == [3, 4, 5, 6, 7, 8]
    assert "unknown ward code 99999999" in problems[3] and "“mười nghìn” is not a whole number" in problems[4]
    assert "between 1 and" in problems[5] and problems[6] == "the ward is already on row 2"
    assert "between 1 and 5,000,000" in problems[7] and "the ward is missing" in problems[8]
    assert db.session.scalar(select(WardPopulation.population).where(WardPopulation.ward_code == a.code)) == 5000


def test_the_page_tells_bad_files_and_rows_in_the_users_language(client, make, login):
    a = make.wards(1)[0]
    login(make.user(role="province_admin"))
    html = check_page(_upload(client, csv_bytes([[a.code, "nhiều"]], header=HEADER)), 422)
    assert "Không có gì được nhập" in html and "Dòng 2" in html
    html = check_page(_upload(client, csv_bytes([[a.code, "10"]], header=["Tên", "Địa chỉ"])), 422)
    assert "Dân số" in html
    html = check_page(_upload(client, b"\x00\x01binary" * 50, "x.csv"), 422)
    assert db.session.scalar(select(func.count()).select_from(WardPopulation)) == 0
    response = _upload(client, csv_bytes([[a.code, "45.000"]], header=HEADER))
    assert response.status_code == 302
    html = check_page(client.get("/reports/population"))
    assert "45.000" in html  # Vietnamese thousands separator


def test_only_the_province_admin_imports_populations(client, make, login):
    a = make.wards(1)[0]
    for role, wards in (("ward_official", [a]), ("tracer", []), ("owner", [])):
        login(make.user(role=role, wards=wards))
        assert client.get("/reports/population").status_code in (403, 404)
        assert _upload(client, csv_bytes([[a.code, "10"]], header=HEADER)).status_code in (403, 404)
        client.post("/auth/logout")
    assert db.session.scalar(select(func.count()).select_from(WardPopulation)) == 0


def test_the_zone_page_shows_the_suggestion_and_the_decision_keeps_it(client, make, login):
    a, b = make.wards(2)
    admin = make.user(role="province_admin")
    today = local_date(utcnow())
    import_population(csv_bytes([[a.code, "20000"]], header=HEADER), admin, "79")
    _cases(a, admin, [today, today - timedelta(days=2)], count=5)  # 10 of 20,000: 50 per 100,000
    login(admin)
    client.set_cookie("lang", "en")
    html = check_page(client.get("/reports/zones"))
    row_a = html.split(f">{a.name}</a>")[1].split("</tr>")[0]
    assert 'zone zone-3"' in row_a and "50 per 100,000 (10 cases in 7 days)" in row_a
    row_b = html.split(f">{b.name}</a>")[1].split("</tr>")[0]
    assert "no population" in row_b
    response = client.post("/reports/zones", data={"ward_code": a.code, "level": "4",
                                                   "effective_on": today.strftime("%d/%m/%Y"), "note": "QĐ 7"})
    assert response.status_code == 302
    entry = db.session.scalars(select(ZoneLevel)).one()
    assert (entry.level, entry.suggested_level, entry.suggested_cases, entry.suggested_population) == (4, 3, 10, 20000)
    html = check_page(client.get(f"/reports/zones/{a.code}"))
    row = html.split("<tbody>")[1]
    assert "zone zone-4" in row and "zone zone-3" in row and "50 per 100,000" in row and "QĐ 7" in row
