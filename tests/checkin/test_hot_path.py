"""The one-tap check-in POST is the hot path: a handful of statements and no session."""
import contextlib

from sqlalchemy import event

from portal.extensions import db

from .helpers import hidden_fields, register, venue_url, visits


@contextlib.contextmanager
def statements():
    seen = []

    def record(conn, cursor, statement, params, context, executemany):
        seen.append(statement.split()[0].upper())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_one_tap_check_in_post_runs_six_statements(client, make):
    first, second = make.venue(name="A"), make.venue(name="B")
    register(client, first)
    client.post(f"/visit/{visits()[0].ref}/out")
    url = venue_url(second)
    data = hidden_fields(client.get(url).get_data(as_text=True), url)
    with statements() as seen:
        response = client.post(url, data=data)
    assert response.status_code == 303
    # venue, device and person, lock the person, nonce, open visit, insert
    assert seen == ["SELECT", "SELECT", "UPDATE", "SELECT", "SELECT", "INSERT"], seen
    assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
