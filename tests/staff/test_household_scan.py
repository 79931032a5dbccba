"""A household at the staff scanner: the parent's pass takes the family out, the child's pass next
must not bring the child back in.

The family checked in together on the parent's phone (the child ticked as a dependent); both have
passes. Before this fix the parent's scan named only the parent and the child's scan recorded the
child entering again.
"""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.checkin.services import check_in
from portal.extensions import db
from portal.clock import utcnow
from portal.staff.models import Scan
from portal.staff.scanning import scan_pass
from portal.visitors.services import add_dependent

from ..checkin.helpers import visits_of
from ..html import check_page
from ..factories import PASSWORD, person, staff_at
from ..passes.helpers import with_pass

PARENT, CHILD = "Ngô Thị Lan", "Ngô Bảo Ngọc"


@pytest.fixture
def family(make):
    """A venue with a scanner account, and a parent and child inside it together for 30 minutes."""
    venue = make.venue(name="Siêu thị Gia Đình")
    staff = staff_at(make, venue)
    parent = person(PARENT, device_token="f" * 43)
    child = add_dependent(parent, CHILD, 2016, utcnow())
    check_in(parent, venue, utcnow() - timedelta(minutes=30), dependents=[child])
    db.session.commit()
    family = type("Family", (), {})()
    family.venue, family.staff, family.parent, family.child = venue, staff, parent, child
    family.parent_pass, family.child_pass = with_pass(parent), with_pass(child)
    return family


def direction(html):
    """The big word of the scan result (VÀO, RA or KHÔNG GHI NHẬN)."""
    return re.search(r'class="scan-dir">([^<]*)<', html).group(1)


def scanner(app, family):
    client = app.test_client()
    client.post("/auth/login", data={"phone": family.staff.phone, "password": PASSWORD})
    return lambda token: client.post(f"/staff/{family.venue.short_code}/scan", data={"token": token})


def test_the_parents_pass_names_everyone_it_took_out(app, family):
    scan = scanner(app, family)
    html = check_page(scan(family.parent_pass))
    assert direction(html) == "RA" and PARENT in html
    assert f"Ra cùng: {CHILD}." in html
    assert [v.is_open for v in visits_of(family.parent) + visits_of(family.child)] == [False, False]


def test_the_childs_pass_next_answers_already_out_and_records_no_entry(app, family):
    scan = scanner(app, family)
    scan(family.parent_pass)
    html = check_page(scan(family.child_pass))
    assert "scan-ok" in html and direction(html) == "RA" and CHILD in html
    assert f"Đã ra cùng {PARENT} lúc" in html and "không ghi thêm" in html
    [visit] = visits_of(family.child)
    assert not visit.is_open
    assert list(db.session.scalars(select(Scan.outcome).order_by(Scan.id))) == ["out", "household"]


def test_after_the_window_the_childs_pass_checks_them_in_again(app, family):
    now = utcnow()
    window = timedelta(seconds=app.config["PORTAL_HOUSEHOLD_WINDOW_SECONDS"])
    scan_pass(family.parent_pass, family.venue, family.staff, "lane1", now, household_window=window)
    inside = scan_pass(family.child_pass, family.venue, family.staff, "lane1", now + window / 2, household_window=window)
    assert inside.outcome == "household" and inside.with_name == PARENT
    later = scan_pass(family.child_pass, family.venue, family.staff, "lane1", now + window + timedelta(seconds=1),
                      household_window=window)
    assert later.outcome == "in"
    assert [v.is_open for v in visits_of(family.child)] == [False, True]


def test_the_window_is_a_setting(make_app, make):
    app = make_app(PORTAL_HOUSEHOLD_WINDOW_SECONDS=0)  # 0 turns the answer off
    venue = make.venue()
    staff = staff_at(make, venue)
    parent = person(PARENT)
    child = add_dependent(parent, CHILD, 2016, utcnow())
    check_in(parent, venue, utcnow() - timedelta(minutes=5), dependents=[child])
    db.session.commit()
    parent_pass, child_pass = with_pass(parent), with_pass(child)
    client = app.test_client()
    client.post("/auth/login", data={"phone": staff.phone, "password": PASSWORD})
    client.post(f"/staff/{venue.short_code}/scan", data={"token": parent_pass})
    html = check_page(client.post(f"/staff/{venue.short_code}/scan", data={"token": child_pass}))
    assert direction(html) == "VÀO" and "Đã ra cùng" not in html
    assert [v.is_open for v in visits_of(child)] == [False, True]


def test_a_child_who_went_out_alone_comes_back_in(app, family):
    window = timedelta(seconds=app.config["PORTAL_HOUSEHOLD_WINDOW_SECONDS"])
    now = utcnow()

    def scan(token, seconds):
        return scan_pass(token, family.venue, family.staff, "lane1", now + timedelta(seconds=seconds),
                         household_window=window)

    assert scan(family.child_pass, 0).outcome == "out"  # the child leaves first, on their own pass
    parent = scan(family.parent_pass, 10)
    assert parent.outcome == "out" and parent.together == ()  # nobody was still inside with them
    assert scan(family.child_pass, 20).outcome == "in"
    assert [v.is_open for v in visits_of(family.child)] == [False, True]


def test_at_another_venue_the_childs_pass_checks_in_as_usual(app, make, family):
    scanner(app, family)(family.parent_pass)
    other = make.venue(name="Nhà thuốc Bên Kia")
    officer = staff_at(make, other)
    client = app.test_client()
    client.post("/auth/login", data={"phone": officer.phone, "password": PASSWORD})
    html = check_page(client.post(f"/staff/{other.short_code}/scan", data={"token": family.child_pass}))
    assert direction(html) == "VÀO" and "Đã ra cùng" not in html
    assert visits_of(family.child)[-1].venue_id == other.id
