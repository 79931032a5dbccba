"""Extension objects, created unbound and registered by create_app."""
import functools
import logging
import select
import threading

from flask import g
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as _Session
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The bind key of the read-only copy that heavy report pages read from (PORTAL_REPORTS_DATABASE_URL).
REPORTS_BIND = "reports"


class RoutingSession(_Session):
    """The portal's session: inside a request marked with `reads_from_replica`, plain SELECTs go to
    the reports database (a streaming replica) when one is configured; every write, every flush and
    everything outside such a request goes to the primary."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and not self._flushing and _replica_wanted():
            replica = self._db.engines.get(REPORTS_BIND)
            if replica is not None and (clause is None or getattr(clause, "is_select", False)):
                return replica
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def statement_connection():
    """The connection a request's SQL statements run on: the page's own (`open_page_connection`)
    when it has one, else the session's. The session's is asked once per transaction and kept
    (forgotten when the transaction ends): its look-up costs more than a simple statement."""
    own = g.get("page_connection")
    if own is not None:
        return own
    session = db.session()
    info = session.info
    found = info.get("statement_connection")
    if found is None:
        found = info["statement_connection"] = session.connection()
    return found


@event.listens_for(RoutingSession, "after_transaction_end")
def _forget_statement_connection(session, _transaction):
    """A commit, rollback or close ends the transaction the kept connection served."""
    session.info.pop("statement_connection", None)


def open_page_connection(autocommit=False):
    """Give this request a pooled connection of its own for its statements, without the ORM
    session (whose begin, connection look-up and removal cost more than a statement): the
    visitor's check-in pages. `autocommit` on PostgreSQL: no BEGIN and no ROLLBACK. The ORM work
    of the same request, if any, uses the session; it must only read, or it would wait on
    this connection's locks."""
    connection = db.engine.connect()
    if autocommit and connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="AUTOCOMMIT")
    g.page_connection = connection
    return connection


def page_connection():
    """This request's own connection, or None."""
    return g.get("page_connection")


def close_page_connection(_exc=None):
    """Give the request's own connection back to the pool; what it did not commit is rolled back
    (a teardown, and for a page that leaves the hot path)."""
    connection = g.pop("page_connection", None)
    if connection is not None:
        connection.close()


def _replica_wanted():
    from flask import g, has_app_context

    return has_app_context() and g.get("portal_read_replica", False)


def reads_from_replica(view):
    """Mark a read-only page or export: its SELECTs may read a replica a few seconds behind the
    primary. The role guard (put this under it) loads the account from the primary, so a logout or
    a removed account takes effect at once; the page's writes (audit entries) go to the primary."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        from flask import g

        g.portal_read_replica = True
        try:
            return view(*args, **kwargs)
        finally:
            g.portal_read_replica = False

    return wrapped


db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION),
                session_options={"class_": RoutingSession})
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()

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


def _client_ip():
    from flask import request

    return request.remote_addr or "unknown"


# Counters live in Redis when PORTAL_RATELIMIT_STORAGE_URL points there, in memory otherwise.
from flask_limiter import Limiter  # noqa: E402
from limits.storage import MemoryStorage  # noqa: E402


class ProcessMemoryStorage(MemoryStorage):
    """`limits`' in-memory counters, swept for expired keys once a second instead of 100 times.

    The library starts a timer thread 10 ms after any counting and that thread walks every key:
    at check-in rates that is a new thread every 10 ms per worker and a walk over one key per
    device seen. Expired counters are already ignored when read; the sweep only frees memory.
    URL: `portal-memory://`.
    """

    STORAGE_SCHEME = ["portal-memory"]
    SWEEP_SECONDS = 1.0

    def _MemoryStorage__schedule_expiry(self):  # replaces the library's private scheduler
        if not self.timer.is_alive():
            self.timer = threading.Timer(self.SWEEP_SECONDS, self._MemoryStorage__expire_events)
            self.timer.daemon = True
            self.timer.start()


limiter = Limiter(key_func=_client_ip, default_limits=[], headers_enabled=False)


def spare_blueprints(app, names):
    """Run Flask-Limiter's and Flask-Login's per-request hooks for every page except those of the
    blueprints `names`: the visitor's check-in pages, which log nobody in and count their own
    limits in one evaluation (checkin/limits.py). Those hooks cost about a fifth of a bare
    portal request (measured on /healthz)."""
    from flask import request

    owners = (limiter, login_manager)

    def owned(hook):
        bound = getattr(hook, "__self__", None) or (hook.args[0] if isinstance(hook, functools.partial) and hook.args
                                                    else None)
        return bound in owners

    def before(hook):
        return lambda: None if request.blueprint in names else hook()

    def after(hook):
        return lambda response: response if request.blueprint in names else hook(response)

    def teardown(hook):
        return lambda exc: None if request.blueprint in names else hook(exc)

    for funcs, wrap in ((app.before_request_funcs, before), (app.after_request_funcs, after),
                        (app.teardown_request_funcs, teardown)):
        funcs[None] = [wrap(hook) if owned(hook) else hook for hook in funcs.get(None, [])]
