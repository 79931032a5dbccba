"""Assisted check-in: staff find a person by phone and year of birth (masked names) or type them in."""
import re

import pytest
from sqlalchemy import func, select

from portal.checkin.models import Visit
from portal.extensions import db
from portal.staff.models import Scan
from portal.visitors.models import Device, Visitor
from portal.visitors.services import add_dependent
from portal.clock import utcnow

from ..checkin.helpers import visits_of
from ..html import check_page, hidden, hidden_fields
from ..factories import person, staff_at
from .helpers import choices, confirm_data, lookup


@pytest.fixture
def desk(client, make, login):
    venue = make.venue()
    login(staff_at(make, venue))
    desk = type("Desk", (), {})()
    desk.venue = venue
    desk.url = f"/staff/{venue.short_code}/assist"
    return desk


def test_the_assisted_page_offers_both_ways(client, desk):
    html = check_page(client.get(desk.url))
    assert 'action="/staff/%s/assist/lookup"' % desk.venue.short_code in html
    assert 'action="/staff/%s/assist/new"' % desk.venue.short_code in html
    assert len(re.findall(r'id="([^"]+)"', html)) == len(set(re.findall(r'id="([^"]+)"', html)))


def test_a_lookup_lists_only_the_people_matching_phone_and_year_masked(client, desk):
    lead = person("Ngô Thị Lan", phone="0912555111", birth_year=1975)
    add_dependent(lead, "Ngô Bảo Ngọc", 2016, utcnow())
    person("Người Khác", phone="0912555222", birth_year=1975)
    db.session.commit()
    html = check_page(lookup(client, desk.venue, "0912 555 111", "1975"))
    assert [name for _handle, name in choices(html)] == ["N** T** L**"]
    assert "Ngô Thị" not in html and "Ngọc" not in html and "Khác" not in html
    # A household member without a phone: their lead's phone and their own year of birth.
    html = check_page(lookup(client, desk.venue, "0912 555 111", "2016"))
    assert [name for _handle, name in choices(html)] == ["N** B** N***"]
    assert db.session.scalar(select(func.count(Visit.id))) == 0


def test_the_same_person_registered_twice_is_offered_once(client, desk):
    person("Ngô Thị Lan", phone="0912555111", birth_year=1975)
    person("ngô thị  lan", phone="0912555111", birth_year=1975)
    html = check_page(lookup(client, desk.venue, "0912555111", "1975"))
    assert len(choices(html)) == 1


def test_choosing_the_person_checks_them_in_then_out_as_assisted(client, desk):
    lead = person("Ngô Thị Lan", phone="0912555111")
    html = check_page(client.post(desk.url + "/confirm", data=confirm_data(client, desk.venue, "0912555111", "1980")))
    assert "N** T** L**" in html and "Ngô Thị Lan" not in html and "VÀO" in html
    [visit] = visits_of(lead.id)
    assert visit.in_method == "assisted" and visit.is_open
    html = check_page(client.post(desk.url + "/confirm", data=confirm_data(client, desk.venue, "0912555111", "1980")))
    assert "RA" in html
    [visit] = visits_of(lead.id)
    assert visit.out_method == "assisted"
    assert db.session.scalar(select(func.count(Scan.id)).where(Scan.method == "assisted")) == 2


def test_an_assisted_check_out_names_the_household_masked(client, desk):
    from portal.checkin.services import check_in

    lead = person("Ngô Thị Lan", phone="0912555111", birth_year=1975)
    child = add_dependent(lead, "Ngô Bảo Ngọc", 2016, utcnow())
    check_in(lead, desk.venue, utcnow(), dependents=[child])
    db.session.commit()
    html = check_page(client.post(desk.url + "/confirm", data=confirm_data(client, desk.venue, "0912555111", "1975")))
    assert "RA" in html and "Ra cùng: N** B** N***." in html and "Ngọc" not in html
    assert all(not v.is_open for v in visits_of(child.id))


def test_an_unknown_phone_offers_to_enter_the_details(client, desk):
    html = check_page(lookup(client, desk.venue, "0912 000 999", "1950"))
    assert "Chưa có ai với số điện thoại và năm sinh này" in html


@pytest.mark.parametrize("phone,year", [("", "1950"), ("12345", "1950"), ("0912 abc", "1950"),
                                        ("0912555111", ""), ("0912555111", "19x0"), ("0912555111", "2999")])
def test_a_bad_lookup_is_explained(client, desk, phone, year):
    html = check_page(lookup(client, desk.venue, phone, year), 422)
    assert 'class="error-summary"' in html


def test_entering_the_details_checks_in_a_person_without_a_device(client, desk):
    data = {"full_name": "Bà Tư Bán Vé Số", "phone": "", "birth_year": "1949"}
    html = check_page(client.post(desk.url + "/new", data=data))
    assert "Bà Tư Bán Vé Số" in html and "VÀO" in html
    visitor = db.session.scalar(select(Visitor))
    assert visitor.birth_year == 1949 and visitor.phone is None
    assert db.session.scalar(select(func.count(Device.id))) == 0
    [visit] = visits_of(visitor.id)
    assert visit.in_method == "assisted"


def test_the_same_details_again_find_the_same_person(client, desk):
    data = {"full_name": "Lâm Văn Sáu", "phone": "0912 444 555", "birth_year": "1950"}
    client.post(desk.url + "/new", data=data)
    html = client.post(desk.url + "/new", data=dict(data, full_name="lâm văn sáu")).get_data(as_text=True)
    assert "RA" in html
    assert db.session.scalar(select(func.count(Visitor.id))) == 1
    [visit] = db.session.scalars(select(Visit)).all()
    assert visit.out_method == "assisted"


def test_details_never_attach_to_someone_with_their_own_phone(client, desk):
    owner_of_phone = person("Lâm Văn Sáu", phone="0912444555", birth_year=1950, device_token="e" * 43)
    client.post(desk.url + "/new", data={"full_name": "Lâm Văn Sáu", "phone": "0912444555", "birth_year": "1950"})
    assert visits_of(owner_of_phone.id) == []
    assert db.session.scalar(select(func.count(Visitor.id))) == 2


@pytest.mark.parametrize(
    "data",
    [
        {"full_name": "", "phone": "", "birth_year": "1950"},
        {"full_name": "Tên <b>", "phone": "", "birth_year": "1950"},
        {"full_name": "Lê Văn Tám", "phone": "12", "birth_year": "1950"},
        {"full_name": "Lê Văn Tám", "phone": "", "birth_year": "2999"},
        {"full_name": "Lê Văn Tám", "phone": "", "birth_year": "năm"},
        {"full_name": "Lê Văn Tám", "phone": "", "birth_year": ""},
    ],
)
def test_bad_details_are_explained_and_nothing_is_saved(client, desk, data):
    html = check_page(client.post(desk.url + "/new", data=data), 422)
    assert 'class="error-summary"' in html
    assert db.session.scalar(select(func.count(Visitor.id))) == 0
    assert db.session.scalar(select(func.count(Visit.id))) == 0


def test_a_double_click_on_confirm_toggles_once(client, desk):
    lead = person("Ngô Thị Lan", phone="0912555111")
    data = confirm_data(client, desk.venue, "0912555111", "1980")
    assert len(data["nonce"]) == 32
    client.post(desk.url + "/confirm", data=data)
    html = check_page(client.post(desk.url + "/confirm", data=data))
    assert "N** T** L**" in html and "VÀO" in html
    [visit] = visits_of(lead.id)
    assert visit.is_open


@pytest.mark.parametrize("phone", ["", "0912 444 556"])
def test_a_double_click_on_entered_details_records_once(client, desk, phone):
    page = client.get(desk.url).get_data(as_text=True)
    data = {"full_name": "Bà Năm", "phone": phone, "birth_year": "1945", "nonce": hidden(page, "nonce")}
    client.post(desk.url + "/new", data=data)
    html = check_page(client.post(desk.url + "/new", data=data))
    assert "VÀO" in html and "scan-ok" in html
    assert db.session.scalar(select(func.count(Visitor.id))) == 1
    assert db.session.scalar(select(func.count(Visit.id))) == 1


def test_the_whole_assisted_look_up_works_with_csrf_on(make_app, make):
    from ..factories import PASSWORD

    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    venue = make.venue()
    staff = staff_at(make, venue)
    lead = person("Ngô Thị Lan", phone="0912555111", birth_year=1975)
    page = client.get("/auth/login").get_data(as_text=True)
    client.post("/auth/login", data={"phone": staff.phone, "password": PASSWORD, "csrf_token": hidden(page, "csrf_token")})
    url = f"/staff/{venue.short_code}/assist"
    page = check_page(client.get(url))
    data = hidden_fields(page, url + "/lookup")
    data.update({"find-phone": "0912555111", "find-birth_year": "1975"})
    page = check_page(client.post(url + "/lookup", data=data))
    data = hidden_fields(page, url + "/confirm")
    data["person"] = choices(page)[0][0]
    assert "VÀO" in check_page(client.post(url + "/confirm", data=data))
    check_page(client.post(url + "/confirm", data=dict(data, csrf_token="stale")), 400)  # toggles nothing
    [visit] = visits_of(lead.id)
    assert visit.is_open and visit.in_method == "assisted"
