"""Scans a lane kept while the network was down: sent later, applied in the order they were taken,
recorded once however often they are sent, refused (and said why) when too old, from a wrong
clock, or taken before the person's later check-ins or check-outs."""
import secrets
from datetime import timedelta, timezone

import pytest
from sqlalchemy import func, select

from portal.checkin.models import Visit
from portal.checkin.services import check_in
from portal.clock import utcnow
from portal.extensions import db
from portal.staff import queue
from portal.staff.models import Crossing, Lane, Scan
from portal.visitors.models import Visitor

from ..factories import PASSWORD, person, staff_at
from ..html import hidden
from ..passes.helpers import with_pass
from .test_idcard import payload


@pytest.fixture
def clock(monkeypatch):
    """The time the queue route sees (the moment the kept scans arrive)."""
    now = [utcnow().replace(microsecond=0)]
    monkeypatch.setattr("portal.staff.views.queue.utcnow", lambda: now[0])
    return now


@pytest.fixture
def lane_at(client, make, login):
    """A shop with a staff member logged in, and a function sending kept scans to it."""
    venue = make.venue(name="Cửa hàng Bách Hóa Xanh")
    login(staff_at(make, venue))
    client.set_cookie("lang", "en")

    def send(*scans, code=None, lane=None):
        url = f"/staff/{code or venue.short_code}/scan/queued" + (f"?lane={lane}" if lane else "")
        return client.post(url, json={"scans": list(scans)})

    send.venue = venue
    return send


def kept(token, at, scan_id=None, direction=None):
    """A scan as the page keeps it: the pass number or card line, taken at `at` (ms since 1970)."""
    return {"id": scan_id or secrets.token_hex(16), "token": token,
            "taken_at": int(at.replace(tzinfo=timezone.utc).timestamp() * 1000),
            "direction": direction}


def csrf_of(html):
    return hidden(html, "csrf_token")


def visits(visitor_id):
    return list(db.session.scalars(select(Visit).where(Visit.visitor_id == visitor_id).order_by(Visit.checked_in_at)))


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_kept_scans_are_applied_in_the_order_taken_whatever_order_they_arrive(lane_at, clock):
    visitor = person("Nguyễn Văn An")
    token = with_pass(visitor)
    went_in, went_out = clock[0] - timedelta(minutes=40), clock[0] - timedelta(minutes=10)
    # The later scan is first in the batch: the server sorts by the moment taken.
    response = lane_at(kept(token, went_out), kept(token, went_in))
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert [r["outcome"] for r in results] == ["in", "out"]
    [visit] = visits(visitor.id)
    assert (visit.checked_in_at, visit.checked_out_at) == (went_in, went_out)
    assert visit.venue_id == lane_at.venue.id


def test_a_kept_scan_records_when_taken_and_when_it_arrived_and_is_marked_late(lane_at, clock):
    token = with_pass(person("Lê Thị Bình"))
    taken = clock[0] - timedelta(hours=3)
    lane_at(kept(token, taken))
    [scan] = db.session.scalars(select(Scan))
    assert (scan.scanned_at, scan.received_at, scan.late) == (taken, clock[0], True)
    assert scan.outcome == "in"


def test_a_scan_sent_twice_is_recorded_once(lane_at, clock):
    visitor = person("Phạm Văn Cường")
    scan = kept(with_pass(visitor), clock[0] - timedelta(minutes=5))
    first = lane_at(scan).get_json()["results"][0]
    again = lane_at(scan).get_json()["results"][0]
    assert (first["status"], again["status"]) == ("applied", "already")
    assert again["outcome"] == "in"
    assert len(visits(visitor.id)) == 1 and count(Scan) == 1


def test_a_scan_the_form_already_sent_is_not_recorded_again_from_the_queue(lane_at, client, clock, monkeypatch):
    """The page keeps a scan whose answer it never got: the form's key finds the recorded scan."""
    visitor = person("Võ Thị Dung")
    token = with_pass(visitor)
    nonce = secrets.token_hex(16)
    client.post(f"/staff/{lane_at.venue.short_code}/scan", data={"token": token, "nonce": nonce})
    result = lane_at(kept(token, clock[0], scan_id=nonce)).get_json()["results"][0]
    assert result["status"] == "already"
    assert len(visits(visitor.id)) == 1 and count(Scan) == 1


def test_a_scan_older_than_the_limit_is_refused_and_says_why(lane_at, clock, app):
    visitor = person("Đặng Văn Em")
    hours = app.config["PORTAL_SCAN_QUEUE_MAX_AGE_HOURS"]
    assert hours == 12
    old = lane_at(kept(with_pass(visitor), clock[0] - timedelta(hours=hours, minutes=1))).get_json()["results"][0]
    assert (old["status"], old["outcome"]) == ("refused", "queue_time")
    assert "waited too long" in old["message"]
    assert visits(visitor.id) == []
    [scan] = db.session.scalars(select(Scan))
    assert scan.failed and scan.late  # counted as a rejected scan in the lane's figures
    fresh = lane_at(kept(with_pass(person("Đặng Thị Gấm")), clock[0] - timedelta(hours=hours - 1)))
    assert fresh.get_json()["results"][0]["status"] == "applied"


def test_a_scan_from_a_clock_in_the_future_is_refused(lane_at, clock):
    visitor = person("Huỳnh Văn Phúc")
    result = lane_at(kept(with_pass(visitor), clock[0] + timedelta(hours=1))).get_json()["results"][0]
    assert (result["status"], result["outcome"]) == ("refused", "queue_time")
    [scan] = db.session.scalars(select(Scan))
    assert scan.scanned_at == clock[0]  # not logged in the future
    assert visits(visitor.id) == []


def test_a_scan_taken_before_the_persons_later_visits_is_refused(lane_at, clock, make):
    """Applying it would rewrite history: the person went elsewhere after it was taken."""
    visitor = person("Trương Thị Hạnh")
    token = with_pass(visitor)
    elsewhere = make.venue(name="Chợ Thủ Dầu Một")
    check_in(visitor, elsewhere, clock[0] - timedelta(minutes=20), method="self")
    db.session.commit()
    result = lane_at(kept(token, clock[0] - timedelta(minutes=30))).get_json()["results"][0]
    assert (result["status"], result["outcome"]) == ("refused", "out_of_order")
    assert "checked in or out after" in result["message"]
    [visit] = visits(visitor.id)
    assert visit.venue_id == elsewhere.id and visit.checked_out_at is None


def test_refused_and_applied_scans_in_one_batch(lane_at, clock):
    good = person("Mai Văn Khoa")
    results = lane_at(
        kept(with_pass(good), clock[0] - timedelta(minutes=3)),
        kept("123", clock[0] - timedelta(minutes=2)),
        kept(payload(born="15032099"), clock[0] - timedelta(minutes=1)),
    ).get_json()["results"]
    assert [(r["status"], r["outcome"]) for r in results] == [
        ("applied", "in"), ("refused", "malformed"), ("refused", "card_date")]
    assert all(r["message"] for r in results[1:])
    assert len(visits(good.id)) == 1


def test_a_first_time_card_registers_its_holder_at_the_moment_taken(lane_at, clock):
    taken = clock[0] - timedelta(minutes=15)
    result = lane_at(kept(payload(), taken)).get_json()["results"][0]
    assert (result["status"], result["outcome"]) == ("applied", "in")
    [visitor] = db.session.scalars(select(Visitor))
    assert visits(visitor.id)[0].checked_in_at == taken


def test_a_refused_card_leaves_no_person_behind(lane_at, clock, make, app):
    """A card at a suspended venue registers nobody, even from the queue."""
    venue = lane_at.venue
    venue.status = "suspended"
    db.session.commit()
    result = lane_at(kept(payload(), clock[0] - timedelta(minutes=1))).get_json()["results"][0]
    assert (result["status"], result["outcome"]) == ("refused", "inactive")
    assert count(Visitor) == 0


def test_a_checkpoint_lane_records_crossings_at_the_moment_taken(client, make, login, clock):
    venue = make.venue(name="Chốt Cầu Phú Cường", category="checkpoint")
    lane = Lane(venue_id=venue.id, name="Làn 1 - vào", direction="in", active=True, created_at=utcnow())
    db.session.add(lane)
    db.session.commit()
    login(staff_at(make, venue, role="checkpoint"))
    visitor = person("Lâm Văn Minh")
    token = with_pass(visitor)
    first, second = clock[0] - timedelta(minutes=50), clock[0] - timedelta(minutes=20)
    response = client.post(f"/staff/{venue.short_code}/scan/queued?lane={lane.id}",
                           json={"scans": [kept(token, second), kept(token, first)]})
    assert [r["outcome"] for r in response.get_json()["results"]] == ["in", "in"]
    crossings = list(db.session.scalars(select(Crossing).order_by(Crossing.crossed_at)))
    assert [(c.crossed_at, c.direction, c.lane_id) for c in crossings] == [(first, "in", lane.id), (second, "in", lane.id)]
    assert visits(visitor.id) == []
    assert {(s.lane_id, s.direction, s.late) for s in db.session.scalars(select(Scan))} == {(lane.id, "in", True)}


def test_a_checkpoint_without_lanes_takes_the_direction_kept_with_the_scan(client, make, login, clock):
    venue = make.venue(name="Chốt Ngã Tư Sở Sao", category="checkpoint")
    login(staff_at(make, venue, role="checkpoint"))
    token = with_pass(person("Tạ Thị Ngọc"))
    url = f"/staff/{venue.short_code}/scan/queued"
    out = client.post(url, json={"scans": [kept(token, clock[0] - timedelta(minutes=9), direction="out")]})
    none = client.post(url, json={"scans": [kept(token, clock[0] - timedelta(minutes=2))]})
    assert out.get_json()["results"][0]["outcome"] == "out"
    assert none.get_json()["results"][0]["outcome"] == "queue_lane"
    assert [c.direction for c in db.session.scalars(select(Crossing))] == ["out"]


@pytest.mark.parametrize("body", [
    {}, {"scans": []}, {"scans": "x"}, {"scans": [1]},
    {"scans": [{"id": "nothex", "token": "1", "taken_at": 1}]},
    {"scans": [{"id": "a" * 32, "token": 5, "taken_at": 1}]},
    {"scans": [{"id": "a" * 32, "token": "1", "taken_at": "today"}]},
    {"scans": [{"id": "a" * 32, "token": "1", "taken_at": True}]},
    {"scans": [{"id": "a" * 32, "token": "1", "taken_at": 1, "direction": "up"}]},
    {"scans": [{"id": "a" * 32, "token": "1", "taken_at": 1}, {"id": "a" * 32, "token": "2", "taken_at": 2}]},
    {"scans": [{"id": "a" * 32, "token": "1" * 1001, "taken_at": 1}]},
])
def test_a_malformed_batch_is_refused_whole(body):
    with pytest.raises(queue.QueueError):
        queue.parse_batch(body)


def test_a_malformed_batch_gets_400_and_records_nothing(client, lane_at):
    response = client.post(f"/staff/{lane_at.venue.short_code}/scan/queued", json={"scans": [{"id": "x"}]})
    assert response.status_code == 400 and response.get_json()["error"] == "id"
    too_many = [kept("1", utcnow()) for _ in range(queue.BATCH_MAX + 1)]
    assert client.post(f"/staff/{lane_at.venue.short_code}/scan/queued",
                       json={"scans": too_many}).status_code == 400
    assert client.post(f"/staff/{lane_at.venue.short_code}/scan/queued", data="not json",
                       content_type="application/json").status_code == 400
    assert count(Scan) == 0


def test_another_venues_key_cannot_be_replayed_here(lane_at, client, make, login, clock):
    other = make.venue(name="Quán Cà Phê Góc Phố")
    token = with_pass(person("Bùi Văn Quang"))
    nonce = secrets.token_hex(16)
    assert lane_at(kept(token, clock[0] - timedelta(minutes=1), scan_id=nonce)).status_code == 200
    login(staff_at(make, other))
    result = lane_at(kept(token, clock[0], scan_id=nonce), code=other.short_code).get_json()["results"][0]
    assert result["status"] == "refused"
    assert count(Scan) == 1


def test_only_the_venues_own_scanners_may_send(client, make, login, lane_at, clock):
    token = with_pass(person("Cao Thị Sen"))
    login(staff_at(make, make.venue(name="Tiệm Thuốc Tây Long Châu")))
    assert lane_at(kept(token, clock[0])).status_code == 404
    login(make.user(role="ward_official"))
    assert lane_at(kept(token, clock[0])).status_code == 404
    assert count(Scan) == 0


def test_signed_out_the_queue_sends_nothing(client, lane_at, clock):
    client.get("/auth/logout")
    client.post("/auth/logout")
    token = with_pass(person("Đoàn Văn Tài"))
    response = lane_at(kept(token, clock[0]))
    assert response.status_code in (302, 303)
    assert count(Scan) == 0


def test_the_queue_needs_the_pages_csrf_token(make_app, make):
    """With CSRF on, a kept batch is taken only with the page's token in the X-CSRFToken header."""
    app = make_app(WTF_CSRF_ENABLED=True)
    venue = make.venue()
    staff = staff_at(make, venue)
    token = with_pass(person("Lý Thị Uyên"))
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    client.post("/auth/login", data={"phone": staff.phone, "password": PASSWORD, "csrf_token": csrf_of(page)})
    url = f"/staff/{venue.short_code}/scan/queued"
    scan = kept(token, utcnow())
    assert client.post(url, json={"scans": [scan]}).status_code == 400
    assert count(Scan) == 0
    header = {"X-CSRFToken": csrf_of(client.get(f"/staff/{venue.short_code}/scan").get_data(as_text=True))}
    assert client.post(url, json={"scans": [scan]}, headers=header).get_json()["results"][0]["status"] == "applied"
