"""A province administrator creates an inspector with a department, kinds of venue and wards."""
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from portal.inspection.scopes import scope_of

from ..factories import next_phone
from .helpers import signed_in

STRONG = "Kiem-tra-2026-an-toan"


def test_an_inspector_account_with_its_scope(app, make):
    ward_a, ward_b = make.wards(2)
    admin = signed_in(app, make.user(role="province_admin"))
    phone = next_phone()
    response = admin.post("/officials/new", data={
        "role": "inspector", "full_name": "Thanh Tra Công Thương", "phone": phone, "password": STRONG,
        "wards": [ward_a.code], "department": "trade", "categories": ["market", "supermarket"]})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    user = db.session.scalar(select(User).where(User.role == "inspector"))
    assert scope_of(user) == ("trade", ["market", "supermarket"], [ward_a.code])
    assert user.wards == []  # no ward official's pages through user_wards
    page = admin.get(f"/officials/{user.id}/").get_data(as_text=True)
    assert 'value="market" checked' in page
    response = admin.post(f"/officials/{user.id}/", data={
        "full_name": "Thanh Tra Công Thương", "wards": [ward_b.code], "department": "trade",
        "categories": ["market"]})
    assert response.status_code == 302
    assert scope_of(user) == ("trade", ["market"], [ward_b.code])


def test_an_inspector_needs_a_department_kinds_of_venue_and_wards(app, make):
    ward = make.wards(1)[0]
    admin = signed_in(app, make.user(role="province_admin"))
    base = {"role": "inspector", "full_name": "Thanh Tra Y Tế", "phone": next_phone(), "password": STRONG}
    for missing, message in [({"categories": ["health"], "wards": [ward.code]}, "department"),
                             ({"department": "health", "wards": [ward.code]}, "kind of venue"),
                             ({"department": "health", "categories": ["health"]}, "ward for an inspector")]:
        response = admin.post("/officials/new", data={**base, **missing})
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    response = admin.post("/officials/new", data={**base, "role": "tracer", "department": "health"})
    assert response.status_code == 422
    assert db.session.scalar(select(User.id).where(User.role.in_(("inspector", "tracer")))) is None
