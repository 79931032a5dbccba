"""Backups that restore: a consistent copy of the whole database while check-ins go on.

SQLite: the online backup API copies the database page by page inside one read transaction; in
WAL mode writers keep going and the copy is the database as of the moment it started.
PostgreSQL: `pg_dump --format=custom` reads from one snapshot, and `pg_restore` loads it into an
empty database in one transaction. The client tools come from Debian's `postgresql-client`.

A backup holds the encrypted personal data, the look-up hashes and the audit log: without
`PORTAL_DATA_KEY` it is unreadable, with it it is everything. It is written readable by its owner
only, and never over an existing file.
"""
import os
import shutil
import sqlite3
import subprocess

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

#: How long pg_dump or pg_restore may run before it is stopped (seconds).
PG_TOOL_TIMEOUT = 6 * 3600


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why, for the operator."""


def backup(engine, dest):
    """Copy the database behind `engine` to the new file `dest`; returns the bytes written."""
    if os.path.exists(dest):
        raise BackupError(f"{dest} already exists: choose a new file name, a backup never overwrites one.")
    parent = os.path.dirname(os.path.abspath(dest))
    if not os.path.isdir(parent):
        raise BackupError(f"The folder {parent} does not exist.")
    url = engine.url
    if url.get_backend_name() == "sqlite":
        _sqlite_backup(_sqlite_path(url), dest)
    elif url.get_backend_name() == "postgresql":
        _run_pg("pg_dump", url, ["--format=custom", "--no-owner", "--no-privileges", f"--file={dest}"], dest)
    else:
        raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")
    os.chmod(dest, 0o600)
    return os.path.getsize(dest)


def restore(engine, src):
    """Restore the backup file `src` into the empty database behind `engine`."""
    if not os.path.isfile(src):
        raise BackupError(f"{src} is not a file.")
    url = engine.url
    tables = inspect(engine).get_table_names()
    engine.dispose()  # the restore writes through its own connection
    if tables:
        raise BackupError("The database is not empty (it has tables): restore only into a new, empty "
                          "database, so that nothing is mixed or lost.")
    if url.get_backend_name() == "sqlite":
        _sqlite_restore(src, _sqlite_path(url))
    elif url.get_backend_name() == "postgresql":
        _run_pg("pg_restore", url, ["--no-owner", "--no-privileges", "--single-transaction",
                                    "--exit-on-error", src])
    else:
        raise BackupError(f"Restores into {url.get_backend_name()} databases are not supported.")


def _sqlite_path(url):
    path = url.database
    if not path or path == ":memory:":
        raise BackupError("This SQLite database lives in memory: there is no file to back up or restore.")
    return path


def _sqlite_backup(path, dest):
    source = sqlite3.connect(path)
    target = sqlite3.connect(dest)
    try:
        source.backup(target)  # one read transaction: a consistent copy while writers go on
    except sqlite3.Error as exc:
        raise BackupError(f"The SQLite backup failed: {exc}") from exc
    finally:
        target.close()
        source.close()


def _sqlite_restore(src, path):
    source = sqlite3.connect(src)
    try:
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{src} is damaged: SQLite's check of it failed.")
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            target.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{src} is not a SQLite backup: {exc}") from exc
    finally:
        source.close()
    os.chmod(path, 0o600)


def _pg_environment(url):
    """libpq's variables for this URL: the password never appears on a command line."""
    url = make_url(str(url.render_as_string(hide_password=False)))
    env = dict(os.environ)
    for name, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                        ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[name] = str(value)
    return env


def _run_pg(tool, url, args, partial=None):
    program = shutil.which(tool)
    if program is None:
        raise BackupError(f"{tool} is not installed: install PostgreSQL's client tools of the server's "
                          "version (Debian: apt-get install postgresql-client).")
    env = _pg_environment(url)
    command = [program, *args]
    if tool == "pg_restore":
        command.insert(1, f"--dbname={env.get('PGDATABASE', '')}")
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=PG_TOOL_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        _remove(partial)
        raise BackupError(f"{tool} took longer than {PG_TOOL_TIMEOUT} seconds and was stopped.") from exc
    if done.returncode != 0:
        _remove(partial)
        raise BackupError(f"{tool} failed: {done.stderr.strip()[-2000:]}")


def _remove(path):
    if path and os.path.exists(path):
        os.remove(path)
