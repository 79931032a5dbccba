"""A person without their phone asks a ward official in person to see, correct or delete their data.

The official finds them by pass, ID card or phone number, opens a request (due after
PORTAL_DATA_REQUEST_DAYS), and acts for them; each step is audited without personal data, the
request forgets who asked once done, and officials see their own wards' requests only.
"""
import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from portal import signals
from portal.audit.models import AuditEntry
from portal.checkin.models import Visit
from portal.extensions import db
from portal.passes.models import Pass
from portal.passes.services import issue_pass
from portal.passes.tokens import grouped
from portal.privacy import requests_service as service
from portal.privacy.models import DataRequest
from portal.tracing.models import Case
from portal.visitors.models import Visitor

from ..factories import People
from ..html import check_page

NAME = "Phạm Thị Hồng Nhung"
CHILD = "Phạm Bảo Na"
PHONE = "0987111222"
ID_NUMBER = "079188001122"


@pytest.fixture
def world(make):
    a, b = make.wards(2)
    users = {
        "official_a": make.user(role="ward_official", wards=[a]),
        "official_b": make.user(role="ward_official", wards=[b]),
        "admin": make.user(role="province_admin"),
        "tracer": make.user(role="tracer"),
        "owner": make.owner(),
        "staff": make.user(role="staff"),
    }
    people = People()
    person = people.person(name=NAME, phone=PHONE, birth_year=1950, id_number=ID_NUMBER)
    child = people.dependent(person, name=CHILD, birth_year=2016)
    venue = make.venue(name="Chợ Bến Thành Thử", ward_code=a.code)
    people.visit(person, venue, people.now - timedelta(hours=3), people.now - timedelta(hours=2), dependents=[child])
    card = issue_pass(person, people.now, kind="card", issued_by=users["admin"])
    db.session.commit()
    return {"a": a, "b": b, "users": users, "person": person, "child": child, "venue": venue,
            "pass_number": card.token, "now": people.now}


def _open(world, who="official_a", ward="a", kind="access", person="person", now=None):
    """A request opened straight through the service (the pages are tested separately)."""
    opened = service.open_request(world["users"][who], world[ward], kind, "id_document", world[person],
                                  now or world["now"])
    db.session.commit()
    return opened


def _new(client, world, by, number, kind="access", ward="a", person=None, verified="card"):
    data = {"ward": world[ward].code, "kind": kind, "verified_with": verified, "find_by": by, "number": number}
    if person is not None:
        data["person"] = person
    return client.post("/data-requests/new", data=data)


def _entries(actor):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == actor.id).order_by(AuditEntry.id)).all()


# Due date ------------------------------------------------------------------------------------------

def test_the_due_date_is_the_setting_in_days_after_receipt(app, world):
    assert app.config["PORTAL_DATA_REQUEST_DAYS"] == 10
    received = datetime(2026, 11, 2, 3, 0, tzinfo=timezone.utc)
    assert _open(world, now=received).due_at == received + timedelta(days=10)
    app.config["PORTAL_DATA_REQUEST_DAYS"] = 3
    assert _open(world, now=received).due_at == received + timedelta(days=3)


def test_overdue_requests_are_marked_at_a_fixed_clock(app, client, world, login, monkeypatch):
    fixed = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
    late = _open(world, now=fixed - timedelta(days=11))
    on_time = _open(world, now=fixed - timedelta(days=9))
    assert late.is_overdue(fixed) and not on_time.is_overdue(fixed)
    assert not late.is_overdue(fixed - timedelta(days=2))  # before its due date
    monkeypatch.setattr("portal.privacy.requests.utcnow", lambda: fixed)
    login(world["users"]["official_a"])
    client.set_cookie("lang", "en")
    body = client.get("/data-requests/").get_data(as_text=True)
    rows = {ref: body.split(f">{ref}</a>")[0].rsplit("<tr", 1)[1] for ref in (late.ref[:8], on_time.ref[:8])}
    assert 'class="overdue"' in rows[late.ref[:8]] and 'class="overdue"' not in rows[on_time.ref[:8]]
    assert body.count("Overdue") == 1
    # The list is soonest due first, and its request page says so too.
    assert body.index(late.ref[:8]) < body.index(on_time.ref[:8])
    assert "Overdue" in client.get(f"/data-requests/{late.ref}/").get_data(as_text=True)
    assert "Overdue" not in client.get(f"/data-requests/{on_time.ref}/").get_data(as_text=True)


# Who sees which requests ------------------------------------------------------------------------------

def test_officials_see_their_wards_requests_only(client, world, login):
    mine, theirs = _open(world), _open(world, who="official_b", ward="b")
    login(world["users"]["official_a"])
    body = check_page(client.get("/data-requests/"))
    assert mine.ref[:8] in body and theirs.ref[:8] not in body
    assert NAME not in body  # the list never shows who asked
    assert client.get(f"/data-requests/{mine.ref}/").status_code == 200
    for url in (f"/data-requests/{theirs.ref}/", f"/data-requests/{theirs.ref}/data.csv",
                "/data-requests/nope-not-a-ref-at-all/"):
        assert client.get(url).status_code == 404, url
    for action in ("handed-over", "withdraw", "correct", "delete"):
        assert client.post(f"/data-requests/{theirs.ref}/{action}").status_code == 404, action
    assert db.session.get(DataRequest, theirs.id).done_at is None
    # An official cannot receive a request in another official's ward.
    assert _new(client, world, "card", ID_NUMBER, ward="b").status_code == 422


def test_province_admins_see_every_wards_requests(client, world, login):
    mine, theirs = _open(world), _open(world, who="official_b", ward="b")
    login(world["users"]["admin"])
    body = client.get("/data-requests/").get_data(as_text=True)
    assert mine.ref[:8] in body and theirs.ref[:8] in body
    assert client.get(f"/data-requests/{theirs.ref}/").status_code == 200


@pytest.mark.parametrize("who", ["tracer", "owner", "staff"])
def test_other_roles_get_404(client, world, login, who):
    opened = _open(world)
    login(world["users"][who])
    for url in ("/data-requests/", "/data-requests/new", f"/data-requests/{opened.ref}/",
                f"/data-requests/{opened.ref}/data.csv"):
        assert client.get(url).status_code == 404, url
    assert _new(client, world, "card", ID_NUMBER).status_code == 404
    assert client.post(f"/data-requests/{opened.ref}/withdraw").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(DataRequest)) == 1


def test_the_nav_links_to_the_requests_for_officials(client, world, login):
    login(world["users"]["official_a"])
    assert 'href="/data-requests/"' in client.get("/reports/", follow_redirects=True).get_data(as_text=True)


# Finding the person -----------------------------------------------------------------------------------

def test_finding_by_pass_number_then_opening_the_request(client, world, login):
    login(world["users"]["official_a"])
    client.set_cookie("lang", "en")
    page = check_page(_new(client, world, "pass", grouped(world["pass_number"])))
    assert NAME in page and "1950" in page and CHILD not in page
    opened = _new(client, world, "pass", grouped(world["pass_number"]), person=world["person"].ref)
    assert opened.status_code == 303
    made = db.session.scalar(select(DataRequest))
    assert opened.location.endswith(f"/data-requests/{made.ref}/")
    assert (made.kind, made.ward_code, made.verified_with, made.visitor_id) == (
        "access", world["a"].code, "card", world["person"].id)
    assert made.received_by_id == world["users"]["official_a"].id and made.done_at is None
    assert made.due_at == made.received_at + timedelta(days=10)


def test_finding_by_id_card_and_by_phone(client, world, login):
    login(world["users"]["official_a"])
    by_card = _new(client, world, "card", "079 188 001 122").get_data(as_text=True)
    assert NAME in by_card
    # A phone finds the person registered with it and their household members.
    by_phone = _new(client, world, "phone", "0987 111 222").get_data(as_text=True)
    assert NAME in by_phone and CHILD in by_phone
    assert _new(client, world, "phone", "+84987111222", person=world["child"].ref,
                kind="delete").status_code == 303
    made = db.session.scalar(select(DataRequest))
    assert (made.kind, made.visitor_id) == ("delete", world["child"].id)


@pytest.mark.parametrize("by,number", [
    ("pass", "1234"), ("pass", "0" * 39 + "1"), ("card", "07918800112"), ("card", "079188009999"),
    ("phone", "12345"), ("phone", "0912000999"), ("fax", "0987111222"),
])
def test_malformed_or_unknown_numbers_answer_422(client, world, login, by, number):
    login(world["users"]["official_a"])
    response = _new(client, world, by, number)
    assert response.status_code == 422
    assert NAME not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(DataRequest)) == 0


def test_a_pick_outside_the_lookup_opens_nothing(client, world, make, login):
    stranger = People().person(name="Người Lạ Khác", phone="0912999888")
    login(world["users"]["official_a"])
    response = _new(client, world, "card", ID_NUMBER, person=stranger.ref)
    assert response.status_code == 200 and "Người Lạ Khác" not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(DataRequest)) == 0


def test_a_replaced_pass_does_not_find_the_person(client, world, login):
    old = world["pass_number"]
    issue_pass(world["person"], world["now"], kind="card")
    db.session.commit()
    login(world["users"]["official_a"])
    client.set_cookie("lang", "en")
    response = _new(client, world, "pass", old)
    assert response.status_code == 422 and "replaced" in response.get_data(as_text=True)


def test_a_request_needs_its_kind_and_verification(client, world, login):
    login(world["users"]["official_a"])
    for missing in ("kind", "verified_with"):
        data = {"ward": world["a"].code, "kind": "access", "verified_with": "pass", "find_by": "card",
                "number": ID_NUMBER, missing: "other"}
        assert client.post("/data-requests/new", data=data).status_code == 422, missing
    check_page(client.get("/data-requests/new"))


# Access ------------------------------------------------------------------------------------------------

def test_access_downloads_the_households_data_then_closes(client, world, login):
    opened = _open(world)
    login(world["users"]["official_a"])
    client.set_cookie("lang", "en")
    page = check_page(client.get(f"/data-requests/{opened.ref}/"))
    assert NAME in page and f"/data-requests/{opened.ref}/data.csv" in page
    response = client.get(f"/data-requests/{opened.ref}/data.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    cells = [cell for row in rows for cell in row]
    assert NAME in cells and CHILD in cells and "1950" in cells
    assert "Chợ Bến Thành Thử" in " ".join(cells)  # the household's visit
    assert {row[0] for row in rows[1:]} >= {"Profiles"}
    entry = _entries(world["users"]["official_a"])[-1]
    assert entry.action == "request_data" and entry.row_count >= 3

    assert client.post(f"/data-requests/{opened.ref}/handed-over").status_code == 303
    done = db.session.get(DataRequest, opened.id)
    assert done.done_at is not None and done.visitor_id is None and done.outcome == "handed_over"
    assert done.done_by_id == world["users"]["official_a"].id
    # Done: the file and the person are no longer reachable through the request.
    assert client.get(f"/data-requests/{opened.ref}/data.csv").status_code == 404
    assert NAME not in client.get(f"/data-requests/{opened.ref}/").get_data(as_text=True)
    listing = client.get("/data-requests/").get_data(as_text=True)
    assert "Data file handed over" in listing


def test_a_dependents_access_holds_only_their_own_data(client, world, login):
    opened = _open(world, person="child")
    login(world["users"]["official_a"])
    cells = client.get(f"/data-requests/{opened.ref}/data.csv").get_data(as_text=True)
    assert CHILD in cells and NAME not in cells


def test_actions_of_another_kind_are_404(client, world, login):
    opened = _open(world, kind="correct")
    login(world["users"]["official_a"])
    assert client.get(f"/data-requests/{opened.ref}/data.csv").status_code == 404
    assert client.post(f"/data-requests/{opened.ref}/delete").status_code == 404
    assert client.post(f"/data-requests/{opened.ref}/handed-over").status_code == 404


def test_withdrawing_closes_without_changing_anything(client, world, login):
    opened = _open(world, kind="delete")
    login(world["users"]["official_a"])
    assert client.post(f"/data-requests/{opened.ref}/withdraw").status_code == 303
    done = db.session.get(DataRequest, opened.id)
    assert done.outcome == "withdrawn" and done.visitor_id is None
    assert db.session.get(Visitor, world["person"].id) is not None
    assert client.post(f"/data-requests/{opened.ref}/delete").status_code == 404


# Correction --------------------------------------------------------------------------------------------

def test_correction_is_saved_and_closes_the_request(client, world, login):
    opened = _open(world, kind="correct")
    login(world["users"]["official_a"])
    page = client.get(f"/data-requests/{opened.ref}/").get_data(as_text=True)
    assert f'value="{NAME}"' in page and 'value="1950"' in page
    response = client.post(f"/data-requests/{opened.ref}/correct",
                           data={"full_name": "Phạm Thị Hồng Nhung Anh", "birth_year": "1951"})
    assert response.status_code == 303
    person = db.session.get(Visitor, world["person"].id)
    assert (person.full_name, person.birth_year) == ("Phạm Thị Hồng Nhung Anh", 1951)
    done = db.session.get(DataRequest, opened.id)
    assert done.done_at is not None and done.visitor_id is None
    assert done.outcome == "corrected name+birth_year"
    entry = _entries(world["users"]["official_a"])[-1]
    assert entry.action == "request_correct" and "fields=name+birth_year" in entry.query
    client.set_cookie("lang", "en")
    assert "Corrected: name, year of birth" in client.get("/data-requests/").get_data(as_text=True)


@pytest.mark.parametrize("data", [
    {"full_name": "", "birth_year": "1951"},
    {"full_name": "Phạm <b>Nhung</b>", "birth_year": "1951"},
    {"full_name": "Phạm Nhung", "birth_year": "19x1"},
    {"full_name": "Phạm Nhung", "birth_year": "1850"},
])
def test_a_bad_correction_answers_422_and_changes_nothing(client, world, login, data):
    opened = _open(world, kind="correct")
    login(world["users"]["official_a"])
    assert client.post(f"/data-requests/{opened.ref}/correct", data=data).status_code == 422
    person = db.session.get(Visitor, world["person"].id)
    assert (person.full_name, person.birth_year) == (NAME, 1950)
    assert db.session.get(DataRequest, opened.id).done_at is None


# Deletion ----------------------------------------------------------------------------------------------

def test_deletion_shows_the_preview_then_erases_the_household(client, world, login):
    opened = _open(world, kind="delete")
    ids = [world["person"].id, world["child"].id]
    login(world["users"]["official_a"])
    client.set_cookie("lang", "en")
    page = client.get(f"/data-requests/{opened.ref}/").get_data(as_text=True)
    assert "What is deleted" in page and "Visits: 2" in page and "Delete now" in page
    assert db.session.scalar(select(func.count()).select_from(Visitor).where(Visitor.id.in_(ids))) == 2

    response = client.post(f"/data-requests/{opened.ref}/delete")
    assert response.status_code == 200 and "What was deleted" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Visitor).where(Visitor.id.in_(ids))) == 0
    assert db.session.scalar(select(func.count()).select_from(Visit).where(Visit.visitor_id.in_(ids))) == 0
    assert db.session.scalar(select(func.count()).select_from(Pass).where(Pass.visitor_id.in_(ids))) == 0
    done = db.session.get(DataRequest, opened.id)
    assert done.done_at is not None and done.visitor_id is None
    assert done.outcome.startswith("deleted ") and "visits=2" in done.outcome and NAME not in done.outcome
    listing = client.get("/data-requests/").get_data(as_text=True)
    assert "Deleted: " in listing and "Visits 2" in listing
    entry = _entries(world["users"]["official_a"])[-1]
    assert entry.action == "request_delete" and entry.row_count >= 4
    # Once done, the request cannot delete again.
    assert client.post(f"/data-requests/{opened.ref}/delete").status_code == 404


def test_deleting_a_dependent_keeps_the_household(client, world, login):
    opened = _open(world, kind="delete", person="child")
    child_id, lead_id = world["child"].id, world["person"].id
    login(world["users"]["official_a"])
    assert client.post(f"/data-requests/{opened.ref}/delete").status_code == 200
    assert db.session.get(Visitor, child_id) is None
    assert db.session.get(Visitor, lead_id) is not None
    assert db.session.get(DataRequest, opened.id).visitor_id is None


def test_deleting_under_an_open_case_keeps_what_the_health_service_needs(client, world, login):
    db.session.add(Case(ref="case-ref-0123456789", reference="F0-2026-1", purpose="Truy vết",
                        created_by_id=world["users"]["tracer"].id, created_at=world["now"],
                        visitor_id=world["person"].id))
    db.session.commit()
    opened = _open(world, kind="delete")
    person_id = world["person"].id
    login(world["users"]["official_a"])
    client.set_cookie("lang", "en")
    page = check_page(client.get(f"/data-requests/{opened.ref}/"))
    assert "What is kept, and why" in page and "Deleted by" in page
    erased = check_page(client.post(f"/data-requests/{opened.ref}/delete"))
    assert "What is kept, and why" in erased and "Tell the person" in erased
    kept = db.session.get(Visitor, person_id)  # minimised, no longer in a household or on a device
    assert kept is not None and kept.notice_version is None
    done = db.session.get(DataRequest, opened.id)
    assert done.visitor_id is None and done.done_at is not None
    assert "; kept=" in done.outcome and not done.outcome.endswith("kept=0")


def test_a_failing_feature_deletes_nothing_and_keeps_the_request_open(app, client, world, login):
    def broken(**kwargs):
        raise RuntimeError("down")

    signals.erase_person_data.connect(broken, sender=app)
    opened = _open(world, kind="delete")
    login(world["users"]["official_a"])
    response = client.post(f"/data-requests/{opened.ref}/delete")
    assert response.status_code == 503
    assert db.session.get(Visitor, world["person"].id) is not None
    request = db.session.get(DataRequest, opened.id)
    assert request.done_at is None and request.visitor_id == world["person"].id


# Audit -------------------------------------------------------------------------------------------------

def test_every_step_is_audited_without_personal_data(client, world, login):
    official = world["users"]["official_a"]
    login(official)
    _new(client, world, "phone", PHONE)
    _new(client, world, "phone", PHONE, person=world["person"].ref)
    made = db.session.scalar(select(DataRequest))
    client.get(f"/data-requests/{made.ref}/")
    client.get(f"/data-requests/{made.ref}/data.csv")
    client.post(f"/data-requests/{made.ref}/handed-over")
    entries = _entries(official)
    assert [e.action for e in entries] == ["request_find", "request_open", "request_view", "request_data",
                                           "request_done"]
    assert entries[0].query == "by=phone" and entries[0].row_count == 2
    assert f"request={made.ref}" in entries[1].query and f"ward={world['a'].code}" in entries[1].query
    secrets = (NAME, CHILD, PHONE, PHONE[1:], "1950", ID_NUMBER, world["pass_number"], world["person"].ref,
               world["child"].ref)
    for entry in entries:
        assert not [s for s in secrets if s in entry.query + " "], (entry.action, entry.query)
