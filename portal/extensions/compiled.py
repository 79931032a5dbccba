"""Statements compiled once per process and run on the DBAPI cursor of a SQLAlchemy connection:
the check-in's hot path.

`Connection.execute` works out, at every run, the statement's cache key (a walk of the whole
statement), an execution context, its parameters and a result's metadata: about 40 µs a
statement on the machines of docs/benchmarks.md, four times what SQLite takes to answer a
look-up by key. `execute_compiled` here keeps, per statement and dialect, what does not change between
runs: the SQL text, the order of the parameters with their defaults and converters, and the
result columns' converters. What SQLAlchemy does around the cursor stays: the connection's
transaction begins as it would by itself, `before_cursor_execute`/`after_cursor_execute`
listeners are told (the statement-count tests use them), and a driver's error is raised as
SQLAlchemy's (an IntegrityError, a disconnection that invalidates the pooled connection).

A statement whose text depends on its parameters (an expanding IN) runs through SQLAlchemy.
SQLAlchemy's `echo` does not log these statements; a `before_cursor_execute` listener sees them.
"""
import weakref
from collections import namedtuple
from typing import NamedTuple

from .connections import statement_connection


class Rows(list):
    """The rows of a statement, fetched: what the callers use of SQLAlchemy's Result."""

    __slots__ = ()

    def first(self):
        return self[0] if self else None

    def scalar(self):
        return self[0][0] if self else None

    def all(self):
        return self

    def scalars(self):
        return [row[0] for row in self]


class _Parameter(NamedTuple):
    name: str
    default: object
    required: bool
    convert: object  # the type's bind processor, or None


class _Plan:
    """What a statement's runs share on one dialect."""

    __slots__ = ("sql", "parameters", "positional", "columns", "row", "converters")

    def __init__(self, compiled, statement, dialect):
        self.sql = compiled.string
        binds = compiled.binds
        self.positional = dialect.positional
        self.parameters = []
        for name in compiled.positiontup if self.positional else binds:
            bind = binds[name]
            self.parameters.append(_Parameter(name, None if bind.required else bind.effective_value, bind.required,
                                              bind.type.dialect_impl(dialect).bind_processor(dialect)))
        self.columns = list(statement.exported_columns) if statement.is_select or statement.is_dml else []
        self.row = namedtuple("Row", [column.key for column in self.columns]) if self.columns else None
        self.converters = None  # set at the first answer (convert_for)

    def arguments(self, params):
        found = []
        for name, default, required, convert in self.parameters:
            value = params[name] if required or name in params else default
            found.append(value if convert is None else convert(value))
        if self.positional:
            return tuple(found)
        return {p.name: value for p, value in zip(self.parameters, found)}

    def convert_for(self, description, dialect):
        """Take the result columns' converters, once: they may depend on the type code described."""
        self.converters = [column.type.dialect_impl(dialect).result_processor(dialect, described[1])
                           for column, described in zip(self.columns, description)]

    def rows(self, fetched):
        make, converters = self.row._make, self.converters
        if not any(converters):
            return Rows(map(make, fetched))
        return Rows(make([value if convert is None else convert(value) for convert, value in zip(converters, raw)])
                    for raw in fetched)


def _plan(statement, dialect):
    """The statement's _Plan, or False when its SQL text is not the same at every run (an
    expanding IN, a literal rendered at execution) or its parameters are renamed in it."""
    compiled = statement.compile(dialect=dialect)
    if compiled.post_compile_params or compiled.literal_execute_params or compiled.escaped_bind_names:
        return False
    return _Plan(compiled, statement, dialect)


_plans = {}
#: Plans kept at most: callers pass statements built once (`functools.cache`), a few dozen; a
#: statement built anew for each request would run through SQLAlchemy instead of growing this.
#: A statement's plan goes when the statement does (one rebuilt each day, dropped by its cache).
PLANS_KEPT = 1000


def execute_compiled(statement, params, connection=None):
    """Run `statement` (built once and kept by the caller) with `params` on `connection`, by
    default the request's statement connection; returns Rows of named tuples, or SQLAlchemy's
    result for a statement that cannot be compiled once."""
    if connection is None:
        connection = statement_connection()
    dialect = connection.dialect
    key = (id(statement), dialect.name)
    plan = _plans.get(key)
    if plan is None:
        if len(_plans) >= PLANS_KEPT:
            return connection.execute(statement, params)
        plan = _plans[key] = _plan(statement, dialect)
        # Forgotten with the statement, before its id can be another's.
        weakref.finalize(statement, _plans.pop, key, None).atexit = False
    if plan is False:
        return connection.execute(statement, params)
    return _run(connection, plan, plan.arguments(params), dialect)


def _run(connection, plan, arguments, dialect):
    if not connection.in_transaction():
        connection.begin()  # what SQLAlchemy's autobegin does before a statement
    cursor = connection.connection.cursor()
    sql, fetched = plan.sql, None
    try:
        told = connection._has_events or connection.engine._has_events  # noqa: SLF001 (as Connection does)
        if told:
            for listener in connection.dispatch.before_cursor_execute:
                sql, arguments = listener(connection, cursor, sql, arguments, None, False)
        cursor.execute(sql, arguments)
        if told:
            connection.dispatch.after_cursor_execute(connection, cursor, sql, arguments, None, False)
        if plan.row is not None:
            fetched = cursor.fetchall()
            if plan.converters is None:  # psycopg builds the description's objects at every ask
                plan.convert_for(cursor.description, dialect)
    except BaseException as error:
        if isinstance(error, Exception) and not isinstance(error, dialect.loaded_dbapi.Error):
            raise
        # The driver's error raised as SQLAlchemy's, a lost connection invalidated, as Connection does.
        connection._handle_dbapi_exception(error, sql, arguments, cursor, None)  # noqa: SLF001
    finally:
        cursor.close()
    return Rows() if fetched is None else plan.rows(fetched)
