"""A remembered visitor's check-in is the hot path: at most three statements for each of its
three requests (checkin/core/), on a connection of the page's own: no ORM session."""
from contextlib import contextmanager

from sqlalchemy import event

from portal.extensions import RoutingSession

from .helpers import NAME, post_writes, register, venue_url, visits
from ..html import hidden_fields
from ..statements import statements


@contextmanager
def session_transactions():
    """Yield a list that fills with each ORM session transaction begun meanwhile."""
    begun = []

    def record(session, transaction):
        begun.append(transaction)

    event.listen(RoutingSession, "after_transaction_create", record)
    try:
        yield begun
    finally:
        event.remove(RoutingSession, "after_transaction_create", record)


def test_one_tap_check_in_post_runs_three_statements(client, make):
    first, second = make.venue(name="A"), make.venue(name="B")
    register(client, first)
    client.post(f"/visit/{visits()[0].ref}/out")
    url = venue_url(second)
    data = hidden_fields(client.get(url).get_data(as_text=True), url)
    with statements() as seen, session_transactions() as begun:
        response = client.post(url, data=data)
    assert response.status_code == 303
    # venue, device and person (locked); close the visit before and insert unless replayed or
    # inside (one statement on PostgreSQL)
    assert seen == ["SELECT", *post_writes()], seen
    assert begun == []  # one transaction on a connection of its own, not the ORM session's
    assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]


def test_venue_page_of_a_remembered_person_runs_one_select(client, make):
    first, second = make.venue(name="A"), make.venue(name="B")
    register(client, first)
    url = venue_url(second)
    with statements() as seen, session_transactions() as begun:
        response = client.get(url)
    assert response.status_code == 200
    # venue, device, person, household with open visits and whether a warning is kept, in one
    assert seen == ["SELECT"], seen
    assert begun == []  # on a connection of its own: the ORM session is never opened


def test_confirmation_runs_one_select_and_no_write(client, make):
    venue = make.venue(name="A")
    register(client, venue)
    ref = visits()[0].ref
    url = f"/visit/{ref}"
    with statements() as seen, session_transactions() as begun:
        response = client.get(url)
    assert response.status_code == 200
    # visit, venue, device, household with the companions and whether a warning is kept, in one
    assert seen == ["SELECT"], seen
    assert begun == []


def test_a_tap_answered_with_the_page_shows_the_name_the_post_read_sealed(client, make):
    """The POST's look-up leaves the name encrypted (a check-in shows no page); when the tap is
    answered with the page after all, the name is opened for it."""
    first, second = make.venue(name="A"), make.venue(name="B")
    register(client, first)
    url = venue_url(second)
    data = hidden_fields(client.get(url).get_data(as_text=True), url)
    data["dependents"] = ["not-of-this-household"]
    response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and len(visits()) == 1
    assert html.count(NAME) >= 2  # "check in as …" and "not …?"
    assert "gAAAA" not in html  # no token of the sealed name
