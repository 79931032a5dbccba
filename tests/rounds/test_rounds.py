"""Testing rounds: red and orange wards are due, a health official plans day 1, 3 and 5 from a start
date with the ward's risk places and most visited venues, and enters how many were tested and
positive at each place; health officials of another ward see nothing of it."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import local_date, utcnow
from portal.extensions import db
from portal.reports.zones import set_level
from portal.rounds.models import ScreeningPlace, ScreeningRound
from portal.rounds.services import RoundError, due_wards, plan, targets

from ..factories import establishment, visit, visitor
from ..html import check_page


def _rounds():
    return db.session.scalars(select(ScreeningRound).order_by(ScreeningRound.held_on)).all()


@pytest.fixture
def ward_data(make):
    """Ward a with a market in the registry (matched to a busy venue), a supermarket not matched,
    a departed market, a shop (not a risk category), and three venues with visits."""
    a, b = make.wards(2)
    now = utcnow()
    busy_market = make.venue(name="Chợ Phú Cường", category="market", ward_code=a.code)
    cafe = make.venue(name="Cà phê Sân Vườn", category="restaurant", ward_code=a.code)
    quiet = make.venue(name="Tiệm Sách Nhỏ", category="shop", ward_code=a.code)
    other_ward = make.venue(name="Chợ Bên Kia", category="market", ward_code=b.code)
    establishment(a, name="Chợ Phú Cường", category="market", venue=busy_market)
    establishment(a, name="Siêu thị Co.op", category="supermarket")
    gone = establishment(a, name="Chợ Cũ Đã Dời", category="market")
    gone.departed_at = now - timedelta(days=2)
    establishment(a, name="Tạp hoá Minh An", category="shop")
    db.session.commit()
    for n in range(5):
        person = visitor(name=f"Khách {n}", phone=f"+8491200000{n}")
        visit(busy_market, person, now - timedelta(days=1, minutes=n))
        if n < 3:
            visit(cafe, person, now - timedelta(days=2, minutes=n))
        if n < 1:
            visit(quiet, person, now - timedelta(days=3))
            visit(quiet, person, now - timedelta(days=9))  # too old to count
        visit(other_ward, person, now - timedelta(hours=n + 1))
    return a, b


def test_red_and_orange_wards_are_due_by_default_and_the_levels_are_settings(make, make_app):
    a, b, c = make.wards(3)
    admin = make.user(role="province_admin")
    today = local_date(utcnow())
    for ward, level in ((a, 4), (b, 3), (c, 2)):
        set_level(admin, ward, level, today - timedelta(days=1))
    db.session.commit()
    assert set(due_wards([a.code, b.code, c.code], today)) == {a.code, b.code}
    with make_app(PORTAL_TESTING_LEVELS=(4,)).app_context():
        assert set(due_wards([a.code, b.code, c.code], today)) == {a.code}


def test_targets_are_risk_establishments_then_the_most_visited_venues(app, make, ward_data):
    a, _b = ward_data
    found = targets(a.code, utcnow())
    assert [(p.name, p.reason, p.visitors) for p in found] == [
        ("Chợ Phú Cường", "risk_category", 5),  # registered and busy: listed once, with its visitors
        ("Siêu thị Co.op", "risk_category", None),
        ("Cà phê Sân Vườn", "most_visitors", 3),
        ("Tiệm Sách Nhỏ", "most_visitors", 1),
    ]


def test_a_plan_holds_day_1_3_and_5_and_refuses_a_day_already_planned(app, make, ward_data):
    a, _b = ward_data
    official = make.user(role="ward_health", wards=[a])
    start = date(2026, 12, 7)
    rounds = plan(official, a, start, utcnow())
    db.session.commit()
    assert [(r.day_number, r.held_on) for r in _rounds()] == [
        (1, date(2026, 12, 7)), (3, date(2026, 12, 9)), (5, date(2026, 12, 11))]
    assert all(len(r.places) == 4 for r in rounds)
    with pytest.raises(RoundError):
        plan(official, a, date(2026, 12, 11), utcnow())  # its day 1 is the old plan's day 5
    db.session.rollback()
    assert len(_rounds()) == 3


def test_the_pattern_is_a_setting(make_app, make):
    app = make_app(PORTAL_TESTING_DAYS=(1, 4, 7, 10))
    with app.app_context():
        ward = make.wards(1)[0]
        official = make.user(role="province_health")
        plan(official, ward, date(2026, 12, 1), utcnow())
        db.session.commit()
        assert [r.held_on.day for r in _rounds()] == [1, 4, 7, 10]


def test_a_health_official_plans_from_the_page_and_enters_the_counts(client, make, login, ward_data):
    a, _b = ward_data
    login(make.user(role="ward_health", wards=[a]))
    client.set_cookie("lang", "en")
    response = client.post("/testing/", data={"ward_code": a.code, "start_on": "07/12/2026"})
    assert response.status_code == 302
    first = _rounds()[0]
    html = check_page(client.get(f"/testing/{first.id}"))
    assert "Testing round of" in html and "Siêu thị Co.op" in html and "Among the most visited" in html
    places = {p.name: p.id for p in first.places}
    data = {f"tested-{pid}": "" for pid in places.values()}
    data[f"tested-{places['Chợ Phú Cường']}"] = "1.250"
    data[f"positive-{places['Chợ Phú Cường']}"] = "3"
    data[f"tested-{places['Siêu thị Co.op']}"] = "400"
    response = client.post(f"/testing/{first.id}", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    saved = {p.name: (p.tested, p.positive) for p in db.session.get(ScreeningRound, first.id).places}
    assert saved["Chợ Phú Cường"] == (1250, 3) and saved["Siêu thị Co.op"] == (400, 0)
    assert saved["Cà phê Sân Vườn"] == (None, None)
    html = check_page(client.get("/testing/"))
    assert "07/12/2026" in html and "to enter" in html


@pytest.mark.parametrize("tested, positive, message", [
    ("10", "11", "More positive than tested"),
    ("-3", "", "Enter whole numbers of people"),
    ("mười", "", "Enter whole numbers of people"),
    ("", "2", "Enter how many were tested"),
    ("100001", "0", "Enter whole numbers of people"),
])
def test_bad_counts_save_nothing_and_say_why(client, make, login, ward_data, tested, positive, message):
    a, _b = ward_data
    official = make.user(role="province_health")
    plan(official, a, date(2026, 12, 7), utcnow())
    db.session.commit()
    login(official)
    client.set_cookie("lang", "en")
    first = _rounds()[0]
    good, bad = first.places[0].id, first.places[1].id
    html = check_page(client.post(f"/testing/{first.id}", data={
        f"tested-{good}": "50", f"positive-{good}": "0", f"tested-{bad}": tested, f"positive-{bad}": positive}), 422)
    assert message in html and "Nothing was saved" in html
    assert f'value="{tested}"' in html  # what was typed stays in the form
    assert db.session.scalar(select(func.count()).select_from(ScreeningPlace).where(
        ScreeningPlace.tested.is_not(None))) == 0


def test_scoping_ward_health_of_another_ward_and_other_roles_see_nothing(client, make, login, ward_data):
    a, b = ward_data
    official = make.user(role="ward_health", wards=[a])
    plan(official, a, date(2026, 12, 7), utcnow())
    db.session.commit()
    first = _rounds()[0]
    outsider = make.user(role="ward_health", wards=[b])
    login(outsider)
    assert client.get(f"/testing/{first.id}").status_code == 404
    assert client.post(f"/testing/{first.id}", data={f"tested-{first.places[0].id}": "5"}).status_code == 404
    assert client.post("/testing/", data={"ward_code": a.code, "start_on": "20/12/2026"}).status_code == 422
    html = check_page(client.get("/testing/"))
    assert a.name not in html.split("<main")[1]
    client.post("/auth/logout")
    tracer = make.user(role="tracer")
    login(tracer)
    assert client.get(f"/testing/{first.id}").status_code == 200
    assert client.post("/testing/", data={"ward_code": a.code, "start_on": "20/12/2026"}).status_code == 404
    client.post("/auth/logout")
    for role, wards in (("ward_official", [a]), ("staff", []), ("province_admin", [])):
        login(make.user(role=role, wards=wards))
        assert client.get("/testing/").status_code in (403, 404)
        assert client.get(f"/testing/{first.id}").status_code in (403, 404)
        client.post("/auth/logout")
    assert len(_rounds()) == 3
