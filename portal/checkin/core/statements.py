"""Running the check-in statements, compiled once (extensions.execute_compiled), on the request's
statement connection: the session's, so that ORM callers share their transaction, or, on the visitor's pages, one of the
page's own without the session (`reading`, `writing`); noting writes, so that a page commits only
when it wrote."""
import secrets

from flask import g
from sqlalchemy import literal_column

from ... import partitions
from ...extensions import (
    close_page_connection, db, execute_compiled, open_page_connection, page_connection, statement_connection,
)
from ..models import Visit

#: The visits table, for the statements that write it.
VISITS = Visit.__table__


def new_ref():
    """A random visit reference for URLs (128 bits)."""
    return secrets.token_urlsafe(16)


def run(statement, params, writes=None):
    """Execute a statement of these rules on the request's statement connection, compiled once (a
    write is noted: an INSERT, UPDATE or DELETE, or `writes`, a SELECT with writing WITHs);
    returns its rows, fetched."""
    if statement.is_dml if writes is None else writes:
        g.core_wrote = True
    return execute_compiled(statement, params)


def dialect():
    """The name of the database the request's statements run on ("postgresql", "sqlite")."""
    return statement_connection().dialect.name


def partition_horizon(now=None):
    """PostgreSQL: `partitions.horizon(now)`, the first UTC day no visit can have begun on yet;
    None on SQLite, whose visits are one plain table.

    The hot path's statements look for visits begun before it (`begun_before`): written into their
    SQL, it lets their plans leave out the partitions made ahead of time (`partitions.DAYS_AHEAD`),
    which a plan otherwise opens, index by index, at every run (docs/benchmarks.md). A statement is
    built again for each new horizon, once a day."""
    return partitions.horizon(now) if dialect() == "postgresql" else None


def begun_before(visit, day):
    """The conditions that a visit (of the table or an alias, `visit`) began before the start of the
    UTC `day`, none without a day. The day is a literal, so that the planner prunes by it (a
    parameter would leave that to each run)."""
    if day is None:
        return ()
    column = visit.checked_in_at
    return (column < literal_column(f"TIMESTAMP '{day.isoformat()}'", column.type),)


def first_and_rows(statement, params):
    """(the first row, every row) of a page's one look-up, or None when it finds nothing."""
    rows = run(statement, params).all()
    return (rows[0], rows) if rows else None


def hint_columns(hints, visitor_id):
    """The columns `hint_0`, `hint_1`, … of a page's look-up: each `visitor_notices` hint (the
    (receiver, hint) pairs of `signals.notice_hints()`) asked of the person in `visitor_id`."""
    return tuple(hint(visitor_id).label(f"hint_{i}") for i, (_receiver, hint) in enumerate(hints))


def quiet_receivers(hints, rows):
    """The receivers of `hints` whose hint column (`hint_columns`) is false on every one of a
    look-up's rows, for `signals.notices_for(…, quiet=…)`; none without rows."""
    return tuple(receiver for i, (receiver, _hint) in enumerate(hints)
                 if rows and not any(getattr(row, f"hint_{i}") for row in rows))


def reading():
    """Start a page that only reads (the visitor's GET pages) on a connection of its own, in
    autocommit mode on PostgreSQL. Its rare write, the automatic close of an overdue visit, is
    one statement: committed by `commit_page`, by itself on PostgreSQL."""
    open_page_connection(autocommit=True)


def writing():
    """Start a one-tap check-in POST on a connection of its own, in one transaction from the
    person's lock to `commit`; `stop_writing` when the page turns out to be another (a first-time
    registration, whose ORM work needs the session)."""
    open_page_connection()


def stop_writing():
    """Back to the session for the rest of the request; nothing written is kept."""
    close_page_connection()


def commit():
    """Commit the check-in: the page's own connection's transaction, else the session's."""
    _end("commit")


def rollback():
    """Undo what the page's own connection, else the session, did in this transaction."""
    _end("rollback")


def _end(how):
    g.pop("core_wrote", None)
    own = page_connection()
    getattr(own if own is not None else db.session, how)()


def commit_page():
    """Commit what the page wrote through these rules, and the session's changes, if any."""
    if g.get("core_wrote"):
        commit()
    if db.session.registry.has():  # a page on the hot path never opened the session
        session = db.session()
        if session.new or session.dirty or session.deleted:
            session.commit()
