"""Bad input on the visitor pages: a clear message, nothing recorded wrongly, never a 500."""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.clock import utcnow
from portal.venues.services import retire_token
from portal.visitors.models import Device, Visitor

from ..html import check_page, hidden_fields
from .helpers import count_visits, device_cookie, register, tap_check_in, venue_url, visits


def nothing_recorded():
    assert count_visits() == 0
    assert db.session.scalar(select(func.count(Visitor.id))) == 0
    assert db.session.scalar(select(func.count(Device.id))) == 0


def test_unknown_token_is_a_404_with_the_code_box(client):
    for method in (client.get, client.post):
        html = check_page(method("/v/this-token-does-not-exist-at-all"), 404)
        assert 'name="code"' in html
    check_page(client.get("/v/" + "x" * 500), 404)
    check_page(client.get("/v/%00abcdefghijklmnopqrstuvwxyz"), 404)  # PostgreSQL refuses NUL bytes
    check_page(client.get("/v/abc%00"), 404)


def test_retired_token_is_a_410_and_records_nothing(client, make):
    venue = make.venue()
    old = venue.token
    retire_token(venue, utcnow())
    db.session.commit()
    html = check_page(client.get(f"/v/{old}"), 410)
    assert 'name="code"' in html
    check_page(client.post(f"/v/{old}", data={"full_name": "A", "phone": "0912345678", "birth_year": "1990"}), 410)
    nothing_recorded()


@pytest.mark.parametrize("code", ["AAAAAAA", "XYZ", "<script>", "A" * 40, "%00", "ẮẰẲ"])
def test_wrong_or_malformed_code_is_a_404_with_the_code_box(client, code):
    html = check_page(client.get(f"/c/{code}"), 404)
    assert 'name="code"' in html and "<script>" not in html.split("<main")[1].replace("&lt;script&gt;", "")
    check_page(client.post(f"/c/{code}", data={}), 404)


@pytest.mark.parametrize("field, value", [
    ("phone", "+1 202 555 0100"),   # not Vietnamese
    ("phone", "+44 20 7946 0958"),
    ("phone", "12345"),             # malformed
    ("phone", "không có số"),
    ("phone", "0912 345 678 999 999 999"),
    ("birth_year", str(utcnow().year + 1)),  # in the future
    ("birth_year", "1899"),
    ("birth_year", "19a5"),
    ("birth_year", "١٩٨٥"),           # non-ASCII digits
    ("full_name", "Nguyễn " * 43),   # about 300 characters
    ("full_name", "<b>An</b>"),
    ("full_name", "<script>alert(1)</script>"),
    ("full_name", "An\x00Bình"),
    ("full_name", "An\u202eBình"),
    ("full_name", "   "),
])
def test_bad_first_time_details_show_a_message_and_save_nothing(client, make, field, value):
    venue = make.venue()
    response = register(client, venue, **{"name" if field == "full_name" else
                                           "year" if field == "birth_year" else field: value})
    html = check_page(response, 422)
    assert 'class="error-summary"' in html and f'href="#{field}"' in html
    assert "<script>alert" not in html
    nothing_recorded()


def test_forged_device_cookie_is_replaced_and_gives_no_access(client, make):
    venue = make.venue()
    register(client, venue)
    for forged in ("x" * 10, "<script>", "A" * 43 + "!", "'; DROP TABLE visits; --"):
        stranger = client.application.test_client()
        stranger.set_cookie("vr_device", forged)
        html = check_page(stranger.get(venue_url(venue)))
        assert 'name="full_name"' in html  # a new browser, not the registered person
        assert device_cookie(stranger) != forged
        assert "Nguyễn Văn An" not in check_page(stranger.get("/me"))


def test_stale_device_cookie_is_treated_as_a_new_browser(client, make):
    venue = make.venue()
    stale = "S" * 43  # well formed, but no device has it (forgotten or purged)
    client.set_cookie("vr_device", stale)
    html = check_page(client.get(venue_url(venue)))
    assert 'name="full_name"' in html
    assert "Nguyễn Văn An" not in check_page(client.get("/me"))
    nothing_recorded()
    assert register(client, venue).status_code == 303
    assert device_cookie(client) != stale  # registration never keeps a token it did not derive


def test_check_out_of_a_visit_of_another_device_changes_nothing(client, make):
    venue = make.venue()
    register(client, venue)
    visit = visits()[0]
    stranger = client.application.test_client()
    register(stranger, make.venue(name="Nơi khác"), name="Người Lạ", phone="0987 000 111")
    html = check_page(stranger.post(f"/visit/{visit.ref}/out", data={}), 404)
    assert "Người Lạ" not in html
    assert visits()[0].checked_out_at is None
    check_page(stranger.get(f"/visit/{visit.ref}"), 404)  # nor can it see the confirmation
    nobody = client.application.test_client()
    check_page(nobody.post(f"/visit/{visit.ref}/out", data={}), 404)
    check_page(client.post("/visit/not-a-real-reference/out", data={}), 404)
    check_page(client.get("/visit/" + "r" * 200), 404)
    check_page(client.get("/visit/%00" + "r" * 21), 404)
    check_page(client.post("/visit/%00/out", data={}), 404)
    assert visits()[0].checked_out_at is None


def test_ticking_someone_outside_the_household_records_nothing(client, make):
    venue = make.venue()
    register(client, venue)
    client.post(f"/visit/{visits()[0].ref}/out", data={})
    other = client.application.test_client()
    register(other, venue, name="Hàng Xóm", phone="0987 000 222")
    other.post("/me/dependents/new", data={"full_name": "Con Hàng Xóm", "birth_year": "2015"})
    neighbours_child = db.session.scalar(select(Visitor).where(Visitor.lead_id.is_not(None)))
    before = count_visits()
    html = check_page(tap_check_in(client, venue, dependents=[neighbours_child.ref]), 422)
    assert 'class="error-summary"' in html
    html = check_page(tap_check_in(client, venue, dependents=["made-up"]), 422)
    assert 'class="error-summary"' in html
    assert count_visits() == before


def test_tampered_nonce_is_replaced_by_a_server_one(client, make):
    venue = make.venue()
    url = venue_url(venue)
    html = client.get(url).get_data(as_text=True)
    data = hidden_fields(html, url)
    data.update(full_name="An", phone="0912345678", birth_year="1990", nonce="<bad nonce>" * 10)
    assert client.post(url, data=data).status_code == 303
    assert len(visits()) == 1 and visits()[0].nonce != data["nonce"] and len(visits()[0].nonce) == 22


def test_suspended_or_closed_venue_records_no_check_in_but_lets_people_out(client, make):
    venue = make.venue()
    register(client, venue)
    visit = visits()[0]
    venue.status = "suspended"
    db.session.commit()
    html = check_page(client.get(venue_url(venue)))
    assert f"/visit/{visit.ref}/out" in html and 'name="nonce"' not in html
    other = make.venue(name="Đã đóng cửa")
    other.status = "closed"
    db.session.commit()
    check_page(client.post(venue_url(other), data={"nonce": "q" * 22}), 409)
    stranger = client.application.test_client()
    check_page(stranger.post(venue_url(other), data={"full_name": "Khách", "phone": "0987 111 222",
                                                     "birth_year": "1990", "nonce": "p" * 22}), 409)
    assert len(visits()) == 1 and visits()[0].checked_out_at is None
    client.post(f"/visit/{visit.ref}/out", data={})
    assert visits()[0].checked_out_at is not None
