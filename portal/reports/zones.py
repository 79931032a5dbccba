"""Zone levels: a province admin sets a ward's level from a date; earlier levels stay as history."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from .models import LEVELS, ZoneLevel


def set_level(actor, ward, level, effective_on, note="", now=None, suggestion=None):
    """Add a level for a ward from a date (the actor must be a province admin; the route checks),
    keeping beside it what the case figures suggested then (suggestion.Suggestion), if anything."""
    if level not in LEVELS:
        raise ValueError("level must be 1 to 4")
    entry = ZoneLevel(ward_code=ward.code, level=level, effective_on=effective_on,
                      note=(note or "").strip(), set_by_id=actor.id)
    if suggestion is not None and suggestion.level is not None:
        entry.suggested_level = suggestion.level
        entry.suggested_cases = suggestion.cases
        entry.suggested_population = suggestion.population
    if now is not None:
        entry.set_at = now
    db.session.add(entry)
    db.session.flush()
    return entry


def levels_on(ward_codes, day):
    """{ward code: ZoneLevel in force on `day`}; wards without a level are left out.

    The entry in force is the one with the latest effective date not after `day`; for two entries
    with the same date, the one set last.
    """
    query = select(ZoneLevel).where(ZoneLevel.effective_on <= day).order_by(
        ZoneLevel.ward_code, ZoneLevel.effective_on, ZoneLevel.id)
    if ward_codes is not None:
        query = query.where(ZoneLevel.ward_code.in_(list(ward_codes)))
    current = {}
    for entry in db.session.scalars(query):
        current[entry.ward_code] = entry
    return current


def history(ward):
    """Every level a ward had or will have, newest first."""
    return db.session.scalars(
        select(ZoneLevel).options(joinedload(ZoneLevel.set_by)).where(ZoneLevel.ward_code == ward.code)
        .order_by(ZoneLevel.effective_on.desc(), ZoneLevel.id.desc())
    ).all()
