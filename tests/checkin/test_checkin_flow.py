"""Checking in and out from the venue link: first time, one tap, check-out, moving, auto close."""
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from portal.checkin.models import Visit
from portal.checkin.services import close_stale
from portal.checkin.words import WORDS
from portal.crypto import lookup_hash, plain_hash
from portal.extensions import db
from portal.clock import utcnow
from portal.visitors.models import Device, Visitor

from ..html import check_page, form_actions, hidden_fields
from .helpers import NAME, count_visits, device_cookie, register, tap_check_in, venue_url, visits


def test_first_visit_shows_the_short_form_with_venue_name_and_address(client, make):
    venue = make.venue(name="Tiệm Bánh Mì Cô Ba", address="7 Đường Yersin")
    html = check_page(client.get(venue_url(venue)))
    assert "Tiệm Bánh Mì Cô Ba" in html and "7 Đường Yersin" in html
    for field in ("full_name", "phone", "birth_year", "nonce"):
        assert f'name="{field}"' in html
    assert client.get_cookie("session") is None  # visitor pages never write the Flask session


def test_first_check_in_creates_visitor_device_and_visit(client, make):
    venue = make.venue()
    response = register(client, venue, phone="0912 345 678", year="1985")
    assert response.status_code == 303
    visit = visits()[0]
    assert response.headers["Location"] == f"/visit/{visit.ref}"
    assert visit.venue_id == venue.id and visit.in_method == "self" and visit.checked_out_at is None
    assert visit.due_out_at - visit.checked_in_at == timedelta(minutes=60)
    visitor = db.session.get(Visitor, visit.visitor_id)
    assert (visitor.full_name, visitor.phone, visitor.birth_year) == (NAME, "+84912345678", 1985)
    assert visitor.phone_hash == lookup_hash("+84912345678")
    raw = db.session.execute(db.text("SELECT full_name, phone FROM visitors")).one()
    assert NAME.encode() not in bytes(raw[0]) and b"912345678" not in bytes(raw[1])
    token = device_cookie(client)
    device = db.session.scalar(select(Device))
    assert device.visitor_id == visitor.id and device.token_hash == plain_hash(token)
    assert token not in device.token_hash


def test_device_cookie_is_long_lived_httponly_lax_and_secure_when_configured(make_app, make):
    app = make_app(PORTAL_SECURE_COOKIES=True)
    client = app.test_client()
    venue = make.venue()
    response = register(client, venue)
    cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("vr_device=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert "Max-Age=34560000" in cookie
    assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]


def test_confirmation_shows_venue_time_and_check_word(client, make):
    venue = make.venue(name="Nhà Sách Phương Nam", address="20 Đường Cách Mạng Tháng Tám")
    location = register(client, venue).headers["Location"]
    before = utcnow().astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    html = check_page(client.get(location))
    after = utcnow().astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert "Nhà Sách Phương Nam" in html and "20 Đường Cách Mạng Tháng Tám" in html
    assert NAME in html
    # The server's time now, in Asia/Ho_Chi_Minh (UTC+7), to the minute.
    assert any(t.strftime("%d/%m/%Y %H:%M") in html for t in (before, after))
    word = html.split('<strong lang="vi">')[1].split("<")[0]
    assert word in WORDS
    assert f"/visit/{visits()[0].ref}/out" in form_actions(html)


def test_remembered_device_checks_in_with_one_tap(client, make):
    first, second = make.venue(name="Quán A"), make.venue(name="Quán B")
    register(client, first)
    client.post(f"/visit/{visits()[0].ref}/out", data={})
    html = check_page(client.get(venue_url(second)))
    assert f"{NAME}" in html and 'name="full_name"' not in html
    assert "?new=1" in html  # the "not me" link
    response = tap_check_in(client, second)
    assert response.status_code == 303
    assert count_visits(venue_id=second.id) == 1
    assert db.session.scalar(select(db.func.count(Visitor.id))) == 1


def test_check_out_from_the_venue_page_while_inside(client, make):
    venue = make.venue()
    register(client, venue)
    html = check_page(client.get(venue_url(venue)))
    visit = visits()[0]
    assert form_actions(html)[0] == f"/visit/{visit.ref}/out"
    assert 'name="full_name"' not in html
    response = client.post(f"/visit/{visit.ref}/out", data=hidden_fields(html))
    assert response.status_code == 303 and response.headers["Location"] == f"/visit/{visit.ref}"
    visit = visits()[0]
    assert visit.checked_out_at is not None and visit.out_method == "self"
    html = check_page(client.get(f"/visit/{visit.ref}"))
    assert f"/visit/{visit.ref}/out" not in html
    # Checking out twice changes nothing.
    before = visit.checked_out_at
    client.post(f"/visit/{visit.ref}/out", data={})
    assert visits()[0].checked_out_at == before


def test_checking_in_elsewhere_closes_the_earlier_visit(client, make):
    first, second = make.venue(name="Chợ"), make.venue(name="Siêu thị")
    register(client, first)
    html = check_page(client.get(venue_url(second)))
    assert "Chợ" in html  # tells the visitor they will leave the first place
    tap_check_in(client, second)
    earlier, later = visits()
    assert earlier.venue_id == first.id and earlier.out_method == "moved"
    assert earlier.checked_out_at == later.checked_in_at
    assert later.venue_id == second.id and later.checked_out_at is None


def test_open_visit_closes_automatically_after_default_stay_when_read(client, make):
    venue = make.venue(default_stay_minutes=30)
    register(client, venue)
    visit = visits()[0]
    visit.checked_in_at -= timedelta(hours=2)
    visit.due_out_at -= timedelta(hours=2)
    db.session.commit()
    html = check_page(client.get(venue_url(venue)))
    assert "?new=1" in html  # the one-tap check-in again, not "check out"
    visit = visits()[0]
    assert visit.out_method == "auto" and visit.checked_out_at == visit.due_out_at


def test_confirmation_of_an_overdue_visit_shows_the_automatic_check_out(client, make):
    venue = make.venue(default_stay_minutes=15)
    location = register(client, venue).headers["Location"]
    visit = visits()[0]
    visit.checked_in_at -= timedelta(days=1)
    visit.due_out_at -= timedelta(days=1)
    db.session.commit()
    html = check_page(client.get(location))
    assert "/out" not in "".join(form_actions(html))
    assert visits()[0].out_method == "auto"


def test_close_stale_command_closes_overdue_visits_only(runner, client, make):
    venue = make.venue(default_stay_minutes=60)
    register(client, venue)
    client2 = client.application.test_client()
    register(client2, venue, name="Lê Thị Hoa", phone="0987 654 321")
    overdue = visits()[0]
    overdue.checked_in_at -= timedelta(hours=3)
    overdue.due_out_at -= timedelta(hours=3)
    db.session.commit()
    result = runner.invoke(args=["visits", "close-stale"])
    assert result.exit_code == 0 and "1" in result.output
    first, second = visits()
    assert first.out_method == "auto" and first.checked_out_at == first.due_out_at
    assert second.checked_out_at is None
    assert close_stale(utcnow()) == 0


def test_not_me_registers_another_person_and_forgets_the_previous_one(client, make):
    venue = make.venue()
    register(client, venue)
    first_token = device_cookie(client)
    client.post(f"/visit/{visits()[0].ref}/out", data={})
    url = venue_url(venue) + "?new=1"
    html = check_page(client.get(url))
    assert 'name="full_name"' in html and NAME in html  # "remember them instead of …"
    data = hidden_fields(html)
    data.update(full_name="Phạm Minh Tuấn", phone="0903 111 222", birth_year="2001")
    assert client.post(url, data=data).status_code == 303
    assert device_cookie(client) != first_token
    devices = list(db.session.scalars(select(Device)))
    assert len(devices) == 1 and devices[0].visitor.full_name == "Phạm Minh Tuấn"
    assert "Phạm Minh Tuấn" in client.get(venue_url(venue)).get_data(as_text=True)


def test_same_phone_on_another_device_makes_a_separate_profile(client, make):
    venue = make.venue()
    register(client, venue, phone="0912 345 678")
    other = client.application.test_client()
    register(other, venue, name="Kẻ Giả Mạo", phone="0912 345 678")
    people = list(db.session.scalars(select(Visitor).order_by(Visitor.id)))
    assert len(people) == 2 and people[0].phone_hash == people[1].phone_hash
    html = other.get("/me").get_data(as_text=True)
    assert NAME not in html  # a phone number alone never opens someone else's visits


def test_short_code_page_is_the_same_page_in_any_case(client, make):
    venue = make.venue()
    html = check_page(client.get(f"/c/{venue.short_code.lower()}"))
    assert venue.name in html and f'action="/c/{venue.short_code}"' in html
    data = hidden_fields(html)
    data.update(full_name=NAME, phone="0912345678", birth_year="1970")
    assert client.post(f"/c/{venue.short_code}", data=data).status_code == 303
    assert count_visits(venue_id=venue.id) == 1


def test_code_box_redirects_to_the_code_page(client, make):
    venue = make.venue()
    response = client.get("/c", query_string={"code": venue.short_code.lower()})
    assert response.status_code == 302 and response.headers["Location"] == f"/c/{venue.short_code}"


def test_visitor_pages_are_not_cached(client, make):
    venue = make.venue()
    assert "no-store" in client.get(venue_url(venue)).headers["Cache-Control"]
    location = register(client, venue).headers["Location"]
    assert "no-store" in client.get(location).headers["Cache-Control"]


def test_visit_model_keeps_open_state(client, make):
    venue = make.venue()
    register(client, venue)
    assert visits()[0].is_open
    assert isinstance(db.session.scalar(select(Visit.ref)), str)
