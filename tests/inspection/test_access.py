"""Who inspects what: inspectors by category and ward, ward officials by ward, nobody else."""
import pytest

from ..factories import staff_at
from .helpers import inspector, signed_in


@pytest.fixture
def places(make):
    ward_a, ward_b = make.wards(2)
    return {
        "market_a": make.venue(name="Chợ Phường A", category="market", ward_code=ward_a.code),
        "clinic_a": make.venue(name="Phòng khám A", category="health", ward_code=ward_a.code),
        "market_b": make.venue(name="Chợ Phường B", category="market", ward_code=ward_b.code),
        "ward_a": ward_a, "ward_b": ward_b,
    }


def pages_of(venue):
    return [f"/inspection/{venue.short_code}/"]


def test_an_inspector_sees_their_category_in_their_ward_only(app, make, places):
    browser = signed_in(app, inspector(make, app, ["market"], [places["ward_a"]]))
    index = browser.get("/inspection/").get_data(as_text=True)
    assert "Chợ Phường A" in index
    assert "Phòng khám A" not in index and "Chợ Phường B" not in index
    assert browser.get(f"/inspection/{places['market_a'].short_code}/").status_code == 200
    assert browser.get(f"/inspection/{places['market_a'].short_code.lower()}/").status_code == 200
    for other in ("clinic_a", "market_b"):
        code = places[other].short_code
        assert browser.get(f"/inspection/{code}/").status_code == 404
        assert browser.post(f"/inspection/{code}/posters", data={"payload": code}).status_code == 404
        assert browser.post(f"/inspection/{code}/record", data={"result": "meets"}).status_code == 404


def test_a_ward_official_inspects_everything_in_their_ward_and_nothing_else(app, make, places):
    official = make.user(role="ward_official", wards=[places["ward_a"]], name="Cán bộ Phường A")
    browser = signed_in(app, official)
    for mine in ("market_a", "clinic_a"):
        assert browser.get(f"/inspection/{places[mine].short_code}/").status_code == 200
    assert browser.get(f"/inspection/{places['market_b'].short_code}/").status_code == 404


@pytest.mark.parametrize("role", ["owner", "staff", "tracer", "checkpoint"])
def test_owners_staff_and_others_get_404(app, make, places, role):
    venue = places["market_a"]
    if role == "owner":
        user = venue.owner
    elif role in ("staff", "checkpoint"):
        user = staff_at(make, venue, role=role)
    else:
        user = make.user(role=role)
    browser = signed_in(app, user)
    assert browser.get("/inspection/").status_code == 404
    assert browser.get(f"/inspection/{venue.short_code}/").status_code == 404


def test_a_visitor_is_sent_to_log_in(client, places):
    response = client.get(f"/inspection/{places['market_a'].short_code}/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_garbage_codes_answer_404(app, make, places):
    browser = signed_in(app, inspector(make, app, ["market"], [places["ward_a"]]))
    assert browser.get("/inspection/%00%3Cscript%3E/").status_code == 404


def test_a_deactivated_inspector_sees_nothing(app, make, places):
    from portal.extensions import db

    user = inspector(make, app, ["market"], [places["ward_a"]])
    browser = signed_in(app, user)
    user.active = False
    db.session.commit()
    assert browser.get(f"/inspection/{places['market_a'].short_code}/").status_code != 200
