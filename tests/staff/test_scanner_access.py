"""Who may scan where, expired sessions, and two scanners racing on one pass."""
import re
import threading

from sqlalchemy import func, select

from portal.checkin.models import Visit
from portal.extensions import db
from portal.staff.models import Crossing, Scan

from ..factories import PASSWORD, person, staff_at
from ..passes.helpers import with_pass
from ..html import hidden


def counts():
    return (
        db.session.scalar(select(func.count(Visit.id))),
        db.session.scalar(select(func.count(Scan.id))),
    )


def test_staff_of_venue_a_get_404_at_venue_b(client, make, login):
    venue_a, venue_b = make.venue(name="Quán A"), make.venue(name="Quán B")
    login(staff_at(make, venue_a))
    token = with_pass(person())
    code = venue_b.short_code
    assert client.get(f"/staff/{code}/scan").status_code == 404
    assert client.post(f"/staff/{code}/scan", data={"token": token}).status_code == 404
    assert client.get(f"/staff/{code}/assist").status_code == 404
    assert client.post(f"/staff/{code}/assist/new", data={"full_name": "X Y", "birth_year": "1990"}).status_code == 404
    assert client.get(f"/staff/{code}/figures").status_code == 404
    assert client.get(f"/staff/{code}/team").status_code == 404
    assert counts() == (0, 0)
    assert client.post(f"/staff/{venue_a.short_code}/scan", data={"token": token}).status_code == 200


def test_checkpoint_officers_are_scoped_to_their_checkpoints(client, make, login):
    checkpoint = make.venue(name="Chốt QL13", category="checkpoint")
    other = make.venue(name="Chốt Mỹ Phước", category="checkpoint")
    login(staff_at(make, checkpoint, role="checkpoint"))
    assert client.get(f"/staff/{checkpoint.short_code}/scan").status_code == 200
    assert client.get(f"/staff/{other.short_code}/scan").status_code == 404


def test_visitors_officials_and_other_owners_cannot_open_a_scanner(client, make, login):
    venue = make.venue()
    response = client.get(f"/staff/{venue.short_code}/scan")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login(make.user(role="tracer"))
    assert client.get(f"/staff/{venue.short_code}/scan").status_code == 404
    client.post("/auth/logout")
    login(make.owner())
    assert client.get(f"/staff/{venue.short_code}/scan").status_code == 404


def test_the_owner_may_scan_at_their_own_venue(client, make, login):
    owner = make.owner()
    venue = make.venue(owner)
    login(owner)
    html = client.post(f"/staff/{venue.short_code}/scan", data={"token": with_pass(person("Vũ An"))}).get_data(as_text=True)
    assert "Vũ An" in html and counts() == (1, 1)


def test_an_expired_session_goes_to_login_and_records_nothing(make_app, make):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    venue = make.venue()
    staff = staff_at(make, venue)
    token = with_pass(person())
    url = f"/staff/{venue.short_code}/scan"

    login_page = client.get("/auth/login").get_data(as_text=True)
    client.post("/auth/login", data={"phone": staff.phone, "password": PASSWORD, "csrf_token": hidden(login_page, "csrf_token")})
    page = client.get(url).get_data(as_text=True)
    form = {"token": token, "csrf_token": hidden(page, "csrf_token"), "nonce": hidden(page, "nonce")}
    client.delete_cookie("session")  # the session ran out while the page stayed open

    response = client.post(url, data=form)
    assert response.status_code == 302
    assert "/auth/login?next=" in response.headers["Location"] and "scan" in response.headers["Location"]
    assert counts() == (0, 0)


def test_a_scan_with_a_stale_form_token_is_red_and_records_nothing(make_app, make):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    venue = make.venue()
    staff = staff_at(make, venue)
    login_page = client.get("/auth/login").get_data(as_text=True)
    client.post("/auth/login", data={"phone": staff.phone, "password": PASSWORD, "csrf_token": hidden(login_page, "csrf_token")})
    response = client.post(f"/staff/{venue.short_code}/scan", data={"token": with_pass(person()), "csrf_token": "stale"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Trang đã hết hạn" in html and re.search(r"<input[^>]*autofocus", html)
    assert counts() == (0, 0)


def test_two_scanners_racing_on_one_pass_record_it_once(make_app, make):
    app = make_app()
    venue = make.venue(category="checkpoint")
    lanes = [staff_at(make, venue, role="checkpoint") for _ in range(4)]
    visitor = person()
    token = with_pass(visitor)
    clients = []
    for officer in lanes:
        client = app.test_client()
        client.post("/auth/login", data={"phone": officer.phone, "password": PASSWORD})
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    statuses = []
    url = f"/staff/{venue.short_code}/scan"

    def lane(client):
        barrier.wait()
        statuses.append(client.post(url, data={"token": token, "direction": "in"}).status_code)

    threads = [threading.Thread(target=lane, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 4
    db.session.rollback()
    # A checkpoint records one crossing, and no visit at all.
    assert db.session.scalars(select(Crossing.direction).where(Crossing.visitor_id == visitor.id)).all() == ["in"]
    assert db.session.scalars(select(Visit).where(Visit.visitor_id == visitor.id)).all() == []
    outcomes = sorted(db.session.scalars(select(Scan.outcome)))
    assert outcomes == ["in", "repeat", "repeat", "repeat"]
