"""Which connection a request's SQL statements run on: the session's, asked once per transaction,
or one of the page's own without the session (the visitor's check-in pages)."""
from flask import g
from sqlalchemy import event

from .database import RoutingSession, db


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
