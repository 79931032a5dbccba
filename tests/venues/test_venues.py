"""Owners register venues, list them and edit them."""
from sqlalchemy import func, select

from portal import signals
from portal.extensions import db
from portal.venues.models import Venue
from portal.identifiers import SHORT_CODE_ALPHABET

from ..bad_inputs import DECOMPOSED_NAME, VIETNAMESE_NAME
from ..html import check_page, page_text
from .data import venue_form


def test_the_form_offers_every_category_and_the_provinces_wards_in_a_plain_select(client, make, login):
    login(make.owner())
    html = check_page(client.get("/venues/new"))
    assert '<select id="ward_code" name="ward_code"' in html
    assert html.count("<option") > 168  # 13 kinds and the 168 wards and communes of province 79
    assert "Phường Thủ Dầu Một" in html
    for label in ("Cơ quan, văn phòng", "Chợ"):
        assert label in html
    # Traffic checkpoints are registered by province administrators only (tests/staff/test_checkpoints.py).
    assert "Chốt kiểm soát giao thông" not in html


def test_registering_a_venue_gives_it_a_token_and_a_short_code(client, make, login):
    owner = make.owner()
    login(owner)
    ward = make.wards(1)[0]
    response = client.post("/venues/new", data=venue_form(
        ward, registration_number="3700123456001", contact_phone="+84 909 123 456"))
    venue = db.session.scalar(select(Venue))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/venues/{venue.short_code}/")

    assert venue.owner_id == owner.id and venue.ward_code == ward.code
    assert venue.name == "Quán Phở Hương Việt" and venue.category == "restaurant"
    assert venue.registration_number == "3700123456-001"
    assert venue.contact_phone == "+84909123456" and venue.default_stay_minutes == 45
    assert venue.status == "active"
    assert len(venue.token) >= 22  # at least 128 random bits in URL-safe base64
    assert 6 <= len(venue.short_code) <= 8 and set(venue.short_code) <= set(SHORT_CODE_ALPHABET)
    assert not set(venue.short_code) & set("0O1IL2Z5S8B")

    html = check_page(client.get(response.headers["Location"]))
    assert "Đã đăng ký địa điểm." in html and venue.short_code in html
    assert "0909 123 456" in html


def test_household_businesses_need_no_registration_number(client, make, login):
    login(make.owner())
    response = client.post("/venues/new", data=venue_form(make.wards(1)[0]))
    assert response.status_code == 302
    assert db.session.scalar(select(Venue.registration_number)) is None


def test_decomposed_vietnamese_is_stored_composed(client, make, login):
    login(make.owner())
    client.post("/venues/new", data=venue_form(make.wards(1)[0], name=DECOMPOSED_NAME))
    assert db.session.scalar(select(Venue.name)) == VIETNAMESE_NAME


def test_an_owner_registers_several_venues_and_lists_only_their_own(client, make, login):
    owner = make.owner()
    make.venue(owner, name="Tiệm Bánh Mì Cô Ba")
    make.venue(owner, name="Nhà Sách Phương Nam")
    make.venue(make.owner(), name="Quán Của Người Khác")
    login(owner)
    html = check_page(client.get("/venues/"))
    assert "Tiệm Bánh Mì Cô Ba" in html and "Nhà Sách Phương Nam" in html
    assert "Quán Của Người Khác" not in html


def test_a_new_owner_sees_how_to_start(client, make, login):
    login(make.owner())
    assert "Bạn chưa đăng ký địa điểm nào." in check_page(client.get("/venues/"))


def test_editing_changes_details_but_keeps_token_and_code(client, make, login):
    owner = make.owner()
    venue = make.venue(owner)
    token, code = venue.token, venue.short_code
    login(owner)
    html = check_page(client.get(f"/venues/{code}/edit"))
    assert 'value="Quán Phở Hương Việt"' in html

    ward = make.wards(2)[1]
    response = client.post(f"/venues/{code.lower()}/edit", data=venue_form(
        ward, name="Quán Phở Hương Việt 2", category="shop", default_stay_minutes="90"))
    assert response.status_code == 302
    venue = db.session.scalar(select(Venue))
    assert (venue.name, venue.category, venue.ward_code) == ("Quán Phở Hương Việt 2", "shop", ward.code)
    assert venue.default_stay_minutes == 90
    assert (venue.token, venue.short_code) == (token, code)
    assert "Đã lưu thay đổi." in page_text(client.get(response.headers["Location"]))


def test_editing_a_venue_with_its_own_registration_number_is_no_duplicate(client, make, login):
    owner = make.owner()
    venue = make.venue(owner, registration_number="3700123456")
    login(owner)
    response = client.post(f"/venues/{venue.short_code}/edit", data=venue_form(
        venue.ward, registration_number="3700123456", address=venue.address))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Venue)) == 1


def test_the_venue_page_shows_panels_other_features_add(app, client, make, login):
    from markupsafe import Markup

    owner = make.owner()
    venue = make.venue(owner)
    def panel(venue):
        return Markup("<p>panel for {}</p>").format(venue.short_code)

    with signals.venue_panels.connected_to(panel, sender=app):
        login(owner)
        html = check_page(client.get(f"/venues/{venue.short_code}/"))
    assert f"panel for {venue.short_code}" in html
