"""Tracer operations write their own audit entry: the web and the command line get the same one."""
import ast
from datetime import timedelta
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

import portal.tracing
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.clock import utcnow
from portal.tracing import operations
from portal.tracing.models import Case

# What only an operation may call: each reaches personal data or writes the audit itself.
UNAUDITED = {"record", "find_person", "person_visits", "find_contacts", "render", "create_case",
             "create_exposure", "attach_person"}


@pytest.fixture
def scene(make, people):
    venue = make.venue(name="Chợ Lái Thiêu")
    start = people.now - timedelta(days=1)
    f0 = people.person("Ca Bệnh", phone="0912 600 000")
    people.visit(f0, venue, start, start + timedelta(minutes=60))
    other = people.person("Người Tiếp Xúc", phone="0912 600 001")
    people.visit(other, venue, start + timedelta(minutes=10), start + timedelta(minutes=50))
    return venue


def _entries(actor_id):
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == actor_id)
                              .order_by(AuditEntry.id)).all()
    return [(e.action, e.query, e.row_count, e.actor_role) for e in rows]


def test_the_route_and_the_cli_write_the_same_audit_entries(runner, client, login, make, tracer, scene, tmp_path):
    first, last = operations.default_days(utcnow(), operations.settings_from(current_app.config))
    dates = {"from": first.isoformat(), "to": last.isoformat()}
    result = runner.invoke(args=["tracing", "contacts", "--as", tracer.phone, "--reference", "F0-SAME-1",
                                 "--purpose", "Tìm F1", "--phone", "0912600000", "--from", dates["from"],
                                 "--to", dates["to"], "--output", str(tmp_path / "c.csv")])
    assert result.exit_code == 0, result.output
    web = make.user(role="tracer", name="Bác sĩ Web")
    login(web)
    case_url = client.post("/tracing/cases/new", data={"reference": "F0-SAME-1", "purpose": "Tìm F1"}
                           ).headers["Location"]
    assert client.post(case_url + "lookup", data={"phone": "0912600000"}).status_code == 302
    response = client.get(case_url + f"contacts.csv?date_from={dates['from']}&date_to={dates['to']}")
    assert response.status_code == 200
    cli_entries = [(a, q.replace(" via=cli", ""), n, r) for a, q, n, r in _entries(tracer.id)]
    assert [a for a, *_ in cli_entries] == ["case", "lookup", "export"]
    assert cli_entries == _entries(web.id)
    assert cli_entries[2][1] == f"format=csv from={dates['from']} minutes=15 rule=overlap to={dates['to']}"
    assert cli_entries[2][2] == 1 and cli_entries[1][1:3] == ("by=phone", 1)


def test_an_operation_writes_its_audit_before_the_caller_commits(tracer, scene):
    settings, now = operations.settings_from(current_app.config), utcnow()
    case = operations.open_case(tracer, "F0-OP-1", "Tìm F1", now=now)
    assert operations.look_up_person(tracer, case, "phone", "0912600000", now=now, settings=settings) is not None
    window = operations.make_window(*operations.default_days(now, settings), now=now, settings=settings)
    groups = operations.trace_contacts(tracer, case, window, now=now, settings=settings)
    assert sum(len(g.contacts) for g in groups) == 1
    # Flushed, not committed: the caller's rollback takes the work and its audit away together.
    assert [a for a, *_ in _entries(tracer.id)] == ["case", "lookup", "contacts"]
    db.session.rollback()
    assert _entries(tracer.id) == [] and db.session.scalar(select(Case).where(Case.reference == "F0-OP-1")) is None


def test_a_failing_audit_write_leaves_no_export(runner, tracer, scene, tmp_path, monkeypatch):
    real = operations.record

    def broken(actor, case, action, *args):
        if action == "export":  # the case and look-up entries are already flushed by then
            raise RuntimeError("audit store down")
        return real(actor, case, action, *args)

    monkeypatch.setattr(operations, "record", broken)
    output = tmp_path / "c.csv"
    result = runner.invoke(args=["tracing", "contacts", "--as", tracer.phone, "--reference", "F0-DOWN",
                                 "--purpose", "Tìm F1", "--phone", "0912600000", "--output", str(output)])
    assert result.exit_code != 0 and not output.exists()
    db.session.rollback()
    assert _entries(tracer.id) == [] and db.session.scalar(select(Case).where(Case.reference == "F0-DOWN")) is None


@pytest.mark.parametrize("module", ["routes.py", "cli.py"])
def test_routes_and_cli_reach_personal_data_only_through_operations(module):
    tree = ast.parse((Path(portal.tracing.__file__).parent / module).read_text("utf-8"))
    imported = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    called = {node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call)
              and isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", None) == "export"}
    assert not imported & UNAUDITED and not called & UNAUDITED
