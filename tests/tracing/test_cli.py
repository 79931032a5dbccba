"""`flask tracing contacts`: the same trace from the command line, for tracer accounts only."""
import csv
import io
import os
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.extensions import db


@pytest.fixture
def scene(make, people):
    venue = make.venue(name="Bến xe Thủ Dầu Một")
    start = people.now - timedelta(days=1)
    f0 = people.person("Ca Bệnh", phone="0912 500 000")
    people.visit(f0, venue, start, start + timedelta(minutes=60))
    other = people.person("=cmd|' /C calc'!A0", phone="0912 500 001")
    people.visit(other, venue, start + timedelta(minutes=10), start + timedelta(minutes=50))
    return venue


def _invoke(runner, as_phone, output, *extra):
    return runner.invoke(args=["tracing", "contacts", "--as", as_phone, "--reference", "F0-CLI-1", "--purpose",
                               "Tìm F1", "--phone", "0912500000", "--output", str(output), *extra])


def test_a_tracer_exports_contacts_from_the_command_line(runner, tracer, scene, tmp_path):
    output = tmp_path / "contacts.csv"
    result = _invoke(runner, tracer.phone, output)
    assert result.exit_code == 0, result.output
    assert "1 contact visits of 1 people" in result.output and "0912" not in result.output
    rows = list(csv.reader(io.StringIO(output.read_text("utf-8-sig"))))
    assert rows[1][5] == "'=cmd|' /C calc'!A0" and rows[1][12] == "40"
    assert oct(os.stat(output).st_mode & 0o777) == "0o600"
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["case", "lookup", "export"]
    assert "via=cli" in db.session.scalar(select(AuditEntry.query).where(AuditEntry.action == "export"))


@pytest.mark.parametrize("role", ["owner", "staff", "checkpoint", "ward_official", "province_admin"])
def test_other_roles_are_refused(runner, make, scene, tmp_path, role):
    user = make.user(role=role, wards=make.wards(1) if role == "ward_official" else ())
    output = tmp_path / "contacts.csv"
    result = _invoke(runner, user.phone, output)
    assert result.exit_code != 0 and "only an active tracer" in result.output
    assert not output.exists()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_unknown_or_deactivated_accounts_are_refused(runner, tracer, scene, tmp_path):
    assert _invoke(runner, "0999 999 999", tmp_path / "a.csv").exit_code != 0
    tracer.active = False
    db.session.commit()
    result = _invoke(runner, tracer.phone, tmp_path / "b.csv")
    assert result.exit_code != 0 and "only an active tracer" in result.output


def test_bad_input_on_the_command_line(runner, tracer, scene, tmp_path, people):
    today = people.now.date()
    cases = [
        (["--from", str(today), "--to", str(today - timedelta(days=2))], "reversed"),
        (["--to", str(today + timedelta(days=3))], "future"),
        (["--from", str(today - timedelta(days=60))], "too old"),
    ]
    for extra, message in cases:
        result = _invoke(runner, tracer.phone, tmp_path / "x.csv", *extra)
        assert result.exit_code != 0 and message in result.output, result.output
    result = runner.invoke(args=["tracing", "contacts", "--as", tracer.phone, "--reference", "R", "--purpose", "P",
                                 "--phone", "12ab", "--output", str(tmp_path / "y.csv")])
    assert result.exit_code != 0 and "malformed" in result.output
    result = runner.invoke(args=["tracing", "contacts", "--as", tracer.phone, "--reference", "", "--purpose", "P",
                                 "--phone", "0912500000", "--output", str(tmp_path / "z.csv")])
    assert result.exit_code != 0 and "reference" in result.output
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    assert not any(tmp_path.iterdir())
