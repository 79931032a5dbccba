"""Guessable passwords are refused wherever a password is set, with a clear message; nothing is
saved. One rule (portal.auth.passwords) serves the forms and `flask users create`."""
import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.extensions import db

from ..html import assert_form_error, page_text
from ..factories import PASSWORD, next_phone

WEAK = ("Mật khẩu này quá dễ đoán.", "This password is too easy to guess.")
HAS_PHONE = ("Không dùng số điện thoại trong mật khẩu.", "Do not use the phone number in the password.")

# Each a password a guesser tries early: digits, the commonest words, keyboard runs, the
# account's own name, the Vietnamese word for password.
GUESSABLE = ["12345678", "password1", "iloveyou", "qwertyuiop", "11111111", "abc12345678",
             "Nguyen Thi Hoa", "nguyễn thị hoa", "matkhau123", "vaora2021"]


def accounts():
    return db.session.scalar(select(func.count()).select_from(User))


def _signup(client, password, lang="vi"):
    client.set_cookie("lang", lang)
    return client.post("/auth/signup", data=dict(
        full_name="Nguyễn Thị Hoa", phone="0912 345 678", email="", password=password, confirm=password))


@pytest.mark.parametrize("password", GUESSABLE)
def test_sign_up_refuses_a_guessable_password(client, password):
    response = _signup(client, password)
    assert_form_error(response, WEAK)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert accounts() == 0


@pytest.mark.parametrize("password", ["0912345678", "+84912345678", "hoa 0912 345 678"])
def test_sign_up_refuses_the_phone_number_as_password(client, password):
    assert_form_error(_signup(client, password), HAS_PHONE)
    assert accounts() == 0


def test_the_message_is_in_the_users_language(client):
    assert_form_error(_signup(client, "12345678", lang="en"), WEAK, "en")


@pytest.mark.parametrize("password", [PASSWORD, "bốn mùa hoa nở rộ", "cà phê sữa đá sáng thứ hai"])
def test_a_few_unrelated_words_are_accepted(client, password):
    assert _signup(client, password).status_code == 302
    assert accounts() == 1


def test_a_too_short_password_gets_only_the_length_message(client):
    html = page_text(_signup(client, "1234"))
    assert "Dùng từ 8 đến 128 ký tự." in html and WEAK[0] not in html


def test_an_owner_cannot_give_staff_a_guessable_password(client, make, login):
    owner = make.owner()
    venue = make.venue(owner)
    login(owner)
    phone = next_phone()
    response = client.post(f"/staff/{venue.short_code}/team",
                           data={"full_name": "Trần Văn Gác", "phone": phone, "password": "12345678"})
    assert response.status_code == 422 and WEAK[0] in page_text(response)
    response = client.post(f"/staff/{venue.short_code}/team",
                           data={"full_name": "Trần Văn Gác", "phone": phone, "password": phone})
    assert response.status_code == 422 and HAS_PHONE[0] in page_text(response)
    assert accounts() == 1  # the owner only


def test_a_province_administrator_cannot_give_an_officer_a_guessable_password(client, make, login):
    login(make.user(role="province_admin"))
    response = client.post("/staff/checkpoints/officers",
                           data={"full_name": "Thiếu uý Nam", "phone": next_phone(), "password": "password1"})
    assert response.status_code == 422 and WEAK[0] in page_text(response)
    assert accounts() == 1


def test_the_official_account_form_refuses_a_guessable_password(client, make, login):
    login(make.user(role="province_admin"))
    response = client.post("/officials/new", data={"role": "tracer", "full_name": "Bác sĩ Lan",
                                                   "phone": "0901234575", "password": "password123"})
    assert WEAK[0] in page_text(response)
    assert accounts() == 1


def test_flask_users_create_refuses_a_guessable_password_in_vietnamese(runner):
    for password, message in (("1234567890", WEAK[0]), ("0901234567 abc", HAS_PHONE[0])):
        result = runner.invoke(args=["users", "create", "--role", "province_admin", "--phone", "0901234567",
                                     "--password-stdin"], input=password + "\n")
        assert result.exit_code == 1 and message in result.output, result.output
    assert accounts() == 0
