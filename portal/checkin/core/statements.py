"""Running the check-in statements on the session's connection, so that ORM callers share
their transaction; noting writes, so that a page commits only when it wrote; reading outside a
transaction on PostgreSQL."""
import secrets

from ...extensions import db
from ..models import Visit

#: The visits table, for the statements that write it.
VISITS = Visit.__table__


def new_ref():
    """A random visit reference for URLs (128 bits)."""
    return secrets.token_urlsafe(16)


def run(statement, params):
    """Execute a statement of these rules on the session's connection (a write is noted)."""
    session = db.session
    if statement.is_dml:
        session.info["core_wrote"] = True
    return session.connection().execute(statement, params)


def reading():
    """Start a page that only reads (a GET) outside a transaction on PostgreSQL: no BEGIN and no
    COMMIT, two round trips fewer. Its rare write, the automatic close of an overdue visit, is
    one statement and atomic by itself. SQLite starts no transaction for reads anyway."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def wrote():
    """Whether this session ran a write of these rules since the last time it was asked."""
    return db.session.info.pop("core_wrote", False)
