"""Assisted check-in: staff find a person by phone (name and year of birth only) or type them in."""
import re

import pytest
from sqlalchemy import func, select

from portal.checkin.models import Visit
from portal.extensions import db
from portal.staff.models import Scan
from portal.visitors.models import Device, Visitor
from portal.visitors.services import add_dependent
from portal.models_base import utcnow

from ..conftest import check_page
from ..passes.helpers import person, staff_at


@pytest.fixture
def desk(client, make, login):
    venue = make.venue()
    login(staff_at(make, venue))
    desk = type("Desk", (), {})()
    desk.venue = venue
    desk.url = f"/staff/{venue.short_code}/assist"
    return desk


def visits_of(visitor_id):
    return db.session.scalars(select(Visit).where(Visit.visitor_id == visitor_id).order_by(Visit.id)).all()


def test_the_assisted_page_offers_both_ways(client, desk):
    html = check_page(client.get(desk.url))
    assert 'action="/staff/%s/assist/lookup"' % desk.venue.short_code in html
    assert 'action="/staff/%s/assist/new"' % desk.venue.short_code in html
    assert len(re.findall(r'id="([^"]+)"', html)) == len(set(re.findall(r'id="([^"]+)"', html)))


def test_lookup_by_phone_shows_only_names_and_years_of_birth(client, desk):
    lead = person("Ngô Thị Lan", phone="0912555111", birth_year=1975)
    add_dependent(lead, "Ngô Bảo Ngọc", 2016, utcnow())
    person("Người Khác", phone="0912555222", birth_year=1990)
    db.session.commit()
    html = check_page(client.post(desk.url + "/lookup", data={"find-phone": "0912 555 111"}))
    assert "Ngô Thị Lan" in html and "sinh năm 1975" in html
    assert "Ngô Bảo Ngọc" in html and "sinh năm 2016" in html
    assert "Người Khác" not in html
    assert db.session.scalar(select(func.count(Visit.id))) == 0


def test_choosing_the_person_checks_them_in_then_out_as_assisted(client, desk):
    lead = person("Ngô Thị Lan", phone="0912555111")
    data = {"phone": "0912555111", "person": lead.ref}
    html = check_page(client.post(desk.url + "/confirm", data=data))
    assert "Ngô Thị Lan" in html and "VÀO" in html
    [visit] = visits_of(lead.id)
    assert visit.in_method == "assisted" and visit.is_open
    html = check_page(client.post(desk.url + "/confirm", data=data))
    assert "RA" in html
    [visit] = visits_of(lead.id)
    assert visit.out_method == "assisted"
    assert db.session.scalar(select(func.count(Scan.id)).where(Scan.method == "assisted")) == 2


def test_a_person_not_matching_the_phone_cannot_be_chosen(client, desk):
    person("Ngô Thị Lan", phone="0912555111")
    stranger = person("Người Lạ", phone="0912555333")
    response = client.post(desk.url + "/confirm", data={"phone": "0912555111", "person": stranger.ref})
    assert response.status_code == 422
    assert visits_of(stranger.id) == []
    response = client.post(desk.url + "/confirm", data={"phone": "0912555999", "person": stranger.ref})
    assert response.status_code == 400 and visits_of(stranger.id) == []


def test_an_unknown_phone_offers_to_enter_the_details(client, desk):
    html = check_page(client.post(desk.url + "/lookup", data={"find-phone": "0912 000 999"}))
    assert "Chưa có ai với số điện thoại này" in html


@pytest.mark.parametrize("phone", ["", "12345", "0912 abc"])
def test_a_bad_lookup_phone_is_explained(client, desk, phone):
    html = check_page(client.post(desk.url + "/lookup", data={"find-phone": phone}), 422)
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


def test_phone_lookups_are_limited_per_staff_account(make_app, make):
    from ..factories import PASSWORD

    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    venue = make.venue()
    staff = staff_at(make, venue)
    client.post("/auth/login", data={"phone": staff.phone, "password": PASSWORD})
    url = f"/staff/{venue.short_code}/assist/lookup"
    statuses = [client.post(url, data={"find-phone": "0912000999"}).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429


def test_a_double_click_on_confirm_toggles_once(client, desk):
    from ..passes.helpers import hidden

    lead = person("Ngô Thị Lan", phone="0912555111")
    page = client.post(desk.url + "/lookup", data={"find-phone": "0912555111"}).get_data(as_text=True)
    data = {"phone": hidden(page, "phone"), "person": lead.ref, "nonce": hidden(page, "nonce")}
    assert len(data["nonce"]) == 32
    client.post(desk.url + "/confirm", data=data)
    html = check_page(client.post(desk.url + "/confirm", data=data))
    assert "Ngô Thị Lan" in html and "VÀO" in html
    [visit] = visits_of(lead.id)
    assert visit.is_open


@pytest.mark.parametrize("phone", ["", "0912 444 556"])
def test_a_double_click_on_entered_details_records_once(client, desk, phone):
    from ..passes.helpers import hidden

    page = client.get(desk.url).get_data(as_text=True)
    data = {"full_name": "Bà Năm", "phone": phone, "birth_year": "1945", "nonce": hidden(page, "nonce")}
    client.post(desk.url + "/new", data=data)
    html = check_page(client.post(desk.url + "/new", data=data))
    assert "VÀO" in html and "scan-ok" in html
    assert db.session.scalar(select(func.count(Visitor.id))) == 1
    assert db.session.scalar(select(func.count(Visit.id))) == 1
