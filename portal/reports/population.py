"""Wards' populations from a CSV or XLSX file: every row good, or nothing imported.

The file has a ward column (code or name, as in the registry file) and a population column; a
ward the file names gets its population replaced, the other wards keep theirs.
"""
import re

from flask_babel import format_decimal, lazy_gettext as _l
from sqlalchemy import select

from ..clock import utcnow
from ..extensions import db
from ..registry.limits import FileRejected
from ..registry.match_keys import compact
from ..registry.reader import read_table
from ..registry.records import WardResolver
from .models import WardPopulation

MAX_POPULATION = 5_000_000  # the largest ward of the country has well under a million people
MAX_PROBLEMS = 200
_HEADERS = {
    "ward": ("ward", "wardcode", "phuong", "xa", "phuongxa", "maphuong", "maxa", "maphuongxa",
             "ma", "code", "commune", "donvi", "madonvi", "tenphuong", "tenphuongxa"),
    "population": ("population", "danso", "sodan", "songuoi", "nhankhau", "sonhankhau", "people"),
}
_SEPARATORS = re.compile(r"[ .,\u00a0\u202f]")

__all__ = ["FileRejected", "PopulationRejected", "import_population", "populations"]


class PopulationRejected(ValueError):
    """Rows with problems: `problems` is [(row number, message)], the first MAX_PROBLEMS."""

    def __init__(self, problems, bad_rows):
        super().__init__(f"{bad_rows} bad rows")
        self.problems, self.bad_rows = problems, bad_rows


def _columns(header):
    found = {}
    for index, title in enumerate(header):
        key = compact(title)
        for field, names in _HEADERS.items():
            if key in names:
                if field in found:
                    raise FileRejected(_l("The column “%(name)s” appears twice.", name=title))
                found[field] = index
    if len(found) < len(_HEADERS):
        raise FileRejected(_l("The first row must name two columns: the ward (code or name) and its "
                              "population, for example “Mã phường” and “Dân số”."))
    return found


def _population(raw):
    """The number of people, or None: digits with optional thousands separators (12.345 or 12 345)."""
    text = _SEPARATORS.sub("", (raw or "").strip())
    if not text.isdigit() or len(text) > 9:
        return None
    return int(text)


def _check(header, rows, province_code):
    columns = _columns(header)
    wards = WardResolver(province_code)
    found, problems, bad_rows, seen = {}, [], 0, {}
    for number, cells in rows:
        def cell(field, cells=cells):
            index = columns[field]
            return cells[index] if index < len(cells) else ""

        reasons = []
        code, issue = wards.resolve(cell("ward"))
        if issue is not None:
            reasons.append(str(issue))
        elif code in seen:
            reasons.append(str(_l("the ward is already on row %(row)s", row=seen[code])))
        people = _population(cell("population"))
        if people is None:
            reasons.append(str(_l("the population “%(value)s” is not a whole number of people",
                                  value=cell("population").strip()[:40])))
        elif not 0 < people <= MAX_POPULATION:
            reasons.append(str(_l("the population must be between 1 and %(max)s", max=format_decimal(MAX_POPULATION))))
        if reasons:
            bad_rows += 1
            if len(problems) < MAX_PROBLEMS:
                problems.append((number, "; ".join(reasons)))
            continue
        seen[code] = number
        found[code] = people
    if bad_rows:
        raise PopulationRejected(problems, bad_rows)
    if not found:
        raise FileRejected(_l("The file has a header but no ward under it."))
    return found


def import_population(data, actor, province_code, now=None):
    """{ward code: population} saved from the file's bytes; raises FileRejected or
    PopulationRejected, having saved nothing. The caller commits."""
    header, rows = read_table(data)
    found = _check(header, rows, province_code)
    now = now or utcnow()
    existing = {p.ward_code: p for p in db.session.scalars(
        select(WardPopulation).where(WardPopulation.ward_code.in_(list(found))))}
    for code, people in found.items():
        entry = existing.get(code)
        if entry is None:
            db.session.add(WardPopulation(ward_code=code, population=people, imported_at=now,
                                          imported_by_id=actor.id))
        else:
            entry.population, entry.imported_at, entry.imported_by_id = people, now, actor.id
    db.session.flush()
    return found


def populations(ward_codes=None):
    """{ward code: population} of the wards given (all when None)."""
    query = select(WardPopulation.ward_code, WardPopulation.population)
    if ward_codes is not None:
        query = query.where(WardPopulation.ward_code.in_(list(ward_codes)))
    return dict(db.session.execute(query).all())
