"""/me: this device's visits within retention, dependents, notices and panels, forgetting."""
from datetime import timedelta

from markupsafe import Markup
from sqlalchemy import func, select

from portal import signals
from portal.extensions import db
from portal.visitors.models import Device, Visitor

from ..checkin.helpers import NAME, device_cookie, register, tap_check_in, venue_url, visits
from ..html import check_page


def test_unknown_device_sees_an_explanation_and_the_code_box(client):
    html = check_page(client.get("/me"))
    assert 'name="code"' in html and "/me/forget" not in html
    assert client.get_cookie("vr_device") is None  # nothing to remember yet


def test_me_lists_this_devices_visits_within_retention(client, make):
    venue, other = make.venue(name="Quán Cơm Tấm"), make.venue(name="Tiệm Thuốc Tây")
    register(client, venue)
    tap_check_in(client, other)
    old = visits()[0]
    old.checked_in_at -= timedelta(days=29)
    old.due_out_at -= timedelta(days=29)
    old.checked_out_at -= timedelta(days=29)
    db.session.commit()
    html = check_page(client.get("/me"))
    assert NAME in html and "Tiệm Thuốc Tây" in html
    assert "Quán Cơm Tấm" not in html  # older than PORTAL_RETENTION_DAYS (28)
    stranger = client.application.test_client()
    register(stranger, venue, name="Người Khác", phone="0987 123 456")
    html = stranger.get("/me").get_data(as_text=True)
    assert "Tiệm Thuốc Tây" not in html and NAME not in html


def test_me_applies_the_automatic_check_out(client, make):
    venue = make.venue(default_stay_minutes=20)
    register(client, venue)
    visit = visits()[0]
    visit.checked_in_at -= timedelta(hours=1)
    visit.due_out_at -= timedelta(hours=1)
    db.session.commit()
    check_page(client.get("/me"))
    assert visits()[0].out_method == "auto"


def test_add_edit_and_remove_dependents(client, make):
    venue = make.venue()
    register(client, venue)
    html = check_page(client.get("/me/dependents/new"))
    assert 'name="full_name"' in html and 'name="birth_year"' in html
    response = client.post("/me/dependents/new", data={"full_name": "Bé Mai", "birth_year": "2017"})
    assert response.status_code == 303 and response.headers["Location"] == "/me?done=added"
    child = db.session.scalar(select(Visitor).where(Visitor.lead_id.is_not(None)))
    assert (child.full_name, child.birth_year, child.phone) == ("Bé Mai", 2017, None)
    html = check_page(client.get("/me?done=added"))
    assert "Bé Mai" in html and f"/me/dependents/{child.ref}" in html
    check_page(client.get(f"/me/dependents/{child.ref}"))
    response = client.post(f"/me/dependents/{child.ref}", data={"full_name": "Bé Mai Anh", "birth_year": "2016"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (child.full_name, child.birth_year) == ("Bé Mai Anh", 2016)
    response = client.post(f"/me/dependents/{child.ref}/remove", data={})
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(Visitor.id)).where(Visitor.lead_id.is_not(None))) == 0


def test_removing_a_dependent_with_visits_keeps_the_visits_for_tracing(client, make):
    venue = make.venue()
    register(client, venue)
    client.post(f"/visit/{visits()[0].ref}/out", data={})
    client.post("/me/dependents/new", data={"full_name": "Bé Mai", "birth_year": "2017"})
    child = db.session.scalar(select(Visitor).where(Visitor.lead_id.is_not(None)))
    tap_check_in(client, venue, dependents=[child.ref])
    client.post(f"/me/dependents/{child.ref}/remove", data={})
    db.session.expire_all()
    assert child.lead_id is None and len(visits(visitor_id=child.id)) == 1
    assert "Bé Mai" not in client.get(venue_url(venue)).get_data(as_text=True)


def test_bad_dependent_input_and_someone_elses_dependent(client, make):
    venue = make.venue()
    register(client, venue)
    for data in ({"full_name": "", "birth_year": "2017"}, {"full_name": "<i>x</i>", "birth_year": "2017"},
                 {"full_name": "Bé", "birth_year": "3000"}, {"full_name": "x" * 300, "birth_year": "2000"}):
        html = check_page(client.post("/me/dependents/new", data=data), 422)
        assert 'class="error-summary"' in html
    assert db.session.scalar(select(func.count(Visitor.id))) == 1
    client.post("/me/dependents/new", data={"full_name": "Bé Mai", "birth_year": "2017"})
    child = db.session.scalar(select(Visitor).where(Visitor.lead_id.is_not(None)))
    stranger = client.application.test_client()
    register(stranger, venue, name="Người Lạ", phone="0987 000 333")
    check_page(stranger.get(f"/me/dependents/{child.ref}"), 404)
    check_page(stranger.post(f"/me/dependents/{child.ref}", data={"full_name": "Đổi", "birth_year": "2000"}), 404)
    check_page(stranger.post(f"/me/dependents/{child.ref}/remove", data={}), 404)
    check_page(client.get("/me/dependents/%00" + "x" * 21), 404)
    check_page(client.post("/me/dependents/%00/remove", data={}), 404)
    db.session.expire_all()
    assert child.full_name == "Bé Mai" and child.lead_id is not None
    nobody = client.application.test_client()
    assert nobody.get("/me/dependents/new").status_code == 302
    assert nobody.post(f"/me/dependents/{child.ref}/remove").status_code == 303


def test_forget_this_device(client, make):
    venue = make.venue()
    register(client, venue)
    token = device_cookie(client)
    response = client.post("/me/forget", data={})
    assert response.status_code == 303
    assert client.get_cookie("vr_device") is None
    assert db.session.scalar(select(func.count(Device.id))) == 0
    assert len(visits()) == 1  # the visit stays for tracing until retention
    html = check_page(client.get("/me?done=forgotten"))
    assert NAME not in html and 'role="status"' in html
    client.set_cookie("vr_device", token)  # an old copy of the cookie opens nothing
    assert NAME not in client.get("/me").get_data(as_text=True)
    assert 'name="full_name"' in client.get(venue_url(venue)).get_data(as_text=True)


def test_notices_and_panels_from_other_features_are_shown(app, client, make):
    seen = []

    def notice(visitor_ids, now):
        seen.append(sorted(visitor_ids))
        return [Markup("<p>Cảnh báo phơi nhiễm</p>")]

    def broken(visitor_ids, now):
        raise RuntimeError("a bug elsewhere")

    def card(visitor, now):
        return Markup(f"<p>Thẻ của {visitor.full_name}</p>")

    with signals.visitor_notices.connected_to(notice, sender=app), \
            signals.visitor_notices.connected_to(broken, sender=app), signals.me_panels.connected_to(card, sender=app):
        venue = make.venue()
        location = register(client, venue).headers["Location"]
        assert "Cảnh báo phơi nhiễm" in client.get(location).get_data(as_text=True)
        assert "Cảnh báo phơi nhiễm" in client.get(venue_url(venue)).get_data(as_text=True)
        html = check_page(client.get("/me"))
    assert "Cảnh báo phơi nhiễm" in html and f"Thẻ của {NAME}" in html
    person = db.session.scalar(select(Visitor))
    assert seen and all(ids == [person.id] for ids in seen)
