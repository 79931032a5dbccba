"""Dependents come and go with their lead; a double tap or a retried POST records one visit."""
from sqlalchemy import func, select

from portal.extensions import db
from portal.visitors.models import Device, Visitor

from ..html import check_page, hidden_fields
from .helpers import NAME, count_visits, device_cookie, register, tap_check_in, venue_url, visits


def add_dependent(client, name, year="2016"):
    response = client.post("/me/dependents/new", data={"full_name": name, "birth_year": year})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return db.session.scalar(select(Visitor).where(Visitor.lead_id.is_not(None)).order_by(Visitor.id.desc()))


def household(client, venue):
    """A lead registered on this client with two dependents, checked out again."""
    register(client, venue)
    client.post(f"/visit/{visits()[0].ref}/out", data={})
    return add_dependent(client, "Bé Na", "2018"), add_dependent(client, "Bà Tư", "1940")


def test_dependents_are_offered_and_get_visits_linked_to_the_lead(client, make):
    first, second = make.venue(name="Nhà Văn Hoá"), make.venue(name="Công Viên")
    child, grandma = household(client, first)
    html = check_page(client.get(venue_url(second)))
    assert "Bé Na" in html and "Bà Tư" in html and 'type="checkbox"' in html
    response = tap_check_in(client, second, dependents=[child.ref, grandma.ref])
    assert response.status_code == 303
    lead_visit = visits(venue_id=second.id, lead_visit_id=None)[0]
    followers = visits(lead_visit_id=lead_visit.id)
    assert {v.visitor_id for v in followers} == {child.id, grandma.id}
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Bé Na" in html and "Bà Tư" in html


def test_dependents_leave_with_the_lead(client, make):
    venue = make.venue()
    child, grandma = household(client, venue)
    tap_check_in(client, venue, dependents=[child.ref])
    lead_visit = visits(lead_visit_id=None)[-1]
    client.post(f"/visit/{lead_visit.ref}/out", data={})
    follower = visits(visitor_id=child.id)[0]
    assert follower.checked_out_at == visits(lead_visit_id=None)[-1].checked_out_at
    assert follower.out_method == "self"
    assert count_visits(visitor_id=grandma.id) == 0  # not ticked, not checked in


def test_a_dependent_can_check_out_separately(client, make):
    venue = make.venue()
    child, grandma = household(client, venue)
    tap_check_in(client, venue, dependents=[child.ref, grandma.ref])
    html = check_page(client.get(venue_url(venue)))
    child_visit = visits(visitor_id=child.id)[0]
    assert f"/visit/{child_visit.ref}/out" in html  # "check out only Bé Na"
    client.post(f"/visit/{child_visit.ref}/out", data={})
    assert visits(visitor_id=child.id)[0].checked_out_at is not None
    assert visits(visitor_id=grandma.id)[0].checked_out_at is None
    lead_visit = visits(lead_visit_id=None)[-1]
    assert lead_visit.checked_out_at is None
    # The child can be added to the lead's visit again from the venue page.
    tap_check_in(client, venue, dependents=[child.ref])
    assert visits(visitor_id=child.id)[-1].lead_visit_id == lead_visit.id
    assert count_visits(lead_visit_id=None, venue_id=venue.id) == 2  # no new visit for the lead


def test_dependents_move_with_the_lead_to_another_venue(client, make):
    first, second = make.venue(name="A"), make.venue(name="B")
    child, _grandma = household(client, first)
    tap_check_in(client, first, dependents=[child.ref])
    tap_check_in(client, second, dependents=[child.ref])
    old, new = visits(visitor_id=child.id)
    assert old.out_method == "moved" and new.venue_id == second.id and new.checked_out_at is None


def test_double_tap_with_the_same_form_records_one_visit(client, make):
    venue = make.venue()
    register(client, venue)
    client.post(f"/visit/{visits()[0].ref}/out", data={})
    other = make.venue(name="Bến xe")
    html = client.get(venue_url(other)).get_data(as_text=True)
    data = hidden_fields(html, venue_url(other))
    first = client.post(venue_url(other), data=data)
    second = client.post(venue_url(other), data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count_visits(venue_id=other.id) == 1


def test_retried_registration_after_a_lost_answer_records_one_person_and_visit(client, make):
    venue = make.venue()
    url = venue_url(venue)
    html = client.get(url).get_data(as_text=True)
    first_cookie = device_cookie(client)
    data = hidden_fields(html, url)
    data.update(full_name=NAME, phone="0912 345 678", birth_year="1985")
    first = client.post(url, data=data)
    registered_cookie = device_cookie(client)
    assert registered_cookie != first_cookie
    # The answer (and its new cookie) never reached the phone: it retries with the old cookie.
    client.set_cookie("vr_device", first_cookie)
    second = client.post(url, data=data)
    assert second.status_code == 303 and second.headers["Location"] == first.headers["Location"]
    assert device_cookie(client) == registered_cookie  # the same derived token again
    assert db.session.scalar(select(func.count(Visitor.id))) == 1
    assert db.session.scalar(select(func.count(Device.id))) == 1
    assert count_visits() == 1
    assert client.get(second.headers["Location"]).status_code == 200


def test_a_nonce_used_by_someone_else_records_nothing(client, make):
    venue = make.venue()
    url = venue_url(venue)
    html = client.get(url).get_data(as_text=True)
    data = hidden_fields(html, url)
    data.update(full_name=NAME, phone="0912 345 678", birth_year="1985")
    client.post(url, data=data)
    stranger = client.application.test_client()
    stranger.get(url)
    response = stranger.post(url, data=dict(data, full_name="Người Khác"))
    html = check_page(response)
    assert 'role="alert"' in html and 'name="full_name"' in html
    assert count_visits() == 1 and db.session.scalar(select(func.count(Visitor.id))) == 1
