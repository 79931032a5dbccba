"""`flask demo load`: every role's account, in former Bình Dương wards, with visits, made once."""
import os
import stat

import pytest
from sqlalchemy import func, select

from portal.auth.models import ROLES, User, VenueStaff
from portal.checkin.models import Visit
from portal.demo.data import ACCOUNTS, POPULATIONS, VENUES, VISITORS
from portal.divisions.models import Division
from portal.extensions import db
from portal.staff.models import Lane
from portal.venues.models import Venue
from portal.visitors.models import Visitor

# GSO ward codes are kept across the 2025 merger: in province 79 the codes below 26500 are the
# former Bình Dương's (25747 Thủ Dầu Một … 25987 Bình Hòa); Bà Rịa - Vũng Tàu's start at 26506
# and the old Hồ Chí Minh City's at 26734.
FORMER_BINH_DUONG = range(25700, 26500)


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def demo(app, runner, monkeypatch, tmp_path):
    """Load the demo once; returns {phone: (role, password)} from the logins file."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    logins = {}
    for line in (tmp_path / "demo-logins.txt").read_text().splitlines():
        role, phone, password = line.split()
        logins[phone] = (role, password)
    return logins


def user(phone):
    return db.session.scalar(select(User).where(User.phone == "+84" + phone[1:]))


def demo_venues():
    return list(db.session.scalars(select(Venue).order_by(Venue.id)))


def test_every_role_has_a_demo_account_with_a_login(demo):
    assert {role for role, _name, _phone in ACCOUNTS} == set(ROLES)
    for role, name, phone in ACCOUNTS:
        account = user(phone)
        assert account is not None and account.role == role and account.full_name == name
        assert demo[phone][0] == role


def test_the_ward_official_covers_former_binh_duong_wards(demo):
    official = user(next(p for r, _n, p in ACCOUNTS if r == "ward_official"))
    codes = {link.division_code for link in official.wards}
    names = {db.session.get(Division, code).name for code in codes}
    assert names == {"Phường Thủ Dầu Một", "Phường Phú Lợi", "Phường Dĩ An", "Phường Thuận An"}
    assert all(int(code) in FORMER_BINH_DUONG for code in codes)
    assert "Phường An Nhơn" not in names


def test_every_venue_is_in_the_officials_wards(demo):
    official = user("0901000002")
    covered = {link.division_code for link in official.wards}
    venues = demo_venues()
    assert len(venues) == sum(len(rows) for rows in VENUES.values())
    assert {v.ward_code for v in venues} <= covered
    assert all(int(v.ward_code) in FORMER_BINH_DUONG for v in venues)


def test_the_staff_account_is_staff_of_one_demo_venue_and_scans_there(demo, client):
    staff = user("0901000006")
    venue_ids = list(db.session.scalars(select(VenueStaff.venue_id).where(VenueStaff.user_id == staff.id)))
    assert len(venue_ids) == 1
    venue = db.session.get(Venue, venue_ids[0])
    assert venue.owner.role == "owner" and venue.name == "Chợ Thủ Dầu Một - Cổng chính"
    client.post("/auth/login", data={"phone": "0901000006", "password": demo["0901000006"][1]})
    assert client.get(f"/staff/{venue.short_code}/scan").status_code == 200
    other = next(v for v in demo_venues() if v.id != venue.id and v.category != "checkpoint")
    assert client.get(f"/staff/{other.short_code}/scan").status_code in (403, 404)


def test_the_checkpoint_account_scans_at_a_checkpoint_the_admin_registered(demo, client):
    officer = user("0901000007")
    [venue_id] = db.session.scalars(select(VenueStaff.venue_id).where(VenueStaff.user_id == officer.id))
    checkpoint = db.session.get(Venue, venue_id)
    assert checkpoint.category == "checkpoint" and checkpoint.owner.role == "province_admin"
    response = client.post("/auth/login", data={"phone": "0901000007", "password": demo["0901000007"][1]})
    assert response.status_code == 302
    page = client.get(f"/staff/{checkpoint.short_code}/scan").get_data(as_text=True)
    lanes = db.session.execute(select(Lane.name, Lane.direction).where(Lane.venue_id == checkpoint.id)
                               .order_by(Lane.name)).all()
    assert [(name, direction) for name, direction in lanes] == [
        ("Làn 1 - vào Thuận An", "in"), ("Làn 2 - ra Quốc lộ 13", "out")]
    assert all(name in page for name, _ in lanes)  # the officer first picks their lane


def test_the_demo_wards_have_populations_so_zone_levels_are_suggested(demo):
    from portal.reports.models import WardPopulation

    people = dict(db.session.execute(select(WardPopulation.ward_code, WardPopulation.population)).all())
    assert sorted(people.values()) == sorted(POPULATIONS.values())
    health = user("0901000009")
    assert {link.division_code for link in health.wards} <= set(people)


def test_there_are_visits_to_show(demo):
    assert count(Visitor) == len(VISITORS)
    assert count(Visit) >= 7 * len(VISITORS)
    assert db.session.scalar(select(func.count()).where(Visit.checked_out_at.is_(None))) == 3
    assert db.session.scalar(select(func.count()).where(Visit.out_method == "auto")) > 0
    visited = set(db.session.scalars(select(Visit.venue_id).distinct()))
    assert visited == {v.id for v in demo_venues() if v.category != "checkpoint"}


def test_loading_twice_duplicates_nothing(demo, app, runner, tmp_path):
    before = [count(model) for model in (User, Venue, VenueStaff, Visit, Visitor, Lane)]
    logins = (tmp_path / "demo-logins.txt").read_text()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert [count(model) for model in (User, Venue, VenueStaff, Visit, Visitor, Lane)] == before
    assert (tmp_path / "demo-logins.txt").read_text() == logins
    assert stat.S_IMODE(os.stat(tmp_path / "demo-logins.txt").st_mode) == 0o600


def test_an_older_demo_is_moved_to_binh_duong_and_completed(app, runner, monkeypatch, tmp_path):
    from portal.auth.services import create_user

    an_nhon = db.session.scalar(select(Division).where(Division.name.like("%An Nhơn")))
    create_user(role="ward_official", full_name="Cán bộ phường", phone="0901000002",
                password="older demo password", ward_codes=[an_nhon.code])
    db.session.commit()
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    official = user("0901000002")
    assert an_nhon.code not in {link.division_code for link in official.wards}
    assert len(official.wards) == 4
    assert count(User) == len(ACCOUNTS)
    assert "0901000002" not in (tmp_path / "demo-logins.txt").read_text()  # its password is unknown


def test_without_divisions_the_command_says_what_to_do(app, runner, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "PORTAL_PROVINCE", "1")  # no ward of province 1 is loaded
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0 and "flask divisions load" in result.output
    assert count(User) == 0
