"""On PostgreSQL visits and crossings are partitioned by UTC day: partitions are made ahead, rows of
days without one wait in the default partition until their day is made, retention drops whole
days, the per-day unique nonce and ref hold, and an existing database migrates with its rows."""
from datetime import datetime, time, timedelta, timezone

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from portal import partitions
from portal.checkin.models import Visit
from portal.checkin.services import check_in, new_ref
from portal.clock import utcnow
from portal.extensions import db
from portal.privacy.services import purge
from portal.staff.crossings import record_crossing
from portal.staff.models import Crossing

from ..factories import People

pytestmark = pytest.mark.postgresql


def partition_of(model, row_id):
    return db.session.execute(
        text(f"SELECT tableoid::regclass::text FROM {model.__tablename__} WHERE id = :id"), {"id": row_id}).scalar()


def day_of(moment):
    return moment.astimezone(timezone.utc).date()


@pytest.fixture
def people():
    return People()


def test_both_tables_are_partitioned_with_days_made_ahead(app):
    conn = db.session.connection()
    today = partitions.utc_today()
    for table in ("visits", "crossings"):
        assert partitions.is_partitioned(conn, table)
        days = partitions.days_of(conn, table)
        assert [today + timedelta(days=n) for n in range(-1, partitions.DAYS_AHEAD + 1)] == \
            [d for d in days if d >= today - timedelta(days=1)]
    assert db.session.execute(text("SELECT to_regclass('visits_default')")).scalar() == "visits_default"


def test_a_visit_and_a_crossing_land_in_their_days_partition(app, make, people):
    venue = make.venue()
    checkpoint = make.venue(category="checkpoint")
    visitor = people.person()
    now = utcnow()
    visit = check_in(visitor, venue, now)
    crossing = record_crossing(visitor, checkpoint, "in", actor=None, now=now, method="pass")
    db.session.commit()
    assert partition_of(Visit, visit.id) == f"visits_p{day_of(now):%Y%m%d}"
    assert partition_of(Crossing, crossing.id) == f"crossings_p{day_of(now):%Y%m%d}"
    assert db.session.scalar(select(Visit).where(Visit.ref == visit.ref)).id == visit.id  # look-up by reference


def test_rows_of_a_day_without_partition_wait_in_the_default_until_their_day_is_made(app, make, people, runner):
    venue = make.venue()
    later = utcnow() + timedelta(days=30)
    visit = check_in(people.person(), venue, later)
    db.session.commit()
    assert partition_of(Visit, visit.id) == "visits_default"
    first = runner.invoke(args=["data", "partitions"])
    assert first.exit_code == 0, first.output
    assert "1 visits rows are in visits_default" in first.output
    second = runner.invoke(args=["data", "partitions", "--ahead", "31"])
    assert second.exit_code == 0, second.output
    assert f"{day_of(later):%Y-%m-%d}" in second.output and "Warning" not in second.output
    db.session.rollback()
    assert partition_of(Visit, visit.id) == f"visits_p{day_of(later):%Y%m%d}"
    assert db.session.get(Visit, visit.id).ref == visit.ref


def test_a_nonce_and_a_ref_are_unique_within_a_day(app, make, people):
    """The database itself refuses a second row with a day's nonce or ref (the service checks first)."""
    venue = make.venue()
    now = utcnow()
    first = check_in(people.person(name="Một"), venue, now, nonce="n" * 32)
    db.session.commit()
    second = people.person(name="Hai")
    for clash in ({"nonce": "n" * 32, "ref": "r" * 32}, {"nonce": "m" * 32, "ref": first.ref}):
        db.session.add(Visit(visitor_id=second.id, venue_id=venue.id, checked_in_at=now + timedelta(seconds=1),
                             due_out_at=now + timedelta(hours=1), in_method="self", **clash))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_retention_drops_whole_expired_days_and_purges_the_rest(app, make, people):
    venue = make.venue()
    checkpoint = make.venue(category="checkpoint")
    now = utcnow()
    cutoff = now - timedelta(days=28)
    old_day = day_of(now - timedelta(days=40))
    partitions.create_day(db.session.connection(), "visits", old_day)
    partitions.create_day(db.session.connection(), "crossings", old_day)
    db.session.commit()
    at_old = datetime.combine(old_day, time(9), tzinfo=timezone.utc)
    lead = people.person(name="Trưởng Hộ")
    child = people.dependent(lead, name="Con")
    old = check_in(lead, venue, at_old, dependents=[child])  # two visits that day: the lead's and the child's
    record_crossing(lead, checkpoint, "in", actor=None, now=at_old, method="pass")
    later = people.person(name="Đi Sau")
    follower = check_in(later, venue, cutoff - timedelta(hours=1))  # in the default partition: row by row
    follower.lead_visit_id = old.id  # a link into the day that goes
    recent = check_in(people.person(name="Mới"), venue, now - timedelta(hours=2))
    db.session.commit()

    totals = purge(cutoff, 1000, commit=db.session.commit)

    assert old_day not in partitions.days_of(db.session.connection(), "visits")
    assert old_day not in partitions.days_of(db.session.connection(), "crossings")
    assert totals["visits"] == 3 and totals["crossings"] == 1
    assert db.session.scalars(select(Visit.id)).all() == [recent.id]


def test_an_existing_database_migrates_in_place_with_its_rows(app, make, people):
    """Back to plain tables (the previous revision), rows in, then the partitioning migration."""
    # The venue and people are made with the newest models; the visits are written with the columns
    # 0019 has (later revisions add columns the models know and the old table does not).
    venue = make.venue()
    venue_id, persons = venue.id, [people.person(name=f"Người {n}").id for n in range(3)]
    db.session.commit()  # reading the ids began a transaction: the downgrade must not wait on it
    downgrade(revision="0019_cases")
    try:
        assert not partitions.is_partitioned(db.session.connection(), "visits")
        db.session.commit()
        now = utcnow().replace(microsecond=0)
        before = {}
        for n, person_id in enumerate(persons):
            at, ref = now - timedelta(days=n), new_ref()
            naive = at.astimezone(timezone.utc).replace(tzinfo=None)
            visit_id = db.session.execute(text(
                "INSERT INTO visits (ref, visitor_id, venue_id, checked_in_at, due_out_at, in_method) "
                "VALUES (:ref, :visitor, :venue, :at, :due, 'self') RETURNING id"),
                {"ref": ref, "visitor": person_id, "venue": venue_id, "at": naive,
                 "due": naive + timedelta(minutes=60)}).scalar()
            before[visit_id] = (ref, at)
        db.session.commit()
    finally:
        db.session.commit()
        upgrade()
    db.session.rollback()
    conn = db.session.connection()
    assert partitions.is_partitioned(conn, "visits") and partitions.is_partitioned(conn, "crossings")
    after = {v.id: (v.ref, v.checked_in_at) for v in db.session.scalars(select(Visit))}
    assert after == before
    for visit_id, (_ref, at) in before.items():
        assert partition_of(Visit, visit_id) == f"visits_p{day_of(at):%Y%m%d}"
    newest = check_in(people.person(name="Sau Khi Chuyển"), venue, utcnow())
    db.session.commit()
    assert newest.id > max(before)  # the id sequence carried over
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 4
