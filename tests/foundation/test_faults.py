"""A sick database gives a clear 503, never a hang, and the portal recovers by itself.

The tests start their own PostgreSQL cluster (initdb, pg_ctl; as the `postgres` account when run
as root) on a free port, then stop it and freeze it with SIGSTOP. The shared server on 5432 is
never touched. Every wait is bounded: a portal that hangs fails the test instead of the suite.
"""
import os
import pwd
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from portal import create_app
from portal.extensions import db

from ..conftest import IsolatedClient, base_config, reset_schema
from ..html import check_page
from ..factories import PASSWORD, Factories

pytestmark = pytest.mark.once

PG_BIN = Path("/usr/lib/postgresql/15/bin")
VISITOR_PAGE = "/c/ACEFHKM"  # a short-code look-up: it reads the database
OWNER_PAGE = "/venues/"
HANG = 120  # seconds after which a request counts as hung (the timeouts below are ~1-2 s)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivatePostgres:
    """A throw-away PostgreSQL cluster in a temporary folder, owned by this test."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="vaora-faults-pg-"))
        self.data, self.port, self.frozen = self.root / "data", _free_port(), []
        if os.geteuid() == 0:  # initdb refuses root: run the server as `postgres`
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]
        else:
            self.prefix = []

    def _run(self, tool, *args):
        subprocess.run([*self.prefix, str(PG_BIN / tool), *args], check=True, timeout=90,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    @property
    def url(self):
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def init(self):
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")

    def start(self):
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c max_connections=20 -c shared_buffers=16MB")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-o", options,
                  "-w", "-t", "60", "start")

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def _postmaster(self):
        pid_file = self.data / "postmaster.pid"
        return int(pid_file.read_text().split()[0]) if pid_file.exists() else None

    def _children(self, parent):
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                    found.append(int(entry.name))
        return found

    def freeze(self):
        """SIGSTOP the server and every backend: they still accept TCP but never answer."""
        postmaster = self._postmaster()
        os.kill(postmaster, signal.SIGSTOP)  # first, so that it forks no new backend
        self.frozen = [postmaster]
        for pid in self._children(postmaster):
            os.kill(pid, signal.SIGSTOP)
            self.frozen.append(pid)

    def thaw(self):
        for pid in reversed(self.frozen):
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        self.frozen = []

    def destroy(self):
        """Thaw, stop at once, kill whatever is left, remove the folder."""
        self.thaw()
        postmaster = self._postmaster()
        try:
            self.stop(mode="immediate")
        except (subprocess.SubprocessError, OSError):
            pass
        if postmaster and Path(f"/proc/{postmaster}").exists():
            os.kill(postmaster, signal.SIGKILL)
        shutil.rmtree(self.root, ignore_errors=True)


def answered(call):
    """`call()` in a thread; fails, instead of hanging the suite, if it has not returned in HANG s."""
    box = {}

    def run():
        try:
            box["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(HANG)
    assert not worker.is_alive(), "the portal did not answer: it hung on the database"
    if "error" in box:
        raise box["error"]
    return box["value"]


@pytest.fixture(scope="module")
def cluster():
    server = PrivatePostgres()
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture
def portal(cluster, tmp_path):
    """(app, the cluster, a visitor's client, a logged-in owner's client) on the private cluster."""
    config = base_config(str(tmp_path), SQLALCHEMY_DATABASE_URI=cluster.url, PORTAL_DB_CONNECT_TIMEOUT=1,
                         PORTAL_DB_QUERY_TIMEOUT=1, PORTAL_DB_POOL_TIMEOUT=1, PORTAL_DB_SOCKET_TIMEOUT=1)
    app = create_app(config)
    app.test_client_class = IsolatedClient

    def read_then_freeze():  # the database stops answering after the request's last query
        db.session.execute(text("SELECT 1"))
        cluster.freeze()
        return "read"

    app.add_url_rule("/_probe/freeze", "probe_freeze", read_then_freeze)
    try:
        reset_schema(app)
        with app.app_context():
            owner = Factories(app).owner(name="Chủ Quán Thử")
            phone = owner.phone
            db.session.remove()
        visitor, owner_client = app.test_client(), app.test_client()
        response = owner_client.post("/auth/login", data={"phone": phone, "password": PASSWORD})
        assert response.status_code == 302
        yield app, cluster, visitor, owner_client
    finally:
        cluster.thaw()
        with app.app_context():
            db.engine.dispose()


def assert_unavailable_page(response, language="vi"):
    html = check_page(response, 503)
    assert f'<html lang="{language}">' in html
    assert response.headers["Retry-After"].isdigit() and int(response.headers["Retry-After"]) > 0
    text = {"vi": "Tạm thời không phục vụ được", "en": "Temporarily unavailable"}[language]
    assert text in html
    assert "Log out" not in html and "Đăng xuất" not in html  # drawn without loading the account
    assert "Traceback" not in html and "Internal Server Error" not in html


def assert_unhealthy(response):
    assert response.status_code == 503 and response.get_json() == {"status": "error", "database": "unavailable"}
    assert response.headers["Retry-After"].isdigit()


def assert_working(visitor, owner):
    assert answered(lambda: owner.get(OWNER_PAGE)).status_code == 200  # still logged in
    assert answered(lambda: visitor.get(VISITOR_PAGE)).status_code == 404  # the database answered
    assert answered(lambda: visitor.get("/healthz")).get_json() == {"status": "ok", "database": "ok"}


def test_a_stopped_database_gives_a_503_page_in_the_users_language_then_recovers(portal):
    app, cluster, visitor, owner = portal
    assert_working(visitor, owner)
    cluster.stop()
    try:
        assert_unavailable_page(answered(lambda: visitor.get(VISITOR_PAGE)))
        assert_unavailable_page(answered(lambda: owner.get(OWNER_PAGE)))
        assert_unavailable_page(answered(lambda: owner.post(OWNER_PAGE + "new", data={"name": "X"})))
        visitor.set_cookie("lang", "en")
        assert_unavailable_page(answered(lambda: visitor.get(VISITOR_PAGE)), language="en")
        visitor.delete_cookie("lang")
        assert_unhealthy(answered(lambda: visitor.get("/healthz")))
    finally:
        cluster.start()
    assert_working(visitor, owner)  # the same app, its pool and the owner's session


def test_a_frozen_database_gives_a_503_instead_of_a_hang_then_recovers(portal):
    app, cluster, visitor, owner = portal
    assert_working(visitor, owner)  # the pool now holds connections that will stop answering
    cluster.freeze()
    try:
        assert_unavailable_page(answered(lambda: owner.get(OWNER_PAGE)))
        assert_unhealthy(answered(lambda: visitor.get("/healthz")))
        assert_unavailable_page(answered(lambda: visitor.get(VISITOR_PAGE)))
    finally:
        cluster.thaw()
    assert_working(visitor, owner)


def test_a_database_that_freezes_as_a_request_ends_does_not_hold_the_thread(portal):
    app, cluster, visitor, owner = portal
    try:
        # The answer is ready; handing the connection back (a ROLLBACK) must not wait for ever.
        assert answered(lambda: visitor.get("/_probe/freeze")).status_code == 200
        assert_unhealthy(answered(lambda: visitor.get("/healthz")))
    finally:
        cluster.thaw()
    assert_working(visitor, owner)


@pytest.fixture
def sqlite_portal(tmp_path):
    """An app on its own SQLite file, with a 0.1 s busy timeout and two probe routes."""
    path = tmp_path / "locked.sqlite3"
    app = create_app(base_config(str(tmp_path), SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}",
                                 PORTAL_SQLITE_BUSY_TIMEOUT_MS=100))
    app.test_client_class = IsolatedClient
    reset_schema(app)

    def write():
        db.session.execute(text("UPDATE users SET failed_logins = failed_logins"))
        db.session.commit()
        return "written"

    app.add_url_rule("/_probe/write", "probe_write", write)
    app.add_url_rule("/_probe/bug", "probe_bug", lambda: str(db.session.execute(text("SELECT * FROM no_such_table"))))
    yield app, path
    with app.app_context():
        db.engine.dispose()
    create_app(base_config(str(tmp_path)))  # the busy timeout is process-wide: put the usual one back


def test_a_locked_sqlite_database_gives_the_503_page_and_a_bug_stays_a_bug(sqlite_portal):
    app, path = sqlite_portal
    client = app.test_client()
    assert client.get("/_probe/write").status_code == 200
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock past the busy timeout
    try:
        assert_unavailable_page(client.get("/_probe/write"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert client.get("/_probe/write").status_code == 200
    with pytest.raises(OperationalError, match="no such table"):  # not dressed up as a 503
        client.get("/_probe/bug")


def test_timeouts_are_settings_passed_to_the_driver_and_pool(portal):
    app = portal[0]
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_timeout"] == 1 and options["pool_pre_ping"] is False  # the socket is asked instead
    args = options["connect_args"]
    assert args["connect_timeout"] == 1 and args["tcp_user_timeout"] == 1000 and args["keepalives"] == 1
    with app.app_context():
        with db.engine.connect() as conn:  # outside a request: no answer deadline (long jobs)
            raw = conn.connection.driver_connection
            assert type(raw).__name__ == "AnswerBoundedConnection" and raw.answer_timeout == 1
            assert re.search(r"\btcp_user_timeout=1000\b", raw.info.dsn)


def test_pooled_connections_whose_backends_ended_are_replaced_without_an_error(portal):
    """No `SELECT 1` before each request: a pooled connection the server has closed is found by
    its socket and replaced, so the next request of every kind still answers."""
    app, cluster, visitor, owner = portal
    assert_working(visitor, owner)  # the pool now holds connections
    with app.app_context():
        pooled = db.engine.pool.checkedin()
        with db.engine.connect() as conn:
            before = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    assert pooled >= 1
    with psycopg.connect(cluster.url.replace("+psycopg", ""), autocommit=True) as admin:
        ended = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                              "AND backend_type = 'client backend'").fetchone()[0]
    assert ended >= 1
    time.sleep(0.2)  # the backends' goodbyes reach the pooled sockets
    assert_working(visitor, owner)
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != before
