"""Expiry of the register: run by `flask data purge` (portal/privacy/cli.py).

A case is kept while it is open (status "under care") and then `PORTAL_CASE_RETENTION_DAYS`
days after it closed; a followed-up contact while their quarantine runs (until the end of its
last local day, or until they were released or became a case) and then as long. A contact that
became a case still kept, or led to an F2 still kept, stays with it so the chain of
transmission holds; a case stays while any of its contacts does. Each call deletes one bounded chunk and
flushes; the caller commits and calls again until nothing is left.
"""
from datetime import timedelta

from sqlalchemy import and_, delete, exists, or_, select, update

from ..clock import local_date
from ..extensions import db
from .models import CaseClassification, CaseContact, CaseTest, HealthCase


def _contact_ids(cutoff, tz_name, limit):
    last_day = local_date(cutoff, tz_name)  # a quarantine whose last day ended by the cutoff
    child = CaseContact.__table__.alias("child")
    return list(db.session.scalars(
        select(CaseContact.id)
        .where(or_(CaseContact.closed_at < cutoff,
                   and_(CaseContact.closed_at.is_(None), CaseContact.quarantine_ends_on < last_day)),
               CaseContact.became_case_id.is_(None),
               ~exists().where(child.c.parent_id == CaseContact.id))
        .order_by(CaseContact.id).limit(limit)))


def _case_ids(cutoff, limit):
    return list(db.session.scalars(
        select(HealthCase.id)
        .where(HealthCase.closed_at < cutoff, ~exists().where(CaseContact.case_id == HealthCase.id))
        .order_by(HealthCase.id).limit(limit)))


def purge_register(now, retention_days, tz_name, limit):
    """Delete up to `limit` expired contacts (with their tests) and cases (with their history).

    Returns (contacts deleted, cases deleted).
    """
    cutoff = now - timedelta(days=retention_days)
    contact_ids = _contact_ids(cutoff, tz_name, limit)
    if contact_ids:
        db.session.execute(delete(CaseTest).where(CaseTest.contact_id.in_(contact_ids))
                           .execution_options(synchronize_session=False))
        db.session.execute(delete(CaseContact).where(CaseContact.id.in_(contact_ids))
                           .execution_options(synchronize_session=False))
    case_ids = _case_ids(cutoff, limit)
    if case_ids:
        # The contact a case came from outlives it; it forgets the case and expires in its turn.
        db.session.execute(update(CaseContact).where(CaseContact.became_case_id.in_(case_ids))
                           .values(became_case_id=None).execution_options(synchronize_session=False))
        db.session.execute(delete(CaseClassification).where(CaseClassification.case_id.in_(case_ids))
                           .execution_options(synchronize_session=False))
        db.session.execute(delete(HealthCase).where(HealthCase.id.in_(case_ids))
                           .execution_options(synchronize_session=False))
    db.session.flush()
    return len(contact_ids), len(case_ids)


def purge_all(now, retention_days, tz_name, limit, commit):
    """Run purge_register until nothing expired is left, committing after each chunk: (contacts, cases)."""
    totals = [0, 0]
    while True:
        contacts, cases = purge_register(now, retention_days, tz_name, limit)
        commit()
        if not contacts and not cases:
            return tuple(totals)
        totals[0] += contacts
        totals[1] += cases
