"""Statements compiled once and run on the cursor (extensions.execute_compiled): the same rows as
SQLAlchemy's own execution, its transaction, its listeners and its errors."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from portal.checkin import core
from portal.checkin.core.arrival import _arrival, _arrival_page, _household
from portal.checkin.core.closing import _close
from portal.checkin.core.confirmation import _companions, _confirmation_page, _visit_page
from portal.checkin.core.recording import _close_and_insert, _existing, _insert, _inside
from portal.checkin.models import Visit
from portal.crypto import plain_hash
from portal.extensions import db, execute_compiled
from portal.extensions.compiled import Rows
from portal.tracing.exposures import visitor_notices
from portal.visitors.services import add_dependent, register_visitor, remember_device

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)
DEVICE = "c" * 43
HINTS = ((visitor_notices, visitor_notices.notice_hint),)  # as signals.notice_hints() gives them


@pytest.fixture
def household(make):
    """A remembered person with a dependent, inside one venue with the dependent; another venue."""
    venue, other = make.venue(name="Chợ Thủ Dầu Một"), make.venue(name="Nhà sách")
    lead = register_visitor("Nguyễn Thị Ánh", "+84912000555", 1979, T0)
    child = add_dependent(lead, "Bé Tí", 2019, T0)
    remember_device(lead, DEVICE, T0)
    db.session.commit()
    visit = core.check_in(lead.id, venue.id, 90, T0, nonce="n" * 22, dependents=[child.id])
    db.session.commit()
    return {"venue": venue, "other": other, "lead": lead.id, "child": child.id, "visit": visit}


def _both(statement, params):
    """(rows compiled once, rows through Connection.execute) in one rolled-back transaction each."""
    found = []
    for run in (execute_compiled, lambda s, p: db.session.connection().execute(s, p)):
        rows = run(statement, dict(params))
        found.append([(row._fields, tuple(row)) for row in rows])
        db.session.rollback()
    return found


def test_the_check_in_s_statements_answer_as_sqlalchemy_does(household):
    venue, lead, visit = household["venue"], household["lead"], household["visit"]
    now = T0 + timedelta(minutes=5)
    cases = [
        (_arrival("token", False), {"key": venue.token, "device_hash": plain_hash(DEVICE)}),
        (_arrival("token", True), {"key": venue.token, "device_hash": plain_hash(DEVICE)}),
        (_arrival("code", False), {"key": venue.short_code, "device_hash": ""}),
        (_arrival_page("token", HINTS), {"key": venue.token, "device_hash": plain_hash(DEVICE)}),
        (_arrival_page("code", ()), {"key": venue.short_code, "device_hash": ""}),
        (_household(), {"lead": lead}),
        (_visit_page(), {"ref": visit.ref, "device_hash": plain_hash(DEVICE)}),
        (_companions(), {"visit": visit.id, "lead": lead}),
        (_confirmation_page(HINTS), {"ref": visit.ref, "device_hash": plain_hash(DEVICE)}),
        (_existing(), {"form_nonce": "n" * 22, "visitor": lead, "venue": venue.id}),
        (_close("moving", False, True), {"person": lead, "venue": household["other"].id, "now": now,
                                         "method": "moved"}),
    ]
    for statement, params in cases:
        compiled, plain = _both(statement, params)
        assert compiled == plain and compiled, statement
    # a name, a time and a flag converted from what the driver gave
    row = execute_compiled(_arrival("token", False), cases[0][1]).first()
    assert row.full_name == "Nguyễn Thị Ánh" and row.device_seen_at == T0 and row.ward_name


def test_an_insert_with_its_literal_values_and_returning(household):
    params = {"new_ref": core.new_ref(), "visitor": household["lead"], "venue": household["other"].id,
              "entrance": None, "lead_visit": None, "now": T0 + timedelta(minutes=9),
              "due": T0 + timedelta(minutes=99), "method_in": "self", "form_nonce": None}
    new_id = execute_compiled(_insert(False), params).scalar()
    db.session.commit()
    visit = db.session.get(Visit, new_id)
    assert (visit.ref, visit.venue_id, visit.fabricated, visit.due_out_at) == (
        params["new_ref"], household["other"].id, False, T0 + timedelta(minutes=99))


def test_a_check_in_elsewhere_closes_the_households_visit_before_and_records_the_new_one(household):
    """On PostgreSQL the POST closes the visit before and records the new one in one statement
    (`_close_and_insert`), whose rows are also SQLAlchemy's; on SQLite in two. The same outcome."""
    lead, other, before = household["lead"], household["other"], household["visit"]
    now = T0 + timedelta(minutes=5)
    if db.engine.dialect.name == "postgresql":
        params = {"new_ref": "one-statement-visit", "visitor": lead, "venue": other.id, "entrance": None,
                  "lead_visit": None, "now": now, "due": now + timedelta(minutes=90), "method_in": "self",
                  "form_nonce": "m" * 22, "person": lead, "method": "moved"}
        compiled, plain = _both(_close_and_insert(True), params)
        assert [row[-1] for _fields, row in compiled] == [False, False, True]  # two closed, one new

        def but_new_id(rows):  # the sequence is not rolled back: each run's new visit has an id of its own
            return [(fields, row[1:] if row[-1] else row) for fields, row in rows]

        assert but_new_id(compiled) == but_new_id(plain)
    recorded = core.check_in(lead, other.id, 90, now, nonce="m" * 22)
    db.session.commit()
    assert recorded.new and db.session.get(Visit, recorded.id).venue_id == other.id
    closed = db.session.scalars(select(Visit).where(Visit.id != recorded.id)).all()
    assert len(closed) == 2 and {(v.checked_out_at, v.out_method) for v in closed} == {(now, "moved")}
    assert before.id in {v.id for v in closed}
    assert core.check_in(lead, other.id, 90, now, nonce="m" * 22) == recorded._replace(new=False)  # a replay


def test_an_expanding_in_runs_through_sqlalchemy(household):
    found = execute_compiled(_inside(), {"ids": [household["lead"], household["child"]],
                                         "venue": household["venue"].id})
    assert not isinstance(found, Rows)
    assert sorted(found.scalars()) == sorted([household["lead"], household["child"]])


def test_the_statement_begins_the_connection_s_transaction(household):
    with db.engine.connect() as connection:
        assert not connection.in_transaction()
        execute_compiled(select(Visit.id).where(Visit.id == household["visit"].id), {}, connection)
        # without it, connection.commit() and .rollback() would do nothing
        assert connection.in_transaction()
        execute_compiled(core.closing._follow(), {"visit": household["visit"].id, "out": T0, "how": "self"},
                         connection)
        connection.rollback()
    db.session.expire_all()
    assert db.session.get(Visit, household["visit"].id).checked_out_at is None


def test_listeners_are_told_of_each_statement(household):
    seen = []

    def record(conn, cursor, statement, params, context, executemany):
        seen.append((statement.split()[0], params))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        execute_compiled(_household(), {"lead": household["lead"]})
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(seen) == 1 and seen[0][0] == "SELECT"
    values = seen[0][1].values() if isinstance(seen[0][1], dict) else seen[0][1]
    assert household["lead"] in values


def test_a_driver_s_error_is_sqlalchemy_s_and_the_session_goes_on(household):
    params = {"new_ref": household["visit"].ref, "visitor": household["lead"], "venue": household["other"].id,
              "entrance": None, "lead_visit": None, "now": T0 + timedelta(minutes=9),
              "due": T0 + timedelta(minutes=99), "method_in": "self", "form_nonce": None}
    with pytest.raises(IntegrityError):  # the visit's ref is taken
        execute_compiled(_insert(False), params)
    db.session.rollback()
    assert execute_compiled(_household(), {"lead": household["lead"]}).first().member_id == household["lead"]


def test_a_missing_parameter_is_refused_before_the_database_is_asked(household):
    with pytest.raises(KeyError):
        execute_compiled(_household(), {})


def test_statements_beyond_the_plans_kept_run_through_sqlalchemy(household, monkeypatch):
    """A statement built anew at every call must not grow the plans for ever."""
    from portal.extensions import compiled

    execute_compiled(_household(), {"lead": household["lead"]})  # at least one plan kept
    monkeypatch.setattr(compiled, "PLANS_KEPT", len(compiled._plans))
    kept = dict(compiled._plans)
    for _ in range(3):
        fresh = select(Visit.id).where(Visit.visitor_id == household["lead"])
        assert list(execute_compiled(fresh, {}).scalars()) == [household["visit"].id]
    assert compiled._plans == kept
    assert execute_compiled(_household(), {"lead": household["lead"]}).first().member_id == household["lead"]


@pytest.mark.postgresql
def test_the_statements_bounded_by_a_horizon_answer_as_the_unbounded_ones(household):
    """`statements.partition_horizon`'s bound leaves out only visits begun after it: none here."""
    venue, lead, visit = household["venue"], household["lead"], household["visit"]
    horizon = T0.date() + timedelta(days=2)
    page = {"key": venue.token, "device_hash": plain_hash(DEVICE)}
    confirmation = {"ref": visit.ref, "device_hash": plain_hash(DEVICE)}
    for bounded, unbounded, params in [(_arrival_page("token", HINTS, horizon), _arrival_page("token", HINTS), page),
                                       (_confirmation_page(HINTS, horizon), _confirmation_page(HINTS), confirmation)]:
        compiled, plain = _both(bounded, params)
        assert compiled == plain == _both(unbounded, params)[0] and compiled
    now = T0 + timedelta(minutes=5)
    params = {"new_ref": "bounded-visit", "visitor": lead, "venue": household["other"].id, "entrance": None,
              "lead_visit": None, "now": now, "due": now + timedelta(minutes=90), "method_in": "self",
              "form_nonce": "b" * 22, "person": lead, "method": "moved"}
    rows = execute_compiled(_close_and_insert(True, horizon), params)
    assert [row.new for row in rows] == [False, False, True]  # the visit and its dependent's closed
    db.session.rollback()
    # a horizon before the visits began: nothing is seen, so nothing closes
    rows = execute_compiled(_close_and_insert(True, T0.date()), dict(params, new_ref="bounded-2"))
    assert [row.new for row in rows] == [True]
    db.session.rollback()


def test_a_statement_s_plan_goes_with_the_statement(household):
    """A statement rebuilt each day (`partition_horizon`) leaves no plan behind when its cache drops it."""
    import gc

    from portal.extensions import compiled

    fresh = select(Visit.id).where(Visit.visitor_id == household["lead"])
    key = (id(fresh), db.engine.dialect.name)
    assert list(execute_compiled(fresh, {}).scalars()) == [household["visit"].id]
    assert key in compiled._plans
    del fresh
    gc.collect()
    assert key not in compiled._plans
