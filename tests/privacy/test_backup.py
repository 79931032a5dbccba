"""`flask data backup` and `flask data restore`: a copy made while check-ins go on restores whole."""
import os
import threading
import uuid
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from portal.checkin.models import Visit
from portal.extensions import db
from portal.privacy import backup as backup_module
from portal.tracing.services import find_person
from portal.visitors.models import Visitor

from ..factories import Factories


def _count_visits():
    db.session.rollback()
    return db.session.scalar(select(func.count(Visit.id)))


class Writer(threading.Thread):
    """Checks people in, one committed visit after another, until told to stop."""

    def __init__(self, app, people, person_ids, venue_id):
        super().__init__(daemon=True)
        self.app, self.people, self.person_ids, self.venue_id = app, people, person_ids, venue_id
        self.written = 0
        self.stop = threading.Event()
        self.error = None

    def run(self):
        from portal.venues.models import Venue

        try:
            with self.app.app_context():
                venue = db.session.get(Venue, self.venue_id)
                first = self.people.now - timedelta(hours=20)
                while not self.stop.is_set() and self.written < 1000:
                    person = db.session.get(Visitor, self.person_ids[self.written % len(self.person_ids)])
                    start = first + timedelta(minutes=self.written)
                    self.people.visit(person, venue, start, start + timedelta(seconds=30))
                    self.written += 1
                db.session.remove()
        except Exception as exc:  # reported by the test
            self.error = exc

    def wait_for(self, count, timeout=60):
        for _ in range(timeout * 100):
            if self.written >= count or self.error:
                return
            threading.Event().wait(0.01)


@pytest.fixture
def restored_database(make_app, tmp_path, app):
    """A URL for a new, empty database of the same kind as the test database; dropped afterwards."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path}/restored.sqlite3"
        return
    name = f"{url.database}_restore_{uuid.uuid4().hex[:8]}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_made_during_check_ins_restores_whole(app, runner, make_app, people, tmp_path,
                                                         restored_database):
    make = Factories(app)
    venue = make.venue(name="Chợ Thủ Dầu Một")
    anh = people.person("Trần Thị Ánh", phone="0912 400 001", id_number="074190001234")
    others = [people.person(f"Người Thứ {i}") for i in range(3)]
    anh_id = anh.id
    writer = Writer(app, people, [anh_id] + [p.id for p in others], venue.id)
    writer.start()
    try:
        writer.wait_for(20)
        before = _count_visits()
        dest = str(tmp_path / "portal.backup")
        result = runner.invoke(args=["data", "backup", dest])
        after_backup = _count_visits()
        writer.wait_for(writer.written + 20)  # the writer kept going through the backup
    finally:
        writer.stop.set()
        writer.join(30)
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    assert "Backup written" in result.output
    assert os.stat(dest).st_mode & 0o777 == 0o600
    total = _count_visits()
    assert total > after_backup >= before >= 20

    copy = make_app(SQLALCHEMY_DATABASE_URI=restored_database)
    with copy.app_context():  # the command runs in the app context it finds
        result = copy.test_cli_runner().invoke(args=["data", "restore", dest])
        assert result.exit_code == 0, result.output
        restored = db.session.scalar(select(func.count(Visit.id)))
        assert before <= restored <= after_backup < total  # the copy is one moment, taken during writes
        # Every restored visit is the visit the portal recorded, field for field.
        original = {v.id: (v.visitor_id, v.venue_id, v.checked_in_at) for v in _visits(app)}
        for visit in db.session.scalars(select(Visit)):
            assert original[visit.id] == (visit.visitor_id, visit.venue_id, visit.checked_in_at)
        person = db.session.get(Visitor, anh_id)
        assert (person.full_name, person.phone, person.id_number) == ("Trần Thị Ánh", "+84912400001", "074190001234")
        assert find_person(cutoff=people.now - timedelta(days=60), phone="0912 400 001").id == anh_id
        db.session.remove()


def _visits(app):
    with app.app_context():
        return list(db.session.scalars(select(Visit)))


def test_a_backup_never_overwrites_a_file(app, runner, tmp_path):
    dest = tmp_path / "existing.backup"
    dest.write_bytes(b"an earlier backup")
    result = runner.invoke(args=["data", "backup", str(dest)])
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert dest.read_bytes() == b"an earlier backup"
    result = runner.invoke(args=["data", "backup", str(tmp_path / "no-such-folder" / "x.backup")])
    assert result.exit_code != 0 and "does not exist" in result.output


def test_restore_refuses_a_database_that_is_not_empty(app, runner, tmp_path):
    dest = str(tmp_path / "portal.backup")
    assert runner.invoke(args=["data", "backup", dest]).exit_code == 0
    result = runner.invoke(args=["data", "restore", dest])  # into the test database, which has tables
    assert result.exit_code != 0
    assert "not empty" in result.output


def test_restore_of_something_that_is_no_backup_says_so(app, make_app, tmp_path, restored_database):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"PK\x03\x04 this is a zip file, not a backup " * 50)
    copy = make_app(SQLALCHEMY_DATABASE_URI=restored_database)
    with copy.app_context():
        result = copy.test_cli_runner().invoke(args=["data", "restore", str(junk)])
        assert result.exit_code != 0
        assert ("not a SQLite backup" in result.output) or ("pg_restore failed" in result.output)
        result = copy.test_cli_runner().invoke(args=["data", "restore", str(tmp_path / "missing.backup")])
        assert result.exit_code != 0 and "is not a file" in result.output
        db.session.remove()


def test_missing_postgresql_client_tools_are_named(monkeypatch, tmp_path):
    monkeypatch.setattr(backup_module.shutil, "which", lambda name: None)
    url = make_url("postgresql+psycopg://portal:secret@db.example:5432/portal")
    with pytest.raises(backup_module.BackupError, match="pg_dump is not installed"):
        backup_module._run_pg("pg_dump", url, ["--format=custom"])


def test_the_password_goes_to_libpq_by_environment_not_the_command_line():
    env = backup_module._pg_environment(make_url("postgresql+psycopg://portal:s3cret@db.example:6432/vaora"))
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGPASSWORD"], env["PGDATABASE"]) == (
        "db.example", "6432", "portal", "s3cret", "vaora")
