"""`flask data purge`: the retention boundary, bounded chunks, and what goes with a visit or a person."""
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from portal.checkin.models import Visit
from portal.extensions import db
from portal.passes.models import Pass
from portal.passes.services import issue_pass
from portal.privacy.services import purge
from portal.tracing.exposures import create_exposure
from portal.tracing.models import Case, Exposure, ExposureNotice
from portal.tracing.services import attach_person, create_case
from portal.visitors.models import Device, Visitor

DAYS = 28


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _purge(cutoff, limit=10000):
    chunks = []
    totals = purge(cutoff, limit, commit=db.session.commit, on_chunk=lambda name, n: chunks.append((name, n)))
    return totals, chunks


def test_the_boundary_is_exactly_n_days(make, people):
    venue = make.venue()
    cutoff = people.now - timedelta(days=DAYS)
    person = people.person(created=people.now - timedelta(days=60))
    kept_exact = people.visit(person, venue, cutoff, cutoff + timedelta(minutes=5))
    gone = people.visit(person, venue, cutoff - timedelta(seconds=1), cutoff - timedelta(seconds=1))
    kept_recent = people.visit(person, venue, people.now - timedelta(days=27))
    ids = {kept_exact.id, gone.id, kept_recent.id}
    totals, _ = _purge(cutoff)
    assert totals["visits"] == 1
    assert set(db.session.scalars(select(Visit.id).where(Visit.id.in_(ids)))) == {kept_exact.id, kept_recent.id}


def test_profiles_without_remaining_visits_go_with_their_devices_dependents_and_warnings(make, people, tracer):
    venue = make.venue()
    old = people.now - timedelta(days=DAYS, hours=3)
    cutoff = people.now - timedelta(days=DAYS)
    gone = people.person("Người Cũ", created=old - timedelta(days=5))
    gone.last_seen_at = old
    child = people.dependent(gone, "Con Người Cũ")
    child.last_seen_at = child.created_at = old
    db.session.add(Device(token_hash="x" * 64, visitor_id=gone.id, created_at=old, last_seen_at=old))
    card = issue_pass(gone, old)
    case = create_case(tracer, "F0-OLD", "Tìm F1", old)
    attach_person(case, gone)
    db.session.commit()
    people.visit(gone, venue, old, old + timedelta(minutes=30), dependents=[child])
    gone.last_seen_at = old
    db.session.commit()
    exposure = create_exposure(tracer, case, venue, old - timedelta(minutes=10), old + timedelta(minutes=20),
                               "monitor", now=old + timedelta(hours=1), retention_days=DAYS)
    exposure_id = exposure.id
    db.session.commit()
    # The case person is not warned of their own case; the child who came along is.
    assert db.session.scalars(select(ExposureNotice.visitor_id)).all() == [child.id]
    stays = people.person("Người Mới")
    people.visit(stays, venue, old - timedelta(hours=1))
    people.visit(stays, venue, people.now - timedelta(days=1))
    fresh = people.person("Chưa Đi Đâu", created=people.now - timedelta(days=1))
    quiet_lead = people.person("Trưởng Hộ", created=people.now - timedelta(days=90))
    quiet_lead.last_seen_at = people.now - timedelta(days=90)
    kid = people.dependent(quiet_lead, "Bé Đi Cùng Ông Bà")
    people.visit(people.person("Ông Bà"), venue, people.now - timedelta(days=2), dependents=[])
    db.session.add(Visit(ref="kid-visit", visitor_id=kid.id, venue_id=venue.id,
                         checked_in_at=people.now - timedelta(days=2), due_out_at=people.now - timedelta(days=2)))
    db.session.commit()
    gone_id, child_id, case_id, card_id = gone.id, child.id, case.id, card.id

    totals, chunks = _purge(cutoff, limit=1)  # one row per transaction: leads and followers apart
    assert totals == {"visits": 3, "crossings": 0, "warnings": 1, "visitors": 2}
    assert all(n <= 1 for _name, n in chunks)
    remaining = set(db.session.scalars(select(Visitor.id)))
    assert gone_id not in remaining and child_id not in remaining
    assert {stays.id, fresh.id, quiet_lead.id, kid.id} <= remaining
    assert _count(Device) == 0
    assert db.session.get(Pass, card_id).visitor_id is None
    case = db.session.get(Case, case_id)
    assert case.visitor_id is None and case.reference == "F0-OLD"
    assert db.session.get(Exposure, exposure_id).warned_count == 1 and _count(ExposureNotice) == 0


def test_the_cli_purges_with_the_configured_retention_and_bounded_chunks(runner, make, people, app):
    venue = make.venue()
    person = people.person(created=people.now - timedelta(days=60))
    for days in (40, 30, 29, 27, 1):
        people.visit(person, venue, people.now - timedelta(days=days), people.now - timedelta(days=days, minutes=-5))
    result = runner.invoke(args=["data", "purge", "--chunk", "2"])
    assert result.exit_code == 0, result.output
    assert "3 visits" in result.output and "0 visitor profiles" in result.output
    assert _count(Visit) == 2
    app.config["PORTAL_RETENTION_DAYS"] = 7
    assert "1 visits" in runner.invoke(args=["data", "purge"]).output
    assert runner.invoke(args=["data", "purge", "--chunk", "10001"]).exit_code != 0
    assert runner.invoke(args=["data", "purge", "--chunk", "0"]).exit_code != 0


def test_pages_hide_old_rows_before_the_purge(client, login, tracer, make, people):
    old_place, new_place = make.venue(name="Chỗ Cũ Quá Hạn"), make.venue(name="Chỗ Mới")
    f0 = people.person("Ca Bệnh", phone="0912 600 000")
    people.visit(f0, old_place, people.now - timedelta(days=DAYS, hours=1), people.now - timedelta(days=DAYS))
    people.visit(f0, new_place, people.now - timedelta(days=2), people.now - timedelta(days=2, minutes=-30))
    login(tracer)
    case_url = client.post("/tracing/cases/new", data={"reference": "F0-9", "purpose": "Tìm"}).headers["Location"]
    client.post(case_url + "lookup", data={"phone": "0912600000"})
    today = (people.now + timedelta(hours=7)).date()
    html = client.get(case_url + f"visits?date_from={today - timedelta(days=DAYS)}&date_to={today}").get_data(as_text=True)
    assert "Chỗ Mới" in html and "Chỗ Cũ Quá Hạn" not in html
    assert _count(Visit) == 2  # still stored: only the purge deletes


def test_a_person_who_checks_in_while_the_purge_picks_them_keeps_the_visit(make, people, monkeypatch):
    """The purge picks the profiles to delete, then deletes them with their rows: a check-in that
    commits in between must keep its visit and its person (it was answered as recorded)."""
    from portal.privacy import services

    venue = make.venue()
    cutoff = people.now - timedelta(days=DAYS)
    person = people.person(created=people.now - timedelta(days=60))
    picked = services._candidates(cutoff, 100)
    assert person.id in picked  # unseen for 60 days, no visits: the purge would delete them
    visit = people.visit(person, venue, people.now)  # the check-in commits before the purge deletes
    real, stale = services._candidates, [picked]

    def stale_then_real(cutoff, limit):  # the first chunk works on what was picked before the check-in
        return stale.pop() if stale else real(cutoff, limit)

    monkeypatch.setattr(services, "_candidates", stale_then_real)
    totals, _ = _purge(cutoff)
    assert totals["visitors"] == len(picked) - 1
    assert db.session.get(Visit, visit.id) is not None and db.session.get(Visitor, person.id) is not None


def test_the_purge_still_deletes_the_people_it_picked_who_stayed_away(make, people):
    from portal.privacy import services

    cutoff = people.now - timedelta(days=DAYS)
    person_id = people.person(created=people.now - timedelta(days=60)).id
    assert services._still_unused([person_id], cutoff) == [person_id]
    db.session.rollback()
    totals, _ = _purge(cutoff)
    assert totals["visitors"] >= 1 and db.session.get(Visitor, person_id) is None


@pytest.mark.postgresql
def test_on_postgresql_the_purge_waits_for_a_check_in_of_a_person_it_picked(app, make, people):
    """Truly concurrent: a check-in holds the long-unseen person's row, uncommitted, while the purge
    of another connection picks them (its snapshot shows no visit) and then waits for that row; once
    the check-in commits, the purge keeps the person and the visit."""
    from portal.checkin.services import check_in

    venue = make.venue()
    cutoff = people.now - timedelta(days=DAYS)
    person = people.person(created=people.now - timedelta(days=60))
    person_id = person.id
    visit_id = check_in(person, venue, people.now).id  # holds the person's row, not committed yet
    outcome = {}

    def purge_elsewhere():
        with app.app_context():
            outcome["totals"], _ = _purge(cutoff)
            db.session.remove()

    purging = threading.Thread(target=purge_elsewhere)
    purging.start()
    _wait_for_a_lock_wait()  # the purge waits for the check-in's row lock
    db.session.commit()
    purging.join(timeout=30)
    assert not purging.is_alive() and "totals" in outcome
    db.session.expire_all()
    assert db.session.get(Visitor, person_id) is not None and db.session.get(Visit, visit_id) is not None


def _wait_for_a_lock_wait(seconds=20):
    """Until a backend of this database waits for a lock."""
    deadline = time.monotonic() + seconds
    with db.engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                       "AND wait_event_type = 'Lock'"))
            conn.rollback()
            if waiting:
                return
            time.sleep(0.02)
    raise AssertionError("the purge never waited for the check-in's lock")
