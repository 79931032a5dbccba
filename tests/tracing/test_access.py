"""Only tracers reach tracing pages and exports; every other role gets 404 and no personal data."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.tracing.models import Case, Exposure

OTHER_ROLES = ("owner", "staff", "checkpoint", "ward_official", "province_admin")
SECRETS = ("Ca Bệnh", "Người Tiếp Xúc", "0912 300 000", "0912300001", "+84912300001", "912 300 001")


@pytest.fixture
def traced_case(client, open_case, people, make):
    """A case with a person, a contact and an exposure window, opened by a tracer (then logged out)."""
    venue = make.venue(name="Quán Nước Mía")
    start = people.now - timedelta(days=2)
    f0 = people.person("Ca Bệnh", phone="0912 300 000")
    people.visit(f0, venue, start, start + timedelta(minutes=60))
    contact = people.person("Người Tiếp Xúc", phone="0912 300 001")
    people.visit(contact, venue, start, start + timedelta(minutes=60))
    case_url = open_case()
    client.post(case_url + "lookup", data={"phone": "0912300000"})
    client.post("/auth/logout")
    return case_url, venue, start


def _urls(case_url, venue, start):
    form = {"venue_code": venue.short_code, "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{start + timedelta(hours=1):%Y-%m-%dT%H:%M}", "advice": "test"}
    return [
        ("GET", "/tracing/", None), ("GET", "/tracing/cases/new", None),
        ("POST", "/tracing/cases/new", {"reference": "X-1", "purpose": "thử"}),
        ("GET", case_url, None), ("POST", case_url + "lookup", {"phone": "0912300001"}),
        ("GET", case_url + "visits", None), ("GET", case_url + "contacts", None),
        ("GET", case_url + "contacts?rule=hour", None),
        ("GET", case_url + "contacts.csv", None), ("GET", case_url + "contacts.xlsx", None),
        ("GET", case_url + "exposures/new", None), ("POST", case_url + "exposures/new", form),
    ]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_get_404_and_no_personal_data_from_any_tracing_url(client, login, make, traced_case, role):
    wards = make.wards(1) if role == "ward_official" else ()
    user = make.user(role=role, wards=wards)
    if role in ("staff", "checkpoint"):
        from portal.auth.models import VenueStaff

        db.session.add(VenueStaff(user_id=user.id, venue_id=traced_case[1].id))
        db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    login(user)
    for method, url, data in _urls(*traced_case):
        response = client.open(url, method=method, data=data)
        assert response.status_code == 404, (role, method, url)
        body = response.get_data().decode("utf-8", "replace")
        assert not any(secret in body for secret in SECRETS), (role, url)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1
    assert db.session.scalar(select(func.count()).select_from(Exposure)) == 0


def test_anonymous_visitors_are_sent_to_login(client, traced_case):
    for method, url, data in _urls(*traced_case):
        response = client.open(url, method=method, data=data)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url


def test_a_deactivated_tracer_loses_access(client, login, tracer, traced_case):
    login(tracer)
    tracer.active = False
    db.session.commit()
    response = client.get(traced_case[0] + "contacts")
    assert response.status_code == 302 and "Ca Bệnh" not in response.get_data(as_text=True)
