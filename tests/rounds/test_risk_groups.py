"""Risk groups at a fixed clock: people with at least 3 visits in 14 days to a ward's markets,
supermarkets, stations and boarding houses, or 3 checkpoint crossings there; names for the health
roles only (audited), counts per place for ward officials."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.rounds.riskgroups import members, place_counts
from portal.staff.models import Crossing

from ..factories import visit, visitor
from ..html import check_page

NOW = datetime(2026, 12, 4, 3, 0, tzinfo=timezone.utc)
NAMES = ("Đặng Thu Ba", "Âu Minh Hai", "Bùi Văn Năm", "Lý Thị Tư", "Trịnh Văn Sáu", "Võ Thị Bảy")


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr("portal.rounds.views.utcnow", lambda: NOW)


@pytest.fixture
def town(make):
    a, b = make.wards(2)
    market = make.venue(name="Chợ Phú Cường", category="market", ward_code=a.code)
    supermarket = make.venue(name="Siêu thị Co.op", category="supermarket", ward_code=a.code)
    restaurant = make.venue(name="Quán Cơm Tấm", category="restaurant", ward_code=a.code)
    checkpoint = make.venue(name="Chốt Cầu Ông Cộ", category="checkpoint", ward_code=a.code)
    elsewhere = make.venue(name="Chợ Bên Kia", category="market", ward_code=b.code)
    people = {name: visitor(name=name, phone=f"+849120000{n:02d}") for n, name in enumerate(NAMES)}
    day = timedelta(days=1)
    for n in range(3):  # Ba: exactly three market visits, the first at the window's very edge
        visit(market, people["Đặng Thu Ba"], NOW - timedelta(days=14) + timedelta(minutes=1) + n * day)
    visit(market, people["Âu Minh Hai"], NOW - 2 * day)  # Hai: two places, three visits
    visit(market, people["Âu Minh Hai"], NOW - 3 * day)
    visit(supermarket, people["Âu Minh Hai"], NOW - 4 * day)
    for n in range(2):  # Năm: two risk visits and five at a restaurant
        visit(market, people["Bùi Văn Năm"], NOW - (n + 1) * day)
    for n in range(5):
        visit(restaurant, people["Bùi Văn Năm"], NOW - (n + 1) * day)
    visit(market, people["Lý Thị Tư"], NOW - timedelta(days=14, minutes=1))  # Tư: one just too old
    visit(market, people["Lý Thị Tư"], NOW - 2 * day)
    visit(market, people["Lý Thị Tư"], NOW - 3 * day)
    for n in range(3):  # Sáu: a driver through the checkpoint
        db.session.add(Crossing(visitor_id=people["Trịnh Văn Sáu"].id, venue_id=checkpoint.id,
                                direction="in" if n % 2 == 0 else "out", crossed_at=NOW - (n + 1) * day,
                                method="pass"))
    db.session.commit()
    for n in range(3):  # Bảy: a regular of the other ward's market
        visit(elsewhere, people["Võ Thị Bảy"], NOW - (n + 1) * day)
    return a, b, market, checkpoint


def test_members_at_the_threshold_and_the_window_in_vietnamese_order(app, town):
    a, _b, _market, _checkpoint = town
    found, cut = members(a.code, NOW)
    assert not cut
    assert [(m.visitor.full_name, m.visits, m.places, m.crossings) for m in found] == [
        ("Âu Minh Hai", 3, 2, 0), ("Đặng Thu Ba", 3, 1, 0), ("Trịnh Văn Sáu", 0, 0, 3)]


def test_the_threshold_is_a_setting(make_app, town):
    a = town[0]
    with make_app(PORTAL_RISK_GROUP_VISITS=2).app_context():
        names = {m.visitor.full_name for m in members(a.code, NOW)[0]}
    assert names == {"Âu Minh Hai", "Đặng Thu Ba", "Trịnh Văn Sáu", "Bùi Văn Năm", "Lý Thị Tư"}


def test_counts_per_place_hold_no_names(app, town):
    a, _b, market, checkpoint = town
    counts = {venue.name: n for venue, n in place_counts({a.code}, NOW)}
    assert counts == {market.name: 1, checkpoint.name: 1}  # Ba at the market; Sáu at the checkpoint


def test_health_officials_see_names_audited_and_ward_officials_counts_only(client, make, login, town, clock):
    a, b, market, _checkpoint = town
    login(make.user(role="ward_health", wards=[a]))
    client.set_cookie("lang", "en")
    html = check_page(client.get(f"/testing/risk-groups?ward={a.code}"))
    assert "Đặng Thu Ba" in html and "Trịnh Văn Sáu" in html and "Bùi Văn Năm" not in html
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "risk_group")).one()
    assert entry.row_count == 3 and a.code in entry.query
    html = check_page(client.get(f"/testing/risk-groups?ward={b.code}"))  # not their ward
    assert "Võ Thị Bảy" not in html
    client.post("/auth/logout")
    login(make.user(role="ward_official", wards=[a]))
    html = check_page(client.get(f"/testing/risk-groups?ward={a.code}"))
    assert market.name in html
    for name in NAMES:
        assert name not in html
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "risk_group")).all() == [entry]
    client.post("/auth/logout")
    for role in ("staff", "owner", "inspector"):
        login(make.user(role=role))
        assert client.get(f"/testing/risk-groups?ward={a.code}").status_code in (403, 404)
        client.post("/auth/logout")
