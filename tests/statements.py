"""Counting the SQL statements a request runs (the hot path's budget, the lists' N+1 guard)."""
import contextlib

from sqlalchemy import event

from portal.extensions import db


@contextlib.contextmanager
def statements():
    """Yield a list that fills with the first word (SELECT, INSERT …) of each statement run."""
    seen = []

    def record(conn, cursor, statement, params, context, executemany):
        seen.append(statement.split()[0].upper())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
