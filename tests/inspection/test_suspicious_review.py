"""Reviewing suspicious check-ins: who sees which entry, the decisions and their audit, what
"fabricated" leaves out, and the client addresses kept only as keyed hashes for 14 days."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.checkin.figures import today_counts, venue_activity
from portal.checkin.models import RegistrationAddress, Visit
from portal.clock import utcnow
from portal.crypto import address_hash
from portal.extensions import db
from portal.inspection.flags import run, store
from portal.inspection.models import SuspiciousFlag
from portal.inspection.suspicious import Finding
from portal.reports.figures import daily_checkins, ward_figures
from portal.tracing.contacts import find_contacts
from portal.tracing.exposures import exposed_visitor_ids
from portal.tracing.services import person_visits

from ..checkin.helpers import register, tap_check_in
from ..factories import People
from .helpers import inspector, signed_in
from .suspicious_seed import NOW, TZ, local, registrations, visitor, visits


@pytest.fixture
def wards(make):
    return make.wards(2)


@pytest.fixture
def flagged(make, wards):
    """A checkout entry at a venue of ward A and one at a venue of ward B, each over the 20th."""
    out = {}
    for key, ward, name in (("a", wards[0], "Ẩm thực Ánh"), ("b", wards[1], "Bún bò Bình")):
        venue = make.venue(name=name, ward_code=ward.code)
        rows = visits(venue, [local(20, 8, m) for m in range(3)])
        store(Finding(venue.id, "checkout", local(20, 0), local(21, 0), {"finished": 30, "checked_out": 0,
                                                                          "percent": 0.0}), NOW)
        db.session.commit()
        out[key] = (venue, db.session.scalar(select(SuspiciousFlag).where(SuspiciousFlag.venue_id == venue.id)), rows)
    return out


def decide(browser, flag, decision):
    return browser.post(f"/inspection/suspicious/{flag.id}", data={"decision": decision})


def test_a_ward_official_sees_and_decides_only_their_wards_entries(app, make, wards, flagged):
    official_a = make.user(role="ward_official", wards=[wards[0]], name="Cán bộ Phường A")
    browser = signed_in(app, official_a)
    page = browser.get("/inspection/suspicious")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Ẩm thực Ánh" in html and "Bún bò Bình" not in html
    assert "Almost no check-outs" in html and "0 of 30 finished visits were checked out" in html
    for decision in ("reviewed", "fabricated"):
        assert decide(browser, flagged["b"][1], decision).status_code == 404
    assert db.session.get(SuspiciousFlag, flagged["b"][1].id).status == "open"
    assert not db.session.scalars(select(Visit).where(Visit.fabricated.is_(True))).all()


def test_a_province_admin_sees_every_ward_and_nobody_else_sees_the_page(app, make, wards, flagged):
    admin = signed_in(app, make.user(role="province_admin", name="Quản trị Tỉnh"))
    html = admin.get("/inspection/suspicious?status=all").get_data(as_text=True)
    names = [n for n in ("Ẩm thực Ánh", "Bún bò Bình") if n in html]
    assert names == ["Ẩm thực Ánh", "Bún bò Bình"]
    assert html.index("Ẩm thực Ánh") < html.index("Bún bò Bình")  # Vietnamese order: Ẩ before B
    others = [make.owner(), make.user(role="tracer"), inspector(make, app, ["restaurant"], [wards[0]])]
    for user in others:
        browser = signed_in(app, user)
        assert browser.get("/inspection/suspicious").status_code == 404
        assert decide(browser, flagged["a"][1], "fabricated").status_code == 404


def test_reviewed_keeps_the_visits_and_is_audited(app, make, wards, flagged):
    official = make.user(role="ward_official", wards=[wards[0]], name="Cán bộ Phường A")
    browser = signed_in(app, official)
    venue, flag, _rows = flagged["a"]
    response = decide(browser, flag, "reviewed")
    assert response.status_code == 302 and f"#flag-{flag.id}" in response.headers["Location"]
    db.session.expire_all()
    assert (flag.status, flag.reviewer_id, flag.marked_visits) == ("reviewed", official.id, None)
    assert flag.decided_at is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "flag_reviewed"))
    assert (entry.actor_id, entry.row_count) == (official.id, 0)
    assert f"entry={flag.id}" in entry.query and f"venue={venue.short_code}" in entry.query
    # Decided once: a second decision changes nothing.
    follow = decide(browser, flag, "fabricated")
    assert "already decided" in browser.get(follow.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert flag.status == "reviewed"
    assert not db.session.scalars(select(Visit).where(Visit.fabricated.is_(True))).all()
    assert decide(browser, flagged["a"][1], "whatever").status_code == 302


def test_fabricated_marks_the_windows_visits_and_is_audited(app, make, wards, flagged):
    official = make.user(role="ward_official", wards=[wards[0]], name="Cán bộ Phường A")
    venue, flag, rows = flagged["a"]
    outside = visits(venue, [local(21, 8)])  # the next day: outside the window
    decide(signed_in(app, official), flag, "fabricated")
    db.session.expire_all()
    assert (flag.status, flag.marked_visits) == ("fabricated", 3)
    assert {v.id for v in db.session.scalars(select(Visit).where(Visit.fabricated.is_(True)))} == {
        r.id for r in rows}
    assert db.session.get(Visit, outside[0].id).fabricated is False
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "flag_fabricated"))
    assert (entry.actor_id, entry.row_count) == (official.id, 3)


def test_a_fabricated_burst_marks_only_the_registrations_from_the_matched_addresses(app, make, wards):
    venue = make.venue(name="Quán Ảo", ward_code=wards[0].code)
    burst = registrations(venue, local(20, 9), ["203.0.113.7"] * 15)
    honest = registrations(venue, local(20, 9, 1), ["198.51.100.4"])
    regular = visits(venue, [local(20, 9, 2)])
    app.config.update(PORTAL_SUSPICIOUS_BURST_COUNT=15)
    assert run([local(20, 12).date()], NOW, app.config, TZ) == (1, 0)
    flag = db.session.scalar(select(SuspiciousFlag).where(SuspiciousFlag.rule == "burst"))
    official = make.user(role="ward_official", wards=[wards[0]], name="Cán bộ Phường A")
    decide(signed_in(app, official), flag, "fabricated")
    marked = set(db.session.scalars(select(Visit.id).where(Visit.fabricated.is_(True))))
    assert marked == {r.visit_id for r in burst}
    assert honest[0].visit_id not in marked and regular[0].id not in marked


def test_fabricated_visits_leave_the_figures(app, make, wards):
    venue = make.venue(name="Quán Đếm", ward_code=wards[0].code)
    rows = visits(venue, [local(20, 9, m) for m in range(4)], out=timedelta(minutes=30), out_method="self")

    def figures():
        return (today_counts(venue, NOW, TZ)["checked_in_today"], venue_activity(venue, NOW)["checkins"],
                dict(daily_checkins([wards[0].code], NOW))[local(20, 12).date()],
                dict(daily_checkins(None, NOW))[local(20, 12).date()],
                ward_figures([wards[0].code], NOW)[wards[0].code]["checkins"])

    assert figures() == (4, 4, 4, 4, 4)
    for row in rows[:3]:
        row.fabricated = True
    db.session.commit()
    assert figures() == (1, 1, 1, 1, 1)


def test_fabricated_visits_are_never_contacts(make):
    people = People()
    venue = make.venue(name="Chợ Tiếp Xúc")
    case, real, fake = people.person("Ca Bệnh"), people.person("Người Thật"), people.person("Người Giả")
    start = people.now - timedelta(days=2)
    people.visit(case, venue, start, start + timedelta(minutes=60))
    people.visit(real, venue, start, start + timedelta(minutes=60))
    fabricated = people.visit(fake, venue, start, start + timedelta(minutes=60))

    def contacts():
        groups = find_contacts(person_visits([case.id], start - timedelta(days=1), people.now), rule="overlap",
                               minutes=15, cutoff=people.now - timedelta(days=28), now=people.now,
                               exclude_visitor_ids=[case.id])
        return sorted(c.visitor.full_name for g in groups for c in g.contacts)

    def warned():
        return exposed_visitor_ids(venue.id, start, start + timedelta(minutes=30), people.now - timedelta(days=28))

    assert contacts() == ["Người Giả", "Người Thật"]
    assert warned() == {case.id, real.id, fake.id}
    fabricated.fabricated = True
    db.session.commit()
    assert contacts() == ["Người Thật"]
    assert warned() == {case.id, real.id}


def test_the_page_shows_no_personal_data(app, make, wards):
    venue = make.venue(name="Quán Riêng Tư", ward_code=wards[0].code)
    who = visitor(name="Phạm Thị Bí Mật", phone="+84987654321")
    visits(venue, [local(20, 8, m) for m in range(3)], who=who)
    registrations(venue, local(20, 9), ["203.0.113.77"] * 3)
    store(Finding(venue.id, "burst", local(20, 9), local(20, 9, 1), {"registrations": 3, "addresses": 1,
                                                                       "minutes": 5, "in_window": 3}), NOW)
    db.session.commit()
    official = make.user(role="ward_official", wards=[wards[0]], name="Cán bộ Phường A")
    html = signed_in(app, official).get("/inspection/suspicious").get_data(as_text=True)
    assert "Quán Riêng Tư" in html and "3 first-time registrations within 5 minutes from 1 client" in html
    for personal in ("Phạm Thị Bí Mật", "Người Mới", "987654321", "987 654 321", "203.0.113.77",
                     address_hash("203.0.113.77")):
        assert personal not in html


def test_a_first_time_registration_keeps_a_keyed_hash_of_the_address_only(client, make):
    venue = make.venue(name="Quán Địa Chỉ")
    client.environ_base["REMOTE_ADDR"] = "203.0.113.50"
    assert register(client, venue).status_code == 303
    row = db.session.scalar(select(RegistrationAddress))
    assert row.address_hash == address_hash("203.0.113.50") and "203.0.113.50" not in row.address_hash
    visit = db.session.get(Visit, row.visit_id)
    assert (row.venue_id, row.visitor_id) == (venue.id, visit.visitor_id)
    # A remembered visitor's one tap writes no address.
    tap_check_in(client, make.venue(name="Quán Khác"))
    assert len(db.session.scalars(select(RegistrationAddress)).all()) == 1


def test_address_hashes_are_purged_after_14_days(app, make):
    venue_id = make.venue(name="Quán Cũ").id  # the purge closes the session
    now = utcnow()
    for age in (15, 14.1, 13.9):
        at = now - timedelta(days=age)
        db.session.add(RegistrationAddress(visit_id=1, visitor_id=1, venue_id=venue_id, registered_at=at,
                                           address_hash=address_hash("192.0.2.1")))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["data", "purge"])
    assert result.exit_code == 0, result.output
    assert "2 registration address hashes" in result.output
    left = db.session.scalars(select(RegistrationAddress.registered_at)).all()
    assert len(left) == 1 and left[0] > now - timedelta(days=14)
    app.config["PORTAL_SUSPICIOUS_ADDRESS_DAYS"] = 60  # never kept past 14 days, whatever the setting
    db.session.add(RegistrationAddress(visit_id=1, visitor_id=1, venue_id=venue_id,
                                       registered_at=now - timedelta(days=20), address_hash="x" * 64))
    db.session.commit()
    app.test_cli_runner().invoke(args=["data", "purge"])
    assert len(db.session.scalars(select(RegistrationAddress)).all()) == 1
