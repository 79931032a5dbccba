"""Checking in at an entrance: the stay is the venue's, so any of its gates checks the person out."""
from datetime import timedelta

import pytest
from sqlalchemy import event

from portal.clock import utcnow
from portal.extensions import db
from portal.reports import lists
from portal.venues.entrances import add_entrance

from ..factories import visit as visit_row
from ..factories import visitor
from ..html import check_page, form_actions, hidden_fields
from .helpers import count_visits, post_writes, register, visits


@pytest.fixture
def gates(make):
    """A market with two entrances besides its main poster."""
    venue = make.venue(name="Chợ Lái Thiêu", category="market")
    north = add_entrance(venue, "Cổng Bắc", utcnow())
    south = add_entrance(venue, "Cổng Nam", utcnow())
    db.session.commit()
    return venue, north, south


def test_in_at_one_gate_out_at_another(client, gates):
    venue, north, south = gates
    html = check_page(client.get(f"/v/{north.token}"))
    assert "Chợ Lái Thiêu" in html and "Lối vào: Cổng Bắc" in html
    response = register(client, north)  # the entrance's poster URL is /v/<its token>
    assert response.status_code == 303
    [visit] = visits()
    assert (visit.venue_id, visit.entrance_id, visit.checked_out_at) == (venue.id, north.id, None)
    confirmation = check_page(client.get(response.headers["Location"]))
    assert "Lối vào: Cổng Bắc" in confirmation
    assert "Cổng Bắc" in check_page(client.get("/me"))

    # Scanning the south gate's poster: the person is inside this venue, so it offers the way out.
    html = check_page(client.get(f"/v/{south.token}"))
    assert "Lối vào: Cổng Nam" in html and "Ghi nhận ra" in html
    assert f"/visit/{visit.ref}/out" in form_actions(html)
    assert client.post(f"/visit/{visit.ref}/out").status_code == 303
    [visit] = visits()
    assert visit.checked_out_at is not None and visit.out_method == "self"
    assert count_visits() == 1


def test_a_check_in_post_at_another_gate_keeps_the_one_open_visit(client, gates):
    venue, north, south = gates
    register(client, north)
    # A one-tap check-in sent at the other gate (a form opened before checking in at the first).
    response = client.post(f"/v/{south.token}", data={"nonce": "n" * 22})
    assert response.status_code == 303
    [visit] = visits()
    assert visit.entrance_id == north.id and visit.checked_out_at is None
    assert response.headers["Location"] == f"/visit/{visit.ref}"


def test_moving_to_another_venue_closes_the_entrance_visit(client, make, gates):
    venue, north, _south = gates
    register(client, north)
    shop = make.venue(name="Tiệm Vàng Kim Hoàn")
    url = f"/v/{shop.token}"
    client.post(url, data=hidden_fields(client.get(url).get_data(as_text=True), url))
    first, second = visits()
    assert (first.out_method, second.venue_id, second.entrance_id) == ("moved", shop.id, None)


def test_an_entrance_code_typed_by_hand_opens_its_page(client, gates):
    _venue, north, _south = gates
    spaced = f" {north.short_code[:3].lower()} {north.short_code[3:]}"
    html = check_page(client.get(f"/c/{spaced}"))
    assert "Lối vào: Cổng Bắc" in html
    assert f"/c/{north.short_code}" in form_actions(html)
    response = register(client, north)
    assert response.status_code == 303 and visits()[0].entrance_id == north.id


def test_a_suspended_venue_takes_no_check_in_at_its_entrances(client, gates):
    venue, north, _south = gates
    url = f"/v/{north.token}"
    data = hidden_fields(client.get(url).get_data(as_text=True), url)  # the form, opened before
    venue.status = "suspended"
    db.session.commit()
    data.update(full_name="Trần Thị Mai", phone="0912 345 679", birth_year="1990")
    assert client.post(url, data=data).status_code == 409
    assert count_visits() == 0


def test_a_check_in_at_an_entrance_costs_one_statement_more_than_at_the_main_poster(client, gates):
    venue, north, _south = gates
    register(client, venue)
    client.post(f"/visit/{visits()[0].ref}/out")
    url = f"/v/{north.token}"
    data = hidden_fields(client.get(url).get_data(as_text=True), url)
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement.split()[0].upper())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.post(url, data=data).status_code == 303
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    # venue (missed), entrance with its venue, device and person (locked), close, insert
    assert seen == ["SELECT", "SELECT", *post_writes()], seen
    assert visits()[-1].entrance_id == north.id


def test_officials_lists_count_the_venue_once_with_the_visits_of_every_entrance(make, gates):
    venue, north, south = gates
    other = make.venue(name="Tiệm Tạp Hoá Ba Tư", ward_code=venue.ward_code)
    person, at = visitor(), utcnow() - timedelta(days=1)
    for gate, method in ((north, "auto"), (south, "auto"), (None, "self"), (north, "moved")):
        row = visit_row(venue, person, at, timedelta(hours=1), method)
        row.entrance_id = gate.id if gate else None
    db.session.commit()
    rows, total = lists.fetch(lists.ListQuery.parse("no-exits", venue.ward_code, {}), utcnow())
    assert total == 1 and [(r["place"].name, r["closed"], r["proper"]) for r in rows] == [("Chợ Lái Thiêu", 4, 1)]
    rows, _total = lists.fetch(lists.ListQuery.parse("not-used", venue.ward_code, {}), utcnow())
    assert [r["place"].name for r in rows] == [other.name]  # used: its entrances' visits count
