"""Owners sign up, log in and log out."""
from sqlalchemy import func, select

from portal.auth.models import User
from portal.extensions import db

from ..bad_inputs import DECOMPOSED_NAME, VIETNAMESE_NAME
from ..html import check_page, page_text
from ..factories import PASSWORD


def signup_data(**fields):
    data = dict(full_name="Nguyễn Thị Hoa", phone="0912 345 678", email="",
                password=PASSWORD, confirm=PASSWORD)
    data.update(fields)
    return data


def test_signup_page_renders_the_form(client):
    html = check_page(client.get("/auth/signup"))
    for name in ("full_name", "phone", "email", "password", "confirm"):
        assert f'name="{name}"' in html


def test_signup_creates_an_owner_with_a_hashed_password_and_logs_in(client):
    response = client.post("/auth/signup", data=signup_data())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/venues/new")

    user = db.session.scalar(select(User).where(User.phone == "+84912345678"))
    assert user.role == "owner" and user.full_name == "Nguyễn Thị Hoa"
    assert PASSWORD not in user.password_hash and user.check_password(PASSWORD)
    assert user.email is None
    check_page(client.get("/venues/new"))  # logged in


def test_signup_keeps_an_optional_email(client):
    client.post("/auth/signup", data=signup_data(email="hoa@example.com"))
    assert db.session.scalar(select(User.email)) == "hoa@example.com"


def test_signup_stores_decomposed_vietnamese_composed(client):
    response = client.post("/auth/signup", data=signup_data(full_name=DECOMPOSED_NAME))
    assert response.status_code == 302
    assert db.session.scalar(select(User.full_name)) == VIETNAMESE_NAME


def test_signup_with_a_phone_already_registered_saves_nothing(client, make):
    make.owner(phone="0912345678")
    response = client.post("/auth/signup", data=signup_data(phone="+84 912 345 678"))
    check_page(response, 422)
    assert "Đã có tài khoản với số điện thoại này." in page_text(response)
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_login_accepts_any_common_phone_format(client, make):
    make.owner(phone="0912000111")
    response = client.post("/auth/login", data={"phone": "+84 912 000 111", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/venues/")
    check_page(client.get("/venues/"))


def test_login_with_a_wrong_password_says_so(client, make):
    owner = make.owner()
    response = client.post("/auth/login", data={"phone": owner.phone, "password": "wrong-password"})
    check_page(response, 422)
    assert "Số điện thoại hoặc mật khẩu không đúng." in page_text(response)
    assert client.get("/venues/").status_code == 302  # still logged out


def test_login_with_an_unknown_phone_says_the_same(client):
    response = client.post("/auth/login", data={"phone": "0987654321", "password": PASSWORD})
    assert "Số điện thoại hoặc mật khẩu không đúng." in page_text(response)


def test_inactive_account_cannot_log_in(client, make):
    owner = make.owner()
    owner.active = False
    db.session.commit()
    response = client.post("/auth/login", data={"phone": owner.phone, "password": PASSWORD})
    assert response.status_code == 422


def test_login_returns_to_the_page_asked_for_but_never_off_site(client, make):
    owner = make.owner()
    data = {"phone": owner.phone, "password": PASSWORD}
    response = client.post("/auth/login?next=/venues/new", data=data)
    assert response.headers["Location"] == "/venues/new"
    client.post("/auth/logout")
    response = client.post("/auth/login?next=https://evil.example/", data=data)
    assert response.headers["Location"].endswith("/venues/")


def test_pages_behind_login_send_visitors_to_the_login_form(client):
    response = client.get("/venues/")
    assert response.status_code == 302
    assert "/auth/login?next=" in response.headers["Location"]


def test_logout_ends_the_session(client, make, login):
    login(make.owner())
    response = client.post("/auth/logout")
    assert response.status_code == 302
    html = check_page(client.get(response.headers["Location"]))
    assert "Bạn đã đăng xuất." in html
    assert client.get("/venues/").status_code == 302


def test_logout_needs_a_post(client, make, login):
    login(make.owner())
    check_page(client.get("/auth/logout"), 405)
    check_page(client.get("/venues/"))  # still logged in


def test_officials_have_no_owner_pages(client, make, login):
    login(make.user(role="province_admin"))
    check_page(client.get("/venues/"), 404)
