"""Import the official registry: all rows or none, update by registration number, mark departures."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update

from ..extensions import db
from ..security import visible_ward_codes
from .matching import refresh_matches
from .models import Establishment, RegistryImport
from .reader import FileRejected, read_table
from .rows import validate

FIELDS = ("name", "address", "ward_code", "category")
CHUNK = 5000


class RowsRejected(ValueError):
    """Some rows are bad; nothing was imported. `problems` holds (row, reason) for every one."""

    def __init__(self, problems):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class ImportResult:
    rows: int
    added: int
    updated: int
    unchanged: int
    departed: int
    matched: int
    proposed: int
    unknown_categories: int


def import_registry(data, *, filename, actor, province_code, now):
    """Import a CSV/XLSX registry file for an actor (None: the command line, every ward).

    Raises FileRejected or RowsRejected, having written nothing; else flushes and returns the result.
    """
    header, rows = read_table(data)
    allowed = None if actor is None else visible_ward_codes(actor)
    records, problems = validate(header, rows, province_code, allowed)
    existing = {
        row.registration_number: row
        for row in db.session.execute(
            select(Establishment.id, Establishment.registration_number, Establishment.status,
                   *(getattr(Establishment, f) for f in FIELDS))
        )
    }
    if allowed is not None:
        for record in records:
            old = existing.get(record.registration_number)
            if old is not None and old.ward_code not in allowed:
                problems.append((record.row, _l(
                    "registration number %(value)s belongs to a place in a ward that is not yours",
                    value=record.registration_number)))
    if problems:
        raise RowsRejected(sorted(problems, key=lambda p: p[0]))

    inserts, updates, unchanged = [], [], 0
    for record in records:
        values = {f: getattr(record, f) for f in FIELDS}
        old = existing.get(record.registration_number)
        if old is None:
            inserts.append(dict(values, registration_number=record.registration_number, status="listed",
                                imported_at=now, updated_at=now))
        elif old.status != "listed" or any(getattr(old, f) != values[f] for f in FIELDS):
            updates.append(dict(values, id=old.id, status="listed", departed_at=None, updated_at=now))
        else:
            unchanged += 1
    file_wards = {r.ward_code for r in records}
    in_file = {r.registration_number for r in records}
    # Only wards the file covers: a file for one ward must not empty the others.
    departures = [
        {"id": old.id, "status": "departed", "departed_at": now, "updated_at": now}
        for number, old in existing.items()
        if old.status == "listed" and old.ward_code in file_wards and number not in in_file
    ]
    for start in range(0, len(inserts), CHUNK):
        db.session.execute(insert(Establishment), inserts[start:start + CHUNK])
    for batch in (updates, departures):
        for start in range(0, len(batch), CHUNK):
            db.session.execute(update(Establishment), batch[start:start + CHUNK])
    db.session.flush()
    matched, proposed = refresh_matches(file_wards, now)
    result = ImportResult(
        rows=len(records), added=len(inserts), updated=len(updates), unchanged=unchanged,
        departed=len(departures), matched=matched, proposed=proposed,
        unknown_categories=sum(1 for r in records if not r.category_known),
    )
    db.session.add(RegistryImport(
        filename=(filename or "")[:200], official_id=actor.id if actor else None, imported_at=now,
        rows=result.rows, added=result.added, updated=result.updated, departed=result.departed,
        matched=result.matched, proposed=result.proposed,
    ))
    db.session.flush()
    return result


def group_problems(problems):
    """Consecutive rows with the same reason as (first row, last row, reason), for a short list."""
    groups = []
    for row, reason in problems:
        text = str(reason)
        if groups and groups[-1][2] == text and groups[-1][1] == row - 1:
            groups[-1][1] = row
        else:
            groups.append([row, row, text])
    return [tuple(g) for g in groups]


def recent_imports(actor, limit=10):
    """The latest imports: every import for a province admin, one's own for a ward official."""
    query = select(RegistryImport).order_by(RegistryImport.imported_at.desc()).limit(limit)
    if visible_ward_codes(actor) is not None:
        query = query.where(RegistryImport.official_id == actor.id)
    return db.session.scalars(query).all()


__all__ = ["FileRejected", "RowsRejected", "ImportResult", "import_registry", "group_problems", "recent_imports"]
