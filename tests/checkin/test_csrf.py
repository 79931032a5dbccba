"""With CSRF protection on: the token bound to the device cookie works without the session,
and a POST without it (or with someone else's) records nothing."""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.visitors.models import Device, Visitor

from ..html import check_page, hidden_fields
from .helpers import NAME, count_visits, register, tap_check_in, venue_url, visits


@pytest.fixture
def csrf_client(make_app):
    return make_app(WTF_CSRF_ENABLED=True).test_client()


def no_session_cookie(response):
    return not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]


def test_whole_journey_works_with_csrf_on_and_never_sets_a_session(csrf_client, make):
    venue, other = make.venue(), make.venue(name="Nơi khác")
    response = register(csrf_client, venue)
    assert response.status_code == 303 and no_session_cookie(response)
    html = csrf_client.get(venue_url(venue)).get_data(as_text=True)
    ref = visits()[0].ref
    response = csrf_client.post(f"/visit/{ref}/out", data=hidden_fields(html, f"/visit/{ref}/out"))
    assert response.status_code == 303 and no_session_cookie(response)
    response = tap_check_in(csrf_client, other)
    assert response.status_code == 303 and no_session_cookie(response)
    assert count_visits() == 2
    html = csrf_client.get("/me/dependents/new").get_data(as_text=True)
    token = hidden_fields(html, "/me/dependents/new")
    response = csrf_client.post("/me/dependents/new", data=dict(token, full_name="Bé Bi", birth_year="2019"))
    assert response.status_code == 303
    html = csrf_client.get("/me").get_data(as_text=True)
    response = csrf_client.post("/me/forget", data=hidden_fields(html, "/me/forget"))
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(Device.id))) == 0
    assert csrf_client.get_cookie("session") is None


def test_first_time_post_without_csrf_token_records_nothing(csrf_client, make):
    venue = make.venue()
    csrf_client.get(venue_url(venue))
    response = csrf_client.post(venue_url(venue), data={
        "full_name": NAME, "phone": "0912345678", "birth_year": "1985", "nonce": "n" * 22})
    html = check_page(response, 422)
    assert 'class="error-summary"' in html and "Biểu mẫu đã hết hạn" in html
    assert count_visits() == 0 and db.session.scalar(select(func.count(Visitor.id))) == 0


def test_csrf_token_of_another_browser_is_refused(csrf_client, make):
    venue = make.venue()
    attacker = csrf_client.application.test_client()
    attackers_form = hidden_fields(attacker.get(venue_url(venue)).get_data(as_text=True), venue_url(venue))
    csrf_client.get(venue_url(venue))
    data = dict(attackers_form, full_name="Bị Lừa", phone="0912345678", birth_year="1985")
    check_page(csrf_client.post(venue_url(venue), data=data), 422)
    assert count_visits() == 0


def test_one_tap_and_check_out_without_token_change_nothing(csrf_client, make):
    venue = make.venue()
    register(csrf_client, venue)
    ref = visits()[0].ref
    check_page(csrf_client.post(f"/visit/{ref}/out", data={}), 400)
    assert visits()[0].checked_out_at is None
    other = make.venue(name="Nơi khác")
    html = check_page(csrf_client.post(venue_url(other), data={"nonce": "m" * 22}), 422)
    assert "Biểu mẫu đã hết hạn" in html
    assert count_visits() == 1
    check_page(csrf_client.post("/me/forget", data={}), 400)
    assert db.session.scalar(select(func.count(Device.id))) == 1
    check_page(csrf_client.post("/me/dependents/new", data={"full_name": "X", "birth_year": "2000"}), 422)
    assert db.session.scalar(select(func.count(Visitor.id))) == 1


def test_post_with_cookies_blocked_says_so(csrf_client, make):
    venue = make.venue()
    html = csrf_client.get(venue_url(venue)).get_data(as_text=True)
    data = dict(hidden_fields(html, venue_url(venue)), full_name=NAME, phone="0912345678", birth_year="1985")
    csrf_client.delete_cookie("vr_device")
    html = check_page(csrf_client.post(venue_url(venue), data=data), 422)
    assert "cookie" in html
    assert count_visits() == 0
