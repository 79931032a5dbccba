"""What the register keeps when a person deletes their data (visitors/erasure.py).

A person is held (`person_holds`) while they are an open case or their quarantine runs. The
register's own records are the health service's and are not deleted at the person's request: they
stay until `flask data purge` deletes them (portal/cases/expiry.py), and are listed as kept. A
person who is not held only loses the link from those records to their check-in profile.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..clock import day_start
from ..extensions import db
from ..visitors.erasure import Hold, Kept, Part
from .classification import OPEN_STATUS
from .models import CaseContact, HealthCase

WHY = {
    "health_case": _l("The health service is caring for this person as a confirmed case."),
    "quarantine": _l("The health service follows this person up during their quarantine."),
    "register": _l("Health records of the case register are kept for the health service until their "
                   "retention period ends."),
}


def _retention():
    return timedelta(days=int(current_app.config["PORTAL_CASE_RETENTION_DAYS"]))


def _ends(row, now):
    """When a record's retention starts: closed, else the end of its quarantine, else (open) now."""
    if row.closed_at is not None:
        return row.closed_at
    if isinstance(row, CaseContact):
        return max(day_start(row.quarantine_ends_on + timedelta(days=1)), now)
    return now


def person_holds(visitor_ids, now):
    """The `person_holds` answer of the register: {visitor_id: Hold} for open cases and quarantines."""
    ids = list(visitor_ids)
    held = {}
    for case in db.session.scalars(select(HealthCase).where(HealthCase.visitor_id.in_(ids),
                                                            HealthCase.status == OPEN_STATUS)):
        held[case.visitor_id] = Hold(reason="health_case", why=WHY["health_case"], until=now + _retention())
    for contact in db.session.scalars(select(CaseContact).where(CaseContact.visitor_id.in_(ids),
                                                                CaseContact.status == "quarantine")):
        until = _ends(contact, now)
        if until > now and contact.visitor_id not in held:
            held[contact.visitor_id] = Hold(reason="quarantine", why=WHY["quarantine"], until=until)
    return held


def erase_person_data(visitor_ids, held, now, apply):
    """The `erase_person_data` answer: the register's records stay (listed as kept); those of people
    not held forget their check-in profile."""
    ids = list(visitor_ids)
    rows = [*db.session.scalars(select(HealthCase).where(HealthCase.visitor_id.in_(ids))),
            *db.session.scalars(select(CaseContact).where(CaseContact.visitor_id.in_(ids)))]
    kept = []
    if rows:
        until = max(_ends(row, now) for row in rows) + _retention()
        kept.append(Kept(what=_l("Case register records: %(count)d", count=len(rows)), why=WHY["register"],
                         until=until, category="case_register", count=len(rows), reason="register"))
    going = [i for i in ids if i not in held]
    if apply and going:
        for model in (HealthCase, CaseContact):
            db.session.execute(update(model).where(model.visitor_id.in_(going)).values(visitor_id=None)
                               .execution_options(synchronize_session=False))
        db.session.flush()
    return Part(removed={}, kept=kept)
