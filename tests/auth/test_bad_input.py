"""Every bad input on the sign-up and login forms: a clear message, nothing saved, no 500."""
import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.extensions import db

from ..bad_inputs import CONTROL, EMOJI, MARKUP, MIXED_NAME, VIETNAMESE_NAME, phone_cases, text_cases, too_long
from ..html import assert_form_error, page_text
from ..factories import PASSWORD

NAME_REQUIRED = ("Nhập họ và tên.", "Enter your full name.")
PHONE_REQUIRED = ("Nhập số điện thoại.", "Enter your phone number.")
EMAIL = (
    "Nhập địa chỉ email hợp lệ, ví dụ hoa@example.com.",
    "Enter a valid email address, for example hoa@example.com.",
)
PASSWORD_LENGTH = ("Dùng từ 8 đến 128 ký tự.", "Use 8 to 128 characters.")
PASSWORD_REQUIRED = ("Chọn mật khẩu.", "Choose a password.")
PASSWORDS_DIFFER = ("Hai mật khẩu không khớp.", "The two passwords differ.")
WRONG_LOGIN = ("Số điện thoại hoặc mật khẩu không đúng.", "The phone number or password is wrong.")

CASES = (
    [("full_name", *case) for case in text_cases(NAME_REQUIRED, 120)]
    + [("phone", *case) for case in phone_cases(PHONE_REQUIRED)]
    + [
        ("email", "no at sign", "not-an-email", EMAIL),
        ("email", "no dot", "hoa@example", EMAIL),
        ("email", "space", "hoa @example.com", EMAIL),
        ("email", "script", "<script>@example.com", MARKUP),
        ("email", "nul", "hoa\x00@example.com", CONTROL),
        ("email", "emoji", "hoa🍜@example.com", EMOJI),
        ("email", "too long", "a" * 250 + "@example.com", too_long(254)),
        ("password", "empty", "", PASSWORD_REQUIRED),
        ("password", "too short", "short", PASSWORD_LENGTH),
        ("password", "too long", "x" * 129, PASSWORD_LENGTH),
    ]
)


def _signup(client, lang, **fields):
    client.set_cookie("lang", lang)
    data = dict(full_name="Nguyễn Thị Hoa", phone="0912 345 678", email="",
                password=PASSWORD, confirm=PASSWORD)
    data.update(fields)
    if "password" in fields:
        data["confirm"] = fields["password"]
    return client.post("/auth/signup", data=data)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("field,label,value,message", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_bad_signup_input_is_explained_and_saves_nothing(client, lang, field, label, value, message):
    response = _signup(client, lang, **{field: value})
    assert_form_error(response, message, lang)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_different_passwords_are_explained(client):
    response = client.post("/auth/signup", data=dict(
        full_name="Nguyễn Thị Hoa", phone="0912345678", password=PASSWORD, confirm=PASSWORD + "x"))
    assert_form_error(response, PASSWORDS_DIFFER)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_mixed_diacritics_are_accepted_and_stored_composed(client):
    response = _signup(client, "vi", full_name=MIXED_NAME)
    assert response.status_code == 302
    assert db.session.scalar(select(User.full_name)) == VIETNAMESE_NAME


def test_the_error_summary_links_to_each_field(client):
    response = _signup(client, "vi", full_name="", phone="+1 415 555 0123")
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html
    assert 'href="#full_name"' in html and 'href="#phone"' in html
    assert 'aria-describedby="phone-hint phone-error"' in html


LOGIN_CASES = [
    ("empty phone", {"phone": ""}, PHONE_REQUIRED),
    ("empty password", {"password": ""}, ("Nhập mật khẩu.", "Enter your password.")),
    ("foreign phone", {"phone": "+1 415 555 0123"}, WRONG_LOGIN),
    ("script", {"phone": "<script>alert(1)</script>"}, WRONG_LOGIN),
    ("nul", {"phone": "0912\x00000111"}, WRONG_LOGIN),
    ("emoji", {"phone": "0912000111 🍜"}, WRONG_LOGIN),
    ("too long", {"phone": "0912000111" * 100}, WRONG_LOGIN),
    ("password too long", {"password": "x" * 10000}, WRONG_LOGIN),
    ("password with controls", {"password": "\x00\x1b🍜<script>"}, WRONG_LOGIN),
]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("label,fields,message", LOGIN_CASES, ids=[c[0] for c in LOGIN_CASES])
def test_bad_login_input_is_explained(client, make, lang, label, fields, message):
    make.owner(phone="0912000111")
    client.set_cookie("lang", lang)
    data = {"phone": "0912000111", "password": PASSWORD, **fields}
    response = client.post("/auth/login", data=data)
    assert_form_error(response, message, lang)
    assert client.get("/venues/").status_code == 302


def test_login_page_language_follows_the_remembered_choice(client):
    client.get("/lang/en")
    response = client.post("/auth/login", data={"phone": "", "password": ""})
    assert "Enter your phone number." in page_text(response)
    assert "Nhập số điện thoại." not in page_text(response)
