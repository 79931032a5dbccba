"""What is deleted is gone: no purged bytes left in SQLite's files, and the files are private.

These read an SQLite file's bytes, so they run once (on the SQLite pass), on a file of their own.
"""
import os
import sqlite3
import stat
from datetime import timedelta

import pytest
from sqlalchemy import text

from portal import create_app
from portal.bootstrap import write_config
from portal.extensions import db

from ..conftest import base_config, reset_schema
from ..factories import People

pytestmark = pytest.mark.once


@pytest.fixture
def file_app(tmp_path):
    """An app on its own migrated SQLite file, whatever database the suite uses."""
    path = tmp_path / "purged.sqlite3"
    app = create_app(base_config(str(tmp_path), SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}"))
    reset_schema(app)
    yield app, path
    with app.app_context():
        db.engine.dispose()


def stored_bytes(path):
    """The database file and its write-ahead log, as a copy of the folder would hold them."""
    return {suffix: path.with_name(path.name + suffix).read_bytes()
            for suffix in ("", "-wal") if path.with_name(path.name + suffix).exists()}


def raw_markers(visitor_id):
    """The stored ciphertext of a visitor's name and phone, and the phone's look-up hash."""
    row = db.session.execute(text("SELECT full_name, phone, phone_hash FROM visitors WHERE id = :id"),
                             {"id": visitor_id}).one()
    return [bytes(row.full_name), bytes(row.phone), row.phone_hash.encode()]


def test_purged_visitors_leave_no_ciphertext_or_hash_in_the_database_or_its_wal(file_app):
    app, path = file_app
    # Another open connection, as a running portal has: SQLite then keeps the -wal file
    # (closing the last connection would checkpoint it whatever the purge does).
    bystander = sqlite3.connect(path)
    bystander.execute("SELECT count(*) FROM visitors").fetchone()
    try:
        with app.app_context():
            people = People()
            gone = people.person("Người Đã Quá Hạn", phone="0912 777 001", created=people.now - timedelta(days=60))
            kept = people.person("Người Còn Hạn", phone="0912 777 002", created=people.now - timedelta(days=2))
            gone_markers, kept_markers = raw_markers(gone.id), raw_markers(kept.id)
            db.session.commit()
            before = b"".join(stored_bytes(path).values())
            assert all(marker in before for marker in gone_markers + kept_markers)  # the search works

            result = app.test_cli_runner().invoke(args=["data", "purge"])
            assert result.exit_code == 0, result.output
            assert "1 visitor profiles" in result.output

            files = stored_bytes(path)
            assert len(files.get("-wal", b"")) == 0  # checkpointed and truncated
            for suffix, content in files.items():
                for marker in gone_markers:
                    assert marker not in content, (suffix, marker[:16])
            assert all(marker in files[""] for marker in kept_markers)  # what stays is still there
    finally:
        bystander.close()


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def usual_umask():
    """The usual umask (022), under which SQLite and makedirs create world-readable files."""
    saved = os.umask(0o022)
    yield
    os.umask(saved)


def _default_database_app(instance):
    """An app on the default database: instance/portal.sqlite3 of this instance folder."""
    app = create_app(base_config(str(instance), SQLALCHEMY_DATABASE_URI=None), instance_path=str(instance))
    with app.app_context():
        db.session.execute(text("CREATE TABLE probe (x INTEGER)"))
        db.session.execute(text("INSERT INTO probe VALUES (1)"))
        db.session.commit()
    return app


def test_a_new_instance_folder_and_database_are_readable_by_the_owner_only(tmp_path, usual_umask):
    instance = tmp_path / "instance"
    app = _default_database_app(instance)
    try:
        database = instance / "portal.sqlite3"
        assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{database}"
        assert mode(instance) == 0o700
        for suffix in ("", "-wal", "-shm"):
            assert mode(f"{database}{suffix}") == 0o600, suffix
    finally:
        with app.app_context():
            db.engine.dispose()


def test_an_existing_readable_folder_and_database_are_made_private(tmp_path, usual_umask):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    database = instance / "portal.sqlite3"
    sqlite3.connect(database).close()
    os.chmod(database, 0o644)
    assert mode(instance) == 0o755 and mode(database) == 0o644
    app = _default_database_app(instance)
    with app.app_context():
        db.engine.dispose()
    assert mode(instance) == 0o700 and mode(database) == 0o600


def test_make_run_writes_its_secrets_into_a_private_folder(tmp_path, usual_umask):
    instance = tmp_path / "instance"
    assert write_config(str(instance))
    assert mode(instance) == 0o700 and mode(instance / "config.py") == 0o600
