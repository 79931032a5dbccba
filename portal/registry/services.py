"""Import the official registry: all rows or none, update by registration number, mark departures."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update

from ..collation import sorted_vi
from ..extensions import db
from ..security import visible_ward_codes
from .matching import refresh_matches
from .models import Establishment, RegistryImport, sort_keys_of
from .limits import MAX_PROBLEMS, FileRejected
from .problems import Issue, outside_wards
from .reader import read_table
from .records import validate

FIELDS = ("name", "address", "ward_code", "category")
CHUNK = 5000
LOOKUP = 900  # numbers per IN (...): under the 999 variables of older SQLite


class RowsRejected(ValueError):
    """Some rows are bad; nothing was imported. `problems` holds (row, problems.Issue), the first
    MAX_PROBLEMS of them; `bad_rows` counts every bad row."""

    def __init__(self, problems, bad_rows=None, checked=None, allowed=None):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems
        self.bad_rows = len({row for row, _reason in problems}) if bad_rows is None else bad_rows
        self.truncated = self.bad_rows > len({row for row, _reason in problems})
        #: Rows read, and of them those in wards outside `allowed` with the file's ward names.
        self.rows = checked.rows if checked else self.bad_rows
        wards = checked.wards if checked else None
        names = {code: ward.name for code, ward in wards.codes.items()} if wards else {}
        self.outside_rows, self.file_wards = outside_wards(wards.rows, allowed, names) if wards else (0, [])
        self.your_wards = sorted_vi(names[c] for c in allowed if c in names) if self.outside_rows else []


class CategoriesToCheck(ValueError):
    """The file is good but some types were read by synonym or not at all: nothing was imported
    until the official has seen `readings` (categories.Reading, most rows first)."""

    def __init__(self, readings, rows):
        super().__init__(f"{len(readings)} types to check")
        self.readings, self.rows = readings, rows


class _Batches:
    """Rows written CHUNK at a time, so 300,000 of them never sit in memory as dicts."""

    def __init__(self, statement):
        self.statement, self.pending, self.count = statement, [], 0

    def add(self, values):
        self.pending.append(values)
        self.count += 1
        if len(self.pending) >= CHUNK:
            self.flush()

    def flush(self):
        if self.pending:
            db.session.execute(self.statement, self.pending)
            self.pending = []


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
    categories: tuple = ()  # the types read by synonym or not at all (categories.Reading)


def _chunks(records):
    for start in range(0, len(records), LOOKUP):
        yield records[start:start + LOOKUP]


def _existing(records):
    """{registration number: row} of the establishments already holding these records' numbers."""
    numbers = [r.registration_number for r in records]
    return {row.registration_number: row for row in db.session.execute(
        select(Establishment.id, Establishment.registration_number, Establishment.status,
               *(getattr(Establishment, f) for f in FIELDS))
        .where(Establishment.registration_number.in_(numbers)))}


def import_registry(data, *, filename, actor, province_code, now, categories_checked=True):
    """Import a CSV/XLSX registry file for an actor (None: the command line, every ward).

    Raises FileRejected or RowsRejected, having written nothing, or CategoriesToCheck when
    `categories_checked` is false and some types were not read exactly; else flushes and returns the result.
    The file is streamed and checked against the caps in limits.py before anything is written.
    """
    header, rows = read_table(data)
    allowed = None if actor is None else visible_ward_codes(actor)
    checked = validate(header, rows, province_code, allowed)
    records, problems, bad_rows = checked.records, checked.problems, checked.bad_rows
    if allowed is not None:
        for chunk in _chunks(records):
            existing = _existing(chunk)
            for record in chunk:
                old = existing.get(record.registration_number)
                if old is not None and old.ward_code not in allowed:
                    bad_rows += 1
                    if len(problems) < MAX_PROBLEMS:
                        problems.append((record.row, Issue(_l(
                            "registration number %(value)s belongs to a place in a ward that is not yours",
                            value=record.registration_number), "registration_number",
                            _l("registration number of a place in a ward that is not yours"),
                            record.registration_number)))
    if problems:
        raise RowsRejected(sorted(problems, key=lambda p: p[0]), bad_rows, checked, allowed)
    readings = checked.categories.to_check()
    if readings and not categories_checked:
        raise CategoriesToCheck(readings, checked.rows)
    del checked

    inserts, updates, unchanged = _Batches(insert(Establishment)), _Batches(update(Establishment)), 0
    for chunk in _chunks(records):
        existing = _existing(chunk)
        for record in chunk:
            values = {f: getattr(record, f) for f in FIELDS}
            old = existing.get(record.registration_number)
            if old is None:
                inserts.add(dict(values, registration_number=record.registration_number, status="listed",
                                 imported_at=now, updated_at=now))
            elif old.status != "listed" or any(getattr(old, f) != values[f] for f in FIELDS):
                updates.add(dict(values, **sort_keys_of(values), id=old.id, status="listed", departed_at=None, updated_at=now))
            else:
                unchanged += 1
    inserts.flush()
    updates.flush()
    file_wards = {r.ward_code for r in records}
    in_file = {r.registration_number for r in records}
    total, unknown = len(records), sum(1 for r in records if not r.category_known)
    del records  # matching below loads the wards' establishments again: free these first
    # Only wards the file covers: a file for one ward must not empty the others.
    listed = select(Establishment.id, Establishment.registration_number).where(
        Establishment.status == "listed", Establishment.ward_code.in_(file_wards))
    gone = [row.id for row in db.session.execute(listed.execution_options(yield_per=CHUNK))
            if row.registration_number not in in_file]
    del in_file
    departures = _Batches(update(Establishment))
    for establishment_id in gone:
        departures.add({"id": establishment_id, "status": "departed", "departed_at": now, "updated_at": now})
    departures.flush()
    db.session.flush()
    matched, proposed = refresh_matches(file_wards, now)
    result = ImportResult(
        rows=total, added=inserts.count, updated=updates.count, unchanged=unchanged,
        departed=departures.count, matched=matched, proposed=proposed, unknown_categories=unknown,
        categories=tuple(readings),
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


__all__ = ["FileRejected", "RowsRejected", "CategoriesToCheck", "ImportResult", "import_registry", "group_problems", "recent_imports"]
