"""Sessions end when they should: at logout, when a staff account is removed or re-added, on any
administrator change of an account, and a login always starts a new session.

Each test replays a session cookie an attacker (or a former staff member) kept, as the attack.
"""
from flask_login.utils import encode_cookie
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db

from ..html import check_page
from ..factories import PASSWORD, next_phone

COOKIE = "session"


def kept_cookie(client):
    """The session cookie as it is now, as someone copying it from the browser would keep it."""
    return client.get_cookie(COOKIE).value


def replay(app, cookie_value, cookie_name=COOKIE):
    """A new browser that only has the kept cookie."""
    other = app.test_client()
    other.set_cookie(cookie_name, cookie_value)
    return other


def sent_to_login(response):
    return response.status_code == 302 and "/auth/login" in response.headers["Location"]


def log_in(client, user, password=PASSWORD):
    response = client.post("/auth/login", data={"phone": user.phone, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def test_the_session_cookie_replayed_after_logout_opens_nothing(app, client, make, login):
    owner = make.owner()
    venue = make.venue(owner)
    login(owner)
    check_page(client.get("/venues/"))
    stolen = kept_cookie(client)
    assert replay(app, stolen).get("/venues/").status_code == 200  # it works while logged in

    client.post("/auth/logout")

    thief = replay(app, stolen)
    for page in ("/venues/", f"/venues/{venue.short_code}/", "/venues/new"):
        assert sent_to_login(thief.get(page)), page
    assert venue.name not in thief.get("/venues/", follow_redirects=True).get_data(as_text=True)


def test_logout_ends_the_sessions_on_every_device(app, make):
    owner = make.owner()
    phone, laptop = app.test_client(), app.test_client()
    log_in(phone, owner)
    log_in(laptop, owner)
    phone.post("/auth/logout")
    assert sent_to_login(laptop.get("/venues/"))


def test_a_remember_cookie_from_before_logout_opens_nothing(app, client, make, login):
    """The remember cookie carries the same id and version as the session, so it ends too."""
    owner = make.owner()
    login(owner)
    with app.test_request_context():
        remembered = encode_cookie(db.session.get(User, owner.id).get_id())
    assert replay(app, remembered, "remember_token").get("/venues/").status_code == 200
    client.post("/auth/logout")
    assert sent_to_login(replay(app, remembered, "remember_token").get("/venues/"))


def test_a_session_without_a_version_is_refused(app, make):
    """A cookie holding the bare account id (as before session versions) logs nobody in."""
    owner = make.owner()
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = str(owner.id)
        session["_fresh"] = True
    assert sent_to_login(other.get("/venues/"))


def test_login_issues_a_new_session_and_keeps_nothing_planted_before(app, client, make):
    """Session fixation: whatever sat in the session before login is gone after it."""
    owner = make.owner()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["csrf_token"] = "a token the attacker knows"
    before = kept_cookie(client)
    log_in(client, owner)
    with client.session_transaction() as session:
        assert "planted" not in session and session.get("csrf_token") != "a token the attacker knows"
        assert session["_user_id"] == f"{owner.id}:{db.session.get(User, owner.id).session_version}"
    assert kept_cookie(client) != before
    assert sent_to_login(replay(app, before).get("/venues/"))


def test_a_removed_staff_member_re_added_by_another_owner_does_not_get_the_old_session_back(app, make):
    first_owner, second_owner = make.owner(), make.owner()
    first_venue, second_venue = make.venue(first_owner), make.venue(second_owner, name="Tiệm Vàng Kim")
    phone = next_phone()
    boss = app.test_client()
    log_in(boss, first_owner)
    added = boss.post(f"/staff/{first_venue.short_code}/team",
                      data={"full_name": "Trần Văn Gác", "phone": phone, "password": PASSWORD})
    assert added.status_code == 302
    staff = db.session.scalar(select(User).where(User.phone == "+84" + phone[1:]))
    guard = app.test_client()
    log_in(guard, staff)
    check_page(guard.get(f"/staff/{first_venue.short_code}/scan"))
    kept = kept_cookie(guard)

    boss.post(f"/staff/{first_venue.short_code}/team/remove", data={"user": str(staff.id)})
    assert sent_to_login(guard.get("/staff/"))

    other_boss = app.test_client()
    log_in(other_boss, second_owner)
    readded = other_boss.post(f"/staff/{second_venue.short_code}/team",
                              data={"full_name": "Trần Văn Gác", "phone": phone, "password": "bốn mùa hoa nở rộ"})
    assert readded.status_code == 302
    for client in (guard, replay(app, kept)):
        assert sent_to_login(client.get("/staff/"))
        assert sent_to_login(client.get(f"/staff/{second_venue.short_code}/scan"))
    # The person logs in again with the new owner's password, and only then scans there.
    log_in(guard, staff, password="bốn mùa hoa nở rộ")
    check_page(guard.get(f"/staff/{second_venue.short_code}/scan"))


def test_checkpoint_officers_lose_their_session_when_taken_off_or_switched_off(app, make):
    admin = make.user(role="province_admin")
    checkpoint = make.venue(admin, name="Chốt Kiểm Soát Cầu Ông Cộ", category="checkpoint")
    officer = make.user(role="checkpoint")
    console = app.test_client()
    log_in(console, admin)
    assign = {"officer": str(officer.id), "venue": checkpoint.short_code}
    assert console.post("/staff/checkpoints/assign", data=assign).status_code == 302
    officer_phone = app.test_client()
    log_in(officer_phone, officer)
    kept = kept_cookie(officer_phone)

    console.post("/staff/checkpoints/unassign", data={"user": str(officer.id), "venue": checkpoint.short_code})
    assert sent_to_login(replay(app, kept).get("/staff/"))

    console.post("/staff/checkpoints/assign", data=assign)
    log_in(officer_phone, officer)
    kept = kept_cookie(officer_phone)
    console.post("/staff/checkpoints/deactivate", data={"user": str(officer.id)})
    assert sent_to_login(replay(app, kept).get("/staff/"))


def _official_logged_in(app, make):
    a, b = make.wards(2)
    official = make.user(role="ward_official", wards=[a, b])  # two wards: /reports/ is their dashboard
    admin = make.user(role="province_admin")
    console, desk = app.test_client(), app.test_client()
    log_in(console, admin)
    log_in(desk, official)
    check_page(desk.get("/reports/"))
    return official, console, desk, (a, b)


def test_an_administrator_changing_an_officials_wards_ends_their_session(app, make):
    official, console, desk, (a, b) = _official_logged_in(app, make)
    kept = kept_cookie(desk)
    # A new name alone changes nothing the official may see: the session stays.
    console.post(f"/officials/{official.id}/", data={"full_name": "Cán Bộ Mới", "wards": [a.code, b.code]})
    check_page(desk.get("/reports/"))
    console.post(f"/officials/{official.id}/", data={"full_name": "Cán Bộ Mới", "wards": [b.code]})
    assert sent_to_login(desk.get("/reports/"))
    assert sent_to_login(replay(app, kept).get("/reports/"))


def test_an_administrator_deactivating_an_official_ends_their_session_for_good(app, make):
    official, console, desk, _wards = _official_logged_in(app, make)
    kept = kept_cookie(desk)
    console.post(f"/officials/{official.id}/active", data={"active": "0"})
    console.post(f"/officials/{official.id}/active", data={"active": "1"})
    # Reactivated, the account needs a new login: the old cookie stays dead.
    assert sent_to_login(replay(app, kept).get("/reports/"))


def test_a_new_first_password_ends_the_sessions_and_replaces_the_old_password(app, make):
    official, console, desk, _wards = _official_logged_in(app, make)
    console.set_cookie("lang", "en")
    weak = console.post(f"/officials/{official.id}/password", data={"password": "1234567890"})
    assert weak.status_code == 422 and "too easy to guess" in weak.get_data(as_text=True)
    check_page(desk.get("/reports/"))  # nothing changed

    done = console.post(f"/officials/{official.id}/password", data={"password": "sông Sài Gòn mùa nước nổi"})
    assert done.status_code == 302
    assert sent_to_login(desk.get("/reports/"))
    refused = desk.post("/auth/login", data={"phone": official.phone, "password": PASSWORD})
    assert refused.status_code == 422
    log_in(desk, official, password="sông Sài Gòn mùa nước nổi")
    check_page(desk.get("/reports/"))
    check_page(console.get("/officials/"))  # the administrator's own session is untouched


def test_an_administrator_giving_themselves_a_new_password_stays_logged_in(app, make):
    admin = make.user(role="province_admin")
    console, other_tab = app.test_client(), app.test_client()
    log_in(console, admin)
    log_in(other_tab, admin)
    assert console.post(f"/officials/{admin.id}/password",
                        data={"password": "cà phê sữa đá sáng thứ hai"}).status_code == 302
    check_page(console.get("/officials/"))
    assert sent_to_login(other_tab.get("/officials/"))
