"""Whether a scanned person must be referred to health staff rather than admitted: an active case
of the register, or a contact whose quarantine has not ended (the `admission_holds` signal).

The person is the scanned profile, or a case or contact recorded with the same phone or ID number
(the look-up hashes), as on their own /me page. The scanner learns only yes or no; which of the
two, and why, stays with the health roles. One statement.
"""
from sqlalchemy import and_, exists, or_, select

from ..clock import local_date
from ..extensions import db
from ..visitors.models import Visitor
from .classification import OPEN_STATUS
from .models import CaseContact, HealthCase


def _same_person(model, visitor_id):
    """`model`'s row is about this profile: by its id, or by the profile's phone (or ID number) hash."""
    def hash_of(column):
        return select(column).where(Visitor.id == visitor_id).scalar_subquery()

    found = [model.visitor_id == visitor_id, and_(model.phone_hash.is_not(None), model.phone_hash == hash_of(Visitor.phone_hash))]
    if hasattr(model, "id_number_hash"):
        found.append(and_(model.id_number_hash.is_not(None), model.id_number_hash == hash_of(Visitor.id_number_hash)))
    return or_(*found)


def held_from_admission(visitor_id, now):
    """True for a person under care as a case, or in quarantine up to its last day (local date)."""
    case = exists().where(_same_person(HealthCase, visitor_id), HealthCase.status == OPEN_STATUS)
    contact = exists().where(_same_person(CaseContact, visitor_id), CaseContact.status == "quarantine",
                             CaseContact.quarantine_ends_on >= local_date(now))
    return bool(db.session.scalar(select(or_(case, contact))))
