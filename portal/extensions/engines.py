"""Settings of the engines' connections: SQLite's pragmas and checkpoint; PostgreSQL's pooled
connections checked by their socket and its answers bounded in time during a request."""
import functools
import logging
import select

from sqlalchemy import event
from sqlalchemy.engine import Engine

from .database import db

_sqlite_busy_timeout_ms = 10000


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL lets readers and one writer work at once; the busy timeout makes writers wait, not fail."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode: a commit does not wait for fsync (the WAL is synced at checkpoints), so
    # the database stays consistent after a crash, but a power cut may lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(_sqlite_busy_timeout_ms)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted rows are overwritten with zeros, so a purged visitor's ciphertext and look-up
    # hashes do not survive in free space of the file (or of the WAL the purge checkpoints).
    cursor.execute("PRAGMA secure_delete=ON")
    # Reads through a memory map of the file (shared by every worker through the OS page cache)
    # instead of a read() per page, and a larger private cache: about 5% less CPU per check-in.
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.execute("PRAGMA cache_size=-32768")
    cursor.close()


def configure_sqlite(app):
    """Take the busy timeout from the app's configuration."""
    global _sqlite_busy_timeout_ms
    _sqlite_busy_timeout_ms = app.config["PORTAL_SQLITE_BUSY_TIMEOUT_MS"]


def checkpoint_sqlite():
    """Copy SQLite's write-ahead log into the database file and truncate it; None elsewhere.

    Until then the -wal file keeps earlier copies of every changed page, purged rows included;
    secure_delete (set on every connection) has already zeroed them in the new pages. Returns
    True when the log was emptied, False when readers kept it busy (the next run retries).
    """
    if db.engine.dialect.name != "sqlite":
        return None
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        busy, _frames, _copied = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    return not busy


def drop_closed_postgresql_connections(app):
    """Check each pooled PostgreSQL connection as it is taken, without a round trip: a server
    that restarted or ended the backend has sent an error and closed the socket, so an idle
    connection with anything to read, or one psycopg knows is closed, is discarded and the pool
    connects afresh (SQLAlchemy retries the checkout). It replaces `pool_pre_ping`'s `SELECT 1`,
    one round trip more for every request. A host that vanished without closing the socket
    is found by the answer deadline and the TCP timeouts, as the ping would have been."""
    with app.app_context():
        engines = [e for e in db.engines.values() if e.dialect.name == "postgresql"]
    for engine in engines:
        event.listen(engine, "checkout", _closed_or_talking)


def _closed_or_talking(dbapi_connection, _record, _proxy):
    from sqlalchemy.exc import DisconnectionError

    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("the connection is closed")
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    if poller.poll(0):  # an idle connection has nothing to say unless the server is leaving
        raise DisconnectionError("the server sent something to an idle connection (a shutdown)")


def bound_postgresql_answers(app):
    """Make PostgreSQL connections give up on an answer after PORTAL_DB_QUERY_TIMEOUT in a request.

    libpq has no read timeout: a frozen server (SIGSTOP, a stuck host on loopback) acknowledges
    TCP and keeps a thread waiting for ever. psycopg waits for every answer (a statement, a
    fetch, a commit, the pool's ping) in `Connection.wait`, which takes a deadline; the
    connection is closed when it passes, so SQLAlchemy discards it as disconnected. Commands
    run outside requests (migrations, reports, the purge) keep waiting, as they may be long.
    """
    seconds = app.config["PORTAL_DB_QUERY_TIMEOUT"]
    with app.app_context():
        engine = db.engine
        engines = [e for e in db.engines.values() if e.dialect.name == "postgresql"]
    if engine.dialect.name != "postgresql" or not seconds:
        return
    connection_class = _answer_bounded_connection()

    def connect(dialect, connection_record, cargs, cparams):
        connection = connection_class.connect(*cargs, **cparams)
        connection.answer_timeout = float(seconds)
        return connection

    for bounded in engines:  # the primary, and the reports replica when there is one
        event.listen(bounded, "do_connect", connect)

    @app.teardown_request
    def release_connection(exc):
        # Flask-SQLAlchemy hands the connection back (a ROLLBACK) only once the request is
        # gone: ended here, that ROLLBACK is bounded too and cannot hold the thread.
        if not db.session.registry.has():  # the page ran on a connection of its own, or none
            return
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - a dead connection is discarded; the answer is already made
            logging.getLogger(__name__).warning("database: the request's rollback failed")


@functools.cache
def _answer_bounded_connection():
    """psycopg's Connection with a deadline on each wait during a request (imported on first use)."""
    import psycopg
    from flask import has_request_context

    class AnswerBoundedConnection(psycopg.Connection):
        answer_timeout = None

        def wait(self, gen, *args, **kwargs):
            bounded = self.answer_timeout and len(args) < 2 and "timeout" not in kwargs
            if not (bounded and has_request_context()):
                return super().wait(gen, *args, **kwargs)
            try:
                return super().wait(gen, *args, timeout=self.answer_timeout, **kwargs)
            except psycopg.errors._WaitTimeout:  # psycopg's "deadline passed" (pinned version)
                # The answer may still arrive later: this connection must never be read again.
                self.close()
                raise psycopg.OperationalError(
                    f"the database did not answer within {self.answer_timeout:g} s"
                ) from None

    return AnswerBoundedConnection
