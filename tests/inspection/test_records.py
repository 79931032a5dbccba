"""Inspection records: posters checked through the page, the record, the owner's panel, the officials'
history, and a violation proposing a suspension that a ward official confirms."""
from datetime import timedelta

from sqlalchemy import select

from portal.clock import local_date, utcnow
from portal.extensions import db
from portal.inspection.models import Inspection, PosterCheck
from portal.registry.models import FollowUp
from portal.venues.models import Venue
from portal.venues.services import checkin_url, retire_token

from ..factories import establishment
from ..html import check_page
from .helpers import BASE, inspector, signed_in

NOTE = "Áp phích ở cổng sau là mã giả, phải gỡ ngay"


def setup(make, app):
    ward = make.wards(1)[0]
    market = make.venue(name="Chợ Thủ Dầu Một", category="market", ward_code=ward.code)
    other = make.venue(name="Siêu thị Bình Dương", category="supermarket", ward_code=ward.code)
    old = checkin_url(BASE, market)
    retire_token(market, utcnow())
    db.session.commit()
    return ward, market, other, old


def scan(browser, venue, payload):
    return browser.post(f"/inspection/{venue.short_code}/posters", data={"payload": payload})


def test_each_scan_gives_its_verdict_at_once(app, make):
    ward, market, other, old = setup(make, app)
    browser = signed_in(app, inspector(make, app, ["market"], [ward]))
    answers = {}
    for name, payload in [("genuine", checkin_url(BASE, market)), ("retired", old),
                          ("copy", checkin_url(BASE, other)),
                          ("fake", 'https://evil.example.com/v/<script>alert(1)</script>')]:
        response = scan(browser, market, payload)
        assert response.status_code == 302
        answers[name] = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Genuine and current" in answers["genuine"]
    assert "Retired: an old poster still hanging" in answers["retired"]
    assert "another venue" in answers["copy"] and "Siêu thị Bình Dương" in answers["copy"]
    assert "Fake: the QR leads to another website" in answers["fake"]
    assert "https://evil.example.com/v/&lt;script&gt;alert(1)&lt;/script&gt;" in answers["fake"]
    assert "<script>alert(1)" not in answers["fake"]
    kinds = db.session.scalars(select(PosterCheck.verdict).order_by(PosterCheck.id)).all()
    assert kinds == ["genuine", "retired", "other_venue", "foreign_host"]


def test_a_10kb_paste_gets_a_clear_message_and_nothing_is_kept(app, make):
    ward, market, _other, _old = setup(make, app)
    browser = signed_in(app, inspector(make, app, ["market"], [ward]))
    response = scan(browser, market, "A" * 10240)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "far longer than any poster" in page and "A" * 600 not in page
    assert scan(browser, market, "abc\x07def").status_code == 422
    assert db.session.scalar(select(PosterCheck.id)) is None


def test_a_recorded_violation_reaches_the_owner_and_the_officials(app, make):
    ward, market, _other, old = setup(make, app)
    place = establishment(ward, name="Chợ Thủ Dầu Một", venue=market)
    browser = signed_in(app, inspector(make, app, ["market"], [ward]))
    scan(browser, market, checkin_url(BASE, market))
    scan(browser, market, old)
    response = browser.post(f"/inspection/{market.short_code}/record", data={
        "poster_every_entrance": "y", "staff_remind": "y", "result": "violation", "note": NOTE,
        "propose_suspension": "y"})
    assert response.status_code == 302
    inspection = db.session.scalar(select(Inspection))
    assert inspection.result == "violation" and inspection.suspension == "proposed"
    assert [c.verdict for c in inspection.checks] == ["genuine", "retired"]
    assert not inspection.people_scanning and inspection.poster_every_entrance

    owner_page = signed_in(app, market.owner).get(f"/venues/{market.short_code}/").get_data(as_text=True)
    assert "Last inspection" in owner_page and "Violation" in owner_page and NOTE in owner_page
    assert "People were seen scanning" in owner_page  # a checklist item not met: to fix
    assert "Retired: an old poster still hanging" in owner_page
    assert "proposed suspending" in owner_page

    official = signed_in(app, make.user(role="ward_official", wards=[ward], name="Cán bộ Phường"))
    history = official.get(f"/registry/establishments/{place.registration_number}/").get_data(as_text=True)
    assert "Inspections" in history and NOTE in history and "Confirm the suspension" in history
    assert NOTE in official.get(f"/registry/venues/{market.short_code}/").get_data(as_text=True)


def test_to_fix_needs_a_future_date_and_a_note(app, make):
    ward, market, _other, _old = setup(make, app)
    browser = signed_in(app, inspector(make, app, ["market"], [ward]))
    today = local_date(utcnow())
    url = f"/inspection/{market.short_code}/record"
    assert browser.post(url, data={"result": "to_fix", "note": NOTE}).status_code == 422
    assert browser.post(url, data={"result": "to_fix", "note": NOTE, "fix_by": today.isoformat()}).status_code == 422
    assert browser.post(url, data={"result": "meets", "propose_suspension": "y"}).status_code == 422
    assert db.session.scalar(select(Inspection.id)) is None
    later = today + timedelta(days=7)
    assert browser.post(url, data={"result": "to_fix", "note": NOTE, "fix_by": later.isoformat()}).status_code == 302
    owner_page = signed_in(app, market.owner).get(f"/venues/{market.short_code}/").get_data(as_text=True)
    assert "To fix by " + later.strftime("%d/%m/%Y") in owner_page


def test_an_official_of_the_ward_confirms_the_proposed_suspension(app, make):
    ward, market, _other, _old = setup(make, app)
    browser = signed_in(app, inspector(make, app, ["market"], [ward]))
    browser.post(f"/inspection/{market.short_code}/record", data={
        "result": "violation", "note": NOTE, "propose_suspension": "y"})
    inspection = db.session.scalar(select(Inspection))
    url = f"/inspection/{market.short_code}/inspections/{inspection.id}/suspend"
    reason = "Vi phạm khi kiểm tra: " + NOTE
    assert browser.post(url, data={"reason": reason}).status_code == 404  # the inspector only proposes
    assert "Suspensions proposed" not in browser.get("/inspection/").get_data(as_text=True)
    other_ward = make.wards(2)[1]
    outsider = signed_in(app, make.user(role="ward_official", wards=[other_ward]))
    assert outsider.post(url, data={"reason": reason}).status_code == 404
    assert db.session.get(Venue, market.id).status == "active"

    official = signed_in(app, make.user(role="ward_official", wards=[ward], name="Cán bộ Phường"))
    listed = official.get("/inspection/").get_data(as_text=True)
    assert "Suspensions proposed by inspectors" in listed and "Chợ Thủ Dầu Một" in listed
    page = check_page(official.get(f"/registry/venues/{market.short_code}/"))
    assert f'action="{url}"' in page and "Inspection on " in page and NOTE in page
    assert official.post(url, data={"reason": ""}).status_code == 302  # a reason is required
    assert db.session.get(Venue, market.id).status == "active"
    response = official.post(url, data={"reason": reason})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Venue, market.id).status == "suspended"
    assert db.session.get(Venue, market.id).status_reason == reason
    assert db.session.get(Inspection, inspection.id).suspension == "confirmed"
    assert db.session.scalar(select(FollowUp.action).where(FollowUp.venue_id == market.id)) == "suspended"
    official.post(url, data={"reason": "again"})  # already decided: nothing more happens
    assert db.session.scalar(select(db.func.count(FollowUp.id))) == 1
    assert f'action="{url}"' not in official.get(f"/registry/venues/{market.short_code}/").get_data(as_text=True)


def test_posters_checked_on_an_earlier_unrecorded_visit_are_not_attached(app, make):
    ward, market, _other, _old = setup(make, app)
    browser = signed_in(app, inspector(make, app, ["market"], [ward]))
    scan(browser, market, market.short_code)
    stale = db.session.scalar(select(PosterCheck))
    stale.checked_at = utcnow() - timedelta(days=2)
    db.session.commit()
    scan(browser, market, market.short_code)
    fresh = db.session.scalar(select(PosterCheck.id).where(PosterCheck.id != stale.id))
    browser.post(f"/inspection/{market.short_code}/record", data={"result": "meets"})
    inspection = db.session.scalar(select(Inspection))
    assert [c.id for c in inspection.checks] == [fresh]
    assert db.session.get(PosterCheck, stale.id).inspection_id is None


def test_a_poster_checked_by_mistake_can_be_removed_before_the_record(app, make):
    ward, market, _other, _old = setup(make, app)
    browser = signed_in(app, inspector(make, app, ["market"], [ward]))
    scan(browser, market, "not a poster")
    check = db.session.scalar(select(PosterCheck))
    assert check.verdict == "unknown" and check.shown == "not a poster"
    check_id, url = check.id, f"/inspection/{market.short_code}/posters/{check.id}/remove"
    someone_else = signed_in(app, inspector(make, app, ["market"], [ward], name="Thanh Tra Khác"))
    someone_else.post(url)
    assert db.session.scalar(select(PosterCheck.id)) == check_id  # only its own inspector removes it
    browser.post(url)
    assert db.session.scalar(select(PosterCheck.id)) is None
