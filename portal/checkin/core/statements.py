"""Running the check-in statements: on the session's connection, so that ORM callers share their
transaction, or, for a page that only reads (`reading`), on a pooled connection of its own
without the session; noting writes, so that a page commits only when it wrote."""
import secrets

from flask import g
from sqlalchemy import event

from ...extensions import RoutingSession, db
from ..models import Visit

#: The visits table, for the statements that write it.
VISITS = Visit.__table__


def new_ref():
    """A random visit reference for URLs (128 bits)."""
    return secrets.token_urlsafe(16)


def run(statement, params):
    """Execute a statement of these rules on the page's own connection (`reading`), else on the
    session's (a write is noted either way)."""
    reader = g.get("core_reader")
    if reader is not None:
        if statement.is_dml:
            g.core_reader_wrote = True
        return reader.execute(statement, params)
    session = db.session()
    info = session.info
    if statement.is_dml:
        info["core_wrote"] = True
    connection = info.get("core_connection")
    if connection is None:
        # Asked once per transaction: the session's own look-up (bind, transaction state) costs
        # more than a simple statement's execution.
        connection = info["core_connection"] = session.connection()
    return connection.execute(statement, params)


@event.listens_for(RoutingSession, "after_transaction_end")
def _forget_connection(session, _transaction):
    """A commit, rollback or close ends the transaction the remembered connection served."""
    session.info.pop("core_connection", None)


def reading():
    """Start a page that only reads (the visitor's GET pages): its statements run on a pooled
    connection of its own, without the ORM session (whose begin, connection look-up and removal
    cost more than a statement). On PostgreSQL it is in autocommit mode: no BEGIN and no
    ROLLBACK, two round trips fewer. The page's rare write, the automatic close of an overdue
    visit, is one statement: committed by `commit_page`, by itself on PostgreSQL. ORM work of the
    same request (a page off the hot path) uses the session as before, and only reads."""
    connection = db.engine.connect()
    if connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="AUTOCOMMIT")
    g.core_reader = connection


def end_reading(_exc=None):
    """teardown: give the page's own connection back to the pool (what it did not commit is
    rolled back)."""
    reader = g.pop("core_reader", None)
    if reader is not None:
        g.pop("core_reader_wrote", None)
        reader.close()


def commit_page():
    """Commit what the page wrote through these rules and the session's changes, if any."""
    if g.pop("core_reader_wrote", False):
        g.core_reader.commit()
    if db.session.registry.has():  # a page on the hot path never opened the session
        session = db.session()
        if session.info.pop("core_wrote", False) or session.new or session.dirty or session.deleted:
            session.commit()
