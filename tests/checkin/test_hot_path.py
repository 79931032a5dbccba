"""A remembered visitor's check-in is the hot path: three statements for each of its three
requests (checkin/core/), and no session."""
from .helpers import register, venue_url, visits
from ..html import hidden_fields
from ..statements import statements


def test_one_tap_check_in_post_runs_three_statements(client, make):
    first, second = make.venue(name="A"), make.venue(name="B")
    register(client, first)
    client.post(f"/visit/{visits()[0].ref}/out")
    url = venue_url(second)
    data = hidden_fields(client.get(url).get_data(as_text=True), url)
    with statements() as seen:
        response = client.post(url, data=data)
    assert response.status_code == 303
    # venue, device and person (locked); close the visit before; insert unless replayed or inside
    assert seen == ["SELECT", "UPDATE", "INSERT"], seen
    assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]


def test_venue_page_of_a_remembered_person_runs_three_selects(client, make):
    first, second = make.venue(name="A"), make.venue(name="B")
    register(client, first)
    url = venue_url(second)
    with statements() as seen:
        response = client.get(url)
    assert response.status_code == 200
    # venue, device and person; household with open visits; one look at the exposure warnings
    assert seen == ["SELECT"] * 3, seen


def test_confirmation_runs_three_selects_and_no_write(client, make):
    venue = make.venue(name="A")
    register(client, venue)
    ref = visits()[0].ref
    url = f"/visit/{ref}"
    with statements() as seen:
        response = client.get(url)
    assert response.status_code == 200
    # visit, venue and device; household with the companions; the exposure warnings
    assert seen == ["SELECT"] * 3, seen
