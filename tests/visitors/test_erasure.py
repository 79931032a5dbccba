"""Deleting one's data from /me (visitors/erasure.py): the household's or one dependent's, behind
one confirmation; what an open case or a watch period holds stays, listed with its date."""
import json
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from portal import create_app, signals
from portal.checkin import services as checkin
from portal.clock import utcnow
from portal.extensions import checkpoint_sqlite, db
from portal.tracing.models import Case
from portal.tracing.services import attach_person, create_case
from portal.visitors import erasure, rights
from portal.visitors.models import ErasureLog, Visitor

from ..checkin.helpers import NAME, PHONE, register, tap_check_in, venue_url, visits, visits_of
from ..conftest import base_config, reset_schema
from ..factories import People
from ..html import check_page, hidden_fields
from ..passes.helpers import with_pass
from .test_me_warning import expose, local, move

CHILD = "Nguyễn Bé Mai"
PERSONAL = ("visitors", "devices", "visits", "passes", "exposure_notices", "registration_addresses")


def counts():
    """Rows in every table of the schema."""
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def lead_and_child():
    person = db.session.scalar(select(Visitor).where(Visitor.phone_hash.is_not(None)))
    child = db.session.scalar(select(Visitor).where(Visitor.lead_id == person.id))
    return person, child


@pytest.fixture
def household(client, make):
    """A person and a dependent: visits at a market and (20 days ago, warned since) a shop, a
    staff-scanned crossing and passes. The warning's watch period is over: nothing is held."""
    client.set_cookie("lang", "en")
    market, shop, checkpoint = make.venue(name="Chợ Bến Thành"), make.venue(name="Tạp hoá Cô Ba"), make.venue()
    register(client, shop)
    client.post("/me/dependents/new", data={**hidden_fields(check_page(client.get("/me/dependents/new"))),
                                            "full_name": CHILD, "birth_year": "2017"})
    person, child = lead_and_child()
    assert tap_check_in(client, shop, dependents=[child.ref]).status_code == 303
    start = utcnow() - timedelta(days=20)
    for visit in visits():
        move(visit, start, start + timedelta(minutes=30))
    db.session.commit()
    expose(make, shop, start, start + timedelta(hours=1))
    assert tap_check_in(client, market, dependents=[child.ref]).status_code == 303
    checkin.check_in(person, checkpoint, utcnow(), method="staff")
    db.session.commit()
    assert client.post("/passes/mine/new").status_code == 303
    return person, child


def confirm(client, url):
    """Open the confirmation page and press its one button."""
    html = check_page(client.get(url))
    return html, client.post(url, data=hidden_fields(html, url))


def test_deleting_the_household_removes_every_row_about_it(client, household, make):
    person, child = household
    before = counts()
    assert before["visitors"] == 2 and before["devices"] == 1 and before["passes"] == 2
    assert before["exposure_notices"] == 2 and before["visits"] >= 5
    assert before["registration_addresses"] == 1  # the first-time registration's keyed address hash

    assert 'href="/me/delete"' in check_page(client.get("/me"))
    html = check_page(client.get("/me/delete"))
    assert "What will be deleted" in html and "What is kept for now" not in html
    assert "withdraw your consent" in html
    assert f"Visits: {before['visits']}" in html
    assert counts() == before  # the confirmation page changes nothing
    response = client.post("/me/delete", data=hidden_fields(html, "/me/delete"))

    done = check_page(response)
    assert "Your data was deleted." in done and "What is kept for now" not in done
    assert "vr_device=;" in response.headers["Set-Cookie"]  # the browser forgets the device too
    after = counts()
    assert {name: after[name] for name in PERSONAL} == dict.fromkeys(PERSONAL, 0)
    assert after["erasure_log"] == 1
    # Nothing else changed: the venues, the tracer's case and its exposure, the audit log stay.
    assert {k: v for k, v in after.items() if k not in PERSONAL + ("erasure_log",)} == {
        k: v for k, v in before.items() if k not in PERSONAL + ("erasure_log",)}
    assert db.session.scalar(select(Case.visitor_id)) is None

    assert "does not remember anyone" in check_page(client.get("/me"))
    venue = make.venue(name="Quán Mới")
    first = check_page(client.get(venue_url(venue)))
    assert 'name="phone"' in first  # a first-time visitor again
    register(client, venue)
    assert db.session.scalar(select(func.count(Visitor.id))) == 1


def test_the_log_records_counts_and_kind_but_nothing_personal(client, household):
    person, child = household
    markers = [NAME, CHILD, PHONE.replace(" ", ""), person.phone, person.phone_hash, person.ref, child.ref]
    confirm(client, "/me/delete")
    [entry] = db.session.scalars(select(ErasureLog)).all()
    assert entry.kind == "self" and json.loads(entry.kept) == []
    assert json.loads(entry.removed) == {"devices": 1, "passes": 2, "profiles": 2, "visits": 5, "warnings": 2}
    row = " ".join(str(v) for v in db.session.execute(text("SELECT * FROM erasure_log")).one())
    assert not any(marker in row for marker in markers)
    assert set(db.session.execute(text("SELECT * FROM erasure_log")).keys()) == {"id", "at", "kind", "removed", "kept"}


def test_an_open_case_keeps_its_records_and_the_page_says_until_when(client, household, make):
    person, child = household
    old_ref, child_id = person.ref, child.id
    tracer = make.user(role="tracer")
    case = create_case(tracer, "F0-2026-1203-001", "Truy vết", utcnow())
    attach_person(case, person)
    db.session.commit()
    kept_visits = len(visits_of(person))
    last_in = max(v.checked_in_at for v in visits_of(person))
    until = local(last_in + timedelta(days=28))

    html, response = confirm(client, "/me/delete")
    for page in (html, check_page(response)):
        assert "What is kept for now" in page and "open case about this person" in page
        assert f"Visits: {kept_visits}" in page and f"Kept until {until}." in page
        assert "Profiles: 1 (name, phone number" in page

    kept = db.session.get(Visitor, person.id)
    assert kept is not None and kept.lead_id is None and kept.notice_version is None and kept.ref != old_ref
    assert len(visits_of(person)) == kept_visits  # the held visits stay
    assert db.session.get(Visitor, child_id) is None and visits_of(child_id) == []  # the child is not held
    after = counts()
    assert (after["visitors"], after["devices"], after["passes"], after["visits"]) == (1, 0, 0, kept_visits)
    assert db.session.scalar(select(Case.visitor_id).where(Case.reference == "F0-2026-1203-001")) == person.id
    [entry] = db.session.scalars(select(ErasureLog)).all()
    assert {(k["category"], k["count"], k["reason"]) for k in json.loads(entry.kept)} == {
        ("profiles", 1, "case"), ("visits", kept_visits, "case"), ("warnings", 1, "case")}
    assert "does not remember anyone" in check_page(client.get("/me"))  # the device no longer identifies them


def test_a_recent_warning_holds_the_warned_people_during_the_watch_period(app, make):
    people = People()
    venue = make.venue()
    lead = people.person("Trần Văn Bình")
    child = people.dependent(lead)
    people.visit(lead, venue, people.now - timedelta(days=3), people.now - timedelta(days=3, hours=-1),
                 dependents=[child])
    exposure = expose(make, venue, people.now - timedelta(days=3, minutes=30), people.now - timedelta(days=3) +
                      timedelta(minutes=30))
    planned = erasure.preview(lead, people.now)
    assert {(k.category, k.count, k.reason) for k in planned.kept} == {
        ("profiles", 2, "watch"), ("visits", 2, "watch"), ("warnings", 2, "watch")}
    assert planned.removed["profiles"] == 0 and planned.removed["visits"] == 0
    warnings = next(k for k in planned.kept if k.category == "warnings")
    assert warnings.until == exposure.ends_at + timedelta(days=28)
    # Once the 14 days after the exposure are over, the same request deletes everything.
    later = exposure.ends_at + timedelta(days=14, minutes=1)
    assert erasure.preview(lead, later).kept == []
    done = erasure.erase(lead, later)
    db.session.commit()
    assert done.removed == {"profiles": 2, "devices": 0, "visits": 2, "passes": 0, "warnings": 2}
    assert counts()["visitors"] == 0


def test_one_dependent_is_deleted_alone_and_the_lead_stays(client, household):
    person, child = household
    child_id, child_ref = child.id, child.ref
    before = counts()
    page = check_page(client.get(f"/me/dependents/{child.ref}"))
    assert f'href="/me/dependents/{child.ref}/delete"' in page
    html, response = confirm(client, f"/me/dependents/{child.ref}/delete")
    assert CHILD in html and "The rest of your household stays." in html
    assert "This person's data was deleted." in check_page(response)
    assert "vr_device" not in response.headers.get("Set-Cookie", "")
    assert db.session.get(Visitor, child_id) is None and visits_of(child_id) == []
    lead = db.session.get(Visitor, person.id)
    assert lead.full_name == NAME and len(visits_of(person)) == 3
    after = counts()
    assert (after["visitors"], after["devices"], after["passes"], after["exposure_notices"]) == (1, 1, 1, 1)
    assert after["visits"] == before["visits"] - 2
    me = check_page(client.get("/me"))
    assert f"This phone checks in {NAME}." in me and CHILD not in me
    assert client.get(f"/me/dependents/{child_ref}/delete").status_code == 404


def test_a_failing_feature_deletes_nothing(client, household, app):
    def broken(**kwargs):
        raise RuntimeError("no answer")

    before = counts()
    html = check_page(client.get("/me/delete"))
    with signals.erase_person_data.connected_to(broken, sender=app):  # after check-in deleted its visits
        response = client.post("/me/delete", data=hidden_fields(html, "/me/delete"))
    page = check_page(response, 503)
    assert "nothing was deleted" in page and response.headers["Retry-After"] == "60"
    assert counts() == before
    with signals.person_holds.connected_to(broken, sender=app):
        assert client.post("/me/delete", data=hidden_fields(html, "/me/delete")).status_code == 503
        assert client.get("/me/delete").status_code == 503
    assert counts() == before
    assert f"This phone checks in {NAME}." in check_page(client.get("/me"))


def test_the_deletion_is_followed_by_a_checkpoint_of_the_write_ahead_log(client, household, monkeypatch):
    calls = []
    monkeypatch.setattr(rights, "checkpoint_sqlite", lambda: calls.append(counts()["visitors"]))
    html = check_page(client.get("/me/delete"))
    client.post("/me/delete", data=hidden_fields(html, "/me/delete"))
    assert calls == [0]  # once, after the rows were gone


def test_without_the_device_the_pages_send_to_me(app, household):
    stranger = app.test_client()
    for url in ("/me/delete", "/me/profile"):
        assert stranger.get(url).status_code in (302, 303)
    assert stranger.post("/me/delete").headers["Location"] == "/me"
    assert counts()["visitors"] == 2


@pytest.mark.once
def test_sqlite_keeps_no_look_up_hash_of_a_deleted_person(tmp_path):
    """The database file named in the configuration, its WAL checkpointed, no longer holds the
    deleted person's phone or ID number look-up hash (nor their ciphertext)."""
    path = tmp_path / "erased.sqlite3"
    app = create_app(base_config(str(tmp_path), SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}"))
    reset_schema(app)
    database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    bystander = sqlite3.connect(database)  # as a running portal: the -wal file stays until checkpointed
    bystander.execute("SELECT count(*) FROM visitors").fetchone()
    try:
        with app.app_context():
            people = People()
            gone = people.person("Người Muốn Xoá", phone="0912 777 011", id_number="079085001234")
            stays = people.person("Người Ở Lại", phone="0912 777 012")
            with_pass(gone)
            markers = [gone.phone_hash.encode(), gone.id_number_hash.encode()]
            raw = db.session.execute(text("SELECT full_name, phone FROM visitors WHERE id = :id"), {"id": gone.id}).one()
            markers += [bytes(raw.full_name), bytes(raw.phone)]

            def stored():
                return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())

            assert all(marker in stored() for marker in markers)  # the search finds them before
            erasure.erase(gone, utcnow())
            db.session.commit()
            assert checkpoint_sqlite() is True
            assert len(path.with_name(path.name + "-wal").read_bytes()) == 0
            content = stored()
            for marker in markers:
                assert marker not in content, marker[:16]
            assert stays.phone_hash.encode() in content
            db.session.remove()
            db.engine.dispose()
    finally:
        bystander.close()
