"""Visits and checkpoint crossings partitioned by UTC day on PostgreSQL (SQLite keeps plain tables).

Each partitioned table has one partition per UTC day, named `<table>_pYYYYMMDD`, and a default
partition `<table>_default` that catches rows outside the days created. `ensure(days_ahead)` makes
the partitions from yesterday to `days_ahead` days ahead; `flask db upgrade` (migration 0020) and
the daily `flask data partitions` call it. The retention purge drops a whole day's partition once
the entire day is older than the cutoff (`drop_before`), then deletes what is left row by row.

What a partitioned table cannot declare, and how it is kept:
- The primary key includes the partition column: (id, checked_in_at). `id` still comes from one
  sequence, so it stays unique.
- A unique constraint must include the partition column, so `visits.nonce` and `visits.ref` are
  unique per partition (one UTC day) through local unique indexes on every partition. A form's
  nonce is replayed within seconds, on the same day; a ref is 128 random bits. A double-tap
  exactly across midnight UTC (07:00 in Hồ Chí Minh City) would not meet the index, but it does meet
  the lock on the person every check-in takes first.
- No foreign key may point at a partitioned table by `id` alone: `visits.lead_visit_id` (a
  dependent's visit -> their lead's) has no foreign key on PostgreSQL. A household's visits begin
  together, so they share a partition and are dropped together; before a partition goes, links
  into it from later days are cleared, as the row-by-row purge does.

A statement's plan opens every partition it may search, those made ahead of time too. The
check-in's hot path searches only visits begun before the day after tomorrow, written into its SQL
(`horizon`), so its plans leave those partitions out.

Everything here runs plain SQL on the connection it is given, and does nothing on SQLite.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import text

#: Partitioned tables: their partition column, and the columns unique within each partition.
TABLES = {
    "visits": ("checked_in_at", ("nonce", "ref")),
    "crossings": ("crossed_at", ()),
}
#: Partitions created ahead by default (the daily timer keeps a week in hand).
DAYS_AHEAD = 7
_NAME = re.compile(r"^(?P<table>[a-z_]+)_(?:p(?P<day>\d{8})|default)$")


def is_partition(name):
    """True for the name of a partition (`visits_p20261204`, `visits_default`) of a partitioned table."""
    found = _NAME.match(name or "")
    return bool(found) and found["table"] in TABLES


def utc_today():
    return datetime.now(timezone.utc).date()


def horizon(now=None):
    """The first UTC day no row can have begun on yet: the day after tomorrow of the later of today
    and `now` (a day in hand for a host whose clock runs ahead). A statement bounded by it, written
    into its SQL (`checkin.core.statements.begun_before`), leaves the partitions made ahead of time
    out of its plan."""
    today = utc_today()
    if now is not None:
        today = max(today, _naive_utc(now).date())
    return today + timedelta(days=2)


def applies(conn):
    return conn.dialect.name == "postgresql"


def _bounds(day):
    """[start, end) of a UTC day as naive UTC datetimes: the columns hold naive UTC times."""
    start = datetime.combine(day, time(0))
    return start, start + timedelta(days=1)


def _naive_utc(moment):
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def _partition_name(table, day):
    return f"{table}_p{day:%Y%m%d}"


def is_partitioned(conn, table):
    """Whether `table` is a partitioned table in this PostgreSQL database."""
    return bool(conn.execute(text(
        "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "WHERE c.relname = :t AND c.relnamespace = current_schema()::regnamespace"), {"t": table}).scalar())


def days_of(conn, table):
    """The UTC days that have a partition of `table`, in order."""
    names = conn.execute(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = :t AND p.relnamespace = current_schema()::regnamespace"),
        {"t": table}).scalars()
    days = []
    for name in names:
        found = _NAME.match(name)
        if found and found["day"]:
            days.append(datetime.strptime(found["day"], "%Y%m%d").date())
    return sorted(days)


def _local_unique_indexes(conn, table, partition):
    for column in TABLES[table][1]:
        conn.execute(text(f'CREATE UNIQUE INDEX IF NOT EXISTS "uq_{partition}_{column}" ON "{partition}" ({column})'))


def create_day(conn, table, day):
    """Create the partition of `table` for a UTC day (moving its rows out of the default partition).

    Returns True when it was created, False when it existed.
    """
    name = _partition_name(table, day)
    if day in days_of(conn, table):
        return False
    column = TABLES[table][0]
    start, end = _bounds(day)
    conn.execute(text(f'CREATE TABLE "{name}" (LIKE "{table}" INCLUDING DEFAULTS)'))
    _local_unique_indexes(conn, table, name)
    # Rows of that day that arrived before the partition existed wait in the default partition.
    conn.execute(text(
        f'WITH moved AS (DELETE FROM "{table}_default" WHERE {column} >= :start AND {column} < :end RETURNING *) '
        f'INSERT INTO "{name}" SELECT * FROM moved'), {"start": start, "end": end})
    conn.execute(text(
        f"ALTER TABLE \"{table}\" ATTACH PARTITION \"{name}\" FOR VALUES FROM ('{start:%Y-%m-%d %H:%M:%S}') "
        f"TO ('{end:%Y-%m-%d %H:%M:%S}')"))
    return True


@dataclass
class Ensured:
    """What `ensure` did for one table: the days created and the rows waiting in the default partition."""

    table: str
    created: list
    in_default: int


def ensure(conn, today, days_ahead=DAYS_AHEAD):
    """Create every missing partition from yesterday to `days_ahead` days after `today` (UTC dates)."""
    if not applies(conn):
        return []
    done = []
    for table in TABLES:
        if not is_partitioned(conn, table):
            continue
        created = [day for day in (today + timedelta(days=n) for n in range(-1, days_ahead + 1))
                   if create_day(conn, table, day)]
        in_default = conn.execute(text(f'SELECT count(*) FROM "{table}_default"')).scalar()
        done.append(Ensured(table, created, in_default))
    return done


@dataclass
class Dropped:
    table: str
    day: date
    rows: int


def drop_before(conn, cutoff):
    """Detach and drop the oldest day partition whose whole day is before `cutoff`: a list of the
    one dropped, or an empty list when none is left. Commit after each call (it locks the table)."""
    if not applies(conn):
        return []
    gone = []
    cutoff = _naive_utc(cutoff)
    for table, (column, _unique) in TABLES.items():
        if not is_partitioned(conn, table):
            continue
        for day in days_of(conn, table):
            start, end = _bounds(day)
            if end > cutoff:
                continue
            name = _partition_name(table, day)
            # The parent first, for the milliseconds this takes: a check-in holding the parent
            # while a partition's lock is asked for would otherwise deadlock with the detach.
            conn.execute(text(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE'))
            rows = conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar()
            if table == "visits":  # links from later days into this one (a lead checked in earlier)
                conn.execute(text(
                    f'UPDATE visits SET lead_visit_id = NULL WHERE lead_visit_id IN (SELECT id FROM "{name}") '
                    f"AND {column} >= :end"), {"end": end})
            conn.execute(text(f'ALTER TABLE "{table}" DETACH PARTITION "{name}"'))
            conn.execute(text(f'DROP TABLE "{name}"'))
            gone.append(Dropped(table, day, rows))
            return gone  # one day per transaction: the caller commits and asks again
    return gone


def _layout(conn, table):
    """(indexes, constraints, sequence) of `table`: [(name, definition)], [(name, kind, definition,
    points at itself)] and the name of its id sequence (None without one)."""
    indexes = conn.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :t AND schemaname = current_schema()"),
        {"t": table}).all()
    constraints = conn.execute(text(
        "SELECT conname, contype, pg_get_constraintdef(oid), confrelid = conrelid FROM pg_constraint "
        "WHERE conrelid = CAST(:t AS regclass)"), {"t": table}).all()
    sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}).scalar()
    return indexes, constraints, sequence


def partition_table(conn, table, today, days_ahead=DAYS_AHEAD):
    """Turn the plain table `table` into one partitioned by day, keeping its rows, sequence,
    indexes and foreign keys (except one pointing at itself). Used by migration 0020."""
    column, unique = TABLES[table]
    old = f"{table}_unpartitioned"
    indexes, constraints, sequence = _layout(conn, table)
    conn.execute(text(f'ALTER TABLE "{table}" RENAME TO "{old}"'))
    for name, kind, _definition, _self in constraints:
        if kind in ("f", "u"):
            conn.execute(text(f'ALTER TABLE "{old}" DROP CONSTRAINT "{name}"'))
        elif kind == "p":
            conn.execute(text(f'ALTER TABLE "{old}" RENAME CONSTRAINT "{name}" TO "{name}_unpartitioned"'))
    kept_indexes = [(name, definition) for name, definition in indexes
                    if not any(name == c[0] for c in constraints)]
    for name, _definition in kept_indexes:
        conn.execute(text(f'DROP INDEX "{name}"'))
    if sequence:
        conn.execute(text(f"ALTER SEQUENCE {sequence} OWNED BY NONE"))
    conn.execute(text(f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS) PARTITION BY RANGE ({column})'))
    conn.execute(text(f'ALTER TABLE "{table}" ADD CONSTRAINT "pk_{table}" PRIMARY KEY (id, {column})'))
    for name, kind, definition, pointing_at_itself in constraints:
        if kind == "f" and not pointing_at_itself:
            conn.execute(text(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'))
    for _name, definition in kept_indexes:
        conn.execute(text(definition))
    conn.execute(text(f'CREATE TABLE "{table}_default" PARTITION OF "{table}" DEFAULT'))
    _local_unique_indexes(conn, table, f"{table}_default")
    conn.execute(text(f'INSERT INTO "{table}" SELECT * FROM "{old}"'))
    conn.execute(text(f'DROP TABLE "{old}"'))
    if sequence:
        conn.execute(text(f"ALTER SEQUENCE {sequence} OWNED BY \"{table}\".id"))
    # A partition for each day that has rows, then the days ahead.
    for (day,) in conn.execute(text(
            f"SELECT DISTINCT CAST({column} AS date) FROM \"{table}_default\" ORDER BY 1")).all():
        create_day(conn, table, day)
    for n in range(-1, days_ahead + 1):
        create_day(conn, table, today + timedelta(days=n))


def unpartition_table(conn, table):
    """Turn a partitioned table back into a plain one (the migration's downgrade)."""
    column, unique = TABLES[table]
    old = f"{table}_partitioned"
    indexes, constraints, sequence = _layout(conn, table)
    constraints = [c for c in constraints if c[1] == "f"]
    if sequence:
        conn.execute(text(f"ALTER SEQUENCE {sequence} OWNED BY NONE"))
    conn.execute(text(f'ALTER TABLE "{table}" RENAME TO "{old}"'))
    for name, _definition in indexes:
        if name != f"pk_{table}":
            conn.execute(text(f'DROP INDEX IF EXISTS "{name}"'))
    conn.execute(text(f'ALTER TABLE "{old}" RENAME CONSTRAINT "pk_{table}" TO "pk_{table}_partitioned"'))
    for name, _kind, _definition, _self in constraints:
        conn.execute(text(f'ALTER TABLE "{old}" DROP CONSTRAINT "{name}"'))
    conn.execute(text(f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS)'))
    conn.execute(text(f'INSERT INTO "{table}" SELECT * FROM "{old}"'))
    conn.execute(text(f'DROP TABLE "{old}" CASCADE'))
    conn.execute(text(f'ALTER TABLE "{table}" ADD CONSTRAINT "pk_{table}" PRIMARY KEY (id)'))
    for name, _kind, definition, _self in constraints:
        conn.execute(text(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'))
    for name, definition in indexes:
        if name != f"pk_{table}" and not name.startswith(f"uq_{table}_"):
            conn.execute(text(definition))
    for column_name in unique:
        conn.execute(text(f'ALTER TABLE "{table}" ADD CONSTRAINT "uq_{table}_{column_name}" UNIQUE ({column_name})'))
    if table == "visits":
        conn.execute(text('ALTER TABLE visits ADD CONSTRAINT "fk_visits_lead_visit_id_visits" '
                          "FOREIGN KEY (lead_visit_id) REFERENCES visits (id)"))
    if sequence:
        conn.execute(text(f"ALTER SEQUENCE {sequence} OWNED BY \"{table}\".id"))
