"""Checkpoints record crossings, not stays: lanes with a direction set up by a province administrator,
a crossing per scan (a second pass through is another crossing, never an exit), no visit opened or
closed anywhere; shops keep the in/out toggle; crossings are purged with the visits and are in the
person's own download."""
import json
import re
from html import unescape
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.checkin.models import Visit
from portal.checkin.services import check_in
from portal.clock import utcnow
from portal.extensions import db
from portal.privacy.services import purge
from portal.staff.crossings import record_crossing
from portal.staff.models import Crossing, Lane, Scan

from portal.visitors.models import Visitor

from ..checkin.helpers import NAME, register
from ..factories import person, staff_at
from ..html import check_page
from ..passes.helpers import with_pass
from .test_idcard import payload
from .test_scan_result import CSS


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def clock(monkeypatch):
    now = [utcnow()]
    monkeypatch.setattr("portal.staff.views.scanner.utcnow", lambda: now[0])
    return now


@pytest.fixture
def checkpoint(make):
    venue = make.venue(name="Chốt Cầu Ông Cộ", category="checkpoint", default_stay_minutes=5)
    inward = Lane(venue_id=venue.id, name="Làn 1 - vào", direction="in", active=True, created_at=utcnow())
    outward = Lane(venue_id=venue.id, name="Làn 2 - ra", direction="out", active=True, created_at=utcnow())
    db.session.add_all([inward, outward])
    db.session.commit()
    venue.lanes = {"in": inward, "out": outward}
    return venue


@pytest.fixture
def officer(make, login, client, checkpoint):
    user = staff_at(make, checkpoint, role="checkpoint")
    login(user)
    client.set_cookie("lang", "en")
    return user


def scan_at(client, venue, value, lane=None, status=200, **form):
    url = f"/staff/{venue.short_code}/scan" + (f"?lane={lane.id}" if lane is not None else "")
    return check_page(client.post(url, data={"token": value, **form}), status)


def result(html):
    """(classes of the result box, its text)."""
    box = re.search(r'<section class="scan-result ([^"]*)"(.*?)</section>', html, re.S)
    return set(box.group(1).split()), box.group(2)


def test_lanes_record_crossings_in_both_directions_and_never_a_visit(client, checkpoint, officer, clock):
    holder = person("Trần Văn Qua")
    token = with_pass(holder)
    check_in(holder, checkpoint, clock[0] - timedelta(hours=1))  # a stay from before: left alone
    db.session.commit()
    visits_before = count(Visit)
    html = scan_at(client, checkpoint, token, checkpoint.lanes["in"])
    classes, text = result(html)
    assert "scan-cross-in" in classes and "Crossed into the area." in text and "Trần Văn Qua" in text
    clock[0] += timedelta(minutes=3)
    classes, text = result(scan_at(client, checkpoint, token, checkpoint.lanes["out"]))
    assert "scan-cross-out" in classes and "Crossed out of the area." in text
    clock[0] += timedelta(minutes=3)
    scan_at(client, checkpoint, token, checkpoint.lanes["out"])  # through the same lane again: another crossing
    rows = db.session.execute(
        select(Crossing.direction, Crossing.lane_id, Crossing.method, Crossing.scanned_by_id)
        .order_by(Crossing.crossed_at)).all()
    assert [(r.direction, r.lane_id) for r in rows] == [
        ("in", checkpoint.lanes["in"].id), ("out", checkpoint.lanes["out"].id), ("out", checkpoint.lanes["out"].id)]
    assert {(r.method, r.scanned_by_id) for r in rows} == {("pass", officer.id)}
    assert count(Visit) == visits_before
    assert db.session.scalar(select(Visit.checked_out_at)) is None  # the earlier stay was not closed
    assert db.session.scalars(select(Scan.outcome).order_by(Scan.id)).all() == ["in", "out", "out"]


def test_into_and_out_of_the_area_differ_in_words_and_colour_from_each_other_and_from_a_shop(
        client, checkpoint, officer, clock):
    token = with_pass(person("Lê Thị Màu"))
    into_classes, into_text = result(scan_at(client, checkpoint, token, checkpoint.lanes["in"]))
    clock[0] += timedelta(minutes=1)
    out_classes, out_text = result(scan_at(client, checkpoint, token, checkpoint.lanes["out"]))
    assert into_classes - out_classes == {"scan-cross-in"} and out_classes - into_classes == {"scan-cross-out"}
    assert not {"scan-in", "scan-out"} & (into_classes | out_classes)  # not the shop door's colours
    assert "INTO THE AREA" in into_text and "OUT OF THE AREA" in out_text
    assert "checked in" not in into_text and "checked out" not in out_text
    css = CSS.read_text()
    colours = {cls: re.search(r"\.%s\{background:(#[0-9a-f]{6})" % cls, css).group(1)
               for cls in ("scan-cross-in", "scan-cross-out", "scan-in", "scan-out")}
    assert len(set(colours.values())) == 4


def test_a_scanner_firing_twice_records_one_crossing_and_a_card_crosses_too(client, checkpoint, officer, clock):
    token = with_pass(person("Phan Hai Lần"))
    scan_at(client, checkpoint, token, checkpoint.lanes["in"])
    classes, text = result(scan_at(client, checkpoint, token, checkpoint.lanes["in"]))  # same second
    assert "scan-repeat" in classes and "scan-cross-in" in classes and "recorded once" in text
    card = payload()
    scan_at(client, checkpoint, card, checkpoint.lanes["in"])
    classes, _ = result(scan_at(client, checkpoint, card, checkpoint.lanes["in"]))
    assert "scan-repeat" in classes
    clock[0] += timedelta(minutes=5)
    scan_at(client, checkpoint, card, checkpoint.lanes["out"])
    rows = db.session.execute(select(Crossing.method, Crossing.direction).order_by(Crossing.id)).all()
    assert [tuple(r) for r in rows] == [("pass", "in"), ("idcard", "in"), ("idcard", "out")]
    assert count(Visit) == 0


def test_without_lanes_the_officer_chooses_the_direction_on_the_form(client, make, login):
    venue = make.venue(name="Chốt Không Làn", category="checkpoint", default_stay_minutes=5)
    login(staff_at(make, venue, role="checkpoint"))
    client.set_cookie("lang", "en")
    html = check_page(client.get(f"/staff/{venue.short_code}/scan"))
    assert 'name="direction" id="direction-in" value="in"' in html
    token = with_pass(person("Võ Văn Chọn"))
    html = scan_at(client, venue, token, status=422)  # no direction: nothing recorded
    assert "Choose which way the person crosses." in html and count(Crossing) == 0
    classes, _ = result(scan_at(client, venue, token, direction="out"))
    assert "scan-cross-out" in classes
    crossing = db.session.scalar(select(Crossing))
    assert (crossing.direction, crossing.lane_id) == ("out", None)
    # the page after a scan keeps the direction chosen for the next person
    assert 'value="out" checked' in scan_at(client, venue, with_pass(person("Hồ Thị Nhớ")), direction="out")


def test_at_a_checkpoint_with_lanes_the_officer_first_picks_a_lane(client, checkpoint, officer):
    url = f"/staff/{checkpoint.short_code}/scan"
    html = check_page(client.get(url))
    assert "Which lane are you at?" in html and 'name="token"' not in html
    assert f'href="{url}?lane={checkpoint.lanes["in"].id}"' in html
    html = check_page(client.get(f"{url}?lane={checkpoint.lanes['out'].id}"))
    assert f'action="{url}?lane={checkpoint.lanes["out"].id}"' in html and "out of the area" in html
    for bad in ("abc", "999999"):
        assert "Which lane are you at?" in check_page(client.get(f"{url}?lane={bad}"))
    token = with_pass(person("Đỗ Văn Làn"))
    check_page(client.post(url, data={"token": token, "direction": "in"}), 422)  # lanes exist: pick one
    assert count(Crossing) == 0
    retired = checkpoint.lanes["out"]
    retired.active = False  # retired while an officer still had its page open
    db.session.commit()
    html = check_page(client.post(f"{url}?lane={retired.id}", data={"token": token}), 422)
    assert "Which lane are you at?" in html and f"?lane={retired.id}" not in html
    assert count(Crossing) == 0


def test_shops_still_toggle(client, make, login, clock):
    shop = make.venue(name="Tạp hoá Cửa Hàng")
    login(staff_at(make, shop))
    token = with_pass(person("Ngô Văn Cửa"))
    client.post(f"/staff/{shop.short_code}/scan", data={"token": token})
    clock[0] += timedelta(minutes=10)
    client.post(f"/staff/{shop.short_code}/scan", data={"token": token})
    visit = db.session.scalar(select(Visit))
    assert count(Visit) == 1 and visit.checked_out_at is not None and count(Crossing) == 0


# Lanes, set up by a province administrator.

def test_a_province_admin_adds_and_retires_lanes(client, make, login):
    venue = make.venue(name="Chốt Mới", category="checkpoint", default_stay_minutes=5)
    login(make.user(role="province_admin"))
    client.set_cookie("lang", "en")
    html = check_page(client.get("/staff/checkpoints"))
    assert "No lanes: officers choose the direction at each scan." in html
    response = client.post("/staff/checkpoints/lanes", data={
        "lane-venue": venue.short_code, "lane-name": "  Làn  A ", "lane-direction": "in"})
    assert response.status_code == 302
    lane = db.session.scalar(select(Lane))
    assert (lane.venue_id, lane.name, lane.direction, lane.active) == (venue.id, "Làn A", "in", True)
    html = check_page(client.get("/staff/checkpoints"))
    assert "Làn A: into the area" in html
    for bad, problem in (
        ({"lane-name": "", "lane-direction": "in"}, "Enter the lane's name."),
        ({"lane-name": "Làn B", "lane-direction": "sideways"}, "Direction"),
        ({"lane-name": "Làn B"}, "Choose the lane's direction."),
        ({"lane-name": "x" * 61, "lane-direction": "in"}, "Use at most 60 characters."),
        ({"lane-name": "làn a", "lane-direction": "out"}, "already has a lane with this name"),
    ):
        html = check_page(client.post("/staff/checkpoints/lanes", data={"lane-venue": venue.short_code, **bad}), 422)
        assert problem in unescape(html)
    shop = make.venue(name="Không Phải Chốt")
    check_page(client.post("/staff/checkpoints/lanes", data={
        "lane-venue": shop.short_code, "lane-name": "Làn C", "lane-direction": "in"}), 422)
    assert count(Lane) == 1
    response = client.post("/staff/checkpoints/lanes/retire", data={"user": str(lane.id), "venue": venue.short_code})
    assert response.status_code == 302
    db.session.refresh(lane)
    assert lane.active is False
    check_page(client.post("/staff/checkpoints/lanes/retire", data={"user": str(lane.id), "venue": venue.short_code}),
               404)  # retired already


def test_only_province_admins_manage_lanes(client, make, login, checkpoint):
    lane = checkpoint.lanes["in"]
    for role in ("owner", "staff", "checkpoint", "ward_official", "tracer"):
        login(make.user(role=role))
        check_page(client.post("/staff/checkpoints/lanes", data={
            "lane-venue": checkpoint.short_code, "lane-name": "Làn X", "lane-direction": "in"}), 404)
        check_page(client.post("/staff/checkpoints/lanes/retire",
                               data={"user": str(lane.id), "venue": checkpoint.short_code}), 404)
    assert count(Lane) == 2 and all(lane.active for lane in db.session.scalars(select(Lane)))


def test_a_lane_of_another_checkpoint_is_not_found(client, make, login, checkpoint):
    other = make.venue(name="Chốt Khác", category="checkpoint", default_stay_minutes=5)
    login(make.user(role="province_admin"))
    check_page(client.post("/staff/checkpoints/lanes/retire",
                           data={"user": str(checkpoint.lanes["in"].id), "venue": other.short_code}), 404)
    login(staff_at(make, other, role="checkpoint"))
    html = check_page(client.get(f"/staff/{other.short_code}/scan?lane={checkpoint.lanes['in'].id}"))
    assert 'name="token"' in html  # no lanes here: the lane of another checkpoint is ignored
    check_page(client.post(f"/staff/{other.short_code}/scan?lane={checkpoint.lanes['in'].id}",
                           data={"token": with_pass(person("Lạc Làn")), "direction": "out"}))
    assert db.session.scalar(select(Crossing.lane_id)) is None


# Retention and the person's own data.

def test_the_purge_deletes_crossings_older_than_the_retention(checkpoint, app):
    now = utcnow()
    holder = person("Cũ Và Mới")
    cutoff = now - timedelta(days=app.config["PORTAL_RETENTION_DAYS"])
    old = record_crossing(holder, checkpoint, "in", actor=None, now=cutoff - timedelta(minutes=1), method="pass")
    new = record_crossing(holder, checkpoint, "out", actor=None, now=now, method="pass",
                          lane=checkpoint.lanes["out"])
    db.session.commit()
    old_id, new_id = old.id, new.id
    totals = purge(cutoff, 100, commit=db.session.commit)
    assert totals["crossings"] == 1
    assert db.session.scalars(select(Crossing.id)).all() == [new_id] and old_id != new_id


def test_the_person_data_download_lists_crossings(client, make, checkpoint):
    register(client, make.venue(name="Quán Trước Chốt"))
    holder = db.session.scalar(select(Visitor).where(Visitor.phone_hash.is_not(None)))
    record_crossing(holder, checkpoint, "in", actor=None, now=utcnow(), method="idcard",
                    lane=checkpoint.lanes["in"])
    db.session.commit()
    client.set_cookie("lang", "en")
    response = client.get("/me/data.json")
    assert response.status_code == 200
    rows = json.loads(response.get_data(as_text=True))["sections"]["crossings"]["rows"]
    assert len(rows) == 1
    row = rows[0]
    assert row["Person"] == NAME and row["Checkpoint"] == "Chốt Cầu Ông Cộ" and row["Lane"] == "Làn 1 - vào"
    assert row["Direction"] == "into the area" and row["How"] == "ID card scanned"
    assert row["Crossed"].endswith("+07:00")
    csv_text = client.get("/me/data.csv").get_data(as_text=True)
    assert "Checkpoint crossings" in csv_text and "Làn 1 - vào" in csv_text


def test_a_person_deleting_their_data_deletes_their_crossings(app, checkpoint):
    from portal.visitors import erasure

    holder, other = person("Xoá Tôi"), person("Giữ Tôi")
    for who in (holder, other):
        record_crossing(who, checkpoint, "in", actor=None, now=utcnow(), method="pass", lane=checkpoint.lanes["in"])
    db.session.commit()
    assert erasure.preview(holder, utcnow()).removed["crossings"] == 1
    assert count(Crossing) == 2  # a preview deletes nothing
    result = erasure.erase(holder, utcnow())
    db.session.commit()
    assert result.removed["crossings"] == 1
    assert db.session.scalars(select(Crossing.visitor_id)).all() == [other.id]


def test_a_checkpoint_offers_no_assisted_check_in_and_records_no_stay_through_it(client, checkpoint, officer):
    scanner = check_page(client.get(f"/staff/{checkpoint.short_code}/scan?lane={checkpoint.lanes['in'].id}"))
    assert "/assist" not in scanner
    assert "/assist" not in check_page(client.get("/staff/", follow_redirects=True))
    page = check_page(client.get(f"/staff/{checkpoint.short_code}/assist"), 404)
    assert "Scan the person’s chip ID card or pass instead." in unescape(page)
    for step in ("lookup", "confirm", "new"):
        response = client.post(f"/staff/{checkpoint.short_code}/assist/{step}",
                               data={"full_name": "Người Không Thẻ", "birth_year": "1960"})
        assert response.status_code == 404, step
    assert count(Visit) == 0 and count(Crossing) == 0 and count(Visitor) == 0
