"""Retention: delete visits, checkpoint crossings, warnings and visitor profiles older than the retention period.

Each function deletes one bounded chunk and flushes; the CLI commits after every chunk, so no
transaction holds more than `limit` (≤ 10,000) deleted rows and check-ins keep flowing.
Rows of other tables pointing at a deleted visit or visitor are deleted too, or set to NULL
when the column allows it (a case keeps its reference, a pass reads "deleted").
"""
from sqlalchemy import delete, exists, select, update

from ..checkin.addresses import purge_addresses as _purge_addresses
from ..checkin.models import Visit
from .. import partitions
from ..extensions import db
from ..staff.crossings import purge_crossings as _purge_crossings
from ..tracing.models import Exposure, ExposureNotice
from ..visitors.models import Visitor

MAX_CHUNK = 10000
# SQLite has one writer at a time: a chunk holds the write lock for about 8 ms and the pause
# lets waiting check-ins in (their 99th percentile stays under twice the quiet figure).
SQLITE_CHUNK, SQLITE_PAUSE = 50, 0.05


def chunking_for(dialect_name):
    """(rows per transaction, seconds to pause after each) suited to the database."""
    if dialect_name == "sqlite":
        return SQLITE_CHUNK, SQLITE_PAUSE
    return MAX_CHUNK, 0.0


def _check(limit):
    if not 0 < limit <= MAX_CHUNK:
        raise ValueError(f"chunk size must be 1..{MAX_CHUNK}")


def references_to(table_name):
    """(table, column) of every foreign key from another table to `table_name`."""
    found = []
    for table in db.metadata.sorted_tables:
        if table.name == table_name:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == table_name:
                found.append((table, fk.parent))
    return found


def _release(table_name, ids):
    """Detach or delete the rows of other tables that point at rows about to be deleted."""
    for table, column in references_to(table_name):
        if column.nullable:
            db.session.execute(update(table).where(column.in_(ids)).values({column.name: None}))
        else:
            db.session.execute(delete(table).where(column.in_(ids)))


def purge_visits(cutoff, limit=MAX_CHUNK):
    """Delete up to `limit` visits that began before `cutoff`; returns how many."""
    _check(limit)
    ids = list(db.session.scalars(
        select(Visit.id).where(Visit.checked_in_at < cutoff).order_by(Visit.checked_in_at).limit(limit)
    ))
    if not ids:
        return 0
    # Dependents' visits point at their lead's visit; a lead may go in this chunk, its followers later.
    db.session.execute(
        update(Visit).where(Visit.lead_visit_id.in_(ids)).values(lead_visit_id=None)
        .execution_options(synchronize_session=False)
    )
    _release("visits", ids)
    db.session.execute(delete(Visit).where(Visit.id.in_(ids)).execution_options(synchronize_session=False))
    db.session.flush()
    return len(ids)


def purge_notices(cutoff, limit=MAX_CHUNK):
    """Delete up to `limit` warnings whose exposure window ended before `cutoff`."""
    _check(limit)
    rows = db.session.execute(
        select(ExposureNotice.exposure_id, ExposureNotice.visitor_id)
        .join(Exposure, Exposure.id == ExposureNotice.exposure_id)
        .where(Exposure.ends_at < cutoff)
        .limit(limit)
    ).all()
    for exposure_id in {r.exposure_id for r in rows}:
        visitor_ids = [r.visitor_id for r in rows if r.exposure_id == exposure_id]
        db.session.execute(
            delete(ExposureNotice)
            .where(ExposureNotice.exposure_id == exposure_id, ExposureNotice.visitor_id.in_(visitor_ids))
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
    return len(rows)


def _unused(cutoff):
    """The conditions on a profile the purge may delete: not seen since `cutoff`, no visits and no
    dependents left."""
    child = Visitor.__table__.alias("child")
    return (Visitor.last_seen_at < cutoff, Visitor.created_at < cutoff,
            ~exists().where(Visit.visitor_id == Visitor.id), ~exists().where(child.c.lead_id == Visitor.id))


def _candidates(cutoff, limit):
    """Up to `limit` profiles the purge may delete, as they were when asked."""
    return list(db.session.scalars(select(Visitor.id).where(*_unused(cutoff)).order_by(Visitor.id).limit(limit)))


def _still_unused(ids, cutoff):
    """Those of `ids` that may still be deleted, now that this transaction holds them: a person may
    have checked in since they were picked, and deleting them would delete that visit with them.

    A no-op UPDATE with the same conditions: on SQLite it takes the database's write lock first, so
    it decides on the latest rows and nothing commits before the purge's chunk does; on PostgreSQL
    it waits for a check-in holding the person's row and then finds `last_seen_at` renewed (every
    check-in writes it when it is older than a day), and a check-in that comes later waits for the
    purge's commit and finds no such person any more."""
    return list(db.session.scalars(
        update(Visitor).where(Visitor.id.in_(ids), *_unused(cutoff)).values(last_seen_at=Visitor.last_seen_at)
        .returning(Visitor.id).execution_options(synchronize_session=False)
    ))


def purge_visitors(cutoff, limit=MAX_CHUNK):
    """Delete up to `limit` profiles not seen since `cutoff` with no visits and no dependents left."""
    _check(limit)
    ids = _candidates(cutoff, limit)
    if ids:
        ids = _still_unused(ids, cutoff)
    if not ids:
        return 0
    _release("visitors", ids)
    db.session.execute(delete(Visitor).where(Visitor.id.in_(ids)).execution_options(synchronize_session=False))
    db.session.flush()
    return len(ids)


def purge_crossings(cutoff, limit=MAX_CHUNK):
    """Delete up to `limit` checkpoint crossings older than `cutoff`; returns how many."""
    _check(limit)
    return _purge_crossings(cutoff, limit)


def purge_addresses(cutoff, limit=MAX_CHUNK):
    """Delete up to `limit` keyed hashes of registrations' client addresses older than `cutoff`."""
    _check(limit)
    return _purge_addresses(cutoff, limit)


#: The steps of a purge, in order: visits and crossings first, so their people may go afterwards.
STEPS = (("visits", purge_visits), ("crossings", purge_crossings), ("warnings", purge_notices),
         ("visitors", purge_visitors))


def purge(cutoff, limit, commit, on_chunk=None, addresses_before=None):
    """Run every step until nothing older than `cutoff` is left, calling `commit` after each chunk.

    `addresses_before` (at most 14 days ago, see checkin/addresses.py) adds the registrations'
    address hashes, kept for a shorter time than visits. Returns {step name: rows deleted}.
    """
    steps = STEPS
    if addresses_before is not None:
        steps = (*STEPS, ("addresses", lambda _cutoff, size: purge_addresses(addresses_before, size)))
    totals = {name: 0 for name, _step in steps}
    # On PostgreSQL whole days older than the cutoff go first, a partition at a time (no dead rows).
    while dropped := partitions.drop_before(db.session.connection(), cutoff):
        for gone in dropped:
            totals[gone.table] += gone.rows
            if on_chunk is not None:
                on_chunk(gone.table, gone.rows)
        commit()
    for name, step in steps:
        while True:
            count = step(cutoff, limit)
            commit()
            if not count:
                break
            totals[name] += count
            if on_chunk is not None:
                on_chunk(name, count)
    return totals
