"""Every bad input on the venue form, on registration and on editing: a clear message in the
page's language, nothing saved, never a 500."""
import unicodedata

import pytest
from sqlalchemy import delete, func, select

from portal.divisions.models import Division
from portal.divisions.services import load_divisions
from portal.extensions import db
from portal.venues.models import Venue

from ..bad_inputs import MIXED_NAME, VIETNAMESE_NAME, phone_cases, text_cases
from ..html import assert_form_error
from .data import venue_form

WARD = ("Chọn phường hoặc xã.", "Choose the ward or commune.")
OTHER_PROVINCE = (
    "Chọn một phường hoặc xã thuộc tỉnh/thành phố này.", "Choose a ward or commune of this province."
)
CATEGORY = ("Chọn loại địa điểm.", "Choose the kind of place.")
REG_NUMBER = (
    "Nhập 10 chữ số, hoặc 10 chữ số kèm 3 chữ số chi nhánh.",
    "Enter 10 digits, or 10 digits and a 3-digit branch number.",
)
STAY_REQUIRED = (
    "Nhập thời gian lưu lại thông thường, tính bằng phút.",
    "Enter the usual length of a visit in minutes.",
)
STAY_RANGE = ("Nhập số phút từ 5 đến 720.", "Enter a number of minutes from 5 to 720.")
DUPLICATE = (
    "Đã có địa điểm với số đăng ký này tại địa chỉ này.",
    "A venue with this registration number is already registered at this address.",
)

CASES = (
    [("name", *c) for c in text_cases(("Nhập tên địa điểm.", "Enter the name of the place."), 200)]
    + [("address", *c) for c in text_cases(("Nhập địa chỉ.", "Enter the address."), 300)]
    + [("contact_phone", *c) for c in phone_cases(
        ("Nhập số điện thoại liên hệ.", "Enter a contact phone number."))]
    + [
        ("category", "empty", "", CATEGORY),
        ("category", "unknown", "casino", CATEGORY),
        ("category", "script", "<script>", CATEGORY),
        ("category", "nul", "shop\x00", CATEGORY),
        ("ward_code", "empty", "", WARD),
        ("ward_code", "not a code", "Phường 1", WARD),
        ("ward_code", "nul", "26734\x00", WARD),
        ("ward_code", "emoji", "🍜", WARD),
        ("ward_code", "too long", "2" * 400, WARD),
        ("ward_code", "unknown", "99999", OTHER_PROVINCE),
        ("registration_number", "letters", "ABCDEFGHIJ", REG_NUMBER),
        ("registration_number", "too short", "370012", REG_NUMBER),
        ("registration_number", "too long", "3" * 40, REG_NUMBER),
        ("registration_number", "script", "<script>alert(1)</script>", REG_NUMBER),
        ("registration_number", "nul", "3700123456\x00", REG_NUMBER),
        ("registration_number", "emoji", "3700123456🍜", REG_NUMBER),
        ("registration_number", "fullwidth digits", "３７００１２３４５６", REG_NUMBER),
        ("default_stay_minutes", "empty", "", STAY_REQUIRED),
        ("default_stay_minutes", "words", "một giờ", STAY_REQUIRED),
        ("default_stay_minutes", "decimal", "12.5", STAY_REQUIRED),
        ("default_stay_minutes", "script", "<script>", STAY_REQUIRED),
        ("default_stay_minutes", "emoji", "60🍜", STAY_REQUIRED),
        ("default_stay_minutes", "zero", "0", STAY_REQUIRED),
        ("default_stay_minutes", "negative", "-5", STAY_RANGE),
        ("default_stay_minutes", "too many", "721", STAY_RANGE),
        ("default_stay_minutes", "huge", "9" * 5000, STAY_REQUIRED),
    ]
)
IDS = [f"{c[0]}-{c[1]}" for c in CASES]


@pytest.fixture
def owner(make, login):
    owner = make.owner()
    login(owner)
    return owner


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("field,label,value,message", CASES, ids=IDS)
def test_bad_input_on_registration_saves_nothing(client, make, owner, lang, field, label, value,
                                                 message):
    client.set_cookie("lang", lang)
    response = client.post("/venues/new", data=venue_form(make.wards(1)[0], **{field: value}))
    assert_form_error(response, message, lang)
    assert db.session.scalar(select(func.count()).select_from(Venue)) == 0


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("field,label,value,message", CASES, ids=IDS)
def test_bad_input_on_editing_changes_nothing(client, make, owner, lang, field, label, value,
                                              message):
    venue = make.venue(owner, name="Quán Cũ", address="1 Đường Cũ")
    client.set_cookie("lang", lang)
    response = client.post(f"/venues/{venue.short_code}/edit",
                           data=venue_form(make.wards(2)[1], **{field: value}))
    assert_form_error(response, message, lang)
    db.session.expire_all()
    venue = db.session.scalar(select(Venue))
    assert (venue.name, venue.address) == ("Quán Cũ", "1 Đường Cũ")
    assert venue.ward_code == make.wards(1)[0].code


@pytest.fixture
def hanoi_ward(app):
    """A ward of Hà Nội (province 1), loaded for this test only."""
    load_divisions("1")
    db.session.commit()
    yield db.session.scalar(select(Division).where(Division.province_code == "1").limit(1))
    db.session.rollback()
    db.session.execute(delete(Division).where(Division.province_code == "1"))
    db.session.commit()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_ward_of_another_province_is_refused(client, make, owner, hanoi_ward, lang):
    assert hanoi_ward.province_name == "Thành phố Hà Nội"
    client.set_cookie("lang", lang)
    response = client.post("/venues/new", data=venue_form(hanoi_ward))
    assert_form_error(response, OTHER_PROVINCE, lang)
    assert hanoi_ward.name not in response.get_data(as_text=True).split("ward_code")[0]
    venue = make.venue(owner)
    response = client.post(f"/venues/{venue.short_code}/edit", data=venue_form(hanoi_ward))
    assert_form_error(response, OTHER_PROVINCE, lang)
    assert db.session.scalar(select(Venue.ward_code)) == make.wards(1)[0].code


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("address", [
    "12 Đường Lê Lợi",
    "  12  đường LÊ LỢI ",  # case and spacing differ
    unicodedata.normalize("NFD", "12 Đường Lê Lợi"),  # decomposed diacritics
])
def test_a_duplicate_at_the_same_address_is_refused(client, make, owner, lang, address):
    ward = make.wards(1)[0]
    make.venue(make.owner(), registration_number="3700123456", address="12 Đường Lê Lợi",
               ward_code=ward.code)
    client.set_cookie("lang", lang)
    response = client.post("/venues/new", data=venue_form(
        ward, registration_number="3700123456", address=address))
    assert_form_error(response, DUPLICATE, lang)
    assert db.session.scalar(select(func.count()).select_from(Venue)) == 1


def test_a_branch_number_written_without_dash_is_the_same_number(client, make, owner):
    ward = make.wards(1)[0]
    make.venue(owner, registration_number="3700123456-001", address="5 Đường Trần Phú",
               ward_code=ward.code)
    response = client.post("/venues/new", data=venue_form(
        ward, registration_number="3700123456001", address="5 đường trần phú"))
    assert_form_error(response, DUPLICATE)


def test_the_same_number_at_another_address_is_a_branch_not_a_duplicate(client, make, owner):
    ward = make.wards(1)[0]
    make.venue(owner, registration_number="3700123456", address="12 Đường Lê Lợi",
               ward_code=ward.code)
    response = client.post("/venues/new", data=venue_form(
        ward, registration_number="3700123456", address="14 Đường Lê Lợi"))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Venue)) == 2


def test_editing_into_a_duplicate_is_refused(client, make, owner):
    ward = make.wards(1)[0]
    make.venue(owner, registration_number="3700123456", address="12 Đường Lê Lợi",
               ward_code=ward.code)
    other = make.venue(owner, registration_number="3700123456", address="14 Đường Lê Lợi",
                       ward_code=ward.code)
    response = client.post(f"/venues/{other.short_code}/edit", data=venue_form(
        ward, registration_number="3700123456", address="12 Đường Lê Lợi"))
    assert_form_error(response, DUPLICATE)
    assert db.session.get(Venue, other.id).address == "14 Đường Lê Lợi"


def test_mixed_diacritics_are_accepted_and_stored_composed(client, make, owner):
    response = client.post("/venues/new", data=venue_form(make.wards(1)[0], name=MIXED_NAME))
    assert response.status_code == 302
    assert db.session.scalar(select(Venue.name)) == VIETNAMESE_NAME
