"""`flask data record`: the record of processing's live figures match the rows in the database."""
import json
from datetime import timedelta

import pytest

from portal.audit.services import record
from portal.extensions import db
from portal.privacy.record import utc_text
from portal.tracing.services import create_case

from ..factories import People


def _text(runner):
    result = runner.invoke(args=["data", "record"])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def _json(runner):
    result = runner.invoke(args=["data", "record", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_an_empty_database_has_no_rows_and_no_oldest_time(runner):
    lines = _text(runner)
    assert "visits, rows: 0" in lines and "visits, oldest: none" in lines
    assert "visitor profiles, rows: 0" in lines and "audit entries, rows: 0" in lines
    assert "accounts with role province_admin: 0" in lines
    assert "retention period (PORTAL_RETENTION_DAYS): 28 days" in lines
    assert "personal data encrypted (PORTAL_DATA_KEY set): yes" in lines
    # One figure a line, named before a colon.
    assert all(": " in line for line in lines)


def test_the_figures_count_the_rows_and_change_with_them(app, make, runner):
    people = People()
    owner = make.owner()
    make.user(role="tracer")
    venue = make.venue(owner)
    lead = people.person(created=people.now - timedelta(days=5))
    people.dependent(lead)
    first = people.now - timedelta(days=3)
    people.visit(lead, venue, first, first + timedelta(minutes=30))
    people.visit(lead, venue, people.now - timedelta(days=1))

    lines = _text(runner)
    assert "visitor profiles, rows: 1" in lines
    assert f"visitor profiles, oldest: {utc_text(people.now - timedelta(days=5))}" in lines
    assert "dependents, rows: 1" in lines
    assert "visits, rows: 2" in lines and f"visits, oldest: {utc_text(first)}" in lines
    assert "venues, rows: 1" in lines and "accounts, rows: 2" in lines
    assert "accounts with role owner: 1" in lines and "accounts with role tracer: 1" in lines
    assert "accounts with role staff: 0" in lines
    assert "cases, rows: 0" in lines and "audit entries, rows: 0" in lines

    # More rows, an older visit, a case and its audit entry: the figures follow.
    older = people.now - timedelta(days=10)
    people.visit(people.person(), venue, older, older + timedelta(minutes=30))
    admin = make.user(role="province_admin")
    case = create_case(admin, "F0-2026-001", "Truy vết", people.now)
    record(admin, case, "case", {}, 0, people.now)
    db.session.commit()

    lines = _text(runner)
    assert "visitor profiles, rows: 2" in lines
    assert "visits, rows: 3" in lines and f"visits, oldest: {utc_text(older)}" in lines
    assert "cases, rows: 1" in lines and "audit entries, rows: 1" in lines
    assert f"audit entries, oldest: {utc_text(people.now)}" in lines
    assert "accounts, rows: 3" in lines and "accounts with role province_admin: 1" in lines


def test_json_gives_the_same_figures(app, make, runner):
    people = People()
    venue = make.venue()
    start = people.now - timedelta(days=2)
    people.visit(people.person(), venue, start, start + timedelta(minutes=30))

    found = _json(runner)
    assert found["categories"]["visits"] == {"label": "visits", "rows": 1, "oldest": start.isoformat()}
    assert found["categories"]["cases"]["oldest"] is None
    assert found["accounts_by_role"]["owner"] == 1
    assert found["retention_days"] == 28 and found["data_key_set"] is True
    assert found["database"] == db.engine.dialect.name


@pytest.mark.parametrize("fmt", ["xml", "csv"])
def test_other_formats_are_refused(runner, fmt):
    assert runner.invoke(args=["data", "record", "--format", fmt]).exit_code != 0


def test_the_records_example_output_shows_every_figure_the_command_prints(runner):
    """docs/data-protection.md quotes the command's output: the same figures, in the same order."""
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "data-protection.md").read_text(encoding="utf-8")
    quoted = doc.split("```text\n", 1)[1].split("```", 1)[0].splitlines()

    def names(lines):
        return [line.split(": ", 1)[0] for line in lines if not line.startswith("as of")]

    assert names(quoted) == names(_text(runner))
