"""Traffic checkpoints are the police's: only province administrators register them."""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.venues.models import Venue
from portal.venues.services import VenueError, register_venue

from ..html import check_page


def checkpoint_form(ward, **fields):
    data = {"name": "Chốt QL13 - Lái Thiêu", "category": "checkpoint", "registration_number": "",
            "address": "Quốc lộ 13", "ward_code": ward.code, "contact_phone": "0909 123 456",
            "default_stay_minutes": "5"}
    data.update(fields)
    return data


@pytest.fixture
def admin(make, login):
    user = make.user(role="province_admin", name="Sở TT&TT")
    login(user)
    return user


def test_a_province_admin_registers_a_checkpoint_and_assigns_an_officer(client, make, admin):
    html = check_page(client.get("/staff/checkpoints"))
    assert 'href="/venues/new"' in html
    html = check_page(client.get("/venues/new"))
    assert '<select id="category" name="category" required><option value="checkpoint">' in html
    assert 'value="restaurant"' not in html
    response = client.post("/venues/new", data=checkpoint_form(make.wards(1)[0]))
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/checkpoints")
    venue = db.session.scalar(select(Venue))
    assert venue.category == "checkpoint" and venue.owner_id == admin.id
    html = check_page(client.get("/staff/checkpoints"))
    assert "Đã đăng ký chốt Chốt QL13 - Lái Thiêu" in html
    assert f'value="{venue.short_code}"' in html  # offered in the assignment form
    officer = make.user(role="checkpoint")
    response = client.post("/staff/checkpoints/assign", data={"officer": str(officer.id), "venue": venue.short_code})
    assert response.status_code == 302
    assert f'href="/staff/{venue.short_code}/figures"' in check_page(client.get("/staff/"))


def test_a_province_admin_registers_nothing_but_checkpoints_here(client, make, admin):
    html = check_page(client.post("/venues/new", data=checkpoint_form(make.wards(1)[0], category="shop")), 422)
    assert 'class="error-summary"' in html
    assert db.session.scalar(select(func.count(Venue.id))) == 0


def test_the_rule_holds_outside_the_form_too(app, make):
    values = dict(name="Chốt", category="checkpoint", registration_number=None, address="QL13",
                  ward_code=make.wards(1)[0].code, contact_phone="+84909123456", default_stay_minutes=5)
    for role in ("owner", "ward_official", "staff"):
        with pytest.raises(VenueError):
            register_venue(make.user(role=role), values, app.config["PORTAL_PROVINCE"])
    db.session.rollback()
    assert register_venue(make.user(role="province_admin"), values, app.config["PORTAL_PROVINCE"]).id


def test_other_accounts_cannot_open_the_registration_of_a_checkpoint(client, make, login):
    for role in ("staff", "checkpoint", "ward_official", "tracer"):
        login(make.user(role=role, wards=make.wards(1) if role == "ward_official" else ()))
        assert client.post("/venues/new", data=checkpoint_form(make.wards(1)[0])).status_code == 404
        client.post("/auth/logout")
    assert db.session.scalar(select(func.count(Venue.id))) == 0


def test_an_owners_checkpoint_from_before_keeps_its_kind_when_edited(client, make, login):
    owner = make.owner()
    venue = make.venue(category="checkpoint")
    venue.owner_id = owner.id  # registered by an owner before only the province could
    db.session.commit()
    login(owner)
    response = client.post(f"/venues/{venue.short_code}/edit",
                           data=checkpoint_form(make.wards(1)[0], name="Chốt Cũ", contact_phone=owner.phone))
    assert response.status_code == 302
    db.session.expire_all()
    assert (venue.name, venue.category) == ("Chốt Cũ", "checkpoint")
