"""Officials suspend and reopen venues: the decision takes effect, is audited, listed and explained."""
from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.registry.models import FollowUp
from portal.venues.models import Venue

from ..checkin.helpers import count_visits, register, venue_url, visits
from ..html import check_page, hidden_fields
from ..factories import PASSWORD, establishment

REASON = "Không quét mã khi đoàn kiểm tra ngày 03/12"


def signed_in(app, user, lang="en"):
    """A separate browser logged in as `user` (the test's `client` stays the visitor's phone)."""
    browser = app.test_client()
    browser.set_cookie("lang", lang)
    response = browser.post("/auth/login", data={"phone": user.phone, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def status_of(venue):
    db.session.rollback()
    return db.session.get(Venue, venue.id).status


def audit(action=None):
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def follow_ups(action=None):
    query = select(FollowUp).order_by(FollowUp.id)
    if action:
        query = query.where(FollowUp.action == action)
    return list(db.session.scalars(query))


def official_of(make, ward, **kw):
    return make.user(role="ward_official", wards=[ward], name="Cán bộ Phường Lan", **kw)


def test_a_ward_official_outside_the_venues_ward_gets_404_and_changes_nothing(app, make):
    mine, theirs = make.wards(2)
    venue = make.venue(name="Karaoke Ánh Trăng", ward_code=theirs.code)
    place = establishment(theirs, venue=venue)
    officer = signed_in(app, official_of(make, mine))
    code = venue.short_code
    attempts = [
        (f"/registry/venues/{code}/suspend", {"reason": REASON}),
        (f"/registry/venues/{code}/reopen", {"reason": ""}),
        (f"/registry/venues/{code}/follow-ups", {"action": "suspended", "action_on": "2026-01-05", "note": REASON}),
        (f"/registry/establishments/{place.registration_number}/follow-ups",
         {"action": "suspended", "action_on": "2026-01-05", "note": REASON}),
    ]
    for url, data in attempts:
        check_page(officer.post(url, data=data), 404)
    check_page(officer.get(f"/registry/venues/{code}/"), 404)
    owner_of_another_venue = signed_in(app, make.owner())
    check_page(owner_of_another_venue.post(f"/registry/venues/{code}/suspend", data={"reason": REASON}), 404)
    assert status_of(venue) == "active" and audit() == [] and follow_ups() == []


def test_a_suspension_needs_a_reason_and_a_refused_one_saves_nothing(app, make):
    ward = make.wards(1)[0]
    venue = make.venue(ward_code=ward.code)
    officer = signed_in(app, official_of(make, ward))
    url = f"/registry/venues/{venue.short_code}/suspend"
    cases = [
        ({}, "Write the reason for the suspension"),
        ({"reason": "   "}, "Write the reason for the suspension"),
        ({"reason": "x" * 301}, "Use at most 300 characters."),
        ({"reason": "<script>alert(1)</script>"}, "Do not use the characters &lt; and &gt;."),
        ({"reason": "bad\x00reason"}, "invisible control characters"),
    ]
    for data, message in cases:
        html = check_page(officer.post(url, data=data), 422)
        assert message in html and 'role="alert"' in html and "<script>alert" not in html, message
    # The follow-up form says the same when "Suspended" is chosen without a note.
    html = check_page(officer.post(f"/registry/venues/{venue.short_code}/follow-ups",
                                   data={"action": "suspended", "action_on": "2026-01-05", "note": ""}), 422)
    assert "Write the reason for the suspension" in html
    assert status_of(venue) == "active" and audit() == [] and follow_ups() == []
    # Vietnamese first.
    html = check_page(signed_in(app, official_of(make, ward), lang="vi").post(url, data={}), 422)
    assert "Ghi lý do đình chỉ" in html


def test_a_suspended_venue_refuses_check_ins_and_lets_people_inside_check_out(app, client, make):
    ward = make.wards(1)[0]
    venue = make.venue(name="Quán Nhậu Gió", ward_code=ward.code)
    register(client, venue)  # the visitor is inside
    inside = visits()[0]
    officer = signed_in(app, official_of(make, ward))
    response = officer.post(f"/registry/venues/{venue.short_code}/suspend", data={"reason": REASON})
    assert response.status_code == 302 and status_of(venue) == "suspended"

    html = check_page(client.get(venue_url(venue)))
    assert f"/visit/{inside.ref}/out" in html and 'name="nonce"' not in html
    stranger = app.test_client()
    for url in (venue_url(venue), f"/c/{venue.short_code}"):
        check_page(stranger.post(url, data={"full_name": "Trần Khách", "phone": "0987 111 222",
                                            "birth_year": "1990", "nonce": "p" * 22}), 409)
    assert count_visits() == 1
    out = client.post(f"/visit/{inside.ref}/out", data=hidden_fields(html, f"/visit/{inside.ref}/out"))
    assert out.status_code == 303 and visits()[0].checked_out_at is not None

    # Reopened: check-ins are recorded again.
    response = officer.post(f"/registry/venues/{venue.short_code}/reopen", data={"reason": "Đã khắc phục"})
    assert response.status_code == 302 and status_of(venue) == "active"
    assert register(stranger, venue, name="Trần Khách", phone="0987 111 222").status_code == 303
    assert count_visits() == 2


def test_suspending_and_reopening_are_audited_listed_and_explained_to_the_owner(app, make):
    ward = make.wards(1)[0]
    owner = make.owner()
    venue = make.venue(owner, name="Quán Nhậu Gió", ward_code=ward.code)
    official = official_of(make, ward)
    officer = signed_in(app, official)
    code = venue.short_code
    html = check_page(officer.get(f"/registry/venues/{code}/"))
    assert f'action="/registry/venues/{code}/suspend"' in html
    response = officer.post(f"/registry/venues/{code}/suspend", data={"reason": REASON})
    html = check_page(officer.get(response.headers["Location"]))
    assert f"Venue {code} is suspended" in html and REASON in html
    assert f'action="/registry/venues/{code}/reopen"' in html and "Suspended" in html

    [entry] = audit()
    assert (entry.action, entry.actor_id, entry.actor_role) == ("suspend", official.id, "ward_official")
    assert entry.query == f"venue={code}" and REASON not in entry.query
    [suspended] = follow_ups()
    assert (suspended.action, suspended.note, suspended.venue_id) == ("suspended", REASON, venue.id)
    assert "Suspended" in check_page(officer.get(f"/registry/wards/{ward.code}/follow-ups"))

    shop = signed_in(app, owner)
    for url in ("/venues/", f"/venues/{code}/"):
        html = check_page(shop.get(url))
        assert "suspended" in html.lower() and REASON in html, url
    assert "Check-ins are not recorded here; people inside can still check out." in check_page(
        shop.get(f"/venues/{code}/"))
    assert "Lý do: " + REASON in check_page(signed_in(app, owner, lang="vi").get(f"/venues/{code}/"))

    officer.post(f"/registry/venues/{code}/reopen", data={"reason": "Đã khắc phục"})
    assert [e.action for e in audit()] == ["suspend", "reopen"]
    assert [f.action for f in follow_ups()] == ["suspended", "reopened"]
    html = check_page(shop.get(f"/venues/{code}/"))
    assert "Reopened by the authorities on" in html and "Đã khắc phục" in html and REASON not in html
    assert REASON not in check_page(shop.get("/venues/"))
    admin = signed_in(app, make.user(role="province_admin"))
    html = check_page(admin.get("/audit/"))
    assert "Suspended a venue" in html and "Reopened a venue" in html


def test_recording_suspended_on_the_establishment_suspends_its_venue(app, make):
    ward = make.wards(1)[0]
    venue = make.venue(name="Karaoke Ánh Trăng", ward_code=ward.code)
    place = establishment(ward, name="Karaoke Ánh Trăng", venue=venue)
    officer = signed_in(app, official_of(make, ward))
    url = f"/registry/establishments/{place.registration_number}/follow-ups"
    response = officer.post(url, data={"action": "suspended", "action_on": "2026-01-05", "note": REASON})
    html = check_page(officer.get(response.headers["Location"]))
    assert f"Venue {venue.short_code} is suspended" in html and REASON in html
    assert status_of(venue) == "suspended" and [e.action for e in audit()] == ["suspend"]
    # Listed on the venue's page too.
    assert REASON in check_page(officer.get(f"/registry/venues/{venue.short_code}/"))

    # Suspending again is refused on the form, and nothing is added.
    html = check_page(officer.post(url, data={"action": "suspended", "action_on": "2026-01-06", "note": "lần 2"}), 422)
    assert "This venue is already suspended." in html and len(follow_ups()) == 1 and len(audit()) == 1

    officer.post(url, data={"action": "reopened", "action_on": "2026-01-07"})
    assert status_of(venue) == "active" and [e.action for e in audit()] == ["suspend", "reopen"]
    html = check_page(officer.post(url, data={"action": "reopened", "action_on": "2026-01-08"}), 422)
    assert "This venue is not suspended." in html and len(audit()) == 2

    # A place with no venue in the portal: the follow-up is kept, nothing else can change.
    unregistered = establishment(ward, name="Cơ sở Chưa Đăng Ký")
    response = officer.post(f"/registry/establishments/{unregistered.registration_number}/follow-ups",
                            data={"action": "suspended", "action_on": "2026-01-05", "note": REASON})
    assert "nothing to suspend" in check_page(officer.get(response.headers["Location"]))
    assert len(audit()) == 2 and len(follow_ups("suspended")) == 2


def test_a_province_admin_decides_in_any_ward_and_the_command_line_does_the_same(app, make, runner):
    venue = make.venue(ward_code=make.wards(2)[1].code)
    admin = make.user(role="province_admin")
    officer = signed_in(app, admin)
    assert officer.post(f"/registry/venues/{venue.short_code}/suspend", data={"reason": REASON}).status_code == 302
    assert status_of(venue) == "suspended"
    # Two officials deciding the same thing: the second is told, and nothing is doubled.
    response = officer.post(f"/registry/venues/{venue.short_code}/suspend", data={"reason": "lại"})
    assert "This venue is already suspended." in check_page(officer.get(response.headers["Location"]))
    assert len(audit("suspend")) == 1 and len(follow_ups()) == 1

    result = runner.invoke(args=["venues", "reopen", venue.short_code, "--by", admin.phone])
    assert result.exit_code == 0, result.output
    assert status_of(venue) == "active"
    result = runner.invoke(args=["venues", "suspend", venue.short_code.lower(), "--reason", " ", "--by", admin.phone])
    assert result.exit_code != 0 and "needs --reason" in result.output and status_of(venue) == "active"
    outsider = make.user(role="ward_official", wards=[make.wards(1)[0]])
    result = runner.invoke(args=["venues", "suspend", venue.short_code, "--reason", REASON, "--by", outsider.phone])
    assert result.exit_code != 0 and status_of(venue) == "active"
    result = runner.invoke(args=["venues", "suspend", venue.short_code, "--reason", REASON, "--by", admin.phone])
    assert result.exit_code == 0 and status_of(venue) == "suspended"
    assert [e.action for e in audit()] == ["suspend", "reopen", "suspend"]
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 3
