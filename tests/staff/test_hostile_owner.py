"""A hostile business owner tries to read or move a stranger through the assisted check-in.

The stranger registered on their own phone at another venue and is inside there now. The owner
signs up, registers a shop, then tries everything a business could: a look-up by phone alone, by
phone and a wrong year, reading what the right pair shows, forging the choice, printing a pass
card for any name, and registering a traffic checkpoint with a crafted form.
"""

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.checkin.models import Visit
from portal.extensions import db
from portal.passes.models import Pass
from portal.venues.models import Venue
from portal.visitors.models import Visitor

from ..checkin.helpers import register, visits_of
from ..html import check_page, hidden_fields
from ..factories import PASSWORD, staff_at
from .helpers import choices, confirm_data, lookup

NAME = "Phạm Thị Hồng Vân"
MASKED = "P*** T** H*** V**"
PHONE = "0987 111 222"


@pytest.fixture
def stranger(app, make):
    """Someone who checked in at another venue from their own phone, and is inside there now."""
    elsewhere = make.venue(name="Siêu thị Khác")
    assert register(app.test_client(), elsewhere, name=NAME, phone=PHONE, year="1988").status_code in (302, 303)
    person = db.session.scalar(select(Visitor))
    [visit] = db.session.scalars(select(Visit)).all()
    assert visit.is_open and visit.venue_id == elsewhere.id
    return person


@pytest.fixture
def shop(client, make):
    """A brand-new owner, signed up and with a venue registered through the real forms."""
    signup = {"full_name": "Chủ Quán Xấu", "phone": "0912 999 000", "email": "",
              "password": PASSWORD, "confirm": PASSWORD}
    assert client.post("/auth/signup", data=signup).status_code == 302
    data = {"name": "Quán Nước Xấu", "category": "restaurant", "registration_number": "",
            "address": "1 Đường Lạ", "ward_code": make.wards(1)[0].code,
            "contact_phone": "0912 999 000", "default_stay_minutes": "60"}
    response = client.post("/venues/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return db.session.scalar(select(Venue).where(Venue.name == "Quán Nước Xấu"))


def test_a_phone_number_alone_finds_nobody(client, stranger, shop):
    html = check_page(lookup(client, shop, PHONE), 422)
    assert 'class="error-summary"' in html and "Năm sinh" in html
    assert NAME not in html and MASKED not in html and "1988" not in html
    assert [v.venue_id for v in visits_of(stranger)] != [shop.id]


@pytest.mark.parametrize("year", ["1987", "1989", "2000"])
def test_a_wrong_year_of_birth_lists_nobody(client, stranger, shop, year):
    html = check_page(lookup(client, shop, PHONE, year))
    assert NAME not in html and MASKED not in html
    assert 'name="person"' not in html and "Chưa có ai với số điện thoại và năm sinh này" in html


def test_the_right_pair_shows_only_a_masked_name_and_no_identifier(client, stranger, shop):
    html = check_page(lookup(client, shop, PHONE, "1988"))
    assert MASKED in html
    for word in NAME.split():
        assert word not in html  # not even one word of the name
    assert stranger.ref not in html and "0987" not in html
    [(value, masked)] = choices(html)
    assert masked == MASKED
    assert value != str(stranger.id) and stranger.ref not in value
    state = hidden_fields(html, f"/staff/{shop.short_code}/assist/confirm")["state"]
    assert stranger.ref not in state
    # A second look-up gives another handle: it identifies nobody outside this one list.
    again = check_page(lookup(client, shop, PHONE, "1988"))
    assert [handle for handle, _masked in choices(again)] != [value]


def test_a_choice_that_was_not_offered_moves_nobody(client, stranger, shop):
    other = check_page(lookup(client, shop, PHONE, "1988"))
    state = hidden_fields(other, f"/staff/{shop.short_code}/assist/confirm")["state"]
    url = f"/staff/{shop.short_code}/assist/confirm"
    for forged in (stranger.ref, str(stranger.id), "0" * 24, ""):
        html = check_page(client.post(url, data={"state": state, "person": forged}), 422)
        assert NAME not in html
    for bad_state in ("", "x" * 100, state[:-3] + "abc"):
        html = check_page(client.post(url, data={"state": bad_state, "person": stranger.ref}), 400)
        assert "đã hết hạn" in html
    [visit] = visits_of(stranger)
    assert visit.is_open and visit.venue_id != shop.id


def test_a_list_made_for_another_account_or_venue_moves_nobody(client, make, login, stranger, shop):
    data = confirm_data(client, shop, PHONE, "1988")
    client.post("/auth/logout")
    other_shop = make.venue(name="Quán Bên Cạnh")
    login(staff_at(make, other_shop))
    response = client.post(f"/staff/{other_shop.short_code}/assist/confirm", data=data)
    assert response.status_code == 400
    [visit] = visits_of(stranger)
    assert visit.venue_id != other_shop.id


def test_an_expired_list_moves_nobody(make_app, make, stranger):
    app = make_app(PORTAL_ASSIST_PICK_SECONDS=-1)
    client = app.test_client()
    venue = make.venue()
    staff = staff_at(make, venue)
    client.post("/auth/login", data={"phone": staff.phone, "password": PASSWORD})
    data = confirm_data(client, venue, PHONE, "1988")
    html = check_page(client.post(f"/staff/{venue.short_code}/assist/confirm", data=data), 400)
    assert "đã hết hạn" in html
    assert visits_of(stranger)[0].venue_id != venue.id


def test_what_the_owner_can_do_with_the_pair_is_masked_and_audited(client, stranger, shop):
    data = confirm_data(client, shop, PHONE, "1988")
    html = check_page(client.post(f"/staff/{shop.short_code}/assist/confirm", data=data))
    assert MASKED in html and NAME not in html
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor.full_name, e.query) for e in entries] == [
        ("assist_lookup", "Chủ Quán Xấu", f"venue={shop.short_code}"),
        ("assist_in", "Chủ Quán Xấu", f"how=phone venue={shop.short_code}"),
    ]


def test_lookups_are_limited_per_account_from_any_address(make_app, make, stranger):
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_ASSIST_LOOKUP_LIMIT="3 per hour")
    venue = make.venue()
    first, second = staff_at(make, venue), staff_at(make, venue)
    statuses = []
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"):  # one account, new addresses
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        client.post("/auth/login", data={"phone": first.phone, "password": PASSWORD})
        statuses.append(lookup(client, venue, PHONE, str(1980 + len(statuses))).status_code)
    assert statuses == [200, 200, 200, 429]
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.4"  # the same address, another account
    client.post("/auth/login", data={"phone": second.phone, "password": PASSWORD})
    assert lookup(client, venue, PHONE, "1988").status_code == 200


def test_the_owner_cannot_print_a_pass_card_for_anyone(client, stranger, shop):
    card = {"full_name": NAME, "phone": PHONE, "birth_year": "1988"}
    assert client.get("/passes/card/new").status_code == 404
    assert client.post("/passes/card/new", data=card).status_code == 404
    assert db.session.scalar(select(func.count(Pass.id))) == 0
    assert "/passes/card/new" not in check_page(client.get(f"/staff/{shop.short_code}/scan"))
    assert "/passes/card/new" not in check_page(client.get("/staff/"))


def test_the_owner_cannot_register_a_traffic_checkpoint(client, make, shop):
    html = check_page(client.get("/venues/new"))
    assert 'value="checkpoint"' not in html
    data = {"name": "Chốt Giả", "category": "checkpoint", "registration_number": "",
            "address": "Quốc lộ 13", "ward_code": make.wards(1)[0].code,
            "contact_phone": "0912 999 000", "default_stay_minutes": "5"}
    html = check_page(client.post("/venues/new", data=data), 422)
    assert 'class="error-summary"' in html and "Chỉ cơ quan cấp tỉnh" in html
    assert db.session.scalar(select(func.count(Venue.id)).where(Venue.category == "checkpoint")) == 0
    # Nor by turning the shop into one.
    html = check_page(client.post(f"/venues/{shop.short_code}/edit", data=dict(data, name=shop.name)), 422)
    assert 'class="error-summary"' in html
    db.session.expire_all()
    assert db.session.get(Venue, shop.id).category == "restaurant"
