"""With CSRF protection on, as in production: a POST without the form's token is refused with a
friendly 400 page and changes nothing; with the token it works."""

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.extensions import db
from portal.venues.models import Venue

from ..html import check_page, hidden, page_text
from ..factories import PASSWORD

EXPIRED = "Biểu mẫu đã hết hạn hoặc được gửi từ nơi khác. Hãy quay lại, tải lại trang và thử lại."


@pytest.fixture
def client(app, make_app):
    """A client of an app with CSRF protection on (the test runs in `app`'s context)."""
    app = make_app(WTF_CSRF_ENABLED=True)
    assert app.config["WTF_CSRF_ENABLED"] is True
    return app.test_client()


def token_from(client, url):
    """The CSRF token in the form of the page at `url`."""
    return hidden(client.get(url).get_data(as_text=True), "csrf_token")


def log_in(client, user):
    token = token_from(client, "/auth/login")
    response = client.post("/auth/login", data={"phone": user.phone, "password": PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def signup_data():
    return dict(full_name="Lê Văn Tám", phone="0912 777 888", password=PASSWORD, confirm=PASSWORD)


def test_signup_without_token_is_refused_with_a_friendly_page(client):
    html = check_page(client.post("/auth/signup", data=signup_data()), 400)
    assert EXPIRED in html and "Traceback" not in html
    assert count(User) == 0


def test_signup_with_a_token_from_another_session_is_refused(client, make_app):
    other = make_app(WTF_CSRF_ENABLED=True).test_client()
    data = dict(signup_data(), csrf_token=token_from(other, "/auth/signup"))
    check_page(client.post("/auth/signup", data=data), 400)
    assert count(User) == 0


def test_signup_with_its_token_works(client):
    data = dict(signup_data(), csrf_token=token_from(client, "/auth/signup"))
    response = client.post("/auth/signup", data=data)
    assert response.status_code == 302
    assert count(User) == 1


def test_login_needs_the_token(client, make):
    owner = make.owner()
    check_page(client.post("/auth/login", data={"phone": owner.phone, "password": PASSWORD}), 400)
    assert client.get("/venues/").status_code == 302
    log_in(client, owner)
    assert client.get("/venues/").status_code == 200


def test_registering_a_venue_needs_the_token(client, make):
    log_in(client, make.owner())
    ward = make.wards(1)[0]
    data = dict(name="Quán Cơm Tấm Bụi", category="restaurant", address="7 Đường Hai Bà Trưng",
                ward_code=ward.code, contact_phone="0909 123 456", default_stay_minutes="30")
    check_page(client.post("/venues/new", data=data), 400)
    assert count(Venue) == 0
    response = client.post("/venues/new", data=dict(data, csrf_token=token_from(client, "/venues/new")))
    assert response.status_code == 302 and count(Venue) == 1


def test_retiring_a_token_and_logging_out_need_the_token(client, make):
    owner = make.owner()
    venue = make.venue(owner)
    code, old_token = venue.short_code, venue.token
    log_in(client, owner)
    check_page(client.post(f"/venues/{code}/retire"), 400)
    assert db.session.scalar(select(Venue.token)) == old_token
    check_page(client.post("/auth/logout"), 400)
    assert client.get("/venues/").status_code == 200  # still logged in

    token = token_from(client, f"/venues/{code}/")
    assert client.post(f"/venues/{code}/retire", data={"csrf_token": token}).status_code == 302
    assert db.session.scalar(select(Venue.token)) != old_token
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/venues/").status_code == 302


def test_the_400_page_speaks_the_chosen_language(client):
    client.get("/lang/en")
    response = client.post("/auth/signup", data=signup_data())
    check_page(response, 400)
    text = page_text(response)
    assert "The form expired or was sent from elsewhere." in text
